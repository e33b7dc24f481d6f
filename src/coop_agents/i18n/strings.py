"""The app's own words in English and 简体中文 (the model's tables carry their own labels).

Parameter labels, English help texts, outcome labels, governance states, scenario titles and
pattern labels live with the model (``config.PARAMETERS``, ``metrics.OUTCOMES``,
``governance.GovernanceState``, the preset TOML files); this module adds only what those lack:
the interface, the legends, units, choice values and the Chinese help of the parameters the app
offers as controls.
"""

from __future__ import annotations

# key -> (English, Chinese). Keys name where a string appears, not what it says.
TEXTS: dict[str, tuple[str, str]] = {
    # page frame and navigation
    "app.title": ("Coordination against a major risk", "重大突发风险中的协同治理"),
    "nav.run": ("One pattern", "单一模式"),
    "nav.compare": ("Compare patterns", "模式对比"),
    "nav.workshop": ("Workshop", "研讨会"),
    "nav.tabletop": ("Tabletop drill", "桌面推演"),  # the page's own title (coop_agents.tabletop.strings)
    "nav.explore": ("Explore", "探索"),  # shown with a results folder only (coop-agents app --results)
    "language": ("Language", "语言"),
    # controls
    "controls": ("Settings", "设置"),
    "controls.apply": ("Settings apply when you press Reset.", "设置在按下“重置”后生效。"),
    "scenario": ("Scenario", "情景"),
    "scenario.help": (
        "The risk and the district (population, hazard, days): a preset scenario.",
        "风险与辖区（人口、风险类型、天数）：一个预设情景。",
    ),
    "pattern": ("Coordination pattern", "协同模式"),
    "pattern.help": (
        "A preset setting of the levers; choosing one sets the controls below to its "
        "values, which you may then change.",
        "一组预设的政策杠杆取值；选择后下方各项控制随之设为该模式的取值，可再调整。",
    ),
    "seed": ("Seed", "随机种子"),
    "seed.help": (
        "The master seed: the same seed gives the same district and the same hazard "
        "draws, so a run can be repeated and patterns compared fairly.",
        "主随机种子：相同种子给出相同的辖区和风险抽样，便于复现运行、公平比较各模式。",
    ),
    "group.pillars": ("Five pillars (五有)", "五有平台"),
    "group.guarantees": ("Guarantees", "保障机制"),
    "group.authority": ("Authority", "决策权限"),
    "group.deescalation": ("De-escalation", "降级退出"),
    "group.population": ("Population", "人口"),
    "invalid": ("Not allowed: {allowed}", "取值无效：{allowed}"),
    "allowed.int": ("an integer from {low} to {high}", "{low} 到 {high} 之间的整数"),
    # player
    "step": ("Step", "单步"),
    "play": ("Play", "播放"),
    "pause": ("Pause", "暂停"),
    "reset": ("Reset", "重置"),
    "day": ("Day {day} of {days}", "第 {day} 天 / 共 {days} 天"),
    "finished": ("The run is over.", "本次运行已结束。"),
    # views
    "view.network": ("Actor network", "行动者网络"),
    "view.states": ("Governance state of each community", "各社区的治理状态"),
    "view.charts": ("Outcomes over time", "结果随时间变化"),
    "view.table": ("Outcomes so far", "截至目前的结果"),
    "colour_by": ("Colour communities by", "社区着色依据"),
    "colour_by.harm": ("harm", "受影响比例"),
    "colour_by.state": ("governance state", "治理状态"),
    "table.outcome": ("Outcome", "结果指标"),
    "table.unit": ("Unit", "单位"),
    "table.value": ("Value", "数值"),
    "not_yet": ("n/a", "暂无"),
    # comparison
    "compare.patterns": ("Patterns", "协同模式"),
    "compare.help": (
        "The patterns run on the same scenario and seed, so they face the same district "
        "and the same hazard draws and step together.",
        "各模式在相同情景和种子下同步运行，面对相同的辖区与风险抽样。",
    ),
    "compare.first": ("First pattern", "模式一"),
    "compare.second": ("Second pattern", "模式二"),
    "compare.third": ("Third pattern (optional)", "模式三（可选）"),
    "compare.none": ("none", "无"),
    # network legend
    "kind.government": ("District government", "区政府"),
    "kind.street_office": ("Street office", "街道办事处"),
    "kind.committee": ("Community committee", "社区居委会"),
    "kind.party_committee": ("Party committee or branch", "党委/党支部"),
    "kind.social_organisation": ("Social organisation", "社会组织"),
    "kind.platform": ("Response platform", "应急响应平台"),
    "kind.resident": ("Resident", "居民"),
    "kind.community": ("Community residents (area ∝ number)", "社区居民（面积∝人数）"),
    "link.vertical": ("Vertical line (条)", "纵向条线（条）"),
    "link.horizontal": ("Horizontal block (块)", "横向块区（块）"),
    "link.platform": ("Platform link", "平台连接"),
    "link.inactive": ("Tie not used by this pattern", "本模式未启用的联系"),
    "message": ("Message in flight", "传递中的消息"),
    "resident.unaffected": ("Not affected", "未受影响"),
    "resident.active": ("Affected now", "正受影响"),
    "resident.past": ("Affected before", "曾受影响"),
    "harm_share": ("Share of residents ever affected", "曾受影响的居民比例"),
    "street": ("Street office {n}", "街道 {n}"),
    "street.shown": ("Street offices shown", "显示的街道"),
    "street.all": ("All street offices (overview)", "全部街道（总览）"),
    "street.help": (
        "Shows one street office's communities in detail; only the drawing changes, the run goes on.",
        "单独显示一个街道的各社区；只改变显示，不影响运行。",
    ),
    "view.states.streets": ("Governance state by street office", "各街道的治理状态"),
    "view.states.streets.help": (
        "Each cell: the most escalated state any of its communities is in (hover for how many are in each state).",
        "每格为该街道任一社区所处的最高级别状态（悬停可见各状态的社区数）。",
    ),
    "view.states.street": ("Governance state of the communities of {name}", "{name}各社区的治理状态"),
    "axis.street": ("Street office", "街道"),
    # chart panels
    "axis.day": ("Day", "天"),
    "axis.community": ("Community", "社区"),
    "axis.level": ("District level", "区级响应"),
    "level.none": ("No district response", "未启动区级响应"),
    "level.IV": ("Level IV (general)", "IV级（一般）"),
    "level.III": ("Level III (large)", "III级（较大）"),
    "level.II": ("Level II (major)", "II级（重大）"),
    "level.I": ("Level I (especially major)", "I级（特别重大）"),
    "chart.prevalence": ("Residents affected now (share)", "当前受影响居民比例"),
    "chart.prevalence.contagion": ("Prevalence (share infected)", "感染率（感染者占比）"),
    "chart.prevalence.shock": ("Exposed and not in safety (share)", "暴露且未转移的比例"),
    "chart.harm.all": ("ever affected", "累计受影响"),
    "chart.harm.severe": ("severe", "严重"),
    "chart.unmet": ("Unmet needs per day", "每日未满足的需求"),
    "chart.unmet.all": ("all residents", "全体居民"),
    "chart.unmet.vulnerable": ("vulnerable residents", "弱势群体"),
    "chart.messages": ("Messages and queues", "消息与积压"),
    "chart.messages.handled": ("handled per day", "每日处理"),
    "chart.messages.in_flight": ("in flight", "传递中"),
    "chart.messages.queue": ("largest queue", "最大积压"),
    "chart.resources": ("Resources", "资源"),
    "chart.resources.stock": ("stock held", "现有库存"),
    "chart.resources.spent": ("spent so far", "累计消耗"),
    "line.solid": ("solid", "实线"),
    "line.dashed": ("dashed", "虚线"),
    "line.dotted": ("dotted", "点线"),
    "chart.measures": ("Residents under measures (share)", "处于防控措施下的居民比例"),
    # workshop page: choose, predict, reveal, export
    "workshop.title": ("Policy workshop: predict, then reveal", "政策研讨：先预测，后揭晓"),
    "workshop.intro": (
        "Choose a scenario and the patterns to compare, collect everyone's predictions, then run "
        "the replicates and see who was right.",
        "选择情景和要比较的协同模式，收集每位参会者的预测，然后运行重复模拟，看看谁的预测正确。",
    ),
    "workshop.step.choose": ("1. Choose", "1. 选择"),
    "workshop.step.predict": ("2. Predict", "2. 预测"),
    "workshop.step.reveal": ("3. Reveal", "3. 揭晓"),
    "workshop.step.export": ("4. Export the brief", "4. 导出简报"),
    "workshop.scenario": ("Workshop scenario", "研讨情景"),
    "workshop.scenario.help": (
        "A story from the workshop library: the district, the risk and what happens.",
        "研讨情景库中的一个案例：辖区、风险及事件经过。",
    ),
    "workshop.notes": ("Facilitator notes", "主持人备注"),
    "workshop.patterns": ("Patterns to compare (two to four)", "参与比较的协同模式（二至四个）"),
    "workshop.patterns.count": ("Choose two to four patterns.", "请选择二至四个模式。"),
    "workshop.baseline": ("Baseline pattern", "基准模式"),
    "workshop.baseline.help": (
        "The other patterns are compared with this one, run by run on the same seeds.",
        "其他模式在相同随机种子下逐次与之比较。",
    ),
    "workshop.baseline.tag": (" (baseline)", "（基准）"),
    "workshop.replicates": ("Replicates", "重复次数"),
    "workshop.replicates.help": (
        "Paired runs of every pattern on the same seeds; more replicates give narrower "
        "confidence intervals and take longer.",
        "每个模式在相同种子下的配对运行次数；次数越多，置信区间越窄，耗时也越长。",
    ),
    "workshop.advanced": ("Advanced settings", "高级设置"),
    "workshop.residents.help": (
        "Fewer residents run faster, for a trial round; the default is the scenario's own number.",
        "居民越少运行越快，适合试运行；默认采用情景自身的人数。",
    ),
    "workshop.actors": ("What actors do differently", "各行动者的不同做法"),
    "workshop.levers": ("Levers", "政策杠杆"),
    "workshop.question.harm": (
        "Which pattern will have the fewest residents harmed?",
        "哪种模式下受影响的居民最少？",
    ),
    "workshop.question.response_delay": (
        "Which pattern will respond fastest (shortest response delay)?",
        "哪种模式响应最快（响应延迟最短）？",
    ),
    "workshop.participant": ("Participant or group", "参会者或小组"),
    "workshop.prediction": ("Predicted pattern", "预测的模式"),
    "workshop.add": ("Add", "添加"),
    "workshop.remove": ("Remove", "删除"),
    "workshop.predict.help": (
        "A name entered again replaces its earlier prediction for that question.",
        "同一名称再次输入时，将替换其对该问题的先前预测。",
    ),
    "workshop.no_predictions": ("No predictions yet.", "尚无预测。"),
    "workshop.saved": ("Saved to {path}", "已保存至 {path}"),
    "workshop.save_error": ("Not saved: {error}", "未能保存：{error}"),
    "workshop.reveal": ("Reveal", "揭晓"),
    "workshop.reveal.help": (
        "Runs every pattern {replicates} times on the same seeds, in the background; the "
        "choices and predictions are then fixed for this round.",
        "在后台以相同种子将每个模式各运行 {replicates} 次；此后本轮的选择和预测不再更改。",
    ),
    "workshop.progress": ("{done} of {total} runs", "已完成 {done} / {total} 次运行"),
    "workshop.failed": ("The runs failed: {error}", "运行失败：{error}"),
    "workshop.best.harm": ("Fewest residents harmed: {pattern}", "受影响居民最少：{pattern}"),
    "workshop.best.response_delay": ("Fastest response: {pattern}", "响应最快：{pattern}"),
    "workshop.right": ("right", "正确"),
    "workshop.wrong": ("wrong", "错误"),
    "workshop.score": ("{right} of {total} predictions right", "{total} 个预测中 {right} 个正确"),
    "workshop.means": (
        "Means over {replicates} paired runs, with 95% confidence intervals",
        "{replicates} 次配对运行的均值及 95% 置信区间",
    ),
    "workshop.headlines": ("Headline comparisons", "主要比较"),
    "workshop.table.pattern": ("Pattern", "模式"),
    "workshop.export": ("Download the brief (HTML)", "下载简报（HTML）"),
    "workshop.export.help": (
        "One self-contained page with this batch, its confidence intervals and the "
        "predictions, in the current language.",
        "一个独立的网页文件，包含本批次结果、置信区间和各项预测，语言与当前界面一致。",
    ),
    "workshop.new_round": ("New round", "新一轮"),
    "workshop.new_round.help": (
        "Clears the predictions and the result; the next round is saved to a new file.",
        "清除预测和结果；下一轮保存为新文件。",
    ),
}

# Values of every choice parameter, as words (app controls, workshop cards, briefs).
CHOICES: dict[tuple[str, str], tuple[str, str]] = {
    ("hazard", "contagion"): ("Epidemic (contagion)", "传染病疫情"),
    ("hazard", "shock"): ("Sudden shock (flood, leak, heatwave)", "突发冲击（洪水、泄漏、热浪等）"),
    ("profile", "mixed"): ("Mixed: urban, old urban and rural", "混合：城市社区、老旧小区、农村"),
    ("profile", "urban"): ("Urban", "城市社区"),
    ("profile", "old_urban"): ("Old urban neighbourhoods (老旧小区)", "老旧小区"),
    ("profile", "rural"): ("Rural villages", "农村"),
    ("arrival", "single"): ("One event", "单次事件"),
    ("arrival", "poisson"): ("Events at random", "随机发生的多次事件"),
    ("arrival", "schedule"): ("Events on set days", "按日程发生的多次事件"),
    ("resource_pooling", "silo"): ("Each line its own stock", "分条线储备"),
    ("resource_pooling", "central"): ("One central stock at the district", "区级集中储备"),
    ("resource_pooling", "pooled"): ("Shared stock at each street office", "街道统筹共享"),
    ("authority", "committee"): ("Community committee", "社区居委会"),
    ("authority", "street"): ("Street office", "街道办事处"),
    ("authority", "district"): ("District government", "区政府"),
    ("deescalation", "graded"): ("Graded", "分级退出"),
    ("deescalation", "abrupt"): ("Abrupt", "一次性退出"),
    ("run_until", "event_over"): (
        "The event is over (at most the cap of days)",
        "事件结束（最长至天数上限）",
    ),
    ("run_until", "steps"): ("The cap of days, always", "始终运行至天数上限"),
    ("local_autonomy", "none"): ("None: every escalation is ordered", "无：每次升级均需指挥部下令"),
    ("local_autonomy", "mitigation"): (
        "Mitigation: pre-transition without an order",
        "减缓：可自行进入前转换态",
    ),
    ("local_autonomy", "full"): ("Full: every state without an order", "完全：所有状态均可自行决定"),
    ("response_level", "none"): ("None: community states only", "无：仅社区各自的状态"),
    ("response_level", "states"): ("Graded on the states communities report", "依据社区报告的状态分级"),
    ("response_level", "risk"): ("Graded on the risk communities report", "依据社区报告的风险分级"),
    ("alert_rule", "any"): ("Any committee alerts on its own", "各社区自行预警"),
    ("alert_rule", "confirm"): ("An alert needs a second source", "预警须经第二来源核实"),
    ("alert_rule", "vote"): (
        "The street office alerts when several communities do",
        "多个社区预警后由街道统一预警",
    ),
    ("specialties", "none"): ("Generic help only", "仅提供一般性帮助"),
    ("specialties", "mixed"): ("Each its own specialty", "各有专长"),
    ("specialties", "care"): ("All in care", "均为照护服务"),
    ("specialties", "logistics"): ("All in logistics", "均为物流保障"),
    ("specialties", "psychological"): ("All in psychological support", "均为心理支持"),
    ("specialties", "expert"): ("All expert services", "均为专家服务"),
}

# Units of parameters, in Chinese (the tables give them in English). An outcome's unit is the outcome
# registry's (coop_agents.outcome_registry, unit_zh): none is repeated here.
UNITS_ZH: dict[str, str] = {
    "days/hop": "天/跳",
    "stages": "个阶段",
    "messages/day": "条/天",
    "x critical point": "倍临界点",
    "": "",
    "residents": "人",
    "share": "比例",
    "days": "天",
    "communities": "个社区",
    "decisions/day": "项决定/天",
}

# Chinese help of the parameters the app offers as controls (the table's help is English).
PARAM_HELP_ZH: dict[str, str] = {
    "technology": "传感器、大数据和物联网：提高发现率，并缩小基础设施薄弱社区的差距。",
    "information": "共享、低时延的信息图景：缩短每条联系的时延并提高其可靠性。",
    "coordination": "行政、社会和党建三大系统统筹人力的程度：放大危机中社会组织、志愿者和党员的帮助。",
    "resources": "事件发生前社区、街道和区级掌握的物资储备。",
    "intellect": "专家和高校支持：减少对治理状态的误判，改进预案。",
    "responsibility_lists": "社区之间、条块之间结合部任务归属的清晰程度；缺少时任务被推来推去（推诿扯皮）。",
    "evaluation": "措施落实的保真度（减少打折扣）。",
    "training": "工作人员能力（处理能力）与党员志愿者的作用。",
    "participation": "平时的居民参与：危机中的志愿服务、主动报告和配合程度。",
    "vulnerable_registry": "建立弱势群体台账，使其需求被掌握并优先满足。",
    "privacy": "保护需求数据：居民（尤其是弱势群体）更愿意报告自己的需求。",
    "authority": "有权将社区转入前转换态、应急态或后转换态的最低层级；请求沿纵向链条上报至该层级。",
    "delegated_emergency_powers": "任一社区处于应急态期间，各社区居委会均可自行宣布状态；无社区处于应急态时收回。",
    "deescalation": "分级：措施分若干阶段逐步退出；一次性：所有措施同时结束。",
    "deescalation_stages": "分级退出的阶段数（每阶段等幅降低措施强度）。",
    "stage_days": "每个降级阶段持续的天数。",
    "peacetime_budget": "社区居委会平时精力中用于演练、培训和与居民开展平时活动（提升准备度）而非日常网格巡查的比例。",
    "residents": "辖区居民总数，平均分配到各社区。",
    "span_of_control": "统一指挥（command 开启）时，指挥部每天能处理的指令和决定数，再乘以（1 + 培训）和处理能力/20。"
    "超出部分的请示、责任指派和指令在指挥部排队、先到先办：单点事件时快，多点同时发生时成为瓶颈。",
    "local_autonomy": "统一指挥下，社区居委会无需指令仍可自行作出的状态转换：无（每次升级均由指挥部下令）、"
    "减缓（可自行进入前转换态，应急态和后转换态须由指挥部下令）、完全（所有状态均可自行决定，"
    "指挥部仍指派责任人并发布预警）。",
    "response_level": "区里依据掌握的各社区情况确定应急响应级别（IV 一般、III 较大、II 重大、I 特别重大，依《突发事件应对法》）："
    "无：仅有各社区的状态；状态：依据社区报告的状态分级；风险：依据社区报告的风险分级（更早，但更易误判）。"
    "IV 级使各社区提高警觉，III 级在所有社区动员志愿者和社会组织，II 级和 I 级为所有社区设定措施下限并加快物资采购。",
    "level_floor": "实行区级应急响应时，I 级（特别重大）下每个社区措施强度的下限；II 级为其一半，III、IV 级没有下限。"
    "法律只给出方向，未给出幅度。",
    "alert_rule": "各社区自行预警：居委会依据自身判断发出预警；须核实：预警须有第二来源（相邻社区或平台的预警，"
    "或网格员核查发现真实病例）后才转换状态；联名：某街道有若干社区同时预警时，由街道将所辖社区统一转入前转换态"
    "（应急请示仍照常上报）。",
    "alert_quorum": "预警规则为“联名”时：一个街道内须有多少个社区（三天之内）发出预警，街道才将所辖社区统一转入前转换态。",
    "territorial_load": "属地管理下压给社区居委会的任务、报表和检查，与其权限和能力相比的程度。0：措施落实保真度只取决于绩效考核。"
    "大于0：当压力超过权责清单、下放权力和培训所能缓解的程度时，干部积极性下降，措施落实打折扣、"
    "社区自行决策变慢；绩效考核高于0.5时还会层层加码：更低的预警阈值、更强的减缓措施、更久不撤除措施。",
    "lateral_sharing": "物资短缺时，社区居委会除沿供应链向上申请外，还可向有横向联系的相邻社区借用物资（出借方保留自身初始储备的一半）。",
    "specialties": "无：社会组织只提供一般性帮助；各有专长：依次为照护、物流、心理、专家；或全部为所选的一种。"
    "照护：优先服务并掌握弱势居民；心理：在措施撤除期间帮助居民保持防护，加快信任恢复；"
    "物流：储备物资并直接供应所服务的社区；专家：减少居委会误判，在仍发现风险时暂缓撤除措施。",
}
