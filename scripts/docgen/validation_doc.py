"""docs/validation.md: what the tests show, with the numbers the tests check."""

from __future__ import annotations

import ast
import dataclasses
import importlib.util
import json

import numpy as np

from docgen.core import ROOT, Context, block, md_table, words, wrap
from docgen.odd import _find
from docgen.wording import fmt, fmt_ci


def facts(ctx: Context) -> list[dict]:
    """Every stylised fact of :data:`coop_agents.validation.FACTS`, computed once per model code."""

    def compute():
        from coop_agents import validation

        folder = ctx.cache_dir("validation")
        out = []
        for key, fn in validation.FACTS.items():
            f = folder / f"{key}.json"
            if not f.exists():
                ctx.say(f"validation: stylised {key.replace('_', ' ')} (paired runs)")
                fact = fn()
                data = dataclasses.asdict(fact)
                data["holds"] = fact.holds
                for c, comp in zip(data["comparisons"], fact.comparisons):
                    c["holds"] = comp.holds
                f.write_text(json.dumps(data, default=float))
            out.append(json.loads(f.read_text()))
        return out

    return ctx.once("facts", compute)


def _arrow(c: dict) -> str:
    if c.get("what"):
        return c["what"]
    return f"`{c['outcome']}`: {c['before']} → {c['after']}"


@block("validation", "validation-facts", cheap=False)
def facts_block(ctx: Context) -> str:
    from coop_agents.outcome_registry import OUTCOMES

    out = []
    data = facts(ctx)
    held = sum(1 for f in data if f["holds"])
    out.append(
        f"{held} of the {len(data)} checks below hold on the current model"
        + (
            "."
            if held == len(data)
            else " (the failing ones are marked **no**; `make test` fails with them)."
        )
    )
    out.append("")
    for f in data:
        title = f"Fact {f['number']}" + (
            f" (transmission {f['key'].split('_', 1)[1]})" if f["number"] == 10 else ""
        )
        out += [wrap(f"**{title}.** {f['claim']} *{f['setting']}; {f['seeds']} paired seeds.*"), ""]
        rows = []
        for c in f["comparisons"]:
            o = OUTCOMES.get(c["outcome"])
            d = 0 if abs(c["mean"]) >= 100 else max(o.decimals if o is not None else 2, 2)
            expect = "> 0" if c["expect"] == "higher" else "< 0"
            rows.append(
                [
                    _arrow(c),
                    fmt(c["mean"], d),
                    fmt_ci(c["low"], c["high"], d),
                    expect,
                    "yes" if c["holds"] else "**no**",
                ]
            )
        if rows:
            out += [
                md_table(["paired difference (after − before)", "mean", "95% CI", "expected", "holds"], rows),
                "",
            ]
        for c in f["checks"]:
            out.append(
                wrap(f"- {c['label']}: {c['value']} — {'holds' if c['holds'] else '**does not hold**'}.")
            )
        if f["checks"]:
            out.append("")
    return "\n".join(out)


def _baselines():
    spec = importlib.util.spec_from_file_location("baselines", ROOT / "benchmarks" / "baselines.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@block("validation", "validation-seir", cheap=False)
def seir_block(ctx: Context) -> str:
    """The bare SEIR of benchmarks/baselines.py against the model under no_response, run for run."""

    def compute():
        folder = ctx.cache_dir("validation")
        f = folder / "seir.json"
        if f.exists():
            return json.loads(f.read_text())
        ctx.say("validation: bare SEIR against no_response, seed for seed")
        from coop_agents import CoordinationModel

        bare = _baselines().bare_seir
        rows = []
        for transmission in (0.06, 0.1, 0.25):
            over = dict(residents=2400, street_offices=1, communities_per_street=6, transmission=transmission)
            same, harms = 0, []
            seeds = range(10)
            for seed in seeds:
                model = CoordinationModel("default", "no_response", seed, **over)
                # The model's hazard draws, as benchmarks/run.py hands them to the bare SEIR.
                draws = getattr(model, "draws", None)
                if draws is not None:
                    draws = draws["hazard"]
                else:  # a stream of draws: a copy at the same position
                    draws = np.random.Generator(type(model.streams["hazard"].bit_generator)())
                    draws.bit_generator.state = model.streams["hazard"].bit_generator.state
                state = model.hazard.state.copy()
                contacts = _find(model, "contacts")
                cfg = model.config
                out = model.run()
                b = bare(
                    contacts, state, draws, cfg.steps, cfg.transmission, cfg.latent_days, cfg.infectious_days
                )
                same += int(b == out["harm"])
                harms.append(out["harm"])
            rows.append(
                {
                    "transmission": transmission,
                    "seeds": len(seeds),
                    "same": same,
                    "mean_harm": float(np.mean(harms)),
                    "residents": over["residents"],
                    "steps": cfg.steps,
                    "communities": model.n_communities,
                }
            )
        f.write_text(json.dumps(rows))
        return rows

    rows = compute()
    all_same = all(r["same"] == r["seeds"] for r in rows)
    table = md_table(
        ["transmission", "seeds", "final size equal, run for run", "mean final size (residents)"],
        [
            [
                f"{r['transmission']:g}",
                str(r["seeds"]),
                f"{r['same']} of {r['seeds']}",
                fmt(r["mean_harm"], 1),
            ]
            for r in rows
        ],
    )
    verdict = (
        "In every run the two infect exactly the same residents: the model's contagion with every action "
        "off is the plain network SEIR, draw for draw."
        if all_same
        else "**Not every run matches**: the model's contagion with every action off is no longer the plain "
        "network SEIR draw for draw (see `benchmarks/run.py`, whose target for this ratio is 1)."
    )
    return "\n".join(
        [
            wrap(
                f"`benchmarks/baselines.py: bare_seir` is the model's SEIR written as plainly as numpy allows (one "
                f"sparse mat-vec a day). Started from the `no_response` model's index cases with the model's hazard "
                f"draws, on the model's own contact graph ({rows[0]['residents']:,} residents, "
                f"{words(rows[0]['communities'])} communities, up to {rows[0]['steps']:,} days):"
            ),
            "",
            table,
            "",
            wrap(verdict),
        ]
    )


def _invariant_tests() -> list[tuple[str, str]] | None:
    path = ROOT / "tests" / "test_outcome_invariants.py"
    if not path.exists():
        return None
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test"):
            doc = (
                ast.get_docstring(node)
                or node.name.removeprefix("test_").replace("_", " ").capitalize() + "."
            )
            out.append((node.name, " ".join(doc.split("\n\n")[0].split())))
    return out


@block("validation", "validation-invariants", cheap=True)
def invariants_block(ctx: Context) -> str:
    tests = _invariant_tests()
    if tests is not None:
        return "\n".join(
            [
                "`tests/test_outcome_invariants.py` checks that:",
                "",
                *(wrap(f"- {doc} (`{name}`)") for name, doc in tests),
            ]
        )
    from docgen.odd import registry_conventions

    return "\n".join(
        [
            "The outcome registry states the conventions every outcome follows (its tests, "
            "`tests/test_outcome_invariants.py`, are being written):",
            "",
            *(wrap(f"- {b}") for b in registry_conventions()),
        ]
    )
