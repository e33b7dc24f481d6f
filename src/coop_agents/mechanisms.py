"""The directions of the paper's mechanisms as numbers: paired differences with 95% intervals.

Each function runs the arms of one mechanism on the same seeds (common random numbers) and returns
a :class:`coop_agents.validation.Fact` whose comparisons state the direction the mechanism should
produce (e.g. a narrower span of control lengthens the command node's decisions more when many
sites are hit at once). ``tests/test_mechanisms.py`` asserts that every 95% interval excludes zero
on the expected side; ``scripts/mechanism_findings.py`` writes the same numbers into
``experiments/README.md``. The worlds are small so that each function runs in well under a minute.

    >>> sorted(MECHANISMS)[:2]
    ['alert_confirm', 'alert_vote']
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np

from coop_agents.mechanism_worlds import (
    FALSE_SIGNALS,
    RECURRING_DISTRICT,
    RESIDUAL_EPIDEMIC,
    RESOURCE_STRESS,
    SHOCK_DISTRICT,
    SINGLE_EPIDEMIC,
    YEAR_DISTRICT,
)

# compare is validation's, re-exported here: the mechanisms' comparisons are the facts' kind.
from coop_agents.validation import Check, Fact, compare, paired_runs

__all__ = [
    "MECHANISMS",
    "command_span",
    "response_levels",
    "alert_confirm",
    "alert_vote",
    "specialty_care",
    "specialty_expert",
    "specialty_psychological",
    "resource_sharing",
    "formalism",
    "compare",
    "SHOCK_DISTRICT",
    "RECURRING_DISTRICT",
    "FALSE_SIGNALS",
    "SINGLE_EPIDEMIC",
    "RESIDUAL_EPIDEMIC",
    "RESOURCE_STRESS",
    "YEAR_DISTRICT",
]


def _setting(pattern: str, scenario: str, world: dict, arms: dict) -> str:
    text = ", ".join(f"{k} = {v}" for k, v in world.items())
    arms_text = "; ".join(
        f"{name}: " + (", ".join(f"{k} = {v}" for k, v in ov.items()) or "as the pattern")
        for name, ov in arms.items()
    )
    return f"`{pattern}` pattern, `{scenario}` scenario with {text}; arms {arms_text}"


def command_span(seeds: Iterable[int] = range(20)) -> Fact:
    """Unified command: fast and clear with one site, its queue the bottleneck with many.

    The command node decides ``span_of_control`` x (1 + training) requests a day. A shock on one
    community or on ten at once, with a narrow (1) or a wide (20) span: with many sites the
    decisions take longer, much more so with the narrow span; with one site command decides faster
    than district approval up the siloed chain.
    """
    seeds = list(seeds)
    arms = {
        "one_narrow": dict(shock_sites=1, span_of_control=1.0),
        "many_narrow": dict(shock_sites=10, span_of_control=1.0),
        "one_wide": dict(shock_sites=1, span_of_control=20.0),
        "many_wide": dict(shock_sites=10, span_of_control=20.0),
    }
    r = paired_runs("command", arms, seeds, **SHOCK_DISTRICT)
    r.update(paired_runs("siloed", {"siloed_one": dict(shock_sites=1)}, seeds, **SHOCK_DISTRICT))
    fact = Fact(
        "command_span",
        3,
        "Unified command (统一指挥) decides fast with one site; with many sites at once its "
        "queue grows, the more so the narrower its span of control.",
        _setting("command", "default", SHOCK_DISTRICT, arms),
        len(seeds),
    )
    fact.comparisons.append(
        compare(
            r,
            "decision_latency",
            "one_narrow",
            "many_narrow",
            "higher",
            what="decision latency, 10 sites minus 1 site, span 1",
        )
    )
    growth = {
        "narrow": {"g": r["many_narrow"]["decision_latency"] - r["one_narrow"]["decision_latency"]},
        "wide": {"g": r["many_wide"]["decision_latency"] - r["one_wide"]["decision_latency"]},
    }
    fact.comparisons.append(
        compare(
            growth,
            "g",
            "wide",
            "narrow",
            "higher",
            what="growth of decision latency from 1 to 10 sites, span 1 minus span 20",
        )
    )
    fact.comparisons.append(
        compare(
            r,
            "decision_latency",
            "siloed_one",
            "one_narrow",
            "lower",
            what="decision latency with one site, command (span 1) minus siloed approval",
        )
    )
    fact.comparisons.append(
        compare(
            r,
            "response_delay",
            "many_wide",
            "many_narrow",
            "higher",
            what="response delay with 10 sites, span 1 minus span 20",
        )
    )
    return fact


def response_levels(seeds: Iterable[int] = range(20)) -> Fact:
    """District response levels: a floor on measures everywhere reaches communities before their
    own committees act, at the cost of measures where nothing happens."""
    seeds = list(seeds)
    world = {**SHOCK_DISTRICT, "shock_sites": 9}
    arms = {
        "none": dict(response_level="none"),
        "states": dict(response_level="states"),
        "risk": dict(response_level="risk"),
    }
    r = paired_runs("platform", arms, seeds, **world)
    fact = Fact(
        "response_levels",
        0,
        "A district response level (应急响应级别) graded on the communities' reported risk "
        "sets a floor on measures in every community: a faster response and fewer missed windows when most "
        "of the district is hit, at the cost of measures where nothing happens; graded on the states "
        "communities report it comes later.",
        _setting("platform", "default", world, arms),
        len(seeds),
    )
    fact.comparisons.append(compare(r, "response_delay", "none", "risk", "lower"))
    fact.comparisons.append(compare(r, "missed_windows", "none", "risk", "lower"))
    fact.comparisons.append(compare(r, "unneeded_measures", "none", "risk", "higher"))
    fact.comparisons.append(compare(r, "unneeded_measures", "none", "states", "higher"))
    fact.comparisons.append(
        compare(
            r,
            "response_delay",
            "risk",
            "states",
            "higher",
            what="response delay, graded on states minus graded on risk",
        )
    )
    return fact


def _alert(rule: str, seeds: list[int], claim: str) -> Fact:
    """Stylised fact 8 for ``alert_rule = rule``: false alarms over eight months of false signals
    without any epidemic; response delay over single epidemics (more seeds: the delay of one event
    varies a lot)."""
    fact = Fact(f"alert_{rule}", 8, claim, "", len(seeds))
    arms = {"any": dict(alert_rule="any"), rule: dict(alert_rule=rule)}
    false = paired_runs("platform", arms, seeds, **FALSE_SIGNALS)
    single = paired_runs("platform", arms, list(range(4 * len(seeds))), **SINGLE_EPIDEMIC)
    fact.setting = (
        _setting("platform", "default", FALSE_SIGNALS, arms)
        + " (false alarms); and "
        + _setting("platform", "default", SINGLE_EPIDEMIC, arms)
        + f", {4 * len(seeds)} seeds (response delay)"
    )
    fact.comparisons.append(compare(false, "false_alarms", "any", rule, "lower"))
    fact.comparisons.append(compare(single, "response_delay", "any", rule, "higher"))
    return fact


def alert_confirm(seeds: Iterable[int] = range(12)) -> Fact:
    """An alert that needs a second source: fewer false alarms, a later response."""
    return _alert(
        "confirm",
        list(seeds),
        "When an alert needs a second source (a neighbour, the platform or a grid worker's "
        "check), false signals raise fewer false alarms, and real events are answered later.",
    )


def alert_vote(seeds: Iterable[int] = range(12)) -> Fact:
    """A street office that alerts when k of its communities do: fewer false alarms, a later response."""
    return _alert(
        "vote",
        list(seeds),
        "When a street office moves its communities only once two of them alert (a consensus "
        "rule), false alarms fall and the response comes later.",
    )


def _specialty(
    name: str, seeds: list[int], scenario: str = "default", world: dict | None = None
) -> tuple[dict, str]:
    world = world or RESIDUAL_EPIDEMIC
    arms = {"none": dict(specialties="none"), name: dict(specialties=name)}
    return paired_runs("co_governance", arms, seeds, scenario=scenario, **world), _setting(
        "co_governance", scenario, world, arms
    )


def _specialty_fact(
    name: str, seeds: list[int], key: str, number: int, claim: str, world: dict | None = None
) -> tuple[Fact, dict]:
    """The stylised fact ``key`` of specialty ``name`` against none, with its paired runs."""
    r, setting = _specialty(name, seeds, world=world)
    return Fact(key, number, claim, setting, len(seeds)), r


def specialty_care(seeds: Iterable[int] = range(20)) -> Fact:
    """Care organisations serve vulnerable residents first: less unmet need for them."""
    fact, r = _specialty_fact(
        "care",
        list(seeds),
        "specialty_care",
        7,
        "Social organisations that specialise in care (照护) serve vulnerable residents "
        "first and know them: fewer of their need-days go unmet, and the equity gap narrows.",
    )
    fact.comparisons.append(compare(r, "unmet_need_days_vulnerable", "none", "care", "lower"))
    fact.comparisons.append(compare(r, "equity_gap", "none", "care", "lower"))
    return fact


def specialty_expert(seeds: Iterable[int] = range(20)) -> Fact:
    """Expert organisations: less misjudgement, better-timed withdrawal: fewer secondary crises."""
    fact, r = _specialty_fact(
        "expert",
        list(seeds),
        "specialty_expert",
        6,
        "Expert organisations (专家) cut committees' misjudgement and hold the withdrawal "
        "of measures while risk is still seen: fewer secondary crises.",
        world={**RESIDUAL_EPIDEMIC, "deescalation": "graded"},
    )
    fact.comparisons.append(compare(r, "secondary_crises", "none", "expert", "lower"))
    return fact


def specialty_psychological(seeds: Iterable[int] = range(40)) -> Fact:
    """Psychological support: precautions kept while measures end, trust regained faster."""
    seeds = list(seeds)
    fact, r = _specialty_fact(
        "psychological",
        seeds,
        "specialty_psychological",
        6,
        "Psychological support (心理) keeps residents' precautions up while "
        "measures are withdrawn and speeds the return of lost trust: fewer secondary crises after an abrupt "
        "withdrawal, more trust at the end of a year of false alarms.",
        world={**RESIDUAL_EPIDEMIC, "deescalation": "abrupt"},
    )
    recurring, setting_r = _specialty(
        "psychological", seeds[: len(seeds) // 3], scenario="recurring", world=RECURRING_DISTRICT
    )
    fact.setting = f"{fact.setting} (secondary crises); and {setting_r}, {len(seeds) // 3} seeds (trust)"
    fact.comparisons.append(compare(r, "secondary_crises", "none", "psychological", "lower"))
    fact.comparisons.append(compare(recurring, "mean_trust", "none", "psychological", "higher"))
    return fact


def resource_sharing(seeds: Iterable[int] = range(30)) -> Fact:
    """Stocks outside the line: neighbours lend, logistics organisations supply directly, a pooled
    stock is drawn on at once; each cuts the need-days that go unmet when supplies run short."""
    seeds = list(seeds)
    arms = {
        "silo": dict(resource_pooling="silo"),
        "lateral": dict(resource_pooling="silo", lateral_sharing=True),
        "logistics": dict(resource_pooling="silo", specialties="logistics"),
        "pooled": dict(resource_pooling="pooled"),
    }
    r = _runs_with_shortages("siloed", arms, seeds, RESOURCE_STRESS)
    fact = Fact(
        "resource_sharing",
        17,
        "Where supplies run short, committees that lend to their neighbours, logistics "
        "organisations that hold stock and supply directly, and a pooled stock every member draws on at "
        "once each leave fewer needs unmet than stocks that move only down the vertical line.",
        _setting("siloed", "default", RESOURCE_STRESS, arms),
        len(seeds),
    )
    for arm in ("lateral", "logistics", "pooled"):
        fact.comparisons.append(
            compare(
                r,
                "shortage_days",
                "silo",
                arm,
                "lower",
                what=f"community-days short of supplies, {arm} minus silo",
            )
        )
    fact.comparisons.append(compare(r, "unmet_need_days", "silo", "pooled", "lower"))
    return fact


def _runs_with_shortages(
    pattern: str, arms: dict, seeds: list[int], world: dict, scenario: str = "default"
) -> dict:
    """Like :func:`coop_agents.validation.paired_runs`, with what a run knows beside its outcomes:
    community-days short of supplies (``Actions.shortage_days``) and cadres' mean motivation on the
    first and the last day (``Governance.motivation_history``; 1 without territorial load)."""
    from coop_agents import CoordinationModel

    out = {}
    for name, overrides in arms.items():
        rows = []
        for seed in seeds:
            model = CoordinationModel(scenario, pattern, seed, **{**world, **overrides})
            row = model.run()
            row["shortage_days"] = float(model.actions.shortage_days)
            history = model.governance.motivation_history or [1.0]
            row["motivation_first"], row["motivation_last"] = history[0], history[-1]
            rows.append(row)
        out[name] = {k: np.array([row[k] for row in rows], dtype=float) for k in rows[0]}
    return out


def formalism(seeds: Iterable[int] = range(12)) -> Fact:
    """Authority-responsibility imbalance (权责失衡): load pushed down beyond what lists, powers and
    training relieve wears cadres' motivation, and with it fidelity; heavy evaluation on top
    produces 层层加码, measures where nothing happens."""
    seeds = list(seeds)
    arms = {
        "no_load": dict(territorial_load=0.0),
        "load": dict(territorial_load=1.0),
        "load_lists": dict(territorial_load=1.0, responsibility_lists=1.0),
        "load_powers": dict(territorial_load=1.0, authority="committee"),
        "load_heavy_evaluation": dict(territorial_load=1.0, evaluation=1.0),
        "load_moderate_evaluation": dict(territorial_load=1.0, evaluation=0.5),
    }
    r = _runs_with_shortages("platform", arms, seeds, YEAR_DISTRICT, scenario="recurring")
    fact = Fact(
        "formalism",
        15,
        "Load pushed onto committees beyond their authority and capacity (属地管理, "
        "权责失衡) lowers cadre motivation over time, and with it implementation fidelity; responsibility "
        "lists and delegated powers relieve it; heavy evaluation under load brings 层层加码: more measures "
        "where nothing happens.",
        _setting("platform", "recurring", YEAR_DISTRICT, arms),
        len(seeds),
    )
    trend = {
        "load": {"m": r["load"]["motivation_last"] - r["load"]["motivation_first"]},
        "flat": {"m": np.zeros(len(seeds))},
    }
    fact.comparisons.append(
        compare(
            trend,
            "m",
            "flat",
            "load",
            "lower",
            what="cadres' mean motivation, last day minus first day, under load",
        )
    )
    fact.comparisons.append(
        compare(
            r,
            "motivation_last",
            "no_load",
            "load",
            "lower",
            what="motivation on the last day, load 1 minus no load",
        )
    )
    fact.comparisons.append(
        compare(
            r,
            "motivation_last",
            "load",
            "load_lists",
            "higher",
            what="motivation on the last day, full responsibility lists minus none (0.2)",
        )
    )
    fact.comparisons.append(
        compare(
            r,
            "motivation_last",
            "load",
            "load_powers",
            "higher",
            what="motivation on the last day, committees' own authority minus the street's",
        )
    )
    fact.comparisons.append(
        compare(
            r,
            "unneeded_measures",
            "load_moderate_evaluation",
            "load_heavy_evaluation",
            "higher",
            what="unneeded measures under load, evaluation 1 minus 0.5",
        )
    )
    return fact


# Every mechanism the tests check; scripts/mechanism_findings.py writes them all.
MECHANISMS: dict[str, Callable[[], Fact]] = {
    "command_span": command_span,
    "response_levels": response_levels,
    "alert_confirm": alert_confirm,
    "alert_vote": alert_vote,
    "specialty_care": specialty_care,
    "specialty_expert": specialty_expert,
    "specialty_psychological": specialty_psychological,
    "resource_sharing": resource_sharing,
    "formalism": formalism,
}

__all__ += ["Check"]
