"""The small worlds the paper's mechanisms are tested in (:mod:`coop_agents.mechanisms`), as data.

Each is a set of parameter overrides on a preset scenario: a district of 12 or 6 communities, its
hazard and horizon. :mod:`coop_agents.mechanisms` runs its arms on them and names them in each
finding's setting, in the order written here.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "SHOCK_DISTRICT",
    "RECURRING_DISTRICT",
    "FALSE_SIGNALS",
    "SINGLE_EPIDEMIC",
    "RESIDUAL_EPIDEMIC",
    "RESOURCE_STRESS",
    "YEAR_DISTRICT",
]

# The two small districts every mechanism is tested in: 12 communities (2 streets x 6) and 6 (2 x 3).
_TWELVE_COMMUNITIES: dict[str, Any] = dict(residents=2400, street_offices=2, communities_per_street=6)
_SIX_COMMUNITIES: dict[str, Any] = dict(residents=1800, street_offices=2, communities_per_street=3)

# The 12 communities hit by a shock: one site, or most of them at once.
SHOCK_DISTRICT: dict[str, Any] = dict(
    hazard="shock", **_TWELVE_COMMUNITIES, steps=60, shock_onset=5, shock_lead=6, shock_duration=3
)
# Eight months of recurring epidemics with false signals in 6 communities (the recurring scenario, smaller).
RECURRING_DISTRICT: dict[str, Any] = dict(**_SIX_COMMUNITIES, steps=240)
# Eight months of false signals only (symptoms mistaken for cases; no epidemic ever starts).
FALSE_SIGNALS: dict[str, Any] = dict(
    **_SIX_COMMUNITIES, steps=240, run_until="steps", initial_cases=0, false_signal_rate=0.3
)
# One epidemic in the same 6 communities.
SINGLE_EPIDEMIC: dict[str, Any] = dict(**_SIX_COMMUNITIES, steps=120)
# One epidemic that leaves residual cases (as stylised fact 6): more transmissible, a quick exit.
RESIDUAL_EPIDEMIC: dict[str, Any] = dict(**_SIX_COMMUNITIES, steps=120, transmission=0.09, clear_days=2)


# A siloed district whose supplies run short: no pillar stock, a slow vertical chain, a larger epidemic
# in four communities at once, and every sideways tie in use (so that neighbours can lend).
RESOURCE_STRESS: dict[str, Any] = dict(
    **_TWELVE_COMMUNITIES,
    steps=150,
    outbreak_sites=4,
    initial_cases=16,
    transmission=0.08,
    resources=0.0,
    vertical_latency=3.0,
    horizontal_links=1.0,
)


# A year of recurring epidemics (the recurring scenario, smaller) for slow mechanisms.
YEAR_DISTRICT: dict[str, Any] = dict(**_SIX_COMMUNITIES, steps=365)
