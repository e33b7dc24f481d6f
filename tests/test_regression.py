"""A stored summary of a few runs' outcomes: a change of the model's numbers is never silent.

When the model changes on purpose, regenerate the summary and commit it with the change:

    .venv/bin/python tests/test_regression.py --update

(as Starsim's ``tests/test_baselines.py`` does). The cases cover every preset pattern, both
hazards, several events and false signals.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import pytest

from coop_agents import run_once

BASELINE = Path(__file__).parent / "regression" / "baseline.json"
CASES = {
    **{
        f"default/{p}": ("default", p, 1, {"residents": 1200})
        for p in ("no_response", "siloed", "command", "platform", "party_led", "co_governance", "full_cycle")
    },
    "rural_flood/siloed": ("rural_flood", "siloed", 2, {}),
    "chemical_leak/full_cycle": ("chemical_leak", "full_cycle", 2, {}),
    "recurring/full_cycle": (
        "recurring",
        "full_cycle",
        3,
        {"residents": 900, "steps": 365, "false_signal_rate": 0.3},
    ),
}


def summary() -> dict[str, dict[str, float | None]]:
    out = {}
    for name, (scenario, pattern, seed, overrides) in CASES.items():
        result = run_once(scenario, pattern, seed=seed, **overrides)
        out[name] = {k: None if math.isnan(v) else v for k, v in result.items()}
    return out


@pytest.mark.parametrize("name", list(CASES))
def test_outcomes_match_the_stored_summary(name):
    stored = json.loads(BASELINE.read_text(encoding="utf-8"))
    assert name in stored, f"no stored summary for {name}; run: python tests/test_regression.py --update"
    scenario, pattern, seed, overrides = CASES[name]
    now = run_once(scenario, pattern, seed=seed, **overrides)
    now = {k: None if math.isnan(v) else v for k, v in now.items()}
    assert set(now) == set(stored[name]), "the outcomes changed; regenerate the summary if on purpose"
    changed = {
        k: (stored[name][k], v)
        for k, v in now.items()
        if (v is None) != (stored[name][k] is None)
        or (v is not None and v != pytest.approx(stored[name][k], rel=1e-9, abs=1e-12))
    }
    assert not changed, (
        f"{name}: outcomes differ from tests/regression/baseline.json (stored, now): {changed}"
    )


if __name__ == "__main__":
    if sys.argv[1:] != ["--update"]:
        sys.exit("usage: python tests/test_regression.py --update")
    BASELINE.parent.mkdir(exist_ok=True)
    BASELINE.write_text(json.dumps(summary(), indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {BASELINE}")
