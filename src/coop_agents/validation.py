"""The stylised facts of design §2.10 as numbers: paired differences with 95% confidence intervals.

Each ``fact*`` function runs the arms of one fact on the same seeds (common random numbers) and
returns a :class:`Fact`: its comparisons (the paired difference of one outcome between two arms,
with its t interval and the direction the fact expects) and any other checks it makes. The tests
(``tests/test_stylised_facts.py``) assert on these results, and ``make docs`` writes the very
same numbers into ``docs/validation.md``, so the document shows exactly what the tests check.

    >>> from coop_agents.validation import paired_ci
    >>> [round(x, 2) for x in paired_ci([1.0, 2.0, 3.0], [2.0, 3.5, 4.0])]
    [1.17, 0.45, 1.88]
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
from scipy import stats

__all__ = [
    "SMALL",
    "Comparison",
    "Check",
    "Fact",
    "paired_runs",
    "paired_ci",
    "reference_seir",
    "FACTS",
    "fact1_vertical_latency",
    "fact2_horizontal_links",
    "fact4_responsibility_lists",
    "fact4_approval_rules",
    "fact5_mitigation",
    "fact6_deescalation",
    "fact7_vulnerable_registry",
    "fact8_infrastructure_and_technology",
    "fact10_plain_seir",
]

# A small world keeps the facts fast: 6 communities of 300 residents, 90 days.
SMALL = dict(residents=1800, street_offices=2, communities_per_street=3, steps=90)


def paired_runs(
    pattern: str, arms: dict[str, dict], seeds: Iterable[int], scenario: str = "default", **base
) -> dict[str, dict[str, np.ndarray]]:
    """Run every arm on the same seeds; return ``{arm: {outcome: array over seeds}}``."""
    from coop_agents import run_once

    seeds = list(seeds)
    out = {}
    for name, overrides in arms.items():
        runs = [run_once(scenario, pattern, seed=s, **{**SMALL, **base, **overrides}) for s in seeds]
        out[name] = {k: np.array([r[k] for r in runs], dtype=float) for k in runs[0]}
    return out


def paired_ci(before, after, level: float = 0.95) -> tuple[float, float, float]:
    """Mean of ``after - before`` over paired seeds (pairs with a NaN left out) and its t interval."""
    d = np.asarray(after, float) - np.asarray(before, float)
    d = d[~np.isnan(d)]
    if d.size < 2:
        return (float(d.mean()) if d.size else math.nan), math.nan, math.nan
    half = stats.t.ppf(0.5 + level / 2, d.size - 1) * d.std(ddof=1) / np.sqrt(d.size)
    return float(d.mean()), float(d.mean() - half), float(d.mean() + half)


@dataclass(frozen=True)
class Comparison:
    """``after - before`` of one outcome over paired seeds, and the sign the fact expects.

    ``holds`` is true when the 95% interval excludes 0 on the expected side (``higher``: its low
    end is above 0; ``lower``: its high end is below 0). An outcome the model does not produce
    gives NaN, which never holds.
    """

    outcome: str
    before: str
    after: str
    expect: str  # "higher" | "lower": the sign of after - before the fact predicts
    mean: float
    low: float
    high: float
    pairs: int
    what: str = ""  # what is compared when it is not the outcome itself (e.g. a gap between profiles)

    @property
    def holds(self) -> bool:
        return bool(self.low > 0) if self.expect == "higher" else bool(self.high < 0)


@dataclass(frozen=True)
class Check:
    """A criterion of a fact that is not a paired interval (a ratio, a share, a test)."""

    label: str
    value: str
    holds: bool


@dataclass
class Fact:
    """One stylised fact: what it claims, the world it is tested in, and its results."""

    key: str
    number: int
    claim: str
    setting: str
    seeds: int
    comparisons: list[Comparison] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    values: dict[str, float] = field(default_factory=dict)  # other numbers the checks used

    @property
    def holds(self) -> bool:
        return all(c.holds for c in self.comparisons) and all(c.holds for c in self.checks)

    def comparison(self, outcome: str, before: str | None = None, after: str | None = None) -> Comparison:
        """The comparison of ``outcome`` (between ``before`` and ``after`` when several compare it)."""
        for c in self.comparisons:
            if c.outcome == outcome and before in (None, c.before) and after in (None, c.after):
                return c
        raise KeyError(f"fact {self.key} compares no {outcome!r} ({before} -> {after})")


def _compare(runs: dict, outcome: str, before: str, after: str, expect: str, what: str = "") -> Comparison:
    if outcome not in runs[before] or outcome not in runs[after]:
        return Comparison(outcome, before, after, expect, math.nan, math.nan, math.nan, 0, what)
    a, b = runs[before][outcome], runs[after][outcome]
    mean, low, high = paired_ci(a, b)
    pairs = int(np.sum(~np.isnan(np.asarray(b, float) - np.asarray(a, float))))
    return Comparison(outcome, before, after, expect, mean, low, high, pairs, what)


def _describe(pattern: str, seeds: list[int], **extra) -> str:
    world = {**SMALL, **extra}
    text = ", ".join(f"{k} = {v}" for k, v in world.items())
    return f"`{pattern}` pattern, default scenario with {text}"


def fact1_vertical_latency(seeds: Iterable[int] = range(60)) -> Fact:
    """More vertical latency → longer response delay, longer decisions, more missed windows."""
    seeds = list(seeds)
    arms = {"fast": dict(vertical_latency=0.5), "slow": dict(vertical_latency=3.0)}
    r = paired_runs("siloed", arms, seeds)
    fact = Fact(
        "fact1",
        1,
        "More vertical latency (0.5 → 3 days per hop) lengthens the response and lets more "
        "communities pass the critical point.",
        _describe("siloed", seeds),
        len(seeds),
    )
    for outcome in ("response_delay", "decision_latency", "missed_windows"):
        fact.comparisons.append(_compare(r, outcome, "fast", "slow", "higher"))
    return fact


def fact2_horizontal_links(seeds: Iterable[int] = range(80)) -> Fact:
    """Horizontal or platform links cut response delay; the first ties give most of the gain.

    Diminishing returns: the first half of the possible ties gives more than half of the gain
    of all of them.
    """
    seeds = list(seeds)
    arms = {
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
        _describe("siloed", seeds),
        len(seeds),
    )
    fact.comparisons.append(_compare(r, "response_delay", "none", "all", "lower"))
    fact.comparisons.append(_compare(r, "response_delay", "none", "platform", "lower"))
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
    seeds = list(seeds)
    r = paired_runs(
        "platform",
        {"unclear": dict(responsibility_lists=0.0), "lists": dict(responsibility_lists=1.0)},
        seeds,
    )
    fact = Fact(
        "fact4_lists",
        4,
        "Clear responsibility lists (权责清单) cut buck-passing and missed windows.",
        _describe("platform", seeds),
        len(seeds),
    )
    for outcome in ("buck_passing_events", "missed_windows"):
        fact.comparisons.append(_compare(r, outcome, "unclear", "lists", "lower"))
    return fact


def fact4_approval_rules(seeds: Iterable[int] = range(60)) -> Fact:
    """Approval up the vertical chain (district) misses more windows than local authority."""
    seeds = list(seeds)
    r = paired_runs(
        "siloed", {"district": dict(authority="district"), "committee": dict(authority="committee")}, seeds
    )
    fact = Fact(
        "fact4_approval",
        4,
        "Approval by the district instead of the committee itself brings more "
        "buck-passing and more missed windows.",
        _describe("siloed", seeds),
        len(seeds),
    )
    for outcome in ("missed_windows", "buck_passing_events"):
        fact.comparisons.append(_compare(r, outcome, "district", "committee", "lower"))
    return fact


def fact5_mitigation(seeds: Iterable[int] = range(60)) -> Fact:
    """Timely mitigation near the critical point → de-crisis; without it → emergency."""
    seeds = list(seeds)
    r = paired_runs("platform", {"mitigate": dict(), "wait": dict(mitigation=False)}, seeds)
    fact = Fact(
        "fact5",
        5,
        "Mitigation in pre-transition decides between de-crisis (去危机化) and emergency.",
        _describe("platform", seeds),
        len(seeds),
    )
    fact.comparisons.append(_compare(r, "emergencies", "mitigate", "wait", "higher"))
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
    fact.comparisons.append(_compare(r, "missed_windows", "mitigate", "wait", "higher"))
    return fact


def fact6_deescalation(seeds: Iterable[int] = range(60)) -> Fact:
    """Abrupt withdrawal → more secondary crises; graded → fewer, with more days under measures."""
    seeds = list(seeds)
    # A more transmissible epidemic and a quick exit from emergency leave residual cases behind.
    extra = dict(transmission=0.09, clear_days=2)
    r = paired_runs(
        "co_governance",
        {"graded": dict(deescalation="graded"), "abrupt": dict(deescalation="abrupt")},
        seeds,
        **extra,
    )
    fact = Fact(
        "fact6",
        6,
        "Abrupt withdrawal of measures brings more secondary crises (次生危机); graded "
        "withdrawal fewer, at the cost of more resident-days under measures while winding down.",
        _describe("co_governance", seeds, **extra),
        len(seeds),
    )
    fact.comparisons.append(_compare(r, "secondary_crises", "graded", "abrupt", "higher"))
    fact.comparisons.append(_compare(r, "wind_down_days", "graded", "abrupt", "lower"))
    return fact


def fact7_vulnerable_registry(seeds: Iterable[int] = range(40)) -> Fact:
    """Without a vulnerable registry, vulnerable residents' needs go unmet more than others'."""
    seeds = list(seeds)
    r = paired_runs(
        "platform",
        {"registry": dict(vulnerable_registry=True), "none": dict(vulnerable_registry=False)},
        seeds,
    )
    fact = Fact(
        "fact7",
        7,
        "Without a vulnerable registry (弱势群体台账) the equity gap widens and vulnerable "
        "residents' needs go unmet more.",
        _describe("platform", seeds),
        len(seeds),
    )
    for outcome in ("equity_gap", "unmet_need_days_vulnerable"):
        fact.comparisons.append(_compare(r, outcome, "registry", "none", "higher"))
    return fact


def fact8_infrastructure_and_technology(seeds: Iterable[int] = range(60)) -> Fact:
    """Rural communities detect later than urban ones; the technology pillar narrows the gap."""
    seeds = list(seeds)
    # Cases in every community, so each profile has communities past the alert threshold.
    extra = dict(outbreak_sites=6, initial_cases=12)
    r = paired_runs("siloed", {"low": dict(technology=0.0), "high": dict(technology=1.0)}, seeds, **extra)
    fact = Fact(
        "fact8",
        8,
        "Rural (low-infrastructure) communities detect later than urban ones; the technology "
        "pillar (技术赋能) narrows the gap.",
        _describe("siloed", seeds, **extra),
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
        _compare(
            runs,
            "gap",
            "urban",
            "low",
            "higher",
            what="rural minus urban detection delay, technology 0 (against 0)",
        )
    )
    fact.comparisons.append(
        _compare(runs, "gap", "high", "low", "higher", what="that gap at technology 0 minus at technology 1")
    )
    return fact


def reference_seir(
    contacts,
    members,
    beta: float,
    latent: float,
    infectious: float,
    initial: int,
    rng: np.random.Generator,
    steps: int,
) -> int:
    """A plain discrete-time network SEIR, written independently of the model; residents ever infected."""
    n = contacts.shape[0]
    state = np.zeros(n, dtype=np.int8)
    state[rng.choice(members, size=initial, replace=False)] = 1
    ever = state > 0
    for _ in range(steps):
        inf = (state == 2).astype(float)
        k = contacts @ inf
        p = 1 - (1 - beta) ** k
        u = rng.random(n)
        to_e = (state == 0) & (u < p)
        to_i = (state == 1) & (u < 1 / latent)
        to_r = (state == 2) & (u < 1 / infectious)
        state[to_e], state[to_i], state[to_r] = 1, 2, 3
        ever |= to_e
    return int(ever.sum())


def fact10_plain_seir(transmission: float = 0.06, seeds: Iterable[int] = range(80)) -> Fact:
    """With every action off the contagion's mean final size equals a plain SEIR's (same graph).

    The model under ``no_response`` and :func:`reference_seir` (its own index cases, its own
    random numbers) run on the same district; their final sizes must not differ by Welch's t-test
    (p > 0.01), their means must agree within 15% (+10 residents), and both must be epidemics.
    """
    from coop_agents import CoordinationModel
    from coop_agents.model import resolve
    from coop_agents.network import DistrictSpec, build_district, contact_matrix
    from coop_agents.rng import make_streams

    seeds = list(seeds)
    over = dict(
        residents=1200,
        street_offices=1,
        communities_per_street=4,
        steps=150,
        transmission=transmission,
        outbreak_sites=1,
        initial_cases=4,
    )
    cfg, _, _ = resolve("default", "no_response", **over)
    model_sizes, ref_sizes = [], []
    for seed in seeds:
        model_sizes.append(CoordinationModel("default", "no_response", seed, **over).run()["harm"])
        g = build_district(DistrictSpec.from_config(cfg), make_streams(seed)["network"])
        contacts = contact_matrix(g, cfg.residents)
        # Index cases in one community, chosen by the reference's own generator.
        rng = np.random.default_rng(10_000 + seed)
        community = rng.integers(4)
        members = [i for i in range(cfg.residents) if g.nodes[i]["community"] == community]
        ref_sizes.append(
            reference_seir(
                contacts, members, cfg.transmission, cfg.latent_days, cfg.infectious_days, 4, rng, 150
            )
        )
    model_sizes, ref_sizes = np.array(model_sizes, float), np.array(ref_sizes, float)
    test = stats.ttest_ind(model_sizes, ref_sizes, equal_var=False)
    m, ref = float(model_sizes.mean()), float(ref_sizes.mean())
    fact = Fact(
        f"fact10_{transmission:g}",
        10,
        "With every action off, the contagion is a plain network SEIR.",
        f"`no_response` pattern, default scenario with {', '.join(f'{k} = {v}' for k, v in over.items())}; "
        f"an independent SEIR on the same contact graph",
        len(seeds),
    )
    fact.values.update(model_mean=m, reference_mean=ref, pvalue=float(test.pvalue))
    fact.checks.append(
        Check(
            "Welch's t-test of the final sizes: p > 0.01", f"p = {test.pvalue:.2f}", bool(test.pvalue > 0.01)
        )
    )
    fact.checks.append(
        Check(
            "means within 15% + 10 residents",
            f"{m:.1f} vs {ref:.1f} residents",
            bool(abs(m - ref) < 0.15 * ref + 10),
        )
    )
    fact.checks.append(Check("an epidemic (mean final size > 10)", f"{m:.1f} residents", bool(m > 10)))
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
