"""The worked examples of the exploration commands, with their findings written from the runs.

Runs the ready experiments the examples use (``experiments/deep_uncertainty.toml``,
``experiments/siloed_conditions.toml``, ``experiments/patterns_hazards_profiles.toml``), an
optimisation and a calibration to the shipped synthetic data, and writes the block
``<!-- BEGIN generated: exploration -->`` ... ``<!-- END generated: exploration -->`` of
experiments/README.md (its only copy: docs/exploration.md links to it): every number in it comes
from those runs. The runs happen here; ``scripts/explore_text.py`` writes each section's Markdown
from their results. Runs are kept in ``results/explore/`` for the current code (a change of the
model runs them again, and a change of the exploration code the optimisation and calibration), so
a second call after a change of wording is quick. ``make docs`` writes the same block with the
same code (the producer ``scripts/docgen/explore.py``), its runs kept in ``results/docs/`` like the
other blocks' runs.

    .venv/bin/python scripts/explore_examples.py                    # experiments/README.md
    .venv/bin/python scripts/explore_examples.py --print > b.md     # the block on stdout only
    .venv/bin/python scripts/explore_examples.py --write-from b.md  # write a block printed before

``experiments/observed_cases.csv`` (the calibration's data) is written afresh from the model:
one run of the default scenario at 2,400 residents with known values (see TRUTH), so the check
of the fit against the truth holds for the model the docs describe.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path

from coop_agents.exploration.optimisation import DEFAULT_LEVERS, DEFAULT_OBJECTIVES

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "results" / "explore"
BEGIN, END = "<!-- BEGIN generated: exploration -->", "<!-- END generated: exploration -->"
OBSERVED = ROOT / "experiments" / "observed_cases.csv"
# The synthetic truth of the calibration example: what generated experiments/observed_cases.csv.
TRUTH = {"transmission": 0.1, "initial_cases": 6}
TRUTH_RUN = {"scenario": "default", "pattern": "siloed", "seed": 11, "days": 60, "residents": 2400}
# The optimisation example: the default levers and objectives of `coop-agents optimise`, whose
# names the command line in the block spells out (the keys are optimise()'s arguments).
OPTIMISE = {
    "scenario": "default",
    "budget": 250.0,
    "residents": 1200,
    "evaluations": 160,
    "replicates": 3,
    "levers": list(DEFAULT_LEVERS),
    "objectives": list(DEFAULT_OBJECTIVES),
}
CALIBRATE = {
    "parameters": "transmission,initial_cases",
    "population": 60,
    "generations": 5,
    "residents": 2400,
}


def say(text: str) -> None:
    print(f"[explore examples {time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def _fingerprint(keep: Callable[[str], bool]) -> str:
    import coop_agents

    h = hashlib.sha256()
    src = Path(coop_agents.__file__).parent  # the code that runs (a copy on PYTHONPATH, if any)
    for path in sorted(src.rglob("*")):
        rel = path.relative_to(src).as_posix()
        if path.is_file() and path.suffix in (".py", ".toml") and keep(rel):
            h.update(rel.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:12]


def model_fingerprint() -> str:
    """A hash of the code that computes outcomes (not the app, the briefs or this analysis)."""
    return _fingerprint(
        lambda rel: (
            not rel.startswith(("viz/", "workshop/", "i18n/", "exploration/", "ema.py", "cli.py", "cli/"))
        )
    )


def exploration_fingerprint() -> str:
    """A hash of the exploration code, which computes what an optimisation or a calibration keeps
    (a batch's runs do not depend on it)."""
    return _fingerprint(lambda rel: rel.startswith("exploration/"))


def folder(kind: str, fresh: bool) -> Path:
    """``results/explore/<kind>-<code>``; older folders of the kind are removed. A batch is keyed
    on the model's code, an analysis on the model's and the exploration's."""
    key = model_fingerprint()
    if not kind.startswith("batch-"):
        key = hashlib.sha256(f"{key}\0{exploration_fingerprint()}".encode()).hexdigest()[:12]
    out = CACHE / f"{kind}-{key}"
    CACHE.mkdir(parents=True, exist_ok=True)
    for old in CACHE.glob(f"{kind}-*"):
        if old != out and old.is_dir() and re.fullmatch(rf"{re.escape(kind)}-[0-9a-f]{{12}}", old.name):
            shutil.rmtree(old, ignore_errors=True)
    if fresh and out.exists():
        shutil.rmtree(out)
    return out


def batch(name: str, workers: int, out: Path, log: Callable[[str], None] = say) -> tuple[Path, float]:
    from coop_agents.experiments import load_experiment, load_results, run_batch

    exp = load_experiment(ROOT / "experiments" / f"{name}.toml")
    log(f"batch {name}: {len(exp.runs())} runs into {out}")
    run_batch(exp, out, executor="processes", workers=workers, progress=True)
    df = load_results(out)
    return out, float(df["seconds"].sum()) / workers


def block(
    workers: int,
    fresh: bool = False,
    folders: Callable[[str], Path] | None = None,
    log: Callable[[str], None] = say,
) -> str:
    """The block's text, from runs kept in ``folders(kind)`` (``kind`` ``batch-NAME``, ``optimise``
    or ``calibrate``; default :func:`folder`, which ``fresh`` empties first). The runs happen here,
    in order; :mod:`explore_text` writes each section from their results."""
    import explore_text as text  # a sibling module: scripts/ is on the path of this script

    from coop_agents.exploration.calibration import calibrate, simulate_counts, simulate_observations
    from coop_agents.exploration.discovery import discover
    from coop_agents.exploration.optimisation import optimise
    from coop_agents.exploration.robust import robustness

    where = folders or (lambda kind: folder(kind, fresh))
    lines = text.heading()

    # --------------------------------------------------------------- discovery: siloed_conditions
    sc, sc_time = batch("siloed_conditions", workers, where("batch-siloed_conditions"), log)
    lines += text.discovery(discover(sc, "harm", worse_than=0.8), sc_time)

    # --------------------------------------------------------------- deep uncertainty: robust + discover
    du, du_time = batch("deep_uncertainty", workers, where("batch-deep_uncertainty"), log)
    robust = {o: robustness(du, o) for o in ("harm", "unmet_need_days", "response_delay")}
    dd = discover(du, "harm", worse_than=0.9)
    dc = discover(du, "harm", worse_than=0.8, arm="pattern=command")
    lines += text.robustness(robust, du_time, dd, dc)

    # --------------------------------------------------------------- a shipped grid experiment
    php, php_time = batch("patterns_hazards_profiles", workers, where("batch-patterns_hazards_profiles"), log)
    rp = robustness(php, "harm")
    dp = discover(php, "harm", worse_than=0.8, arm="hazard=contagion")
    lines += text.grid(rp, dp, php_time)

    # --------------------------------------------------------------- optimise
    out = where("optimise")
    log(f"optimise into {out}")
    o = optimise(**OPTIMISE, out=out, workers=workers, progress=True)
    o.write()
    lines += text.optimisation(o, OPTIMISE)

    # --------------------------------------------------------------- calibrate
    # Written afresh from the current model, so the known values are the truth of this model's data.
    obs = simulate_observations(**TRUTH_RUN, **TRUTH)
    obs.to_csv(OBSERVED, index=False)
    log(f"wrote {OBSERVED}")
    out = where("calibrate")
    log(f"calibrate into {out}")
    c = calibrate(
        "default",
        OBSERVED,
        CALIBRATE["parameters"],
        out=out,
        residents=CALIBRATE["residents"],
        population=CALIBRATE["population"],
        generations=CALIBRATE["generations"],
        workers=workers,
        progress=True,
    )
    c.write()
    # How typical the observed run is of the truth: 20 other seeds with the true values.
    totals = [int(simulate_counts(**{**TRUTH_RUN, "seed": 1000 + k}, **TRUTH).sum()) for k in range(20)]
    lines += text.calibration(c, TRUTH, TRUTH_RUN, CALIBRATE, totals)
    return "\n".join(lines).rstrip("\n") + "\n"


def replace_block(path: Path, text: str, append: bool) -> None:
    """Write ``text`` between the block's markers in ``path`` (at its end, with ``append``, if it has none)."""
    content = path.read_text(encoding="utf-8") if path.exists() else ""
    new = f"{BEGIN}\n{text}{END}\n"
    if BEGIN in content and END in content:
        start, end = content.index(BEGIN), content.index(END) + len(END)
        content = content[:start] + new.rstrip("\n") + content[end:]
    elif append:
        content = content.rstrip("\n") + "\n\n" + new
    else:
        raise SystemExit(f"{path}: no {BEGIN} ... {END} markers")
    path.write_text(content, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--fresh", action="store_true", help="run everything again")
    parser.add_argument("--print", action="store_true", help="print the block instead of writing the file")
    parser.add_argument("--write-from", metavar="FILE", help="write a block printed before (no runs)")
    args = parser.parse_args(argv)
    text = (
        Path(args.write_from).read_text(encoding="utf-8")
        if args.write_from
        else block(args.workers, args.fresh)
    )
    if args.print:
        print(text)
        return 0
    replace_block(ROOT / "experiments" / "README.md", text, append=True)
    say("wrote experiments/README.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
