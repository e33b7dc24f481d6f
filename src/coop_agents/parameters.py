"""The one parameter table: every setting of the model, as data.

Every setting of the model is a row of :data:`PARAMETERS`: its type, default, bounds, unit,
English and Chinese labels and help text. Scenario files, pattern files, CLI ``--set`` overrides,
``run_once(**overrides)``, batch designs, the app's controls and ``docs/odd.md`` all read this
table, so a setting exists in one place only. :mod:`coop_agents.config` builds and validates a
run's :class:`~coop_agents.config.Config` from it.

Roles follow the XLRM vocabulary of exploratory modelling: ``scenario`` rows are uncertainties
(population, hazard, horizon) that a scenario file sets; ``lever`` rows are what a coordination
pattern sets (pillars, guarantees, authority, de-escalation, links, actions).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from coop_agents.errors import ConfigError
from coop_agents.limits import MAX_RESIDENTS

__all__ = ["PARAMETERS", "Param", "ACTIONS", "PILLARS"]


@dataclass(frozen=True, slots=True)
class Param:
    """One row of the parameter table."""

    name: str
    type: str  # "float" | "int" | "bool" | "choice"
    default: Any
    role: str  # "scenario" | "lever"
    group: str
    label_en: str
    label_zh: str
    help: str
    unit: str = ""
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = ()

    def options(self) -> tuple[str, ...]:
        """The values a choice allows now: the scenario key ``hazard`` takes every registered
        hazard (see :func:`coop_agents.hazards.register_hazard`), the others their listed choices."""
        if self.name == "hazard":
            from coop_agents.hazards import HAZARDS  # at call time: hazards registered by users count

            return tuple(HAZARDS)
        return self.choices

    def allowed(self) -> str:
        """Describe the allowed values in words, for error messages and docs."""
        if self.type == "bool":
            return "true or false"
        if self.type == "choice":
            return "one of " + ", ".join(self.options())
        kind = "an integer" if self.type == "int" else "a number"
        return f"{kind} from {_fmt(self.low)} to {_fmt(self.high)}"

    def coerce(self, value: Any, where: str = "") -> Any:
        """Return ``value`` as this parameter's type, or raise :class:`ConfigError`."""
        origin = f" in {where}" if where else ""
        bad = ConfigError(f"{self.name}={value!r}{origin}: not allowed; expected {self.allowed()}")
        if self.type == "bool":
            if isinstance(value, bool):
                return value
            if isinstance(value, str) and value.lower() in ("true", "false", "1", "0", "yes", "no"):
                return value.lower() in ("true", "1", "yes")
            if isinstance(value, int) and value in (0, 1):
                return bool(value)
            raise bad
        if self.type == "choice":
            if isinstance(value, str) and value in self.options():
                return value
            raise bad
        if isinstance(value, bool):
            raise bad
        try:
            number = float(value) if self.type == "float" else _as_int(value)
        except (TypeError, ValueError):
            raise bad from None
        assert self.low is not None and self.high is not None  # numeric rows have bounds (see _p)
        if not math.isfinite(number) or not (self.low <= number <= self.high):
            raise bad
        return number


def _as_int(value: Any) -> int:
    if isinstance(value, float) and not value.is_integer():
        raise ValueError(value)
    if isinstance(value, str):
        value = float(value) if "." in value or "e" in value.lower() else int(value)
        return _as_int(value)
    return int(value)


def _fmt(x: float | None) -> str:
    # A bound as the table writes it (0.5, 0.001), not in coop_agents.numbers' table format, which
    # gives three significant figures (0.500): messages say what may be typed.
    return f"{x:g}" if isinstance(x, float) else str(x)


def _p(name, type_, default, role, group, en, zh, help_, unit="", low=None, high=None, choices=()):
    if type_ in ("float", "int") and (low is None or high is None):
        raise AssertionError(f"{name}: numeric parameters need bounds")
    if type_ == "float":
        default, low, high = float(default), float(low), float(high)
    return Param(name, type_, default, role, group, en, zh, help_, unit, low, high, tuple(choices))


ACTIONS = ("monitoring", "preparation", "prevention", "mitigation", "response", "recovery", "learning")
PILLARS = ("technology", "information", "coordination", "resources", "intellect")

# fmt: off
_ROWS: list[Param] = [
    # --- scenario: population and structure ------------------------------------------------------
    _p("hazard", "choice", "contagion", "scenario", "hazard", "Hazard", "风险类型",
       "Which major sudden risk strikes: an epidemic spreading over resident contacts, or a "
       "localised shock (flood, fire, chemical leak).", choices=("contagion", "shock")),
    _p("residents", "int", 4800, "scenario", "population", "Residents", "居民人数",
       "Total number of residents in the district, split evenly over its communities.",
       "residents", 20, MAX_RESIDENTS),
    _p("street_offices", "int", 2, "scenario", "population", "Street offices", "街道办事处数",
       "Number of street offices (or townships) under the district government.", "", 1, 500),
    _p("communities_per_street", "int", 6, "scenario", "population", "Communities per street",
       "每街道社区数", "Communities (residents' or villagers' committees) under each street office.",
       "", 1, 100),
    _p("profile", "choice", "mixed", "scenario", "population", "Community profile", "社区类型",
       "urban, old_urban (老旧小区) or rural communities differ in contact density, share of "
       "vulnerable residents, infrastructure and trust; mixed cycles through all three.",
       choices=("mixed", "urban", "old_urban", "rural")),
    _p("social_organisations", "int", 4, "scenario", "population", "Social organisations", "社会组织数",
       "NGOs, volunteer teams, property companies and expert services, each serving several "
       "communities.", "", 0, 5000),
    _p("communities_per_organisation", "int", 4, "scenario", "population",
       "Communities served per organisation", "每个社会组织服务社区数",
       "How many communities each social organisation serves.", "", 1, 100),
    _p("cross_community_ties", "float", 0.03, "scenario", "population", "Cross-community contacts",
       "跨社区接触比例", "Share of resident contacts that reach a neighbouring community.",
       "share", 0.0, 0.5),
    _p("party_member_share", "float", 0.08, "scenario", "population", "Party members", "党员比例",
       "Share of residents who are party members (mobilised as volunteers by party branches).",
       "share", 0.0, 0.5),
    _p("steps", "int", 1000, "scenario", "horizon", "Most days simulated", "最多模拟天数",
       "The cap on a run's length (one step is one day): a single-event run ends earlier, when the "
       "event is over; with run_until = steps, or several events, a run lasts exactly this long.",
       "days", 1, 20_000),
    _p("run_until", "choice", "event_over", "scenario", "horizon", "Run until", "运行至",
       "event_over: a single-event run ends when nobody is latent or infectious (or the shock has "
       "passed) and every community is back in normal, at the latest after `steps` days (then it is "
       "flagged truncated); steps: every run lasts exactly `steps` days. Runs with several events "
       "always last `steps` days.", choices=("event_over", "steps")),
    # --- scenario: contagion -------------------------------------------------------------------
    _p("transmission", "float", 0.06, "scenario", "contagion", "Transmission per contact",
       "每接触传染概率", "Daily chance that an infectious resident infects one susceptible contact.",
       "per contact-day", 0.0, 1.0),
    _p("latent_days", "float", 4.0, "scenario", "contagion", "Latent period", "潜伏期",
       "Mean days from infection to becoming infectious (the long latency).", "days", 1.0, 60.0),
    _p("infectious_days", "float", 6.0, "scenario", "contagion", "Infectious period", "传染期",
       "Mean days a resident stays infectious.", "days", 1.0, 60.0),
    _p("severe_share", "float", 0.04, "scenario", "contagion", "Severe share", "重症比例",
       "Chance that an infection of a non-vulnerable resident without care becomes severe.",
       "share", 0.0, 1.0),
    _p("vulnerable_severity", "float", 4.0, "scenario", "contagion", "Vulnerable severity multiplier",
       "弱势群体重症倍数", "How many times likelier a vulnerable resident (老弱病残) is to suffer "
       "severe harm.", "x", 1.0, 25.0),
    _p("initial_cases", "int", 4, "scenario", "contagion", "Initial cases", "初始病例",
       "Infections seeded at the start, in the outbreak sites.", "residents", 0, 100_000),
    _p("outbreak_sites", "int", 1, "scenario", "contagion", "Outbreak sites", "暴发点数",
       "Number of communities where the first cases appear at once.", "communities", 1, 10_000),
    _p("critical_prevalence", "float", 0.03, "scenario", "contagion", "Critical point (prevalence)",
       "临界点（感染率）", "Share of a community's residents infected (latent or infectious) "
       "beyond which mitigation can no longer prevent an emergency.", "share", 0.001, 1.0),
    # --- scenario: shock -----------------------------------------------------------------------
    _p("shock_sites", "int", 2, "scenario", "shock", "Shock footprint", "冲击波及社区数",
       "Number of neighbouring communities in the shock's footprint.", "communities", 1, 10_000),
    _p("shock_onset", "int", 10, "scenario", "shock", "Precursor onset", "前兆出现时间",
       "Day the first precursor signals appear (rising water, a small leak).", "day", 0, 20_000),
    _p("shock_lead", "int", 6, "scenario", "shock", "Lead time", "预警时间",
       "Days from the first precursor to full intensity: the window to warn and evacuate.",
       "days", 1, 365),
    _p("shock_duration", "int", 4, "scenario", "shock", "Duration at peak", "峰值持续时间",
       "Days the shock stays at full intensity before it recedes.", "days", 1, 365),
    _p("shock_intensity", "float", 0.25, "scenario", "shock", "Peak harm rate", "峰值伤害率",
       "Daily chance that an exposed resident who is not in safety is harmed at full intensity.",
       "per day", 0.0, 1.0),
    _p("critical_intensity", "float", 0.5, "scenario", "shock", "Critical point (intensity)",
       "临界点（强度）", "Share of full intensity beyond which harm can no longer be prevented by "
       "early warning alone.", "share", 0.01, 1.0),
    # --- scenario: events over a long horizon and trust ---------------------------------------
    _p("arrival", "choice", "single", "scenario", "events", "Event arrivals", "事件到达方式",
       "single: one event at the start; poisson: events of the scenario's hazard arrive at random "
       "(arrival_rate a year); schedule: the scenario file's [[events]] list (e.g. a flood during "
       "an epidemic).", choices=("single", "poisson", "schedule")),
    _p("arrival_rate", "float", 3.0, "scenario", "events", "Events per year", "年均事件数",
       "Mean number of events a year when arrival = poisson.", "per year", 0.1, 52.0),
    _p("false_signal_rate", "float", 0.0, "scenario", "events", "False signals", "误报信号率",
       "Daily false reports (symptoms or readings mistaken for the hazard) per 1,000 residents; "
       "each looks like a case for three days. They are what a low alert threshold reacts to.",
       "per 1,000 residents per day", 0.0, 20.0),
    _p("cry_wolf_penalty", "float", 0.08, "scenario", "events", "Trust lost per false alarm",
       "每次误报损失信任", "Trust a community's residents lose when an alert episode ends without "
       "the true risk ever reaching the alert threshold (the cry-wolf effect).", "trust", 0.0, 1.0),
    _p("missed_penalty", "float", 0.1, "scenario", "events", "Trust lost per missed event",
       "每次漏报损失信任", "Trust lost when the true risk passes the critical point before any "
       "measure in the community.", "trust", 0.0, 1.0),
    _p("trust_recovery", "float", 0.5, "scenario", "events", "Trust recovery", "信任恢复速度",
       "Rate at which lost trust returns without new disappointments (0.5 a year leaves about 60% "
       "of a loss after a year).", "per year", 0.0, 10.0),
    _p("readiness_decay", "float", 1.0, "scenario", "events", "Readiness decay", "准备度衰减",
       "Rate at which preparedness built by drills and peacetime participation fades without "
       "upkeep (1 a year leaves about 37% after a year).", "per year", 0.0, 20.0),
    # --- levers: the seven actions -------------------------------------------------------------
    *[
        _p(a, "bool", True, "lever", "actions", en, zh, help_)
        for a, en, zh, help_ in (
            ("monitoring", "Monitoring", "监测", "Grid workers, sensors and resident reports detect "
             "affected residents and precursors; with it off nobody perceives the risk."),
            ("preparation", "Preparation", "准备", "Plans, stockpiles and drills: shorter decision "
             "delays, larger initial stocks, prepared residents."),
            ("prevention", "Prevention", "预防", "Hazard screening in normal times: fewer index "
             "cases, a smaller shock."),
            ("mitigation", "Mitigation", "减缓", "Targeted measures in pre-transition: isolating "
             "detected cases, warnings, pre-positioned resources."),
            ("response", "Response", "响应", "Broad measures in emergency, needs delivery, care "
             "for vulnerable residents, volunteers."),
            ("recovery", "Recovery", "恢复", "Withdrawal of measures on the de-escalation schedule "
             "in post-transition; with it off measures drop at once."),
            ("learning", "Learning", "学习", "After-action review when an alert episode closes: a "
             "lower alert threshold, faster detection and shorter deliberation next time."),
        )
    ],
    # --- levers: the five pillars (五有) --------------------------------------------------------
    _p("technology", "float", 0.2, "lever", "pillars", "Technology empowerment", "技术赋能",
       "Sensors, big data and IoT: raises detection, and narrows the gap of low-infrastructure "
       "communities.", "level", 0.0, 1.0),
    _p("information", "float", 0.2, "lever", "pillars", "Information integration", "信息整合",
       "A shared, low-latency picture: shortens every link's latency and raises its reliability.",
       "level", 0.0, 1.0),
    _p("coordination", "float", 0.2, "lever", "pillars", "Organisational coordination", "组织协同",
       "How well the administrative, social and party systems pool their people: scales the help "
       "of social organisations, volunteers and party members in a crisis.", "level", 0.0, 1.0),
    _p("resources", "float", 0.3, "lever", "pillars", "Resource guarantee", "资源保障",
       "Stocks held by committees, street offices and the district before the event.", "level",
       0.0, 1.0),
    _p("intellect", "float", 0.1, "lever", "pillars", "Intellectual support", "智力支持",
       "Experts and universities: less misjudgement of the state, better plans.", "level", 0.0, 1.0),
    # --- levers: guarantees ----------------------------------------------------------------------
    _p("responsibility_lists", "float", 0.2, "lever", "guarantees", "Responsibility lists",
       "权责清单", "Clarity of who owns a task at a boundary between communities, lines and "
       "blocks; without it tasks bounce (推诿扯皮).", "clarity", 0.0, 1.0),
    _p("evaluation", "float", 0.2, "lever", "guarantees", "Evaluation and rewards", "绩效考核与奖惩",
       "Implementation fidelity of measures (less 打折扣).", "level", 0.0, 1.0),
    _p("training", "float", 0.2, "lever", "guarantees", "Training", "培训",
       "Staff skill (processing capacity) and the effect of party-member volunteers.", "level",
       0.0, 1.0),
    _p("participation", "float", 0.2, "lever", "guarantees", "Resident participation", "居民参与",
       "Peacetime participation: volunteers, self-reporting and compliance in a crisis.", "level",
       0.0, 1.0),
    _p("vulnerable_registry", "bool", False, "lever", "guarantees", "Vulnerable registry",
       "弱势群体台账", "A register of vulnerable residents so their needs are known and served "
       "first."),
    _p("privacy", "bool", False, "lever", "guarantees", "Privacy of needs data", "需求数据隐私保护",
       "Protected needs data: residents, vulnerable ones above all, report their needs more "
       "readily."),
    _p("specialties", "choice", "none", "lever", "guarantees", "Social organisations' specialties",
       "社会组织专长", "none: social organisations give generic help; mixed: each has its specialty "
       "(care, logistics, psychological, expert in turn); or every organisation has the one named. "
       "care serves vulnerable residents first and knows them; psychological keeps precautions up "
       "while measures are withdrawn and speeds the return of trust; logistics holds stock and "
       "supplies its communities directly; expert cuts committees' misjudgement and holds the "
       "withdrawal of measures while risk is still seen.",
       choices=("none", "mixed", "care", "logistics", "psychological", "expert")),
    _p("territorial_load", "float", 0.0, "lever", "guarantees", "Load pushed down (属地管理)", "属地管理压力",
       "Tasks, reports and inspections pushed onto community committees under territorial management "
       "(属地管理), against their authority and capacity. 0 keeps implementation fidelity a fixed function "
       "of evaluation. Above 0, cadre motivation (干部积极性) falls where the load exceeds what "
       "responsibility lists, delegated powers and training relieve, and with it fidelity (打折扣) and "
       "the speed of committees' own decisions; evaluation above 0.5 then drives 层层加码: alerts at "
       "lower thresholds, stronger mitigation and measures kept longer.", "level", 0.0, 1.0),
    _p("lateral_sharing", "bool", False, "lever", "guarantees", "Lateral resource sharing", "横向物资互助",
       "Committees lend supplies to neighbouring committees on active peer ties when these run short "
       "(keeping half of their own initial stock), besides asking up their supplier chain."),
    # --- levers: authority and de-escalation ----------------------------------------------------
    _p("authority", "choice", "street", "lever", "authority", "Who may declare a state",
       "状态宣布权限", "The lowest level allowed to move a community into pre-transition, "
       "emergency or post-transition; requests travel the vertical chain to it.",
       choices=("committee", "street", "district")),
    _p("delegated_emergency_powers", "bool", False, "lever", "authority",
       "Delegated emergency powers", "紧急权力下放", "While any community is in emergency, every "
       "committee may declare its own state; the power returns once none is."),
    # --- levers: unified command, district response levels, alerting rules (mechanisms) ------------
    _p("span_of_control", "float", 5.0, "lever", "authority", "Span of control", "指挥跨度",
       "Under unified command (command = on): orders and decisions the command node (指挥部) can "
       "process a day, before training and processing capacity scale it (x (1 + training) x "
       "org_capacity / 20). Requests, owner assignments and orders beyond it wait in the node's "
       "queue, first come first served: fast with one site, a bottleneck with many.",
       "decisions/day", 0.5, 1000.0),
    _p("local_autonomy", "choice", "none", "lever", "authority", "Local autonomy under command",
       "统一指挥下的社区自主权", "Under unified command, which state changes a committee may still "
       "make without an order: none (every escalation is ordered by the command node), mitigation "
       "(it declares pre-transition itself; emergency and post-transition are ordered) or full (it "
       "declares every state itself; the node still assigns owners and posts alerts).",
       choices=("none", "mitigation", "full")),
    _p("response_level", "choice", "none", "lever", "authority", "District response level",
       "区级应急响应级别", "How the district grades its emergency response level (IV 一般, III 较大, "
       "II 重大, I 特别重大, Emergency Response Law) from its picture of the communities: none keeps "
       "per-community states only; states grades on the states the communities report; risk on the "
       "risk they report (earlier, and more often wrong). Level IV makes every committee vigilant, "
       "III mobilises volunteers and organisations everywhere, II and I set a floor on measures in "
       "every community and speed up procurement.", choices=("none", "states", "risk")),
    _p("level_floor", "float", 0.6, "lever", "authority", "Measures floor at level I",
       "I级响应措施下限", "Under a district response level: the least intensity of measures in every "
       "community at level I (特别重大); level II sets half of it, III and IV none. The law gives "
       "the direction, not the size.", "share", 0.0, 1.0),
    _p("alert_rule", "choice", "any", "lever", "authority", "Alerting rule", "预警规则",
       "any: a committee raises an alert on its own perception; confirm: an alert needs a second "
       "source (a neighbour's or the platform's alert, or a grid worker's check that finds a real "
       "case) before the state changes; vote: a street office moves all its communities into "
       "pre-transition when alert_quorum of them alert (emergency requests still go up as usual).",
       choices=("any", "confirm", "vote")),
    _p("alert_quorum", "int", 2, "lever", "authority", "Alert quorum", "预警联名数",
       "With alert_rule = vote: how many communities of a street must alert (within three days) "
       "before the street office moves them all into pre-transition.", "communities", 1, 100),
    _p("deescalation", "choice", "graded", "lever", "deescalation", "De-escalation", "降级方式",
       "graded: measures step down over several stages; abrupt: all measures end at once.",
       choices=("graded", "abrupt")),
    _p("deescalation_stages", "int", 4, "lever", "deescalation", "De-escalation stages", "降级阶段数",
       "Stages of graded withdrawal (each lowers measures by an equal step).", "stages", 1, 20),
    _p("stage_days", "int", 4, "lever", "deescalation", "Days per stage", "每阶段天数",
       "Days each de-escalation stage lasts.", "days", 1, 60),
    _p("alert_threshold", "float", 0.25, "lever", "thresholds", "Alert threshold", "预警阈值",
       "Perceived risk, as a share of the critical point, at which a committee moves to "
       "pre-transition.", "x critical point", 0.0, 10.0),
    _p("emergency_threshold", "float", 0.7, "lever", "thresholds", "Emergency threshold",
       "应急阈值", "Perceived risk, as a share of the critical point, at which emergency is "
       "declared.", "x critical point", 0.0, 10.0),
    _p("clear_days", "int", 4, "lever", "thresholds", "Days to clear", "解除观察天数",
       "Consecutive days of low perceived risk before de-crisis or de-escalation.", "days", 1, 60),
    _p("mitigation_level", "float", 0.3, "lever", "thresholds", "Mitigation strength", "减缓措施强度",
       "Strength of targeted measures in pre-transition, relative to full emergency measures.",
       "share", 0.0, 1.0),
    _p("peacetime_budget", "float", 0.3, "lever", "guarantees", "Peacetime budget", "平时投入",
       "Share of committees' normal-time effort spent on drills, training and peacetime "
       "activities with residents (builds readiness) rather than on routine grid monitoring.",
       "share", 0.0, 1.0),
    _p("learning_rate", "float", 0.3, "lever", "thresholds", "Learning rate", "学习率",
       "How much one after-action review lowers the alert threshold, speeds detection and "
       "shortens deliberation.", "share",
       0.0, 1.0),
    # --- levers: links -----------------------------------------------------------------------------
    _p("vertical_latency", "float", 1.0, "lever", "links", "Vertical latency", "纵向层级时延",
       "Days a message takes per hop along the administrative and party lines (条).", "days/hop",
       0.0, 30.0),
    _p("horizontal_latency", "float", 0.3, "lever", "links", "Horizontal latency", "横向时延",
       "Days a message takes per hop between blocks (块): committee, branch, peers, "
       "organisations.", "days/hop", 0.0, 30.0),
    _p("platform_latency", "float", 0.05, "lever", "links", "Platform latency", "平台时延",
       "Days a message takes to or from the response platform hub.", "days/hop", 0.0, 30.0),
    _p("horizontal_links", "float", 0.2, "lever", "links", "Horizontal links active",
       "横向联系启用比例", "Share of the possible horizontal ties (committee-branch, peer "
       "committees, committee-organisation) that carry messages.", "share", 0.0, 1.0),
    _p("platform", "bool", False, "lever", "links", "Response platform", "社区应急响应平台",
       "A hub that every organisation reaches in one low-latency hop."),
    _p("party_overlay", "bool", False, "lever", "links", "Party overlay (大党委)", "党建引领网络",
       "Street party working committees linked across committees, street offices and social "
       "organisations; party-member volunteers mobilised."),
    _p("command", "bool", False, "lever", "links", "Unified command", "统一指挥",
       "One command node at the district with direct links to every committee: reports and "
       "requests up, decisions down, alerts posted once for every committee to read."),
    _p("resource_pooling", "choice", "silo", "lever", "links", "Resource pooling", "资源统筹",
       "silo: each line holds its own stock and requests go up it; central: one pool at the "
       "district; pooled: a larger pool at each street office, shared by its communities.",
       choices=("silo", "central", "pooled")),
    _p("monitoring_coverage", "float", 0.4, "lever", "links", "Grid coverage", "网格覆盖率",
       "Share of households that grid workers visit regularly.", "share", 0.0, 1.0),
    _p("org_capacity", "float", 20.0, "lever", "links", "Processing capacity", "处理能力",
       "Messages a community committee can handle per day; other organisations scale from it.",
       "messages/day", 0.5, 10_000.0),
]
# fmt: on

PARAMETERS: dict[str, Param] = {p.name: p for p in _ROWS}
if len(PARAMETERS) != len(_ROWS):
    raise AssertionError("duplicate parameter names in the table")
