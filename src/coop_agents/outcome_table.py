"""The outcome table: every outcome's definition, as data (design §2.8).

What a definition holds (:class:`Outcome`), the families that group the outcomes, and one
:class:`Outcome` per outcome, family by family. The conventions every definition follows are in
:mod:`coop_agents.outcome_registry`, which builds :data:`~coop_agents.outcome_registry.OUTCOMES`
from this table and looks outcomes up.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict

__all__ = ["Outcome", "FAMILIES", "BETTER", "HAZARDS", "outcome_rows"]

BETTER = ("lower", "higher", "neither")
HAZARDS = ("contagion", "shock")

# Families group the outcomes in tables (``analyse``'s summary, the ODD), in this order.
FAMILIES: dict[str, tuple[str, str]] = {
    "harm": ("Harm", "伤害"),
    "timeliness": ("Timeliness", "及时性"),
    "crises": ("Crises and alarms", "危机与警报"),
    "burden": ("Burden of measures", "措施负担"),
    "needs": ("Needs and equity", "需求与公平"),
    "coordination": ("Coordination", "协同"),
    "states": ("Governance states", "治理状态"),
    "cycle": ("The run and the full cycle", "运行与全周期"),
}


@dataclass(frozen=True)
class Outcome:
    """One outcome's definition.

    Attributes:
        name: the key in every result (``run_once``, ``--json``, result files).
        unit, unit_zh: its unit in English and Chinese.
        label_en, label_zh: its name in tables.
        meaning_en, meaning_zh: one sentence saying what the number is.
        better: ``lower``, ``higher`` or ``neither``.
        family: a key of :data:`FAMILIES`.
        decimals: decimals of a mean in tables (a row of whole numbers shows none).
        count: a whole number in every run.
        hazards: the hazards it applies to.
        hazard_labels: ``{hazard: (label_en, label_zh)}`` where a hazard names it differently.
        several_events: only runs with several events have it (hidden in single-event tables).
        detail: left out of tables (still in ``--json`` and result files).
        na_en, na_zh: when it is n/a (empty: never).
        censoring_en, censoring_zh: how a time that never came is counted (empty: not a time).
    """

    name: str
    unit: str
    unit_zh: str
    label_en: str
    label_zh: str
    meaning_en: str
    meaning_zh: str
    better: str
    family: str
    decimals: int = 1
    count: bool = False
    hazards: tuple[str, ...] = HAZARDS
    hazard_labels: tuple[tuple[str, str, str], ...] = ()
    several_events: bool = False
    detail: bool = False
    na_en: str = ""
    na_zh: str = ""
    censoring_en: str = ""
    censoring_zh: str = ""

    def __post_init__(self) -> None:
        if self.better not in BETTER:
            raise ValueError(f"outcome {self.name}: better={self.better!r}; expected one of {BETTER}")
        if self.family not in FAMILIES:
            raise ValueError(
                f"outcome {self.name}: family={self.family!r}; expected one of {tuple(FAMILIES)}"
            )


class _Notes(TypedDict):
    na_en: str
    na_zh: str
    censoring_en: str
    censoring_zh: str


_DELAY_CENSOR_EN = (
    "A detection or measure that never came, or came after the risk was over, counts as coming "
    "the day after the community's true risk was last at or above the alert threshold."
)
_DELAY_CENSOR_ZH = "从未到来或在风险结束后才到来的发现或措施，按该社区真实风险最后一次达到预警阈值的次日计。"
# The delays of a community's detection and response share when they are n/a and how they are censored.
_DELAY_NOTES = _Notes(
    na_en="No community's true risk reached the alert threshold.",
    na_zh="没有任何社区的真实风险达到预警阈值。",
    censoring_en=_DELAY_CENSOR_EN,
    censoring_zh=_DELAY_CENSOR_ZH,
)


# A definition's name and units, its labels, and its direction and family each take one line.
# fmt: off
def outcome_rows(vulnerable_weight: float) -> tuple[Outcome, ...]:
    """Every outcome's definition, in the registry's order within each family.

    ``vulnerable_weight`` is the weight of a vulnerable resident's severe harm, which the meaning of
    ``severe_harm`` states; it is a rate of the model and stays with the registry
    (:data:`coop_agents.outcome_registry.VULNERABLE_WEIGHT`).
    """
    return (
        # --- harm -----------------------------------------------------------------------------------
        Outcome(
            "harm", "residents", "人",
            "Residents harmed", "受影响居民",
            "Residents ever affected by the event: infected (contagion) or harmed (shock).",
            "事件中曾受影响的居民人数：被感染（传染病）或受到伤害（冲击）。",
            "lower", "harm",
            count=True,
        ),
        Outcome(
            "severe_harm", "weighted residents", "加权人数",
            "Severe harm (weighted)", "严重伤害（加权）",
            f"Residents with a severe outcome, each vulnerable one counted {vulnerable_weight:g} times.",
            f"出现严重后果的居民人数，弱势居民每人按 {vulnerable_weight:g} 人计。",
            "lower", "harm",
            count=True,
        ),
        Outcome(
            "peak_prevalence", "share", "比例",
            "Peak prevalence", "峰值感染率",
            "Largest share of all residents affected on one day: latent or infectious (contagion); "
            "exposed and not yet in safety (shock).",
            "单日受影响居民占全部居民的最大比例：潜伏或具传染性（传染病）；暴露且尚未转移到安全处（冲击）。",
            "lower", "harm",
            decimals=4,
            hazard_labels=(("shock", "Peak share exposed", "峰值暴露比例"),),
        ),
        # --- timeliness -----------------------------------------------------------------------------
        Outcome(
            "detection_delay", "days", "天",
            "Detection delay", "发现时延",
            "Days from a community's onset (its true risk first at or above the alert threshold) to its "
            "committee's first detection, averaged over the communities with an onset (0 if detected before).",
            "从社区风险起点（真实风险首次达到预警阈值）到居委会首次发现的天数，对出现风险起点的社区取平均（此前已发现计 0）。",
            "lower", "timeliness",
            **_DELAY_NOTES,
        ),
        Outcome(
            "decision_latency", "days", "天",
            "Decision latency", "决策时延",
            "Days from a committee's request to move into pre-transition or emergency to the authorised "
            "change, on the decision's own clock (a committee's own call takes its deliberation, part of a "
            "day; an approval takes effect the day it reaches the committee), averaged over the changes "
            "actually authorised. After its onset, a community's wait for a decision is part of its response "
            "delay.",
            "从居委会请求转入前转换态或应急态到获批转换的天数，按决策本身的时间计（自行决定只需其商议时间，"
            "可不足一天；上级批准在送达居委会当天生效），对实际获批的转换取平均。风险起点之后等待决策的时间是响应时延的一部分。",
            "lower", "timeliness",
            decimals=2,
            na_en="No change was authorised on request.",
            na_zh="没有任何经请求获批的状态转换。",
        ),
        Outcome(
            "unanswered_requests", "requests", "次请求",
            "Requests never answered", "未获答复的请求",
            "Requests for pre-transition or emergency still waiting for an answer when the run ended.",
            "运行结束时仍在等待答复的转入前转换态或应急态的请求数。",
            "lower", "timeliness",
            count=True,
        ),
        Outcome(
            "response_delay", "days", "天",
            "Response delay", "响应时延",
            "Days from a community's onset to the first measure on site, averaged over the communities with an "
            "onset (0 if measures were already on). It contains the detection delay and the wait for a decision.",
            "从社区风险起点到当地首项措施落实的天数，对出现风险起点的社区取平均（措施已在实施计 0），包含发现时延和等待决策的时间。",
            "lower", "timeliness",
            **_DELAY_NOTES,
        ),
        Outcome(
            "containment_time", "days", "天",
            "Containment time", "控制时间",
            "Days from the hazard's onset until it can do no more harm: nobody latent or infectious "
            "(contagion), the shock passed (shock).",
            "从风险出现到其不再造成伤害的天数：无人潜伏或具传染性（传染病），冲击已过去（冲击）。",
            "lower", "timeliness",
            na_en="The hazard never began, or prevention removed every index case (see 'Prevented').",
            na_zh="风险从未出现，或预防措施清除了全部首发病例（见“已预防”）。",
            censoring_en="A hazard still active at the cap counts until the run's last day; the run is truncated.",
            censoring_zh="到达天数上限时风险仍在，则计到运行最后一天，并标记为截断。",
        ),
        Outcome(
            "missed_windows", "communities", "个社区",
            "Missed windows", "错失治理良机",
            "Communities whose true risk crossed the critical point before any measure there.",
            "真实风险在当地采取任何措施之前即越过临界点的社区数。",
            "lower", "timeliness",
            count=True,
        ),
        # --- crises and alarms ----------------------------------------------------------------------
        Outcome(
            "emergencies", "events", "次",
            "Emergencies declared", "进入应急态次数",
            "Times a community entered emergency (secondary crises included). Neither good nor bad in itself: "
            "an emergency declared in time can spare harm.",
            "社区进入应急态的次数（含次生危机）。本身无好坏：及时宣布应急可以减少伤害。",
            "neither", "crises",
            count=True,
        ),
        Outcome(
            "secondary_crises", "events", "次",
            "Secondary crises", "次生危机",
            "Relapses from post-transition back into emergency.",
            "从后转换态重新回到应急态的次数。",
            "lower", "crises",
            count=True,
        ),
        Outcome(
            "decrisis", "events", "次",
            "De-crises", "去危机化次数",
            "Times a community returned from pre-transition to normal without an emergency (false alarms "
            "included). Neither good nor bad in itself.",
            "社区从前转换态直接回到常态、未进入应急态的次数（含误报）。本身无好坏。",
            "neither", "crises",
            count=True,
        ),
        Outcome(
            "false_alarms", "episodes", "次",
            "False alarms", "误报次数",
            "Alert episodes (pre-transition or worse) that ended without the community's true risk ever "
            "reaching the alert threshold.",
            "社区真实风险从未达到预警阈值即结束的预警期（前转换态及以上）次数。",
            "lower", "crises",
            count=True,
        ),
        # --- burden of measures ---------------------------------------------------------------------
        Outcome(
            "unneeded_measures", "resident-days", "人·天",
            "Unneeded measures", "不必要措施",
            "Resident-days under measures in pre-transition or emergency (or under the floor of a district "
            "response level) while the community's true risk was zero.",
            "社区真实风险为零时，处于前转换态或应急态措施（或区级应急响应级别的措施下限）之下的居民·天数。",
            "lower", "burden",
            decimals=0,
        ),
        Outcome(
            "wind_down_days", "resident-days", "人·天",
            "Wind-down", "分级退出",
            "Resident-days under the graded withdrawal of measures in post-transition. The price of a careful "
            "wind-down, not an error: neither good nor bad in itself.",
            "后转换态中分级退出措施期间的居民·天数。这是稳妥退出的代价而非失误，本身无好坏。",
            "neither", "burden",
            decimals=0,
        ),
        Outcome(
            "resources_spent", "units", "单位物资",
            "Resources spent", "资源消耗",
            "Supplies consumed by measures and needs delivery (one unit is about one resident-day of supplies).",
            "措施和需求供给消耗的物资（一个单位约为一名居民一天的物资）。",
            "neither", "burden",
        ),
        # --- needs and equity -----------------------------------------------------------------------
        Outcome(
            "unmet_need_days", "resident-days", "人·天",
            "Unmet need-days", "未满足需求天数",
            "Resident-days of need (care, supplies, evacuation help) that nobody met.",
            "无人满足的需求（照护、物资、转移帮助）的居民·天数。",
            "lower", "needs",
            decimals=0,
            count=True,
        ),
        Outcome(
            "unmet_need_days_vulnerable", "resident-days", "人·天",
            "Unmet need-days (vulnerable)", "弱势群体未满足需求天数",
            "The same, for vulnerable residents only.",
            "同上，仅计弱势居民。",
            "lower", "needs",
            decimals=0,
            count=True,
        ),
        Outcome(
            "equity_gap", "share points", "比例差",
            "Equity gap (vulnerable − others)", "公平差距（弱势−其他）",
            "Share of vulnerable residents' need-days left unmet minus the same share for the other residents. "
            "Positive: the vulnerable are served worse; 0: parity (also when nobody is served at all); "
            "negative: the vulnerable are served first. Neither direction is better in itself: read it with "
            "the unmet need-days.",
            "弱势居民需求天数中未满足的比例减去其他居民的相应比例。正值：弱势居民得到的服务更差；0：持平（无人得到服务时也为 0）；"
            "负值：弱势居民优先得到服务。方向本身无好坏，应与未满足需求天数一同解读。",
            "neither", "needs",
            decimals=3,
            na_en="Vulnerable residents or the others had no need at all.",
            na_zh="弱势居民或其他居民完全没有需求。",
        ),
        # --- coordination ---------------------------------------------------------------------------
        Outcome(
            "buck_passing_events", "bounces", "次推诿",
            "Buck-passing", "推诿扯皮",
            "Times a boundary task (a case with contacts in other communities), or a request for a state change, "
            "was passed on or back unowned before someone took it. Task bounces are not messages.",
            "结合部任务（与其他社区有接触的病例）或状态转换请求在有人承接之前被推出或退回的次数。任务的推诿不计为消息。",
            "lower", "coordination",
            count=True,
        ),
        Outcome(
            "messages", "message-hops", "条·跳",
            "Messages handled", "信息处理量",
            "Messages handled by organisations, each relay counted.",
            "各组织处理的消息数，每次转发计一次。",
            "neither", "coordination",
            decimals=0,
            count=True,
        ),
        Outcome(
            "queue_wait", "message-days", "条·天",
            "Time messages waited", "消息排队时间",
            "Days messages spent waiting in organisations' queues, summed over every message and relay "
            "(congestion).",
            "消息在各组织队列中等待的天数，对每条消息和每次转发求和（拥堵程度）。",
            "lower", "coordination",
            decimals=2,
        ),
        Outcome(
            "longest_wait", "days", "天",
            "Longest wait", "最长排队",
            "Longest time one message waited in one organisation's queue.",
            "单条消息在单个组织队列中的最长等待时间。",
            "lower", "coordination",
            decimals=2,
        ),
        Outcome(
            "busiest_load", "x capacity", "倍处理能力",
            "Busiest node's load", "最忙节点负荷",
            "Messages that reached the busiest organisation on its busiest day, as a multiple of what it can "
            "handle in a day (above 1: its queue grows).",
            "最忙组织在其最忙一天收到的消息数，以其每日处理能力的倍数表示（大于 1：队列增长）。",
            "lower", "coordination",
            decimals=2,
        ),
        # --- governance states ----------------------------------------------------------------------
        *(
            Outcome(
                f"days_{key}", "community-days", "社区·天",
                f"Days in {en}", f"{zh}天数",
                f"Community-days in the {en} state ({zh}), until the run ended.",
                f"社区处于{zh}的社区·天数，计至运行结束。",
                "neither", "states",
                decimals=1,
                count=True,
            )
            for key, en, zh in (
                ("normal", "normal", "常态"),
                ("pre_transition", "pre-transition", "前转换态"),
                ("emergency", "emergency", "应急态"),
                ("post_transition", "post-transition", "后转换态"),
            )
        ),
        # --- the run and the full cycle -------------------------------------------------------------
        Outcome(
            "truncated", "runs", "次运行",
            "Cut short", "被截断",
            "1 if the run reached the scenario's cap of days before the event was over (several events: "
            "if the last one was not over at the end), else 0; a mean is the share of runs cut short.",
            "若运行在事件结束之前达到情景的天数上限（多事件：最后一个事件在结束时仍未结束）则为 1，否则为 0；均值即被截断运行的比例。",
            "neither", "cycle",
            decimals=2,
            count=True,
        ),
        Outcome(
            "prevented", "runs", "次运行",
            "Prevented", "已预防",
            "1 if peacetime screening (prevention) removed every index case, so the event never began, else 0.",
            "若平时筛查（预防）清除了全部首发病例、事件从未发生则为 1，否则为 0。",
            "neither", "cycle",
            decimals=2,
            count=True,
        ),
        Outcome(
            "events", "events", "次",
            "Events", "事件数",
            "Hazard events that began during the run.",
            "运行期间发生的风险事件数。",
            "neither", "cycle",
            count=True,
            several_events=True,
        ),
        Outcome(
            "learning_gain", "days", "天",
            "Learning gain", "学习收益",
            "Days by which learning shortened the mean response delay over the run's events: the same run "
            "(same seed, same events) with learning off, minus this run. 0 when learning is off.",
            "学习使各事件平均响应时延缩短的天数：关闭学习的同一运行（同一种子、同样事件）减去本运行。不学习时为 0。",
            "higher", "cycle",
            decimals=2,
            several_events=True,
            na_en="No event needed a response.",
            na_zh="没有任何事件需要响应。",
        ),
        Outcome(
            "mean_trust", "0-1", "0–1",
            "Residents' trust (end)", "居民信任度（期末）",
            "Mean trust of residents in their committee on the last day.",
            "最后一天居民对居委会的平均信任度。",
            "higher", "cycle",
            decimals=3,
        ),
        *(
            Outcome(
                f"detection_delay_{p}", "days", "天",
                f"Detection delay ({p.replace('_', ' ')})", f"发现时延（{zh}）",
                f"Detection delay over the {p.replace('_', ' ')} communities only.",
                f"仅计{zh}的发现时延。",
                "lower", "timeliness",
                detail=True,
                na_en=f"No {p.replace('_', ' ')} community had an onset.",
                na_zh=f"没有{zh}出现风险起点。",
                censoring_en=_DELAY_CENSOR_EN,
                censoring_zh=_DELAY_CENSOR_ZH,
            )
            for p, zh in (("urban", "城市社区"), ("old_urban", "老旧小区"), ("rural", "农村社区"))
        ),
    )


# fmt: on
