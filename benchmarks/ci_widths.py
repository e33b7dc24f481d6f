"""Widths of the paired-difference 95% CIs of the README comparison, before and after a change.

Save the README comparison of two versions as JSON and compare them:

    .venv/bin/coop-agents run --compare no_response,siloed,command,platform,party_led,co_governance,full_cycle \\
        --replicates 10 --json > after.json        # and likewise before.json on the older commit
    .venv/bin/python benchmarks/ci_widths.py before.json after.json

It prints, per outcome, the median over patterns of (width after / width before) of the CI of each
pattern's paired difference from the first pattern, and the median over every outcome and pattern.
A ratio below 1 means the comparison became more precise.
"""

from __future__ import annotations

import json
import statistics
import sys


def widths(path: str) -> dict[tuple[str, str], float]:
    data = json.load(open(path, encoding="utf-8"))
    out = {}
    for pattern, outcomes in data["patterns"].items():
        for outcome, cell in outcomes.items():
            if cell.get("diff_ci_low") is not None and cell.get("diff_ci_high") is not None:
                out[(outcome, pattern)] = cell["diff_ci_high"] - cell["diff_ci_low"]
    return out


def main(before: str, after: str) -> None:
    a, b = widths(before), widths(after)
    common = [k for k in a if k in b and a[k] > 0 and b[k] > 0]
    by_outcome: dict[str, list[float]] = {}
    for outcome, pattern in common:
        by_outcome.setdefault(outcome, []).append(b[(outcome, pattern)] / a[(outcome, pattern)])
    print(f"{'outcome':30s} {'median width ratio (after/before)':>34s}")
    for outcome, ratios in by_outcome.items():
        print(f"{outcome:30s} {statistics.median(ratios):34.2f}")
    print(
        f"{'all outcomes and patterns':30s} {statistics.median(b[k] / a[k] for k in common):34.2f}"
        f"   ({len(common)} intervals)"
    )


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
