"""Outcomes (design §2.8): running tallies, the per-step time series, and the final numbers.

:data:`OUTCOMES` is the one table of outcome names, units and definitions; the CLI, the docs and
the experiments read it. :func:`outcomes` is a pure function of a model that has run.

Delays are measured per community from the day its *true* risk first reached the alert threshold
(its *onset*: the risk was real enough to act on) and averaged over the communities where that
happened. A detection or measure that never came, or came after the risk was over, counts as
coming on the day after the last day the community's true risk was at or above the alert threshold
(the run's end if it still was), so a pattern that never acts is never rewarded for it. Detection
or measures already in place at the onset count as 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from coop_agents.events import EventSpec
from coop_agents.governance import GovernanceState

if TYPE_CHECKING:
    from coop_agents.model import CoordinationModel

__all__ = ["OUTCOMES", "Outcome", "Tally", "TimeSeries", "outcomes", "event_outcomes", "EVENT_OUTCOMES"]

# Severe harm of a vulnerable resident weighs this much more (vulnerability-weighted severe harm).
VULNERABLE_WEIGHT = 2.0


@dataclass(frozen=True)
class Outcome:
    name: str
    unit: str
    label_en: str
    label_zh: str
    definition: str
    better: str = "lower"  # which direction is better, for tables and briefs


OUTCOMES: dict[str, Outcome] = {o.name: o for o in (
    Outcome("harm", "residents", "Residents harmed", "受影响居民",
            "Residents ever affected: infected (contagion) or harmed (shock)."),
    Outcome("severe_harm", "weighted residents", "Severe harm (weighted)", "严重伤害（加权）",
            f"Residents with a severe outcome, vulnerable ones counted {VULNERABLE_WEIGHT:g} times."),
    Outcome("peak_prevalence", "share", "Peak prevalence", "峰值感染率",
            "Largest share of residents affected on one day (latent or infectious; exposed and not in safety)."),
    Outcome("detection_delay", "days", "Detection delay", "发现时延",
            "Days from a community's onset (true risk reaching the alert threshold) to its committee's "
            "first detection (censored when the risk ends)."),
    Outcome("decision_latency", "days", "Decision latency", "决策时延",
            "Days from a committee's first request for a state change (its perceived risk reached a "
            "threshold) to the first authorised change (censored)."),
    Outcome("response_delay", "days", "Response delay", "响应时延",
            "Days from a community's onset to the first measure on site (censored when the risk ends)."),
    Outcome("containment_time", "days", "Containment time", "控制时间",
            "Days from the hazard's onset until it can do no more harm (censored at the run's end)."),
    Outcome("missed_windows", "communities", "Missed windows", "错失治理良机",
            "Communities whose true risk crossed the critical point before any measure there."),
    Outcome("secondary_crises", "events", "Secondary crises", "次生危机",
            "Relapses from post-transition back into emergency."),
    Outcome("emergencies", "events", "Emergencies declared", "进入应急态次数",
            "Times a community entered emergency (secondary crises included)."),
    Outcome("decrisis", "events", "De-crises", "去危机化次数",
            "Times a community returned from pre-transition to normal without an emergency.", "higher"),
    Outcome("over_response_days", "resident-days", "Over-response", "应急过度",
            "Resident-days under emergency or post-transition measures while the community's true "
            "risk was below the alert threshold."),
    Outcome("unmet_need_days", "resident-days", "Unmet need-days", "未满足需求天数",
            "Resident-days of need (care, supplies, evacuation help) that nobody met."),
    Outcome("unmet_need_days_vulnerable", "resident-days", "Unmet need-days (vulnerable)",
            "弱势群体未满足需求天数", "The same, for vulnerable residents only."),
    Outcome("equity_gap", "share", "Equity gap", "公平差距",
            "Unmet share of need-days of vulnerable residents minus that of the others "
            "(NaN when either group had no need)."),
    Outcome("buck_passing_events", "bounces", "Buck-passing", "推诿扯皮",
            "Times a boundary task, or a request for a state change, was passed on or back "
            "unowned before someone took it."),
    Outcome("messages", "message-hops", "Messages handled", "信息处理量",
            "Messages handled by organisations, each relay counted."),
    Outcome("max_queue", "messages", "Largest queue", "最大积压",
            "Most messages waiting at one organisation at any moment (the bottleneck)."),
    Outcome("top_share", "share", "Top node's share", "最忙节点占比",
            "Share of all message handling done by the busiest organisation."),
    Outcome("resources_spent", "units", "Resources spent", "资源消耗",
            "Supplies consumed by measures and needs delivery (one unit ≈ one resident-day of supplies)."),
    Outcome("days_normal", "community-days", "Days in normal", "常态天数",
            "Community-days in the normal state (常态).", "higher"),
    Outcome("days_pre_transition", "community-days", "Days in pre-transition", "前转换态天数",
            "Community-days in pre-transition (前转换态)."),
    Outcome("days_emergency", "community-days", "Days in emergency", "应急态天数",
            "Community-days in emergency (应急态)."),
    Outcome("days_post_transition", "community-days", "Days in post-transition", "后转换态天数",
            "Community-days in post-transition (后转换态)."),
)}
OUTCOMES.update({o.name: o for o in (
    Outcome("events", "events", "Events", "事件数", "Hazard events that began during the run.", "none"),
    Outcome("learning_gain", "days", "Learning gain", "学习收益",
            "Mean days by which the response delay fell from each event to the next (NaN with "
            "fewer than two events that needed a response).", "higher"),
    Outcome("false_alarms", "episodes", "False alarms", "误报次数",
            "Alert episodes (pre-transition or worse) that ended without the community's true risk "
            "ever reaching the alert threshold."),
    Outcome("mean_trust", "0-1", "Residents' trust (end)", "居民信任度（期末）",
            "Mean trust of residents in their committee on the last day.", "higher"),
)})
PROFILE_DELAYS = {"urban": "城市社区", "old_urban": "老旧小区", "rural": "农村社区"}
for _p, _zh in PROFILE_DELAYS.items():
    OUTCOMES[f"detection_delay_{_p}"] = Outcome(
        f"detection_delay_{_p}", "days", f"Detection delay ({_p})", f"发现时延（{_zh}）",
        f"Detection delay over the {_p} communities only (NaN where none was reached).")


@dataclass
class Tally:
    """Running counts kept while the model steps (everything :func:`outcomes` needs)."""

    n_communities: int
    onset: np.ndarray = field(init=False)
    last_at_risk: np.ndarray = field(init=False)
    first_detection: np.ndarray = field(init=False)
    first_request: np.ndarray = field(init=False)
    first_decision: np.ndarray = field(init=False)
    first_measure: np.ndarray = field(init=False)
    missed: np.ndarray = field(init=False)
    secondary_crises: int = 0
    emergencies: int = 0
    decrisis: int = 0
    over_response_days: float = 0.0
    need_days: np.ndarray = field(default_factory=lambda: np.zeros(2))  # [others, vulnerable]
    unmet_days: np.ndarray = field(default_factory=lambda: np.zeros(2))
    buck_passing: int = 0
    resources_spent: float = 0.0
    state_days: np.ndarray = field(default_factory=lambda: np.zeros(4))
    contained_at: int | None = None
    false_alarm_days: list[int] = field(default_factory=list)  # day each false alarm ended

    def __post_init__(self) -> None:
        never = np.full(self.n_communities, -1, dtype=np.int64)
        self.onset = never.copy()
        self.last_at_risk = never.copy()
        self.first_detection = never.copy()
        self.first_request = never.copy()
        self.first_decision = never.copy()
        self.first_measure = never.copy()
        self.missed = np.zeros(self.n_communities, dtype=bool)

    @staticmethod
    def mark_first(arr: np.ndarray, mask: np.ndarray, step: int) -> None:
        arr[mask & (arr < 0)] = step


class TimeSeries:
    """Per-step records, preallocated and grown by doubling; row 0 is the state before step 1."""

    SCALARS = ("prevalence", "harm", "severe", "detected", "messages", "in_flight", "max_backlog",
               "resources", "unmet_needs", "measures", "lost_messages", "trust", "lessons", "event")
    # Per community and day: the state, the true risk, the measures' level, whether monitoring saw
    # anything. Per-event outcomes are computed from these after the run.
    MATRICES = {"states": np.int8, "risk": np.float32, "level": np.float32, "seen": bool}

    def __init__(self, steps: int, n_communities: int) -> None:
        rows = steps + 1
        self.n = 0
        self.data = {k: np.zeros(rows) for k in self.SCALARS}
        self.matrices = {k: np.zeros((rows, n_communities), dtype=t) for k, t in self.MATRICES.items()}

    @property
    def states(self) -> np.ndarray:
        return self.matrices["states"]

    def record(self, **values) -> None:
        if self.n == self.states.shape[0]:
            self.data = {k: np.concatenate([v, np.zeros_like(v)]) for k, v in self.data.items()}
            self.matrices = {k: np.concatenate([v, np.zeros_like(v)]) for k, v in self.matrices.items()}
        for k in self.MATRICES:
            self.matrices[k][self.n] = values.pop(k, 0)
        for k, v in values.items():
            self.data[k][self.n] = v
        self.n += 1

    def frame(self):
        """The series as a pandas DataFrame: one row per step, one column per community's state."""
        import pandas as pd

        df = pd.DataFrame({k: v[: self.n] for k, v in self.data.items()})
        df.insert(0, "step", np.arange(self.n))
        for c in range(self.states.shape[1]):
            df[f"state_{c}"] = self.states[: self.n, c]
        return df


def _censored_mean(end: np.ndarray, start: np.ndarray, censor: np.ndarray | int, among: np.ndarray) -> float:
    """Mean of ``end - start`` over ``among``, taking ``censor`` where ``end`` never happened."""
    if not among.any():
        return float("nan")
    censor = np.broadcast_to(censor, end.shape)
    done = np.where(end[among] >= 0, np.minimum(end[among], censor[among]), censor[among])
    return float(np.mean(np.maximum(done - start[among], 0)))


EVENT_OUTCOMES = ("harm", "severe_harm", "detection_delay", "response_delay", "missed_windows",
                  "secondary_crises", "emergencies", "false_alarms")


def _first_at_or_after(mask: np.ndarray, start: np.ndarray) -> np.ndarray:
    """Per column: the first row index >= ``start`` (per column) where ``mask`` is true, or -1."""
    rows = np.arange(mask.shape[0])[:, None]
    hit = mask & (rows >= start[None, :])
    first = hit.argmax(axis=0)
    return np.where(hit.any(axis=0), first, -1)


def event_outcomes(model: CoordinationModel) -> list[dict[str, float]]:
    """Outcomes of each event, from the per-community series within the event's window.

    An event's window runs from its first day to the day before the next event begins (or to the
    run's end). Delays follow the run-level definitions, within the window; what was learned and
    how much residents trusted their committees when the event began show what it met.
    """
    series = model.series
    n = series.n
    hz = model.hazard
    events = getattr(hz, "events", [hz])
    specs = getattr(hz, "begun", None) or [EventSpec(0, hz.name)]
    weights = np.where(model.residents.vulnerable, VULNERABLE_WEIGHT, 1.0)
    alert = model.config.alert_threshold
    m = series.matrices
    out = []
    for e, (event, spec) in enumerate(zip(events, specs)):
        lo = min(spec.day, n - 1)
        hi = specs[e + 1].day if e + 1 < len(specs) else n
        hi = max(min(hi, n), lo + 1)
        risk, level = m["risk"][lo:hi], m["level"][lo:hi]
        seen, states = m["seen"][lo:hi], m["states"][lo:hi].astype(int)
        zero = np.zeros(risk.shape[1], dtype=int)
        onset = _first_at_or_after(risk >= alert, zero)
        reached = onset >= 0
        at_risk_rows = np.where(risk >= alert, np.arange(hi - lo)[:, None], -1)
        risk_end = np.minimum(at_risk_rows.max(axis=0) + 1, hi - lo)
        measure = _first_at_or_after(level > 0, zero)
        detect = _first_at_or_after(seen, zero)
        critical = _first_at_or_after(risk >= 1.0, zero)
        moves = list(zip(states[:-1].T, states[1:].T))
        out.append({
            "event": float(e), "day": float(spec.day), "hazard": spec.hazard,
            "harm": float(event.affected.sum()),
            "severe_harm": float((event.severe * weights).sum()),
            "detection_delay": _censored_mean(detect, onset, risk_end, reached),
            "response_delay": _censored_mean(measure, onset, risk_end, reached),
            "missed_windows": float(((critical >= 0) & ((measure < 0) | (measure > critical))).sum()),
            "secondary_crises": float(sum(((a == 3) & (b == 2)).sum() for a, b in moves)),
            "emergencies": float(sum(((a != 2) & (b == 2)).sum() for a, b in moves)),
            "false_alarms": float(sum(lo <= d < hi for d in model.tally.false_alarm_days)),
            "trust_at_start": float(series.data["trust"][lo]),
            "lessons_at_start": float(series.data["lessons"][lo]),
        })
    return out


def _learning_gain(events: list[dict]) -> float:
    delays = [e["response_delay"] for e in events if not np.isnan(e["response_delay"])]
    if len(delays) < 2:
        return float("nan")
    return float(np.mean(np.array(delays[:-1]) - np.array(delays[1:])))


def outcomes(model: CoordinationModel) -> dict[str, float]:
    """Every outcome of :data:`OUTCOMES` for a model that has run, as plain floats."""
    t = model.tally
    horizon = model.steps
    res = model.residents
    hz = model.hazard
    reached = t.onset >= 0
    # Still at risk on the last day: censored at the run's end; else the day after the last one.
    risk_end = np.where(t.last_at_risk >= horizon, horizon, t.last_at_risk + 1)
    requested = t.first_request >= 0
    weights = np.where(res.vulnerable, VULNERABLE_WEIGHT, 1.0)
    series = model.series.data["prevalence"][: model.series.n]
    handled = model.bus.handled
    total_msgs = int(handled.sum())
    # NaN where a group had no need at all: there is no gap to speak of, not a gap of -1 or 1.
    unmet_share = np.divide(t.unmet_days, t.need_days, out=np.full(2, np.nan), where=t.need_days > 0)
    hz_onset = hz.onset_step if hz.onset_step is not None else horizon
    events = event_outcomes(model)
    out = {
        "harm": float(hz.affected.sum()),
        "severe_harm": float((hz.severe * weights).sum()),
        "peak_prevalence": float(series.max()) if series.size else 0.0,
        "detection_delay": _censored_mean(t.first_detection, t.onset, risk_end, reached),
        "decision_latency": _censored_mean(t.first_decision, t.first_request, horizon, requested),
        "response_delay": _censored_mean(t.first_measure, t.onset, risk_end, reached),
        "containment_time": float(max((t.contained_at if t.contained_at is not None else horizon) - hz_onset, 0)),
        "missed_windows": float(t.missed.sum()),
        "secondary_crises": float(t.secondary_crises),
        "emergencies": float(t.emergencies),
        "decrisis": float(t.decrisis),
        "over_response_days": float(t.over_response_days),
        "unmet_need_days": float(t.unmet_days.sum()),
        "unmet_need_days_vulnerable": float(t.unmet_days[1]),
        "equity_gap": float(unmet_share[1] - unmet_share[0]),
        "buck_passing_events": float(t.buck_passing),
        "messages": float(total_msgs),
        "max_queue": float(model.bus.max_queue),
        "top_share": float(handled.max() / total_msgs) if total_msgs else 0.0,
        "resources_spent": float(t.resources_spent),
        "events": float(len(events)),
        "learning_gain": _learning_gain(events),
        "false_alarms": float(len(t.false_alarm_days)),
        "mean_trust": float(model.series.data["trust"][model.series.n - 1]),
    }
    if len(events) > 1:
        # Several events: delays are the mean over events, missed windows their sum, so each
        # event counts, not only the first time a community was reached.
        for key in ("detection_delay", "response_delay"):
            values = [e[key] for e in events if not np.isnan(e[key])]
            out[key] = float(np.mean(values)) if values else float("nan")
        out["missed_windows"] = float(sum(e["missed_windows"] for e in events))
    for state in GovernanceState:
        out[f"days_{state.name.lower()}"] = float(t.state_days[state])
    for p in PROFILE_DELAYS:
        among = reached & (model.community_profile == p)
        out[f"detection_delay_{p}"] = _censored_mean(t.first_detection, t.onset, risk_end, among)
    return out
