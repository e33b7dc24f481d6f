"""Stylised fact 10: with every action off, the model's contagion is a plain network SEIR.

:func:`reference_seir` is an SEIR written independently of the model; :func:`fact10_plain_seir`
runs both on the same district and compares their final sizes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
from scipy import stats

from coop_agents.validation.paired import Check, Fact

__all__ = ["reference_seir", "fact10_plain_seir"]


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
    over: dict[str, Any] = dict(
        residents=1200,
        street_offices=1,
        communities_per_street=4,
        steps=150,
        transmission=transmission,
        outbreak_sites=1,
        initial_cases=4,
    )
    cfg, _, _ = resolve("default", "no_response", **over)
    model_runs: list[float] = []
    ref_runs: list[int] = []
    for seed in seeds:
        model_runs.append(CoordinationModel("default", "no_response", seed, **over).run()["harm"])
        g = build_district(DistrictSpec.from_config(cfg), make_streams(seed)["network"])
        contacts = contact_matrix(g, cfg.residents)
        # Index cases in one community, chosen by the reference's own generator.
        rng = np.random.default_rng(10_000 + seed)
        community = rng.integers(4)
        members = [i for i in range(cfg.residents) if g.nodes[i]["community"] == community]
        ref_runs.append(
            reference_seir(
                contacts, members, cfg.transmission, cfg.latent_days, cfg.infectious_days, 4, rng, 150
            )
        )
    model_sizes, ref_sizes = np.array(model_runs, float), np.array(ref_runs, float)
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
