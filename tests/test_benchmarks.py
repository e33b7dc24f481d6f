"""Smoke test of the benchmark harness: its cheapest path runs and prints every case and ratio.

Times are not asserted: they depend on the machine and its load (see benchmarks/README.md).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_quick_benchmark_prints_every_case_and_numeric_ratios():
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick", "--in-process"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    cases = {line.split("  ")[0] for line in lines}
    for case in (
        "model, no_response",
        "model, siloed",
        "model, full_cycle",
        "bare SEIR",
        "per-agent Mesa SEIR",
        "model, no_response, large epidemic",
        "model, full_cycle, large epidemic",
        "bare SEIR, large epidemic",
        "world build",
        "batch, serial",
        "batch, processes",
    ):
        assert case in cases, f"no row for {case!r} in:\n{done.stdout}"
    ratios = {}
    for line in lines:
        match = re.match(r"(\S.*?)\s{2,}(-?\d[\d,]*\.\d+)(x| s| MiB)?(\s|$)", line)
        if match:
            ratios[match.group(1)] = float(match.group(2).replace(",", ""))
    for prefix in (
        "harm: bare SEIR / no_response",
        "no_response / bare SEIR",
        "per-agent Mesa / no_response",
        "siloed / bare SEIR",
        "full_cycle / bare SEIR",
        "full_cycle / no_response",
        "world build",
        "scaling exponent, no_response, run",
        "scaling exponent, full_cycle, build + run",
        "batch of 8: serial / process pool",
    ):
        found = [v for k, v in ratios.items() if k.startswith(prefix)]
        assert found, f"no ratio {prefix!r} in:\n{done.stdout}"
        assert all(v == v and abs(v) < float("inf") for v in found)  # numbers, not NaN
