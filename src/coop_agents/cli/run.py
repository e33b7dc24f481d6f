"""``coop-agents run``: one pattern, or several compared on the same paired seeds, as a table or JSON."""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

from coop_agents.errors import CoopError
from coop_agents.limits import MAX_REPLICATES, check_count, check_output_dir, check_run

__all__ = ["cmd_run"]


def _parse_sets(items: list[str]) -> dict:
    from coop_agents.config import parse_value

    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise CoopError(f"--set {item!r}: expected key=value, e.g. --set residents=1200")
        out[key.strip()] = parse_value(key.strip(), value)
    return out


def _json_safe(d: dict) -> dict:
    return {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in d.items()}


def cmd_run(args: argparse.Namespace) -> int:
    from coop_agents.experiments.design import replicate_seeds
    from coop_agents.metrics import event_outcomes
    from coop_agents.model import CoordinationModel, resolve
    from coop_agents.outcome_registry import OUTCOMES
    from coop_agents.tables import compare, comparison_json, comparison_table, run_table, runs_frame

    overrides = _parse_sets(args.set or [])
    if args.steps is not None:  # a fixed length, as asked
        overrides["steps"] = args.steps
        overrides.setdefault("run_until", "steps")
    if args.compare is not None and args.pattern is not None:
        raise CoopError("use either --pattern or --compare, not both")
    if args.compare is not None:
        patterns = [p.strip() for p in args.compare.split(",")]
        if any(not p for p in patterns):
            raise CoopError(
                f"--compare {args.compare!r}: empty pattern name; give P1,P2,... (see 'coop-agents patterns')"
            )
    else:
        if args.pattern is not None and not args.pattern.strip():
            raise CoopError(
                "--pattern '': empty pattern name; give a preset (see 'coop-agents patterns') or a .toml file"
            )
        patterns = [(args.pattern or "siloed").strip()]
    if len(set(patterns)) < len(patterns):
        raise CoopError(f"--compare {args.compare!r}: a pattern is listed twice; list each once")
    stems = [Path(p).stem for p in patterns]
    if len(set(stems)) < len(stems):
        raise CoopError(
            f"--compare {args.compare!r}: two patterns share the file name "
            f"{next(s for s in stems if stems.count(s) > 1)!r}; their outputs would collide"
        )
    if args.baseline is not None and args.baseline not in patterns:
        raise CoopError(
            f"--baseline {args.baseline!r}: not among the patterns compared; allowed: {', '.join(patterns)}"
        )
    check_count("--replicates", args.replicates, MAX_REPLICATES, "on the command line", unit=" replicates")
    if args.seed < 0:
        raise CoopError(f"--seed {args.seed}: expected a non-negative integer")
    configs = [resolve(args.scenario, p, **overrides) for p in patterns]  # every bad name before any run
    config, scenario = configs[0][0], configs[0][1]
    check_run([c[0] for c in configs], args.replicates, keep_series=args.out is not None)
    out_dir = (
        None
        if args.out is None
        else check_output_dir(
            args.out,
            "--out",
            files=tuple(
                f"{kind}_{Path(p).stem}.{ext}"
                for p in patterns
                for kind, ext in (("timeseries", "parquet"), ("outcomes", "json"))
            ),
        )
    )
    # Replicate k runs on the seed batch and brief give replicate k of the same master seed, so the
    # same comparison gives the same numbers in every command.
    seeds = replicate_seeds(args.seed, args.replicates)
    total = len(patterns) * len(seeds)
    progress = _Progress(total) if total > 1 else None
    per_pattern: dict[str, list[dict[str, float]]] = {}
    for pattern in patterns:
        per_seed, frames, events = [], [], []
        for seed in seeds:
            model = CoordinationModel(args.scenario, pattern, seed, **overrides)
            per_seed.append(model.run())
            events.append([_json_safe(e) for e in event_outcomes(model)])
            if out_dir is not None:
                frame = model.series.frame()
                frame.insert(0, "seed", seed)
                frames.append(frame)
            if progress is not None:
                progress.advance()
        per_pattern[pattern] = per_seed
        if out_dir is not None:
            # Written as each pattern finishes, so an interruption loses no finished pattern.
            import pandas as pd

            pd.concat(frames).to_parquet(out_dir / f"timeseries_{Path(pattern).stem}.parquet", index=False)
            (out_dir / f"outcomes_{Path(pattern).stem}.json").write_text(
                json.dumps(
                    {
                        "scenario": scenario.name,
                        "pattern": pattern,
                        "seeds": seeds,
                        "overrides": overrides,
                        "per_seed": [_json_safe(r) for r in per_seed],
                        "events_per_seed": events,
                    },
                    indent=2,
                    ensure_ascii=False,
                ),
                encoding="utf-8",
            )
    if progress is not None:
        progress.close()
    hazard, several = config.hazard, config.arrival != "single"
    if total == 1:
        result = per_pattern[patterns[0]][0]
        if args.json:
            print(json.dumps(_json_safe(result), indent=2, ensure_ascii=False))
            return 0
        print(_header(scenario.name, overrides, seeds, args.seed, patterns))
        print(run_table({patterns[0]: result}, hazard, several))
        print(_footnotes([result], config.steps))
        return 0
    baseline = args.baseline or patterns[0]
    runs = runs_frame(per_pattern, seeds, scenario.name)
    summary, paired = compare(runs, baseline, list(OUTCOMES))
    if args.json:
        print(
            json.dumps(
                {
                    "scenario": scenario.name,
                    "overrides": overrides,
                    "master_seed": args.seed,
                    "seeds": seeds,
                    "baseline": baseline,
                    "patterns": comparison_json(summary, paired, patterns, list(OUTCOMES)),
                },
                indent=2,
                ensure_ascii=False,
            )
        )
        return 0
    print(_header(scenario.name, overrides, seeds, args.seed, patterns))
    print(comparison_table(summary, paired, patterns, baseline, hazard, several))
    print(_footnotes([r for runs_ in per_pattern.values() for r in runs_], config.steps, len(seeds)))
    return 0


def _header(scenario: str, overrides: dict, seeds: list[int], master: int, patterns: list[str]) -> str:
    """What a table is of: the scenario by name, every override, the seeds."""
    runs = (
        f"seed {seeds[0]} (replicate 0 of master seed {master})"
        if len(seeds) == 1
        else f"{len(seeds)} paired seeds (replicates 0-{len(seeds) - 1} of master seed {master})"
    )
    sets = "   " + " ".join(f"{k}={v}" for k, v in overrides.items()) if overrides else ""
    return f"scenario: {scenario}{sets}\n{runs}"


def _footnotes(results: list[dict[str, float]], cap: int, replicates: int = 1) -> str:
    cut = sum(int(r["truncated"]) for r in results)
    prevented = sum(int(r["prevented"]) for r in results)
    notes = []
    if replicates > 1:
        notes.append(
            "95% CIs: bootstrap percentile intervals over the paired seeds; n/a: the outcome was "
            "undefined (see 'coop-agents outcomes')."
        )
    notes.append(
        f"{cut} of {len(results)} runs cut short at the cap of {cap:,} days (truncated)."
        if cut
        else f"Every run lasted until the event was over (cap {cap:,} days)."
    )
    if prevented:
        notes.append(
            f"{prevented} of {len(results)} runs had every index case removed by prevention (prevented)."
        )
    return "\n".join(notes)


class _Progress:
    """Runs done so far, on stderr: a bar on a terminal, else a line every few seconds."""

    def __init__(self, total: int, every: float = 5.0) -> None:
        import time

        self.total, self.done, self.every = total, 0, every
        self.tty = sys.stderr.isatty()
        self.clock = time.monotonic
        self.start = self.last = self.clock()

    def advance(self) -> None:
        self.done += 1
        now = self.clock()
        if self.tty:
            print(f"\r{self.done}/{self.total} runs", end="", file=sys.stderr, flush=True)
        elif now - self.last >= self.every or self.done == self.total:
            print(f"{self.done}/{self.total} runs, {now - self.start:.0f} s", file=sys.stderr, flush=True)
            self.last = now

    def close(self) -> None:
        if self.tty:
            print(file=sys.stderr)
