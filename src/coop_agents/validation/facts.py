"""Stylised facts 1-8 of design §2.10: each runs its arms on the same seeds and compares them.

Most facts compare two arms on a few outcomes (:func:`_two_arm_fact`); the others add checks of
their own (a share, a gain) or compare a gap between community profiles. :data:`FACTS` lists
every fact in the order of the design, fact 10 (:mod:`coop_agents.validation.plain_seir`) too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from coop_agents.validation.paired import Check, Fact, compare, describe, paired_runs
from coop_agents.validation.plain_seir import fact10_plain_seir

__all__ = [
    "FACTS",
    "fact1_vertical_latency",
    "fact2_horizontal_links",
    "fact4_responsibility_lists",
    "fact4_approval_rules",
    "fact5_mitigation",
    "fact6_deescalation",
    "fact7_vulnerable_registry",
    "fact8_infrastructure_and_technology",
]


def _two_arm_fact(
    key: str,
    number: int,
    claim: str,
    pattern: str,
    arms: dict[str, dict[str, Any]],
    seeds: list[int],
    expect: dict[str, str],
    **extra: Any,
) -> tuple[Fact, dict[str, dict[str, np.ndarray]]]:
    """The fact comparing each outcome of ``expect`` from the first arm to the second, and the runs.

    ``expect`` maps an outcome to the sign of the difference the fact predicts ("higher" or
    "lower"); ``extra`` changes the world of both arms (and is stated in the setting).
    """
    before, after = arms
    r = paired_runs(pattern, arms, seeds, **extra)
    fact = Fact(key, number, claim, describe(pattern, seeds, **extra), len(seeds))
    for outcome, sign in expect.items():
        fact.comparisons.append(compare(r, outcome, before, after, sign))
    return fact, r


def fact1_vertical_latency(seeds: Iterable[int] = range(60)) -> Fact:
    """More vertical latency → longer response delay, longer decisions, more missed windows."""
    fact, _ = _two_arm_fact(
        "fact1",
        1,
        "More vertical latency (0.5 → 3 days per hop) lengthens the response and lets more "
        "communities pass the critical point.",
        "siloed",
        {"fast": dict(vertical_latency=0.5), "slow": dict(vertical_latency=3.0)},
        list(seeds),
        dict.fromkeys(("response_delay", "decision_latency", "missed_windows"), "higher"),
    )
    return fact


def fact2_horizontal_links(seeds: Iterable[int] = range(80)) -> Fact:
    """Horizontal or platform links cut response delay; the first ties give most of the gain.

    Diminishing returns: the first half of the possible ties gives more than half of the gain
    of all of them.
    """
    seeds = list(seeds)
    arms: dict[str, dict[str, Any]] = {
        "none": dict(horizontal_links=0.0),
        "few": dict(horizontal_links=0.5),
        "all": dict(horizontal_links=1.0),
        "platform": dict(platform=True),
    }
    r = paired_runs("siloed", arms, seeds)
    fact = Fact(
        "fact2",
        2,
        "Horizontal or platform links cut the response delay, and the first ties give most of the gain.",
        describe("siloed", seeds),
        len(seeds),
    )
    fact.comparisons.append(compare(r, "response_delay", "none", "all", "lower"))
    fact.comparisons.append(compare(r, "response_delay", "none", "platform", "lower"))
    gain_few = float(np.nanmean(r["none"]["response_delay"] - r["few"]["response_delay"]))
    gain_all = float(np.nanmean(r["none"]["response_delay"] - r["all"]["response_delay"]))
    fact.values.update(gain_few=gain_few, gain_all=gain_all)
    fact.checks.append(
        Check(
            "gain of half the ties > half the gain of all ties",
            f"{gain_few:.2f} vs {gain_all:.2f} days",
            bool(gain_few > 0.5 * gain_all),
        )
    )
    return fact


def fact4_responsibility_lists(seeds: Iterable[int] = range(60)) -> Fact:
    """Unclear ownership → buck-passing and missed windows; responsibility lists reduce both."""
    fact, _ = _two_arm_fact(
        "fact4_lists",
        4,
        "Clear responsibility lists (权责清单) cut buck-passing and missed windows.",
        "platform",
        {"unclear": dict(responsibility_lists=0.0), "lists": dict(responsibility_lists=1.0)},
        list(seeds),
        dict.fromkeys(("buck_passing_events", "missed_windows"), "lower"),
    )
    return fact


def fact4_approval_rules(seeds: Iterable[int] = range(60)) -> Fact:
    """Approval up the vertical chain (district) misses more windows than local authority."""
    fact, _ = _two_arm_fact(
        "fact4_approval",
        4,
        "Approval by the district instead of the committee itself brings more "
        "buck-passing and more missed windows.",
        "siloed",
        {"district": dict(authority="district"), "committee": dict(authority="committee")},
        list(seeds),
        dict.fromkeys(("missed_windows", "buck_passing_events"), "lower"),
    )
    return fact


def fact5_mitigation(seeds: Iterable[int] = range(60)) -> Fact:
    """Timely mitigation near the critical point → de-crisis; without it → emergency."""
    fact, r = _two_arm_fact(
        "fact5",
        5,
        "Mitigation in pre-transition decides between de-crisis (去危机化) and emergency.",
        "platform",
        {"mitigate": dict(), "wait": dict(mitigation=False)},
        list(seeds),
        {"emergencies": "higher", "missed_windows": "higher"},
    )
    share = {}
    for k, v in r.items():
        total = np.sum(v["decrisis"] + v["emergencies"])
        share[k] = float(np.sum(v["decrisis"]) / max(total, 1))
    fact.values.update(decrisis_share_mitigate=share["mitigate"], decrisis_share_wait=share["wait"])
    fact.checks.append(
        Check(
            "share of alert episodes ending in de-crisis: mitigation > none",
            f"{share['mitigate']:.2f} vs {share['wait']:.2f}",
            share["mitigate"] > share["wait"],
        )
    )
    return fact


def fact6_deescalation(seeds: Iterable[int] = range(60)) -> Fact:
    """Abrupt withdrawal → more secondary crises; graded → fewer, with more days under measures."""
    fact, _ = _two_arm_fact(
        "fact6",
        6,
        "Abrupt withdrawal of measures brings more secondary crises (次生危机); graded "
        "withdrawal fewer, at the cost of more resident-days under measures while winding down.",
        "co_governance",
        {"graded": dict(deescalation="graded"), "abrupt": dict(deescalation="abrupt")},
        list(seeds),
        {"secondary_crises": "higher", "wind_down_days": "lower"},
        # A more transmissible epidemic and a quick exit from emergency leave residual cases behind.
        transmission=0.09,
        clear_days=2,
    )
    return fact


def fact7_vulnerable_registry(seeds: Iterable[int] = range(40)) -> Fact:
    """Without a vulnerable registry, vulnerable residents' needs go unmet more than others'."""
    fact, _ = _two_arm_fact(
        "fact7",
        7,
        "Without a vulnerable registry (弱势群体台账) the equity gap widens and vulnerable "
        "residents' needs go unmet more.",
        "platform",
        {"registry": dict(vulnerable_registry=True), "none": dict(vulnerable_registry=False)},
        list(seeds),
        dict.fromkeys(("equity_gap", "unmet_need_days_vulnerable"), "higher"),
    )
    return fact


def fact8_infrastructure_and_technology(seeds: Iterable[int] = range(60)) -> Fact:
    """Rural communities detect later than urban ones; the technology pillar narrows the gap."""
    seeds = list(seeds)
    # Cases in every community, so each profile has communities past the alert threshold.
    extra: dict[str, Any] = dict(outbreak_sites=6, initial_cases=12)
    r = paired_runs("siloed", {"low": dict(technology=0.0), "high": dict(technology=1.0)}, seeds, **extra)
    fact = Fact(
        "fact8",
        8,
        "Rural (low-infrastructure) communities detect later than urban ones; the technology "
        "pillar (技术赋能) narrows the gap.",
        describe("siloed", seeds, **extra),
        len(seeds),
    )
    gaps = {}
    for arm in ("low", "high"):
        try:
            gaps[arm] = r[arm]["detection_delay_rural"] - r[arm]["detection_delay_urban"]
        except KeyError:
            gaps[arm] = np.full(len(seeds), np.nan)
    runs = {
        "urban": {"gap": np.zeros_like(gaps["low"])},
        "low": {"gap": gaps["low"]},
        "high": {"gap": gaps["high"]},
    }
    fact.comparisons.append(
        compare(
            runs,
            "gap",
            "urban",
            "low",
            "higher",
            what="rural minus urban detection delay, technology 0 (against 0)",
        )
    )
    fact.comparisons.append(
        compare(runs, "gap", "high", "low", "higher", what="that gap at technology 0 minus at technology 1")
    )
    return fact


# Every fact the tests check, in the order of the design; ``make docs`` writes them all.
FACTS: dict[str, Callable[[], Fact]] = {
    "fact1": fact1_vertical_latency,
    "fact2": fact2_horizontal_links,
    "fact4_lists": fact4_responsibility_lists,
    "fact4_approval": fact4_approval_rules,
    "fact5": fact5_mitigation,
    "fact6": fact6_deescalation,
    "fact7": fact7_vulnerable_registry,
    "fact8": fact8_infrastructure_and_technology,
    "fact10_0.06": lambda: fact10_plain_seir(0.06),
    "fact10_0.1": lambda: fact10_plain_seir(0.1),
}
