"""experiments/README.md: the worked examples of the exploration commands (block ``exploration``).

The block is written by ``scripts/explore_examples.py``, which runs the experiments the examples
use (siloed_conditions, deep_uncertainty, patterns_hazards_profiles), an optimisation and a
calibration to synthetic counts it writes afresh (``experiments/observed_cases.csv``), and by
``scripts/explore_text.py``, which writes each section from their results; this producer runs the
same code under ``make docs``, with its runs kept in ``results/docs/`` for the current model code.
The block has one copy: docs/exploration.md links to it.
"""

from __future__ import annotations

import json
from pathlib import Path

from docgen.core import ROOT, Context, block


@block("experiments", "exploration", cheap=False)
def exploration(ctx: Context) -> str:
    import explore_examples as ee  # scripts/ is on the path under make_docs.py

    def folder(kind: str) -> Path:
        # A batch is keyed on its experiment file; an analysis on the example's settings and the
        # exploration code that computed what it keeps (the model's code keys every folder).
        if kind.startswith("batch-"):
            name = kind.removeprefix("batch-")
            part = (ROOT / "experiments" / f"{name}.toml").read_text(encoding="utf-8")
        else:
            part = json.dumps(
                {
                    "optimise": ee.OPTIMISE,
                    "calibrate": ee.CALIBRATE,
                    "truth": ee.TRUTH,
                    "run": ee.TRUTH_RUN,
                    "code": ee.exploration_fingerprint(),
                },
                sort_keys=True,
            )
        return ctx.cache_dir(f"explore-{kind}", part)

    return ee.block(ctx.workers, folders=folder, log=ctx.say)
