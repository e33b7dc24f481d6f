"""Outcomes (design §2.8): running tallies, the per-step time series, and the final numbers.

What each outcome means lives in :mod:`coop_agents.outcome_registry` (re-exported here as
:data:`OUTCOMES`); this module computes them. :func:`outcomes` is a pure function of a model that
has run, apart from the learning gain, which runs the same seed again with learning off.

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
from coop_agents.outcome_registry import OUTCOMES, VULNERABLE_WEIGHT, Outcome

if TYPE_CHECKING:
    from coop_agents.model import CoordinationModel

__all__ = [
    "OUTCOMES",
    "Outcome",
    "Tally",
    "TimeSeries",
    "outcomes",
    "event_outcomes",
    "EVENT_OUTCOMES",
    "VULNERABLE_WEIGHT",
    "learning_gain",
    "community_delays",
    "congestion",
]

PROFILES = ("urban", "old_urban", "rural")


@dataclass
class Tally:
    """Running counts kept while the model steps (everything :func:`outcomes` needs)."""

    n_communities: int
    onset: np.ndarray = field(init=False)
    last_at_risk: np.ndarray = field(init=False)
    first_detection: np.ndarray = field(init=False)
    first_measure: np.ndarray = field(init=False)
    missed: np.ndarray = field(init=False)
    secondary_crises: int = 0
    emergencies: int = 0
    decrisis: int = 0
    # Each authorised change into pre-transition or emergency: (community, asked, decided), on the
    # decision's own clock (see the registry's decision_latency).
    decisions: list[tuple[int, float, float]] = field(default_factory=list)
    unneeded_measures: float = 0.0
    wind_down_days: float = 0.0
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
        self.first_measure = never.copy()
        self.missed = np.zeros(self.n_communities, dtype=bool)

    @staticmethod
    def mark_first(arr: np.ndarray, mask: np.ndarray, step: int) -> None:
        """``step`` where ``mask`` holds for the first time (``arr`` is -1 until then)."""
        if mask.any():  # (most days nothing is marked: one pass instead of three)
            arr[mask & (arr < 0)] = step


class TimeSeries:
    """Per-step records, preallocated and grown by doubling; row 0 is the state before step 1."""

    SCALARS = (
        "prevalence",
        "harm",
        "severe",
        "detected",
        "messages",
        "in_flight",
        "max_backlog",
        "resources",
        "unmet_needs",
        "measures",
        "lost_messages",
        "trust",
        "lessons",
        "event",
    )
    # Per community and day: the state, the true risk, the measures' level, whether monitoring saw
    # anything. Per-event outcomes are computed from these after the run.
    MATRICES = {"states": np.int8, "risk": np.float32, "level": np.float32, "seen": bool}

    def __init__(self, steps: int, n_communities: int) -> None:
        rows = steps + 1
        self.n = 0
        self.data = {k: np.zeros(rows) for k in self.SCALARS}
        self.matrices = {k: np.zeros((rows, n_communities), dtype=t) for k, t in self.MATRICES.items()}
        self._rows = rows
        # Every series by name, scalars and matrices alike: a day's record looks each up once.
        self._columns = {**self.data, **self.matrices}

    @property
    def states(self) -> np.ndarray:
        return self.matrices["states"]

    def record(self, **values) -> None:
        if self.n == self._rows:
            self.data = {k: np.concatenate([v, np.zeros_like(v)]) for k, v in self.data.items()}
            self.matrices = {k: np.concatenate([v, np.zeros_like(v)]) for k, v in self.matrices.items()}
            self._rows *= 2
            self._columns = {**self.data, **self.matrices}
        n, columns = self.n, self._columns
        for k, v in values.items():  # (rows start at 0: what is not given stays 0)
            columns[k][n] = v
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
    censor = np.asarray(censor)
    if censor.ndim:  # (a 0-d array keeps its type in the arithmetic below, as the broadcast one did)
        censor = censor[among]
    ended = end[among]
    done = np.where(ended >= 0, np.minimum(ended, censor), censor)
    return float(np.mean(np.maximum(done - start[among], 0)))


EVENT_OUTCOMES = (
    "harm",
    "severe_harm",
    "detection_delay",
    "response_delay",
    "missed_windows",
    "secondary_crises",
    "emergencies",
    "false_alarms",
)


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
        before, after = states[:-1], states[1:]  # each community's state one day and the next
        out.append(
            {
                "event": float(e),
                "day": float(spec.day),
                "hazard": spec.hazard,
                "harm": float(event.affected.sum()),
                "severe_harm": float((event.severe * weights).sum()),
                "detection_delay": _censored_mean(detect, onset, risk_end, reached),
                "response_delay": _censored_mean(measure, onset, risk_end, reached),
                "missed_windows": float(((critical >= 0) & ((measure < 0) | (measure > critical))).sum()),
                "secondary_crises": float(np.count_nonzero((before == 3) & (after == 2))),
                "emergencies": float(np.count_nonzero((before != 2) & (after == 2))),
                "false_alarms": float(sum(lo <= d < hi for d in model.tally.false_alarm_days)),
                "trust_at_start": float(series.data["trust"][lo]),
                "lessons_at_start": float(series.data["lessons"][lo]),
            }
        )
    return out


def _mean_response_delay(events: list[dict]) -> float:
    delays = [e["response_delay"] for e in events if not np.isnan(e["response_delay"])]
    return float(np.mean(delays)) if delays else float("nan")


def learning_gain(model: CoordinationModel, events: list[dict] | None = None) -> float:
    """Days by which learning shortened the mean response delay over the events: the same run
    with learning off (same seed, district and events: common random numbers) minus this one.

    0 when learning is off; NaN when no event needed a response.
    """
    actual = _mean_response_delay(event_outcomes(model) if events is None else events)
    if np.isnan(actual) or not model.config.learning:
        return float("nan") if np.isnan(actual) else 0.0
    twin = model.counterfactual(learning=False)
    return _mean_response_delay(event_outcomes(twin)) - actual


def outcomes(model: CoordinationModel) -> dict[str, float]:
    """Every outcome of :data:`OUTCOMES` for a model that has run, as plain floats.

    Counts are whole numbers; an outcome that is n/a (see the registry) is NaN.
    """
    t = model.tally
    horizon = model.steps
    res = model.residents
    hz = model.hazard
    reached = t.onset >= 0
    # Still at risk on the last day: censored at the run's end; else the day after the last one.
    risk_end = np.where(t.last_at_risk >= horizon, horizon, t.last_at_risk + 1)
    weights = np.where(res.vulnerable, VULNERABLE_WEIGHT, 1.0)
    series = model.series.data["prevalence"][: model.series.n]
    bus = model.bus
    # NaN where a group had no need at all: there is no gap to speak of, not a gap of -1 or 1.
    unmet_share = np.divide(t.unmet_days, t.need_days, out=np.full(2, np.nan), where=t.need_days > 0)
    several = model.config.arrival != "single"
    events = event_outcomes(model)
    prevented = hz.onset_step is None
    contained = t.contained_at if t.contained_at is not None else horizon
    # Requests still waiting for an answer: the committee's pending request, if still open.
    unanswered = sum(
        1
        for c in model.committees
        if c.pending is not None and c.pending[0] in model.governance.open_requests[c.community]
    )
    out = {
        "harm": float(hz.affected.sum()),
        "severe_harm": float((hz.severe * weights).sum()),
        "peak_prevalence": float(series.max()) if series.size else 0.0,
        "detection_delay": _censored_mean(t.first_detection, t.onset, risk_end, reached),
        "decision_latency": float(np.mean([d - a for _, a, d in t.decisions]))
        if t.decisions
        else float("nan"),
        "unanswered_requests": float(unanswered),
        "response_delay": _censored_mean(t.first_measure, t.onset, risk_end, reached),
        "containment_time": float("nan")
        if hz.onset_step is None
        else float(max(contained - hz.onset_step, 0)),
        "missed_windows": float(t.missed.sum()),
        "emergencies": float(t.emergencies),
        "secondary_crises": float(t.secondary_crises),
        "decrisis": float(t.decrisis),
        "false_alarms": float(len(t.false_alarm_days)),
        "unneeded_measures": float(t.unneeded_measures),
        "wind_down_days": float(t.wind_down_days),
        "resources_spent": float(t.resources_spent),
        "unmet_need_days": float(t.unmet_days.sum()),
        "unmet_need_days_vulnerable": float(t.unmet_days[1]),
        "equity_gap": float(unmet_share[1] - unmet_share[0]),
        "buck_passing_events": float(t.buck_passing),
        "messages": float(bus.handled.sum()),
        "queue_wait": float(bus.wait_total),
        "longest_wait": float(bus.wait_max),
        "busiest_load": float(bus.peak_load),
        "truncated": float(not model.event_over()),
        "prevented": float(prevented),
        "events": float(len(events)),
        "learning_gain": learning_gain(model, events) if several else float("nan"),
        "mean_trust": float(model.series.data["trust"][model.series.n - 1]),
    }
    if several:
        # Several events: delays are the mean over events, missed windows their sum, so each
        # event counts, not only the first time a community was reached.
        for key in ("detection_delay", "response_delay"):
            values = [e[key] for e in events if not np.isnan(e[key])]
            out[key] = float(np.mean(values)) if values else float("nan")
        out["missed_windows"] = float(sum(e["missed_windows"] for e in events))
    for state in GovernanceState:
        out[f"days_{state.name.lower()}"] = float(t.state_days[state])
    for p in PROFILES:
        among = reached & (model.community_profile == p)
        out[f"detection_delay_{p}"] = _censored_mean(t.first_detection, t.onset, risk_end, among)
    return {k: out[k] for k in OUTCOMES}


def community_delays(model: CoordinationModel) -> dict[str, np.ndarray]:
    """Per community (run level): onset, the censor day, first detection, first decision and first
    measure (-1 or NaN where none), and the detection and response delays the outcomes average
    (NaN where the community had no onset)."""
    t, horizon = model.tally, model.steps
    risk_end = np.where(t.last_at_risk >= horizon, horizon, t.last_at_risk + 1)
    reached = t.onset >= 0
    first_decision = np.full(model.n_communities, np.nan)
    for c, _asked, decided in reversed(t.decisions):
        first_decision[c] = decided

    def delay(end: np.ndarray) -> np.ndarray:
        done = np.where(end >= 0, np.minimum(end, risk_end), risk_end)
        return np.where(reached, np.maximum(done - t.onset, 0), np.nan).astype(float)

    return {
        "onset": t.onset.copy(),
        "risk_end": risk_end,
        "first_detection": t.first_detection.copy(),
        "first_decision": first_decision,
        "first_measure": t.first_measure.copy(),
        "detection_delay": delay(t.first_detection),
        "response_delay": delay(t.first_measure),
    }


def congestion(model: CoordinationModel) -> dict[str, object]:
    """Where the congestion outcomes happened: the organisation with the longest single wait and
    the busiest one (names and kinds; None where no message waited or none was sent)."""
    bus, orgs = model.bus, model.organisations

    def who(index: int) -> dict[str, object] | None:
        return None if index < 0 else {"name": orgs[index].name, "kind": orgs[index].kind}

    return {"longest_wait_at": who(bus.wait_max_at), "busiest": who(bus.peak_load_at)}
