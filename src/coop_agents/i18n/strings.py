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
    "language": ("Language", "语言"),
    # controls
    "controls": ("Settings", "设置"),
    "controls.apply": ("Settings apply when you press Reset.", "设置在按下“重置”后生效。"),
    "scenario": ("Scenario", "情景"),
    "scenario.help": ("The risk and the district (population, hazard, days): a preset scenario.",
                      "风险与辖区（人口、风险类型、天数）：一个预设情景。"),
    "pattern": ("Coordination pattern", "协同模式"),
    "pattern.help": ("A preset setting of the levers; choosing one sets the controls below to its "
                     "values, which you may then change.",
                     "一组预设的政策杠杆取值；选择后下方各项控制随之设为该模式的取值，可再调整。"),
    "seed": ("Seed", "随机种子"),
    "seed.help": ("The master seed: the same seed gives the same district and the same hazard "
                  "draws, so a run can be repeated and patterns compared fairly.",
                  "主随机种子：相同种子给出相同的辖区和风险抽样，便于复现运行、公平比较各模式。"),
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
    "compare.help": ("The patterns run on the same scenario and seed, so they face the same district "
                     "and the same hazard draws and step together.",
                     "各模式在相同情景和种子下同步运行，面对相同的辖区与风险抽样。"),
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
    "street": ("Street {n}", "街道 {n}"),
    # chart panels
    "axis.day": ("Day", "天"),
    "axis.community": ("Community", "社区"),
    "chart.prevalence": ("Residents affected now (share)", "当前受影响居民比例"),
    "chart.prevalence.contagion": ("Prevalence (share infected)", "感染率（感染者占比）"),
    "chart.prevalence.shock": ("Exposed and not in safety (share)", "暴露且未转移的比例"),
    "chart.harm": ("Residents harmed", "受影响居民"),
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
}

# Values of choice parameters the app offers, as words.
CHOICES: dict[tuple[str, str], tuple[str, str]] = {
    ("authority", "committee"): ("Community committee", "社区居委会"),
    ("authority", "street"): ("Street office", "街道办事处"),
    ("authority", "district"): ("District government", "区政府"),
    ("deescalation", "graded"): ("Graded", "分级退出"),
    ("deescalation", "abrupt"): ("Abrupt", "一次性退出"),
}

# Units of outcomes, in Chinese (the tables give them in English).
UNITS_ZH: dict[str, str] = {
    "": "",
    "residents": "人",
    "weighted residents": "加权人数",
    "share": "比例",
    "days": "天",
    "communities": "个社区",
    "events": "次",
    "resident-days": "人·天",
    "bounces": "次推诿",
    "message-hops": "条·跳",
    "messages": "条消息",
    "units": "单位物资",
    "community-days": "社区·天",
    "episodes": "次",
    "0-1": "0–1",
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
}
