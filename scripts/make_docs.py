"""Regenerate every generated block of the docs: ``make docs``.

Numbers in the docs are produced by code, never typed by hand. A generated block is the text
between ``<!-- BEGIN generated: NAME -->`` and ``<!-- END generated: NAME -->`` in README.md,
docs/odd.md, docs/validation.md, docs/workshop.md and experiments/README.md; this script
rewrites each block in place from the code (scripts/docgen/). Blocks that run the model (the
README's comparison, the stylised facts, the experiments) take minutes; their runs are kept in
``results/docs/`` for the current model code, so running again after a change of wording only
is quick, and a change of the model runs them again.

    .venv/bin/python scripts/make_docs.py                   # every block (what `make docs` runs)
    .venv/bin/python scripts/make_docs.py --only odd,validation
    .venv/bin/python scripts/make_docs.py --cheap           # only blocks that need no model runs
    .venv/bin/python scripts/make_docs.py --check           # exit 1 if a cheap block is out of date
    .venv/bin/python scripts/make_docs.py --list            # the blocks and where they are

``--only`` takes file names (readme, odd, validation, workshop, experiments) or block names.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from docgen import load_all
from docgen.core import BLOCKS, FILES, ROOT, Context, current, normalise, read_blocks, rewrite


def select(only: str | None, cheap: bool) -> list:
    blocks = list(BLOCKS.values())
    if only:
        wanted = {w.strip() for w in only.split(",") if w.strip()}
        unknown = wanted - set(FILES) - set(BLOCKS)
        if unknown:
            raise SystemExit(
                f"make_docs: --only {', '.join(sorted(unknown))}: unknown; expected files "
                f"{', '.join(FILES)} or block names (see --list)"
            )
        blocks = [b for b in blocks if b.group in wanted or b.name in wanted]
    if cheap:
        blocks = [b for b in blocks if b.cheap]
    return blocks


def check_markers() -> list[str]:
    """Every marker has a producer and every producer its markers; problems as lines."""
    problems = []
    for group, rel in FILES.items():
        path = ROOT / rel
        if not path.exists():
            problems.append(f"{rel}: missing (it should hold the blocks of '{group}')")
            continue
        _, found = read_blocks(path)
        names = {n for n, _, _ in found}
        for n in sorted(names - {b.name for b in BLOCKS.values() if b.group == group}):
            problems.append(f"{rel}: block {n} has no producer in scripts/docgen/")
        for b in BLOCKS.values():
            if b.group == group and b.name not in names:
                problems.append(
                    f"{rel}: no markers for block {b.name} (add <!-- BEGIN generated: {b.name} --> "
                    f"and <!-- END generated: {b.name} -->)"
                )
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--only", help="comma-separated files (readme, odd, validation, workshop, experiments) or blocks"
    )
    parser.add_argument(
        "--cheap", action="store_true", help="only the blocks that need no model runs (seconds)"
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 if a cheap block (or, with --only, a chosen one) is out of date",
    )
    parser.add_argument(
        "--fresh", action="store_true", help="run the model again even if results/docs/ has the runs"
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("DOCS_WORKERS", 2)),
        help="worker processes for the experiments (default 2, or $DOCS_WORKERS)",
    )
    parser.add_argument("--list", action="store_true", help="list the blocks and exit")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress lines")
    args = parser.parse_args(argv)
    load_all()

    if args.list:
        for b in BLOCKS.values():
            print(f"{b.name:28} {FILES[b.group]:24} {'cheap' if b.cheap else 'runs the model'}")
        return 0
    problems = check_markers()
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 2
    blocks = select(args.only, cheap=args.cheap or (args.check and not args.only))
    ctx = Context(workers=args.workers, fresh=args.fresh, quiet=args.quiet or args.check)
    if args.check:
        stale = []
        for b in blocks:
            if not b.cheap:
                continue
            if normalise(b.produce(ctx)) != current(b.path)[b.name]:
                stale.append(f"{FILES[b.group]}: {b.name}")
        if stale:
            print(
                "out of date (run `make docs`, or `.venv/bin/python scripts/make_docs.py --cheap`):\n  "
                + "\n  ".join(stale),
                file=sys.stderr,
            )
            return 1
        return 0

    start = time.perf_counter()
    ctx.say(
        f"{len(blocks)} blocks: {sum(b.cheap for b in blocks)} from code and tables, "
        f"{sum(not b.cheap for b in blocks)} from model runs (cached in results/docs/)"
    )
    # Cheap blocks first, so a failing model run leaves the tables up to date; each block is
    # written as soon as it is ready.
    changed: list[str] = []
    for b in sorted(blocks, key=lambda b: not b.cheap):
        t0 = time.perf_counter()
        body = b.produce(ctx)
        if not b.cheap or time.perf_counter() - t0 > 2:
            ctx.say(f"{b.name} ready ({time.perf_counter() - t0:.0f} s)")
        if rewrite(b.path, {b.name: body}):
            changed.append(f"{FILES[b.group]}: {b.name}")
    ctx.say(
        f"done in {time.perf_counter() - start:.0f} s; {len(changed)} block(s) changed"
        + (":\n  " + "\n  ".join(changed) if changed else "")
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
