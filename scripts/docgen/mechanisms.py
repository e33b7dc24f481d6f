"""experiments/README.md: the mechanisms' findings (block ``mechanisms``).

The block is written by ``scripts/mechanism_findings.py``, which runs the mechanisms' experiments
(command_span, citywide_rainstorm, response_levels, alert_rules, specialties, resource_sharing)
and the paired comparisons of ``tests/test_mechanisms.py``; this producer runs the same code
under ``make docs``, with its runs kept in ``results/docs/`` for the current model code.
"""

from __future__ import annotations

import json

from docgen.core import ROOT, Context, block


@block("experiments", "mechanisms", cheap=False)
def mechanisms(ctx: Context) -> str:
    import mechanism_findings as mf  # scripts/ is on the path under make_docs.py

    def folder(name: str):
        definition = (ROOT / "experiments" / f"{name}.toml").read_text(encoding="utf-8")
        return ctx.cache_dir(f"mech-{name}", json.dumps(definition))

    return mf.produce(ctx.workers, folders=folder, say=ctx.say)
