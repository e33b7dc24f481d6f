"""README.md: the table `make run` prints, and how a workshop would read it, from the same runs."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys

import numpy as np

from docgen.core import ROOT, Context, block, wrap
from docgen.wording import fraction, one_in, sign, weeks, words


def run_command() -> list[str]:
    """The command of the Makefile's ``run`` target, as arguments."""
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    m = re.search(r"^run:.*\n((?:\t.*\n)+)", text, re.MULTILINE)
    if not m:
        raise SystemExit("make_docs: no 'run' target in the Makefile")
    line = next(cmd for cmd in m.group(1).splitlines() if "coop-agents" in cmd)
    line = line.strip().replace("$(VENV)", ".venv")
    return shlex.split(line)


def comparison(ctx: Context) -> dict:
    """Runs ``make run``'s command once (or reads its cached runs): its output and every run's outcomes."""

    def compute():
        argv = run_command()
        folder = ctx.cache_dir("readme", " ".join(argv))
        done = folder / "stdout.txt"
        if not done.exists():
            ctx.say(f"README: {' '.join(argv[1:])} (what `make run` prints)")
            out = subprocess.run(
                [*argv, "--out", str(folder / "runs")], cwd=ROOT, capture_output=True, text=True
            )
            if out.returncode != 0:
                raise SystemExit(f"make_docs: `{' '.join(argv)}` failed:\n{out.stderr}")
            done.write_text(out.stdout, encoding="utf-8")
        per_pattern = {}
        for f in sorted((folder / "runs").glob("outcomes_*.json")):
            data = json.loads(f.read_text(encoding="utf-8"))
            if "per_seed" not in data:
                raise SystemExit(f"make_docs: {f} has no per_seed outcomes; the README's reading needs them")
            per_pattern[data["pattern"]] = data["per_seed"]
        return {"argv": argv, "stdout": done.read_text(encoding="utf-8"), "runs": per_pattern}

    return ctx.once("readme", compute)


@block("readme", "readme-table", cheap=False)
def table(ctx: Context) -> str:
    return "```\n" + comparison(ctx)["stdout"].rstrip("\n") + "\n```"


def _values(runs: list[dict], key: str) -> np.ndarray:
    return np.array([np.nan if r.get(key) is None else float(r[key]) for r in runs], dtype=float)


@block("readme", "readme-reading", cheap=False)
def reading(ctx: Context) -> str:
    from coop_agents.model import resolve
    from coop_agents.patterns import load_pattern
    from coop_agents.validation import paired_ci

    data = comparison(ctx)
    runs = data["runs"]
    base, best = "siloed", "full_cycle"
    if base not in runs or best not in runs:
        raise SystemExit(
            f"make_docs: the README's reading compares {base} and {best}; `make run` compares "
            f"{', '.join(runs)}"
        )
    silo, full = load_pattern(base), load_pattern(best)
    a, b = runs[base], runs[best]

    def pair(key):
        x, y = _values(a, key), _values(b, key)
        mean_x, mean_y = float(np.nanmean(x)), float(np.nanmean(y))
        _, low, high = paired_ci(x, y)
        return mean_x, mean_y, sign(low, high)

    # Under silos: who approves, whether requests bounce, how late the first measure comes.
    approver = {
        "district": "the district approves every state change",
        "street": "the street office approves every state change",
        "committee": "committees decide their own state changes",
    }[silo.levers.get("authority", "street")]
    bounce = float(np.nanmean(_values(a, "buck_passing_events"))) > 0
    slow, fast, delay_sign = pair("response_delay")
    first = (
        f"Read it as a workshop would: under {silo.label_en[0].lower() + silo.label_en[1:]} "
        f"({silo.label_zh}) {approver}{', requests bounce where nobody owns them,' if bounce else ','} and the "
        f"first measure arrives {weeks(slow)} after the risk became real; "
        f"{full.label_en[0].lower() + full.label_en[1:]} "
    )
    if delay_sign < 0:
        part = fraction(fast / slow)
        acts = f"acts in {part} that time" if part else f"acts in {round(100 * fast / slow)}% of that time"
    elif delay_sign == 0:
        acts = "acts about as fast"
    else:
        acts = "acts later still"
    h_silo, h_full, harm_sign = pair("harm")
    r = h_full / h_silo if h_silo else float("nan")
    if harm_sign < 0:
        harms = (
            f"harms about {one_in(r).replace('one in', 'one resident in')} of those the siloed pattern harms"
            if r <= 0.4
            else f"harms {round(100 * (1 - r))}% fewer residents than the siloed pattern"
        )
    elif harm_sign == 0:
        harms = "harms about as many residents as the siloed pattern (the paired difference is within chance)"
    else:
        harms = "harms more residents than the siloed pattern"
    gap = _values(b, "equity_gap")
    vulnerable = ""
    if np.sum(~np.isnan(gap)) > 1:
        _, low, high = paired_ci(np.zeros_like(gap), gap)
        if sign(low, high) < 0:
            vulnerable = ", with the vulnerable served first"
    text = [first + acts + " and " + harms + vulnerable + "."]
    # How many runs the cap cut short.
    cfg, _, _ = resolve("default", base)
    if any("truncated" in r for rs in runs.values() for r in rs):
        n = sum(len(rs) for rs in runs.values())
        cut = {p: int(np.nansum(_values(rs, "truncated"))) for p, rs in runs.items()}
        k = sum(cut.values())
        if k == 0:
            text.append(f"No run reached the {cfg.steps:,}-day cap before its event was over.")
        else:
            where = ", ".join(f"{words(v)} under `{p}`" for p, v in cut.items() if v)
            text.append(
                f"{k} of the {n} runs reached the {cfg.steps:,}-day cap before the event was over ({where}); "
                f"their times count to the cap."
            )
    text.append(
        "Delays count from the day a community's true risk reached the alert threshold; a community that "
        "never acted counts with the days its risk lasted."
    )
    if not bounce:
        print(
            "make docs: readme-reading: no buck-passing under siloed; the clause about bounces is left out",
            file=sys.stderr,
        )
    return "\n".join(wrap(t) for t in text)
