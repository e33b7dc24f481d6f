"""Speed and scale of coop_agents: every case side by side, in one run (see benchmarks/README.md).

    .venv/bin/python benchmarks/run.py            # the full run, about four minutes on 2 cores
    .venv/bin/python benchmarks/run.py --quick    # a smoke run: small sizes, one repeat each

Every repeat of every case runs in a fresh Python process, so the peak memory of a case
(``ru_maxrss``: interpreter, imports and the case) is its own; wall times are medians over the
repeats. ``--in-process`` runs the cases in this process instead (no peak memory then): the
cheapest path, used by the smoke test.
"""

from __future__ import annotations

import argparse
import datetime
import io
import json
import math
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCENARIO = "default"  # an epidemic in a mixed district; size and seeding are set per case
SEED = 0
LARGE_TRANSMISSION = 0.25  # the large epidemic: about 70 % of residents infected without governance


@dataclass(frozen=True)
class Size:
    """A district of ``residents`` with about 400 residents per community, as the presets have."""

    residents: int
    street_offices: int
    communities_per_street: int

    @property
    def label(self) -> str:
        return f"{self.residents:,}"


def world(size: Size, large: bool = False) -> dict:
    """The model overrides of a case: the district and its epidemic.

    The default scenario seeds 4 cases in 1 of its 12 communities. A benchmark district keeps that
    density (one outbreak site per 12 communities, 4 cases each), so the epidemic is alike at every
    size and the cost per resident is comparable across sizes. ``large`` makes the disease about
    four times as contagious, so that many residents are infectious at once. Every run lasts the
    case's days (``run_until = steps``), as the baselines do.
    """
    sites = max(1, round(size.street_offices * size.communities_per_street / 12))
    out = {**asdict(size), "outbreak_sites": sites, "initial_cases": 4 * sites, "run_until": "steps"}
    if large:
        out["transmission"] = LARGE_TRANSMISSION
    return out


@dataclass(frozen=True)
class Plan:
    small: Size  # the per-agent comparison and the small end of the scaling fit
    large: Size  # the large epidemic, a world build
    largest: Size  # a real district: the large end of the scaling fit, the world build's targets
    steps: int
    repeats: int  # for every case at the small and large sizes
    repeats_largest: int
    batch_runs: int
    batch_overrides: dict  # the batch's runs: the default scenario as it is (full run), or smaller
    before: str  # the code the batch's throughput is compared with (a git revision)


# The commit before districts left the networkx graph and batches began to reuse them.
BEFORE = "c5130f3"

FULL = Plan(
    Size(10_000, 5, 5),
    Size(100_000, 10, 25),
    Size(1_000_000, 13, 12),  # an urban district: 13 street offices x 12 communities
    steps=100,
    repeats=5,
    repeats_largest=2,
    batch_runs=100,
    batch_overrides={},
    before=BEFORE,
)
QUICK = Plan(
    Size(2_000, 1, 5),
    Size(8_000, 2, 10),
    Size(16_000, 4, 10),
    steps=30,
    repeats=1,
    repeats_largest=1,
    batch_runs=8,
    batch_overrides={"residents": 400, "street_offices": 1, "communities_per_street": 2, "steps": 20},
    before=BEFORE,
)


def cases(plan: Plan) -> list[dict]:
    """Every case of the run, in the order of the table."""
    s, lg, xl = plan.small, plan.large, plan.largest
    out = []

    def add(kind, label, size, large=False, repeats=plan.repeats, **extra):
        out.append(
            dict(
                kind=kind,
                label=label,
                residents=size.residents,
                repeats=repeats,
                overrides=world(size, large),
                steps=plan.steps,
                **extra,
            )
        )

    for size in (s, lg, xl):
        reps = plan.repeats_largest if size is xl else plan.repeats
        for pattern in ("no_response", "siloed", "full_cycle"):
            if not (pattern == "siloed" and size is xl):  # the scaling fit needs the other two only
                add("model", f"model, {pattern}", size, pattern=pattern, repeats=reps)
        add("bare", "bare SEIR", size, repeats=reps)
        if size is s:
            add("mesa", "per-agent Mesa SEIR", size)
        if size is lg:
            for pattern in ("no_response", "full_cycle"):
                add("model", f"model, {pattern}, large epidemic", size, large=True, pattern=pattern)
            add("bare", "bare SEIR, large epidemic", size, large=True)
        if size is not s:
            add("build", "world build", size, repeats=reps)
    residents = plan.batch_overrides.get("residents", 4800)
    for label, executor, code in (
        ("batch, serial", "serial", None),
        ("batch, processes", "processes", None),
        (f"batch, processes, before ({plan.before})", "processes", plan.before),
    ):  # once: each is 100 runs already
        out.append(
            dict(
                kind="batch",
                label=label,
                residents=residents,
                repeats=1,
                overrides=plan.batch_overrides,
                steps=plan.batch_overrides.get("steps", 0),
                runs=plan.batch_runs,
                executor=executor,
                code=code,
            )
        )
    return out


# ------------------------------------------------------------------------------------------ cases


def measure(case: dict) -> dict:
    """Run one repeat of one case here; return its times (s), what it computed, and notes."""
    kinds = {"model": _model, "bare": _bare, "mesa": _mesa, "build": _build, "batch": _batch}
    return kinds[case["kind"]](case)


def _model(case: dict) -> dict:
    from coop_agents import CoordinationModel

    t0 = time.perf_counter()
    model = CoordinationModel(SCENARIO, case["pattern"], SEED, steps=case["steps"], **case["overrides"])
    t1 = time.perf_counter()
    out = model.run()
    t2 = time.perf_counter()
    return {"build": t1 - t0, "run": t2 - t1, "harm": out["harm"]}


def _same_start(case: dict):
    """The ``no_response`` model's contacts, index cases and keyed hazard draws, before its first step."""
    from coop_agents import CoordinationModel

    model = CoordinationModel(SCENARIO, "no_response", SEED, steps=case["steps"], **case["overrides"])
    return model.contacts, model.hazard.state.copy(), model.draws["hazard"], model.config


def _bare(case: dict) -> dict:
    from baselines import bare_seir

    contacts, state, rng, cfg = _same_start(case)
    t0 = time.perf_counter()
    harm = bare_seir(
        contacts, state, rng, case["steps"], cfg.transmission, cfg.latent_days, cfg.infectious_days
    )
    return {"build": None, "run": time.perf_counter() - t0, "harm": float(harm)}


def _mesa(case: dict) -> dict:
    from baselines import PerAgentSEIR

    contacts, state, _, cfg = _same_start(case)
    t0 = time.perf_counter()
    model = PerAgentSEIR(contacts, state, cfg.transmission, cfg.latent_days, cfg.infectious_days, SEED)
    t1 = time.perf_counter()
    for _ in range(case["steps"]):
        model.step()
    t2 = time.perf_counter()
    return {"build": t1 - t0, "run": t2 - t1, "harm": float(model.ever_infected)}


def _build(case: dict) -> dict:
    """The world: the district on its own (residents, contacts, organisations and ties), then the
    whole model (which builds the district again). The peak memory is the model's."""
    import gc

    from coop_agents import CoordinationModel
    from coop_agents.model import resolve
    from coop_agents.network import DistrictSpec, make_district
    from coop_agents.rng import make_streams

    config = resolve(SCENARIO, "full_cycle", **case["overrides"])[0]
    t0 = time.perf_counter()
    district = make_district(DistrictSpec.from_config(config), make_streams(SEED)["network"])
    t1 = time.perf_counter()
    nbytes = district.nbytes
    del district
    gc.collect()
    t2 = time.perf_counter()
    model = CoordinationModel(SCENARIO, "full_cycle", SEED, **case["overrides"])
    t3 = time.perf_counter()
    return {
        "build": t3 - t2,
        "run": None,
        "harm": None,
        "parts": {"district": t1 - t0},
        "district_mib": nbytes / 2**20,
        "agents": len(model.agents),
    }


def _batch(case: dict) -> dict:
    from coop_agents.experiments import load_experiment, run_batch

    with tempfile.TemporaryDirectory() as tmp:
        spec = Path(tmp) / "bench.toml"
        spec.write_text(
            'name = "bench"\nseed = 1\n'
            f'replicates = {case["runs"] // 2}\noutcomes = ["harm"]\n'
            '[levers]\npattern = ["siloed", "full_cycle"]\n'
            '[uncertainties]\nscenario = "default"\n'
            + "".join(f"{k} = {v}\n" for k, v in case["overrides"].items())
        )
        experiment = load_experiment(spec)
        report = run_batch(
            experiment, Path(tmp) / "out", executor=case["executor"], workers=2, progress=False
        )
    if report.failed:
        raise RuntimeError(f"{report.failed} of {report.total} batch runs failed")
    return {"build": None, "run": report.seconds, "harm": None, "runs": report.ran, "workers": 2}


# ------------------------------------------------------------------------------------------ driver


def _before_code(revision: str) -> Path | None:
    """The source of ``revision`` (``git archive``) in a temporary folder, or None if unavailable."""
    folder = Path(tempfile.mkdtemp(prefix="coop-bench-before-"))
    try:
        archive = subprocess.run(
            ["git", "archive", "--format=tar", revision, "src"],
            capture_output=True,
            cwd=HERE.parent,
            check=True,
        )
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(folder, filter="data")
    except (OSError, subprocess.CalledProcessError, tarfile.TarError):
        shutil.rmtree(folder, ignore_errors=True)
        return None
    return folder


def run_once(case: dict, in_process: bool, before: Path | None = None) -> dict:
    """One repeat of a case, in a fresh process unless ``in_process``; a case of the code before
    (``code``) runs in a fresh process on that code's ``src`` (``before``)."""
    if in_process and not case.get("code"):
        return {**measure(case), "peak_mib": None}
    command = [sys.executable, str(Path(__file__).resolve()), "--case", json.dumps(case)]
    env = dict(os.environ)
    if case.get("code"):
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(before / "src"), env.get("PYTHONPATH")]))
    done = subprocess.run(command, capture_output=True, text=True, cwd=HERE, env=env)
    if done.returncode != 0:
        sys.exit(f"case {case['label']}, N={case['residents']:,} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def merge(case: dict, repeats: list[dict]) -> dict:
    """A case's repeats: median times, the largest peak memory."""
    merged = dict(repeats[0])
    for key in ("build", "run"):
        if merged[key] is not None:
            merged[key] = statistics.median(r[key] for r in repeats)
    if "parts" in merged:
        merged["parts"] = {k: statistics.median(r["parts"][k] for r in repeats) for k in merged["parts"]}
    peaks = [r["peak_mib"] for r in repeats if r["peak_mib"] is not None]
    merged["peak_mib"] = max(peaks) if peaks else None
    return {**case, **merged}


def _fmt(x, spec: str = ".3f") -> str:
    return "—" if x is None else format(x, spec)


def table(results: list[dict]) -> list[str]:
    rows = [
        ("case", "residents", "steps", "build s", "run s", "resident-steps/s", "peak MiB", "harm", "notes")
    ]
    for r in results:
        notes = ""
        if r["kind"] == "build":
            notes = (
                f"the district alone {r['parts']['district']:.2f} s ({r['district_mib']:,.0f} MiB of arrays); "
                f"{r['agents']:,} agents"
            )
        elif r["kind"] == "batch":
            pool = f" on {r['workers']} workers" if r["executor"] == "processes" else ""
            notes = f"{r['runs']} runs{pool}, {r['runs'] / r['run']:.1f} runs/s"
        steps = r["steps"] or None
        rate = r["residents"] * steps * r.get("runs", 1) / r["run"] if r["run"] and steps else None
        rows.append(
            (
                r["label"],
                f"{r['residents']:,}",
                str(steps) if r["kind"] != "build" and steps else "—",
                _fmt(r["build"]),
                _fmt(r["run"]),
                _fmt(rate, ",.0f"),
                _fmt(r["peak_mib"], ",.0f"),
                _fmt(r["harm"], ",.0f"),
                notes,
            )
        )
    return _columns(rows)


def _columns(rows) -> list[str]:
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for k, row in enumerate(rows):
        # Labels and notes left, numbers right.
        cells = [
            str(c).ljust(w) if i in (0, len(row) - 1) else str(c).rjust(w)
            for i, (c, w) in enumerate(zip(row, widths))
        ]
        lines.append("  ".join(cells).rstrip())
        if k == 0:
            lines.append("  ".join("-" * w for w in widths))
    return lines


def ratios(results: list[dict], plan: Plan, quick: bool) -> list[str]:
    """The ratios of run times (the days simulated, not the build) and the targets, from this run."""

    def get(label: str, size: Size) -> dict:
        return next(r for r in results if r["label"] == label and r["residents"] == size.residents)

    def run(label: str, size: Size) -> float:
        return get(label, size)["run"]

    s, lg, xl = plan.small, plan.large, plan.largest
    rows = [("ratio", "value", "target", "met")]

    def add(name, value, unit="x", target="", ok=None):
        met = "—" if ok is None or quick else ("yes" if ok else "NO")
        rows.append((name, f"{value:.2f}{unit}", target, met))

    big = ", large epidemic"
    for size, epi in ((s, ""), (lg, ""), (lg, big), (xl, "")):
        # Started from the same index cases with the same hazard draws, the bare SEIR must infect
        # exactly the residents no_response infects: proof that both run the same dynamics.
        same = get(f"bare SEIR{epi}", size)["harm"] / get(f"model, no_response{epi}", size)["harm"]
        add(
            f"harm: bare SEIR / no_response, N={size.label}{epi}",
            same,
            target="= 1x (same SEIR)",
            ok=same == 1,
        )
    for size, epi in ((s, ""), (lg, ""), (lg, big), (xl, "")):
        add(
            f"no_response / bare SEIR, N={size.label}{epi}",
            run(f"model, no_response{epi}", size) / run(f"bare SEIR{epi}", size),
        )
    mesa, ours = get("per-agent Mesa SEIR", s), get("model, no_response", s)
    add(
        f"per-agent Mesa / no_response, N={s.label}",
        mesa["run"] / ours["run"],
        target=">= 20x",
        ok=mesa["run"] / ours["run"] >= 20,
    )
    add(
        f"per-agent Mesa / no_response, build + run, N={s.label}",
        (mesa["build"] + mesa["run"]) / (ours["build"] + ours["run"]),
    )
    for size, epi in ((s, ""), (lg, ""), (lg, big), (xl, "")):
        for pattern in ("siloed", "full_cycle"):
            if pattern == "siloed" and (epi or size is xl):
                continue
            value = run(f"model, {pattern}{epi}", size) / run(f"bare SEIR{epi}", size)
            # full_cycle within 1.5x of the bare SEIR at every size (2x in the large epidemic).
            limit = (2.0 if epi else 1.5) if pattern == "full_cycle" else None
            add(
                f"{pattern} / bare SEIR, N={size.label}{epi}",
                value,
                target=f"<= {limit:g}x" if limit else "",
                ok=value <= limit if limit else None,
            )
        for pattern in ("siloed", "full_cycle"):
            if pattern == "siloed" and (epi or size is xl):
                continue
            add(
                f"{pattern} / no_response, N={size.label}{epi}",
                run(f"model, {pattern}{epi}", size) / run(f"model, no_response{epi}", size),
            )
    build = get("world build", lg)["build"]
    add(f"world build, N={lg.label}", build, unit=" s", target="< 10 s", ok=build < 10)
    build = get("world build", xl)["build"]
    add(
        f"world build, N={xl.label} ({xl.street_offices} x {xl.communities_per_street} communities)",
        build,
        unit=" s",
        target="<= 5 s",
        ok=build <= 5,
    )
    built = [get("world build", size) for size in (lg, xl)]
    if None not in [b["peak_mib"] for b in built]:
        add(
            f"peak memory, world build, N={xl.label}",
            built[1]["peak_mib"],
            unit=" MiB",
            target="<= 1536 MiB",
            ok=built[1]["peak_mib"] <= 1536,
        )
        per = (built[1]["peak_mib"] - built[0]["peak_mib"]) * 2**20 / (xl.residents - lg.residents)
        add(f"memory per resident, world build, N={lg.label}..{xl.label}", per, unit=" bytes")
    per = built[1]["district_mib"] * 2**20 / xl.residents
    add(f"district's arrays per resident, N={xl.label}", per, unit=" bytes")
    peaks = [get(f"model, full_cycle{epi}", lg)["peak_mib"] for epi in ("", big)]
    if None not in peaks:
        add(
            f"peak memory, full_cycle, N={lg.label} (either epidemic)",
            max(peaks),
            unit=" MiB",
            target="< 1024 MiB",
            ok=max(peaks) < 1024,
        )
    for pattern in ("no_response", "full_cycle"):
        for what in ("run", "build + run"):
            points = [get(f"model, {pattern}", size) for size in (s, lg, xl)]
            cost = [p["run"] + (p["build"] if what != "run" else 0.0) for p in points]
            slope = _slope([p["residents"] for p in points], cost)
            add(
                f"scaling exponent, {pattern}, {what}, N={s.label}..{xl.label}",
                slope,
                unit="",
                target="~1 (<= 1.1)",
                ok=slope <= 1.1,
            )
    batches = {r["label"]: r for r in results if r["kind"] == "batch"}
    serial, pool = batches["batch, serial"], batches["batch, processes"]
    speed_up = serial["run"] / pool["run"]
    add(
        f"batch of {plan.batch_runs}: serial / process pool ({pool['workers']} workers)",
        speed_up,
        target=">= 1.7x",
        ok=speed_up >= 1.7,
    )
    before = batches.get(f"batch, processes, before ({plan.before})")
    name = f"batch throughput (runs/s), default scenario, 2 workers: now / {plan.before}"
    if before is None:
        rows.append((name, "n/a", ">= 2.5x", "—"))
    else:
        gain = before["run"] / pool["run"]  # runs per second now / before, the same runs on 2 workers
        add(name, gain, target=">= 2.5x", ok=gain >= 2.5)
    return _columns(rows)


def _slope(n: list[int], t: list[float]) -> float:
    """Least-squares slope of log t against log n."""
    x = [math.log(v) for v in n]
    y = [math.log(v) for v in t]
    mx, my = sum(x) / len(x), sum(y) / len(y)
    return sum((a - mx) * (b - my) for a, b in zip(x, y)) / sum((a - mx) ** 2 for a in x)


def header(quick: bool) -> list[str]:
    import mesa
    import networkx
    import numpy
    import scipy

    def git(*args):
        try:
            return subprocess.run(["git", *args], capture_output=True, text=True, cwd=HERE).stdout.strip()
        except OSError:
            return ""

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    if git("status", "--porcelain", "--", "../src", "."):
        commit += " (with uncommitted changes)"
    cpu = platform.processor() or platform.machine()
    try:
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return [
        f"coop_agents benchmarks ({'quick' if quick else 'full'} run), {datetime.date.today().isoformat()}, "
        f"commit {commit}",
        f"machine: {cpu}, {os.cpu_count()} cores, {memory:.0f} GiB; Python {platform.python_version()}, "
        f"numpy {numpy.__version__}, scipy {scipy.__version__}, networkx {networkx.__version__}, "
        f"mesa {mesa.__version__}",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, one repeat: a smoke run")
    parser.add_argument(
        "--in-process",
        action="store_true",
        help="run every case in this process (faster; no peak memory per case)",
    )
    parser.add_argument(
        "--before",
        default=BEFORE,
        help=f"the git revision whose batch throughput the batch is compared with (default {BEFORE})",
    )
    parser.add_argument("--case", help=argparse.SUPPRESS)  # one repeat of one case, in a fresh process
    args = parser.parse_args(argv)
    sys.path.insert(0, str(HERE))
    if args.case:
        result = measure(json.loads(args.case))
        result["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
        print(json.dumps(result))
        return 0
    plan = replace(QUICK if args.quick else FULL, before=args.before)
    todo = cases(plan)
    before = _before_code(plan.before)
    if before is None:
        print(f"(the code of {plan.before} is not available: its batch is left out)", file=sys.stderr)
        todo = [c for c in todo if not c.get("code")]
    started, load_before = time.perf_counter(), os.getloadavg()[0]
    # Repeat k of every case runs before repeat k + 1 of any: a burst of other work on the machine
    # then slows one repeat of several cases, which the medians discard, not every repeat of one.
    repeats: list[list[dict]] = [[] for _ in todo]
    for k in range(max(case["repeats"] for case in todo)):
        for case, done in zip(todo, repeats):
            if k < case["repeats"]:
                print(
                    f"[repeat {k + 1}] {case['label']}, N={case['residents']:,}", file=sys.stderr, flush=True
                )
                done.append(run_once(case, args.in_process, before))
    if before is not None:
        shutil.rmtree(before, ignore_errors=True)
    results = [merge(case, done) for case, done in zip(todo, repeats)]
    lines = [*header(args.quick), ""]
    lines += table(results)
    lines += ["", *ratios(results, plan, args.quick), ""]
    if args.quick:
        lines.append("quick run: sizes are not the targets' sizes, so no target is judged")
    where = "in this process (--in-process)" if args.in_process else "in a fresh process"
    lines.append(
        f"(medians over repeats, every repeat {where}; total {time.perf_counter() - started:.0f} s; "
        f"load average {load_before:.2f} before, {os.getloadavg()[0]:.2f} after: other work on "
        f"the machine slows every case)"
    )
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
