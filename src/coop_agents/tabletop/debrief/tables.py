"""The debrief's runs and what they found, as tables (:class:`Debrief`): the team against every
preset on the same outbreak, the key decisions, the communities, the decisions, the injects."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from coop_agents.model import CoordinationModel
from coop_agents.outcome_registry import OUTCOMES, outcome_label, table_outcomes
from coop_agents.tabletop.exercise import Exercise, Replayer, copy_model, org_name, role_name
from coop_agents.tabletop.injects import Inject, expected_met
from coop_agents.tabletop.strings import LANGS

__all__ = ["ACTING", "HEADLINE", "Debrief", "acts", "debrief"]

HEADLINE = ("harm", "severe_harm", "response_delay")
# Choices that act (the others hold, pass or stay silent).
ACTING = {
    "request_state": {"pre_transition", "emergency", "post_transition"},
    "approve_state": {"approve"},
    "stand_down": {"normal"},
    "deescalate": {"next_stage"},
    "warn": {"warn"},
    "own_task": {"own_now"},
    "request_resources": {"request"},
    "dispatch": {"dispatch"},
}


def acts(kind: str, choice: Any) -> bool:
    """Whether a choice does something (asks, approves, measures, delivers, ...)."""
    if kind == "measures":
        return float(choice) > 0
    return choice in ACTING.get(kind, ())


@dataclass
class Debrief:
    """Everything the debrief page shows, as tables.

    Attributes:
        table: one row per outcome (``label_en``, ``label_zh``, ``unit``, ``better``), a ``team``
            column and one column per preset pattern; its ``attrs`` hold the other tables.
        key_decisions: the turns whose decisions mattered most: ``turn``, ``first``, ``last``,
            ``decisions`` (the team's choices that differed from the rules), and per headline
            outcome the team's value, the value with the rules' choices for that turn and the
            difference (``harm_delta`` = team - rules).
        communities: per community, when the risk became real and critical, when the team and
            anyone acted, whether the window was missed, requests not approved, who played it.
        decisions: every decision of the human roles as it took effect (answered or default).
        msel: the injects: day, target, texts, the check of the expected action and its result.
        notes: the players' notes.
    """

    settings: dict
    table: pd.DataFrame
    key_decisions: pd.DataFrame
    communities: pd.DataFrame
    decisions: pd.DataFrame
    msel: pd.DataFrame
    notes: pd.DataFrame
    players: dict[str, list[str]]
    roles: dict[str, dict[str, str]]
    risk: np.ndarray
    harm_series: dict[str, np.ndarray]
    alert_threshold: float
    last_played: int
    turns: int
    hazard: str | None
    several: bool
    injects: list[Inject] = field(default_factory=list)
    log: str | None = None


def _rules_run(construction: dict, pattern: str, injects: Sequence[Inject]) -> CoordinationModel:
    """A preset's run on the drill's seed, with the drill's injects, played to its end."""

    def build(**changes) -> CoordinationModel:
        model = CoordinationModel(**{**construction, "deciders": None, "pattern": pattern, **changes})
        for inject in injects:
            model.schedule_inject(inject.day, inject)
        return model

    model = build()
    if model.config.arrival != "single" and model.config.learning:
        # The learning gain's twin (learning off) meets the same injects.
        model.__dict__.setdefault("_twins", {})[(("learning", False),)] = build(learning=False)
    model.run()
    return model


def _deviations(ex: Exercise) -> list[tuple[int, int, int, list[dict]]]:
    """(turn, first day, last day, the team's choices that differed from the rules) for every
    turn that stepped days in which some decision differed."""
    by_turn: dict[int, list[dict]] = {}
    for taken in ex.taken:
        if taken["day"] <= ex.last_played and taken["choice"] != taken["suggested"]:
            by_turn.setdefault(taken["turn"], []).append(taken)
    spans = {r["turn"]: r["days"] for r in ex.turns}
    return [
        (turn, spans[turn][0], min(spans[turn][1], ex.last_played), found)
        for turn, found in sorted(by_turn.items())
    ]


def _key_decisions(
    ex: Exercise, team: dict[str, float], keep: int, progress: Callable[[str], None] | None
) -> pd.DataFrame:
    """Replay each deviating turn with the rules' choices; rank by the change in harm."""
    rows = []
    candidates = _deviations(ex)
    if candidates:
        base = ex.rebuild()
        for i, (turn, first, last, found) in enumerate(candidates):
            if progress:
                progress(f"key {i + 1}/{len(candidates)}")
            while base.running and base.steps < first - 1:
                base.step()
            twin = copy_model(base)
            for org in twin.organisations:  # the copy's replayer (one for every human role)
                if isinstance(org.decider, Replayer):
                    org.decider.rules_days = frozenset(range(first, last + 1))
            while twin.running:
                twin.step()
            rules = twin.outcomes()
            row = {"turn": turn, "first": first, "last": last, "decisions": found}
            for o in HEADLINE:
                row[f"{o}_team"], row[f"{o}_rules"] = team[o], rules[o]
                row[f"{o}_delta"] = team[o] - rules[o]
            rows.append(row)
    columns = ["turn", "first", "last", "decisions"] + [
        f"{o}_{c}" for o in HEADLINE for c in ("team", "rules", "delta")
    ]
    frame = pd.DataFrame(rows, columns=columns)
    if frame.empty:
        return frame
    size = frame[[f"{o}_delta" for o in HEADLINE]].abs().fillna(0)
    frame = frame.assign(_h=size["harm_delta"], _s=size["severe_harm_delta"], _r=size["response_delay_delta"])
    frame = frame[(frame["_h"] > 0) | (frame["_s"] > 0) | (frame["_r"] > 0)]
    frame = frame.sort_values(
        ["_h", "_s", "_r", "turn"], ascending=[False, False, False, True], kind="stable"
    )
    return frame.drop(columns=["_h", "_s", "_r"]).head(keep).reset_index(drop=True)


def _communities(
    ex: Exercise, model: CoordinationModel, risk: np.ndarray, taken: pd.DataFrame
) -> pd.DataFrame:
    tally = model.tally
    rows = []
    for c in model.committees:
        k = c.community
        critical = np.flatnonzero(risk[1:, k] >= 1.0)
        mine = taken[(taken["community"] == k)] if not taken.empty else taken
        acted = [int(r.day) for r in mine.itertuples() if acts(r.kind, r.choice)] if not mine.empty else []
        bounced = 0
        for node in ex.history:
            org = model.organisations[model.bus.node_index[node]]
            if org.kind == "committee" and org.community == k:
                bounced += sum(1 for m in ex.history[node] if m.kind == "decision" and m.state < 0)
        if not mine.empty:
            bounced += int(
                ((mine["kind"] == "approve_state") & mine["choice"].isin(["refuse", "pass_back"])).sum()
            )
        rows.append(
            {
                "community": k,
                "name_en": org_name("committee", c.name, "en"),
                "name_zh": f"社区{k + 1}",
                "played": ex.role_of(c.node) is not None,
                "alert": int(tally.onset[k]) if tally.onset[k] >= 0 else None,
                "critical": int(critical[0]) + 1 if critical.size else None,
                "acted": min(acted) if acted else None,
                "first_measure": int(tally.first_measure[k]) if tally.first_measure[k] >= 0 else None,
                "missed": bool(tally.missed[k]),
                "bounced": bounced,
            }
        )
    frame = pd.DataFrame(
        rows,
        columns=[
            "community",
            "name_en",
            "name_zh",
            "played",
            "alert",
            "critical",
            "acted",
            "first_measure",
            "missed",
            "bounced",
        ],
    )
    return frame.astype({c: "Int64" for c in ("alert", "critical", "acted", "first_measure")})


def debrief(
    ex: Exercise,
    presets: Sequence[str] | None = None,
    key_decisions: int = 3,
    progress: Callable[[str], None] | None = None,
) -> Debrief:
    """The team against every preset pattern (on the same seed and injects) and the key decisions.

    Args:
        ex: the drill (finished or not: an unfinished one is played to its end by the rules on a
            copy, the drill itself left as it is).
        presets: the patterns to compare with (default: every preset).
        key_decisions: how many of the decisions that mattered most to keep.
        progress: called with a short note as each run finishes (the app shows it).
    """
    from coop_agents.patterns import preset_names

    presets = list(preset_names() if presets is None else presets)
    if ex.finished:
        model, team = ex.model, ex.outcomes()
    else:
        model = ex.rebuild()
        model.run()
        team = model.outcomes()
    construction = ex.model.construction
    injects = [inject for _, inject in ex.fired]
    n = model.series.n
    risk = model.series.matrices["risk"][:n].astype(float)
    states = model.series.matrices["states"][:n]
    levels = model.series.matrices["level"][:n].astype(float)
    runs: dict[str, dict[str, float]] = {}
    harm_series = {"team": model.series.data["harm"][:n].copy()}
    for name in presets:
        if progress:
            progress(name)
        preset = _rules_run(construction, name, injects)
        runs[name] = preset.outcomes()
        harm_series[name] = preset.series.data["harm"][: preset.series.n].copy()
    hazard = model.config.hazard if model.config.arrival == "single" else _hazard_of(model)
    several = model.config.arrival != "single"
    names = table_outcomes(hazard, several)
    table = pd.DataFrame(
        {
            "label_en": [outcome_label(o, "en", hazard) for o in names],
            "label_zh": [outcome_label(o, "zh", hazard) for o in names],
            "unit": [OUTCOMES[o].unit for o in names],
            "better": [OUTCOMES[o].better for o in names],
            "team": [team[o] for o in names],
            **{p: [runs[p][o] for o in names] for p in presets},
        },
        index=pd.Index(names, name="outcome"),
    )
    taken = pd.DataFrame(
        ex.taken,
        columns=[
            "turn",
            "day",
            "key",
            "role",
            "kind",
            "organisation",
            "community",
            "choice",
            "suggested",
            "answered",
            "player",
        ],
    )
    keys = _key_decisions(ex, team, key_decisions, progress)
    communities = _communities(ex, model, risk, taken)
    human_kinds = {o.kind for o in ex.model.organisations if ex.role_of(o.node) is not None}
    msel = []
    for turn, inject in ex.fired:
        status, day = expected_met(inject, inject.communities(model), states, levels, ex.taken, human_kinds)
        msel.append(
            {
                "turn": turn,
                "day": inject.day,
                "inject": inject.id,
                "target": inject.target,
                **{
                    f"{k}_{lang}": getattr(inject, k)(lang)
                    for k in ("title", "message", "expected")
                    for lang in LANGS
                },
                "status": status,
                "met_day": day,
                "gap": None if day is None else day - inject.day,
            }
        )
    notes = pd.DataFrame(
        [
            {k: r.get(k) for k in ("turn", "day", "role", "player", "text")}
            for r in ex.records
            if r.get("type") == "note"
        ],
        columns=["turn", "day", "role", "player", "text"],
    )
    players: dict[str, list[str]] = {}
    for r in ex.records:
        if r.get("player") and r.get("role") is not None:
            names_ = players.setdefault(str(r["role"]), [])
            if r["player"] not in names_:
                names_.append(r["player"])
    roles = {str(h): {lang: role_name(ex, h, lang) for lang in LANGS} for h in ex.humans}
    msel_frame = pd.DataFrame(
        msel,
        columns=["turn", "day", "inject", "target"]
        + [f"{k}_{lang}" for k in ("title", "message", "expected") for lang in LANGS]
        + ["status", "met_day", "gap"],
    )
    table.attrs.update(
        key_decisions=keys, communities=communities, decisions=taken, msel=msel_frame, notes=notes
    )
    return Debrief(
        settings=dict(ex.settings),
        table=table,
        key_decisions=keys,
        communities=communities,
        decisions=taken,
        msel=msel_frame,
        notes=notes,
        players=players,
        roles=roles,
        risk=risk,
        harm_series=harm_series,
        alert_threshold=float(model.config.alert_threshold),
        last_played=ex.last_played,
        turns=len(ex.turns),
        hazard=hazard,
        several=several,
        injects=injects,
        log=str(ex.log) if ex.log else None,
    )


def _hazard_of(model: CoordinationModel) -> str | None:
    hazards = {type(e).name for e in getattr(model.hazard, "events", [])} or {model.config.hazard}
    return hazards.pop() if len(hazards) == 1 else None
