"""The fitted parameters and their priors: ``--parameters`` read and checked, default ranges."""

from __future__ import annotations

import math
from typing import Any

from coop_agents.errors import CoopError

# Default prior ranges of uncertainties often fitted (others need a range on the command line).
PRIOR_RANGES: dict[str, tuple[float, float]] = {
    "transmission": (0.02, 0.15),
    "initial_cases": (1, 20),
    "latent_days": (2.0, 8.0),
    "infectious_days": (3.0, 10.0),
    "cross_community_ties": (0.0, 0.1),
    "severe_share": (0.01, 0.1),
    "outbreak_sites": (1, 4),
}
# The district's structure: fitting them would change what a community number means.
STRUCTURAL = frozenset(
    {
        "residents",
        "street_offices",
        "communities_per_street",
        "social_organisations",
        "communities_per_organisation",
        "steps",
        "profile",
        "hazard",
        "arrival",
        "run_until",
    }
)


def parse_parameters(text: str | list | dict | None) -> dict[str, tuple[float, float]]:
    """``transmission,initial_cases=1:20`` as {name: (low, high)}; a name alone takes its default range.

    Raises:
        CoopError: a parameter that is not an uncertainty, a structural one, a bad range.
    """
    from coop_agents.config import PARAMETERS

    if text is None:
        items: list = ["transmission", "initial_cases"]
    elif isinstance(text, dict):
        items = [f"{k}={v[0]}:{v[1]}" for k, v in text.items()]
    elif isinstance(text, str):
        items = [s.strip() for s in text.split(",")]
    else:
        items = list(text)
    out: dict[str, tuple[float, float]] = {}
    for item in items:
        name, eq, rng = (s.strip() for s in str(item).partition("="))
        if not name:
            raise CoopError(
                f"--parameters {text!r}: an empty name; give NAME or NAME=LOW:HIGH, separated by commas"
            )
        p = PARAMETERS.get(name)
        if p is None:
            raise CoopError(f"--parameters {name}: not a parameter; see 'coop-agents params --role scenario'")
        if p.role != "scenario":
            raise CoopError(
                f"--parameters {name}: a lever, not an uncertainty; calibration fits uncertainties "
                f"(see 'coop-agents params --role scenario')"
            )
        if name in STRUCTURAL or p.type not in ("float", "int"):
            raise CoopError(
                f"--parameters {name}: part of the district's structure or not a number; it cannot be "
                f"fitted to daily counts (fit e.g. {', '.join(PRIOR_RANGES)})"
            )
        if name in out:
            raise CoopError(f"--parameters: {name} is listed twice")
        if eq:
            low_s, colon, high_s = rng.partition(":")
            try:
                low, high = float(low_s), float(high_s)
            except ValueError:
                raise CoopError(
                    f"--parameters {item}: expected {name}=LOW:HIGH, e.g. {name}=0.02:0.15"
                ) from None
            if not colon or not math.isfinite(low) or not math.isfinite(high):
                raise CoopError(f"--parameters {item}: expected {name}=LOW:HIGH, e.g. {name}=0.02:0.15")
        elif name in PRIOR_RANGES:
            low, high = PRIOR_RANGES[name]
        else:
            raise CoopError(
                f"--parameters {name}: no default range; give one, e.g. {name}={p.low:g}:{p.high:g}"
            )
        if not (float(p.low or 0) <= low < high <= float(p.high or 0)):
            raise CoopError(
                f"--parameters {item}: the range must lie within {p.allowed()} and low below high"
            )
        out[name] = (float(low), float(high))
    return out


def _values(params: dict[str, float]) -> dict[str, Any]:
    from coop_agents.config import PARAMETERS

    return {k: round(v) if PARAMETERS[k].type == "int" else float(v) for k, v in params.items()}
