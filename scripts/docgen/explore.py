"""experiments/README.md: the worked examples of the exploration commands (block ``exploration``).

The block is written by ``scripts/explore_examples.py``, which runs the experiments the examples
use (siloed_conditions, deep_uncertainty, patterns_hazards_profiles), an optimisation and a
calibration to synthetic counts it writes afresh (``experiments/observed_cases.csv``); this
producer runs the same code under ``make docs``, with its runs kept in ``results/docs/`` for the
current model code. (``explore_examples.py`` also writes the same block into docs/exploration.md.)
"""

from __future__ import annotations

import json
from pathlib import Path

from docgen.core import ROOT, Context, block


@block("experiments", "exploration", cheap=False)
def exploration(ctx: Context) -> str:
    import explore_examples as ee  # scripts/ is on the path under make_docs.py

    def folder(kind: str) -> Path:
        # A batch is keyed on its experiment file, an analysis on the example's settings.
        if kind.startswith("batch-"):
            name = kind.removeprefix("batch-")
            part = (ROOT / "experiments" / f"{name}.toml").read_text(encoding="utf-8")
        else:
            part = json.dumps(
                {"optimise": ee.OPTIMISE, "calibrate": ee.CALIBRATE, "truth": ee.TRUTH, "run": ee.TRUTH_RUN},
                sort_keys=True,
            )
        return ctx.cache_dir(f"explore-{kind}", part)

    return ee.block(ctx.workers, folders=folder, log=ctx.say)
