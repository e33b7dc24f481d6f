"""The words of the workshop brief (:mod:`coop_agents.workshop.brief`), in English and Simplified Chinese.

:data:`BRIEF` holds headings, captions and panel texts by language; :data:`PHRASES` how a headline
says that one pattern did better or worse than another on an outcome. Numbers never live here:
templates take them as ``{placeholders}``, filled from the analysis tables. Nor do outcomes' labels,
units, better directions or reasons for being undefined: those are the outcome registry's
(:mod:`coop_agents.outcome_registry`). A key ending in ``_any`` is the wording of a scenario that
is not an epidemic (a shock, or events of several hazards): "events" where an epidemic has
"outbreaks".
"""

from __future__ import annotations

__all__ = ["BRIEF", "PHRASES", "LANGS"]

LANGS = ("zh", "en")

BRIEF: dict[str, dict[str, str]] = {
    "en": {
        "html_lang": "en",
        "title": "Policy brief: {scenario}",
        "subtitle": "{patterns} compared on {replicates} paired simulated {events_plural}",
        "print": "Print or save as PDF",
        "toc": "Contents",
        "sec_story": "The scenario",
        "sec_patterns": "The coordination patterns compared",
        "sec_headlines": "Key findings",
        "sec_predictions": "Predictions and what happened",
        "sec_time": "Over time",
        "sec_distributions": "How much the outbreaks vary",
        "sec_distributions_any": "How much the events vary",
        "sec_equity": "Vulnerable residents",
        "sec_table": "All outcomes",
        "sec_assumptions": "Assumptions and limits",
        "sec_reproduce": "Reproduce this brief",
        "facts": "Key facts",
        "notes": "Notes",
        "actors": "Who acts",
        "levers": "Settings",
        "baseline_tag": "baseline",
        "headlines_intro": "Each pattern faced the same {replicates} simulated {events_plural} as {baseline} "
        "(the same district, the same hazard, the same chance events), so every "
        "comparison below is made pair by pair. Intervals are 95% confidence intervals "
        "of the average over these {events_plural}.",
        "event_one": "outbreak",
        "events": "outbreaks",
        "event_one_any": "event",
        "events_any": "events",
        "headline_better": "In {k} of {n} simulated {events}, {phrase} under {a} than under {b}{ties}; "
        "on average {pct}% {word} (95% CI {lo}–{hi}%; {abs} {unit}, 95% CI {abs_lo}–{abs_hi}).",
        "headline_unclear": "In {k} of {n} simulated {events}, {phrase} under {a} than under {b}{ties}; "
        "on average {pct}% {word}, but the 95% CI runs from {lo}% {word_lo} to {hi}% "
        "{word_hi}, so these {n} {events} cannot tell the two apart.",
        "headline_abs": "In {k} of {n} simulated {events}, {phrase} under {a} than under {b}{ties}; "
        "on average {abs} {unit} {word} (95% CI {abs_lo}–{abs_hi}); {b} averaged zero, so "
        "no percentage is given.",
        "headline_abs_norel": "In {k} of {n} simulated {events}, {phrase} under {a} than under {b}{ties}; "
        "on average {abs} {unit} {word} (95% CI {abs_lo}–{abs_hi}); {b}'s values are "
        "too often zero for a percentage with a confidence interval.",
        "headline_abs_unclear": "In {k} of {n} simulated {events}, {phrase} under {a} than under {b}{ties}; "
        "on average {abs} {unit} {word}, but the 95% CI runs from {abs_lo} {word_lo} "
        "to {abs_hi} {word_hi}, so these {n} {events} cannot tell the two apart.",
        "headline_noci": "In {k} of {n} simulated {events}, {phrase} under {a} than under {b}{ties}: "
        "{abs} {unit} {word}; a single pair gives no confidence interval.",
        "headline_same": "In all {n} simulated {events}, {a} and {b} gave the same “{label}”.",
        "headline_none": "“{label}”: {a} and {b} cannot be compared, because it was not defined in any "
        "of the paired simulations ({why}).",
        "ties": " (and the same in {m})",
        "missing": " Pairs left out because “{label}” was not defined in one of the two runs ({why}): {m}.",
        "why_other": "the outcome was not defined",
        "truncated_all": "In {pct}% of the runs of every pattern the simulation reached the scenario's cap "
        "of days before the {event} was over: those runs were cut short, and their "
        "containment time counts until the last day.",
        "truncated_some": "Some runs reached the scenario's cap of days before the {event} was over and were "
        "cut short (their containment time counts until the last day): {each}.",
        "truncated_one": "{label} {pct}% of {n} runs",
        "pred_intro": "Before the results were shown, participants predicted which pattern would do best.",
        "pred_outcome": "Outcome",
        "pred_who": "Participant",
        "pred_guess": "Predicted",
        "pred_right": "Right?",
        "pred_best": "Best in the simulations: {label} (mean {mean} {unit}).",
        "yes": "yes",
        "no": "no",
        "time_caption": "Mean over the {replicates} simulated {events} of each pattern (line), the 95% "
        "confidence interval of that mean (dark band) and the range of the middle 95% "
        "of the {events} (light band), day by day.",
        "dist_caption": "Each dot is one simulated {event}; boxes span the middle half, the line is the "
        "median and the diamond the mean.",
        "equity_intro": "Unmet need-days: days on which a resident needed care, supplies or help to "
        "evacuate and nobody met that need. The equity gap is the unmet share of "
        "vulnerable residents' need-days minus that of the others (above 0: vulnerable "
        "residents were served worse).",
        "equity_caption": "Mean unmet need-days of vulnerable residents and of the others per pattern, "
        "with 95% confidence intervals.",
        "equity_missing": "The equity gap is not defined in {m} runs of {a} ({why}).",
        "pattern": "Pattern",
        "outcome": "Outcome",
        "unit": "Unit",
        "mean_ci": "Mean (95% CI)",
        "diff_ci": "Difference from {b} (95% CI)",
        "rel_ci": "Relative (95% CI)",
        "better_in": "Better in",
        "table_intro": "Means over the paired runs of each pattern, with 95% confidence intervals, and "
        "the paired difference from {b}. Arrows show which direction is better; an outcome "
        "without one is neither better nor worse in itself.",
        "table_print_note": "The table of every outcome, with its confidence intervals and paired "
        "differences, is in the HTML file of this brief (left out of the printout).",
        "na": "n/a",
        "lower_better": "↓ lower is better",
        "higher_better": "↑ higher is better",
        "day": "day",
        "series_prevalence": "Share of residents affected now",
        "series_harm": "Residents harmed so far",
        "series_measures": "Share of residents under measures",
        "series_unmet_needs": "Unmet needs that day",
        "vulnerable": "vulnerable residents",
        "others": "other residents",
        "assumptions_lead": "This is a stylised model, not a forecast. It shows how the way actors are "
        "connected and authorised changes the course of a crisis in a synthetic "
        "district; it does not predict what will happen in any real place.",
        "assumptions": "\n".join(
            (
                "The source theory (Zhou Xuerong and Zeng Shuijie, full-cycle refined governance) has no "
                "data: every rate in the model is an assumption, to be explored, not a measured quantity.",
                "The district is generated: a few street offices, their communities (urban, old urban, "
                "rural) and residents; real districts differ in size, ties and resources.",
                "Organisations follow simple rules (perceive, report, request, approve, act); they do not "
                "bargain, learn strategies or act outside their role, and leaders are not modelled as "
                "individuals.",
                "The hazard is a network epidemic or a local shock with fixed rates; residents differ only "
                "by community, vulnerability, trust and compliance.",
                "Delays count from the day a community's true risk reached the alert threshold; a measure "
                "that never came counts as coming when the risk ended, so never acting is not rewarded.",
                "Severe harm counts each vulnerable resident twice. Costs other than supplies (money, "
                "fatigue, lost income) are not in the model.",
                "Confidence intervals show the uncertainty from chance events in the simulation only, not "
                "the uncertainty in the model's assumptions; a sensitivity analysis of those is a separate "
                "step (coop-agents batch).",
            )
        ),
        "odd": "The full model description is docs/odd.md (ODD protocol) in the coop-agents source.",
        "repro_scenario": "Scenario",
        "repro_params": "Scenario parameters",
        "repro_patterns": "Patterns",
        "repro_baseline": "Baseline",
        "repro_replicates": "Paired replicates",
        "repro_seed": "Master seed",
        "repro_seeds": "Replicate seeds (replicate k of every pattern used seed k)",
        "repro_runs": "Runs",
        "repro_failed": "{failed} failed",
        "repro_versions": "Software",
        "repro_command": "Command",
        "repro_note": "Running the command again gives the same numbers on any machine, executor and "
        "worker count.",
        "generated": "Generated by coop-agents {version}.",
        "none": "none",
    },
    "zh": {
        "html_lang": "zh-CN",
        "title": "政策简报：{scenario}",
        "subtitle": "{patterns}：在{replicates}次配对模拟{events_plural}中的比较",
        "print": "打印或另存为PDF",
        "toc": "目录",
        "sec_story": "情景",
        "sec_patterns": "比较的协同模式",
        "sec_headlines": "主要发现",
        "sec_predictions": "预测与结果",
        "sec_time": "随时间的变化",
        "sec_distributions": "各次模拟之间的差异",
        "sec_equity": "弱势群体",
        "sec_table": "全部结果指标",
        "sec_assumptions": "假设与局限",
        "sec_reproduce": "复现本简报",
        "facts": "要点",
        "notes": "说明",
        "actors": "参与主体",
        "levers": "设置",
        "baseline_tag": "基准",
        "headlines_intro": "每种模式与{baseline}面对相同的{replicates}次模拟{events_plural}（相同的辖区、相同的"
        "风险、相同的随机事件），因此下面的每项比较都是逐对进行的。区间为这些模拟"
        "{events_plural}平均值的95%置信区间。",
        "event_one": "疫情",
        "events": "疫情",
        "event_one_any": "突发事件",
        "events_any": "突发事件",
        "headline_better": "在{n}次模拟{events}中，有{k}次{a}下的{phrase}{b}{ties}；平均{word}{pct}%"
        "（95%置信区间：{lo}%–{hi}%；即{word}{abs}{unit}，95%置信区间：{abs_lo}–{abs_hi}）。",
        "headline_unclear": "在{n}次模拟{events}中，有{k}次{a}下的{phrase}{b}{ties}；平均{word}{pct}%，"
        "但95%置信区间从{word_lo}{lo}%到{word_hi}{hi}%，这{n}次模拟不足以区分两者。",
        "headline_abs": "在{n}次模拟{events}中，有{k}次{a}下的{phrase}{b}{ties}；平均{word}{abs}{unit}"
        "（95%置信区间：{abs_lo}–{abs_hi}）；{b}的平均值为零，故不给出百分比。",
        "headline_abs_norel": "在{n}次模拟{events}中，有{k}次{a}下的{phrase}{b}{ties}；平均{word}{abs}{unit}"
        "（95%置信区间：{abs_lo}–{abs_hi}）；{b}的数值常为零，无法给出带置信区间的百分比。",
        "headline_abs_unclear": "在{n}次模拟{events}中，有{k}次{a}下的{phrase}{b}{ties}；平均{word}{abs}{unit}，"
        "但95%置信区间从{word_lo}{abs_lo}到{word_hi}{abs_hi}，这{n}次模拟不足以区分两者。",
        "headline_noci": "在{n}次模拟{events}中，有{k}次{a}下的{phrase}{b}{ties}：{word}{abs}{unit}；"
        "只有一对模拟，无法给出置信区间。",
        "headline_same": "在全部{n}次模拟{events}中，{a}与{b}的“{label}”相同。",
        "headline_none": "“{label}”：{a}与{b}无法比较，因为在所有配对模拟中该指标均无定义（{why}）。",
        "ties": "（另有{m}次相同）",
        "missing": "另有{m}对因其中一次模拟的“{label}”无定义而未计入（{why}）。",
        "why_other": "该指标无定义",
        "truncated_all": "每种模式都有{pct}%的模拟在{event}结束之前达到情景的天数上限而被截断，其控制时间计到最后一天。",
        "truncated_some": "部分模拟在{event}结束之前达到情景的天数上限而被截断（其控制时间计到最后一天）：{each}。",
        "truncated_one": "{label}{n}次模拟中的{pct}%",
        "pred_intro": "在公布结果之前，参与者预测了哪种模式表现最好。",
        "pred_outcome": "指标",
        "pred_who": "参与者",
        "pred_guess": "预测",
        "pred_right": "是否正确",
        "pred_best": "模拟中表现最好：{label}（平均{mean}{unit}）。",
        "yes": "正确",
        "no": "不正确",
        "time_caption": "各模式{replicates}次模拟{events}的逐日平均值（线）、该平均值的95%置信区间（深色带）"
        "以及居中95%模拟结果的范围（浅色带）。",
        "dist_caption": "每个点代表一次模拟{event}；箱体覆盖居中的一半结果，箱中横线为中位数，菱形为平均值。",
        "equity_intro": "未满足需求天数：居民需要照护、物资或撤离帮助而无人满足的天数。公平差距为弱势居民"
        "需求天数中未满足的比例减去其他居民的该比例（大于0表示弱势居民得到的服务更差）。",
        "equity_caption": "各模式弱势居民与其他居民的平均未满足需求天数，以及95%置信区间。",
        "equity_missing": "{a}有{m}次模拟的公平差距无定义（{why}）。",
        "pattern": "模式",
        "outcome": "指标",
        "unit": "单位",
        "mean_ci": "平均值（95%置信区间）",
        "diff_ci": "与{b}之差（95%置信区间）",
        "rel_ci": "相对差异（95%置信区间）",
        "better_in": "更好的次数",
        "table_intro": "各模式配对模拟的平均值及95%置信区间，以及与{b}的配对差异。箭头表示哪个方向更好；"
        "没有箭头的指标本身无好坏之分。",
        "table_print_note": "全部结果指标及其置信区间和配对差异的完整表格见本简报的HTML文件（打印稿从略）。",
        "na": "无数据",
        "lower_better": "↓ 越低越好",
        "higher_better": "↑ 越高越好",
        "day": "天",
        "series_prevalence": "当前受影响居民比例",
        "series_harm": "累计受影响居民",
        "series_measures": "处于管控措施下的居民比例",
        "series_unmet_needs": "当天未满足的需求",
        "vulnerable": "弱势居民",
        "others": "其他居民",
        "assumptions_lead": "这是一个程式化模型，不是预测。它展示的是在一个虚拟辖区中，各主体之间的连接方式和"
        "授权方式如何改变危机的进程；它不预测任何真实地方将会发生什么。",
        "assumptions": "\n".join(
            (
                "所依据的理论（周学荣、曾谁杰：全周期精细化治理）没有数据：模型中的每个速率都是有待探索的假设，"
                "而不是测量值。",
                "辖区是生成的：若干街道、其下的社区（城市社区、老旧小区、农村社区）和居民；真实辖区在规模、"
                "联系和资源上各不相同。",
                "各组织遵循简单规则（感知、报告、请示、审批、行动）；它们不讨价还价、不学习策略、不越出职责，"
                "也没有把领导者作为个人来建模。",
                "风险是网络上的传染病或局部冲击，速率固定；居民之间只在所属社区、脆弱性、信任和配合程度上"
                "有所不同。",
                "时延从社区真实风险达到预警阈值之日算起；从未到来的措施按风险结束之日计，因此不行动不会被"
                "“奖励”。",
                "严重伤害中每位弱势居民按两人计。物资以外的成本（资金、疲劳、收入损失）不在模型之内。",
                "置信区间只反映模拟中随机事件带来的不确定性，不反映模型假设的不确定性；对假设的敏感性分析是"
                "另一步工作（coop-agents batch）。",
            )
        ),
        "odd": "完整的模型描述见coop-agents源代码中的docs/odd.md（ODD协议）。",
        "repro_scenario": "情景",
        "repro_params": "情景参数",
        "repro_patterns": "模式",
        "repro_baseline": "基准",
        "repro_replicates": "配对重复次数",
        "repro_seed": "主随机种子",
        "repro_seeds": "各重复的随机种子（每种模式的第k次重复使用第k个种子）",
        "repro_runs": "模拟次数",
        "repro_failed": "{failed}次失败",
        "repro_versions": "软件",
        "repro_command": "命令",
        "repro_note": "再次运行该命令，在任何机器、执行器和进程数下都会得到相同的数字。",
        "generated": "由coop-agents {version}生成。",
        "none": "无",
    },
}

# How a headline says "lower" and "higher" for an outcome: a phrase completed by "under A than
# under B" (English), or a comparative between the outcome's label (the registry's) and B (Chinese);
# and the words for the size of the difference, which the unit (the registry's) follows. ``lower``
# is the phrase when A's value was lower than B's. Only outcomes with a better direction have them.
PHRASES: dict[str, dict[str, dict[str, str]]] = {
    "harm": {
        "en": {
            "lower": "fewer residents were harmed",
            "higher": "more residents were harmed",
            "less": "fewer",
            "more": "more",
        },
        "zh": {"lower": "少于", "higher": "多于", "less": "少", "more": "多"},
    },
    "severe_harm": {
        "en": {
            "lower": "fewer residents were severely harmed",
            "higher": "more residents were severely harmed",
            "less": "fewer",
            "more": "more",
        },
        "zh": {"lower": "少于", "higher": "多于", "less": "少", "more": "多"},
    },
    "response_delay": {
        "en": {
            "lower": "the response delay was shorter",
            "higher": "the response delay was longer",
            "less": "shorter",
            "more": "longer",
        },
        "zh": {"lower": "短于", "higher": "长于", "less": "短", "more": "长"},
    },
    "unmet_need_days_vulnerable": {
        "en": {
            "lower": "vulnerable residents had fewer unmet need-days",
            "higher": "vulnerable residents had more unmet need-days",
            "less": "fewer",
            "more": "more",
        },
        "zh": {"lower": "少于", "higher": "多于", "less": "少", "more": "多"},
    },
    "containment_time": {
        "en": {
            "lower": "the risk was contained sooner",
            "higher": "the risk took longer to contain",
            "less": "shorter",
            "more": "longer",
        },
        "zh": {"lower": "短于", "higher": "长于", "less": "短", "more": "长"},
    },
}
