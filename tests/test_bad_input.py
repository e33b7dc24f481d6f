"""Bad input, generated: every malformed input is refused cleanly.

A clean refusal is exit status 2, exactly one line on stderr (``coop-agents...: error: ...``,
valid UTF-8), nothing on stdout, no traceback, within a time bound, and no run started. The
inputs are generated here (a seeded generator, plus Hypothesis for random bytes and text):

- argparse garbage: words for numbers, unknown commands, options and choices;
- ``--set key=value`` and scenario, pattern and experiment files with values of the wrong type,
  out of range, huge, NaN or infinite, for every row of the parameter table;
- files that are not UTF-8 (latin-1, UTF-16, random bytes), malformed TOML, wrong types for
  names and texts, empty and missing fields;
- experiment designs that are meaningless or too large (morris levels, sobol samples, 10^9
  replicates, millions of arms, no levers);
- broken GraphML districts (missing or out-of-range attributes, ties between the wrong kinds,
  empty or duplicated communities, garbage XML);
- hostile paths (``/proc/x``, devices, folders, names with NUL or invalid UTF-8, too long) as
  inputs and as outputs of ``run --out``, ``batch --out`` and ``brief -o``.

The CLI runs in-process (``coop_agents.cli.main``), so a thousand inputs take seconds.
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import math
import os
import random
import signal
import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coop_agents.cli import main
from coop_agents.config import PARAMETERS
from coop_agents.errors import NetworkError
from coop_agents.network import DistrictSpec, build_district, load_graphml

SECONDS = 10.0  # the most one refusal may take (most take milliseconds)
QUICK = ["--set", "residents=200", "--steps", "1"]  # should a bad input slip through, its run is short
SEED = 20240611
HYPOTHESIS = settings(
    max_examples=60,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


class TooSlow(BaseException):
    """Raised by the alarm inside a call that should have been refused at once (not an Exception:
    no handler of the program may swallow it)."""


def _alarm(signum, frame):
    raise TooSlow()


def refuse(argv: list[str]) -> str:
    """Run the CLI in-process on ``argv``; assert a clean refusal and return its one line."""
    out, err = io.StringIO(), io.StringIO()
    start = time.perf_counter()
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, SECONDS)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(argv))
            except SystemExit as exc:  # argparse's own errors
                code = exc.code
    except TooSlow:
        pytest.fail(f"{argv!r} was not refused within {SECONDS:.0f} s (stderr so far: {err.getvalue()!r})")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    elapsed = time.perf_counter() - start
    text = err.getvalue()
    assert code == 2, f"{argv!r}: exit {code}, stderr {text!r}"
    assert "Traceback" not in text, text
    assert text.endswith("\n") and text.count("\n") == 1, f"{argv!r}: not one line: {text!r}"
    assert text.startswith("coop-agents") and ": error: " in text, text
    text.encode("utf-8")  # printable on any UTF-8 terminal
    assert out.getvalue() == "", f"{argv!r} printed {out.getvalue()!r}"
    assert elapsed < SECONDS, f"{argv!r} took {elapsed:.1f} s to refuse"
    return text.rstrip("\n")


def refuse_each(cases: list[tuple[list[str], str]]) -> list[str]:
    """:func:`refuse` for many inputs, each with a word its line must contain ("" for any); every
    input is tried, and the test fails listing each one not refused cleanly."""
    failures, lines = [], []
    for argv, needle in cases:
        try:
            line = refuse(argv)
            assert needle in line, f"{argv!r}: {needle!r} not in {line!r}"
            lines.append(line)
        except (AssertionError, pytest.fail.Exception) as exc:
            failures.append(str(exc).splitlines()[0][:300])
    assert not failures, f"{len(failures)} of {len(cases)} inputs not refused cleanly:\n" + "\n".join(
        failures
    )
    return lines


# ------------------------------------------------------------------------------- values


def toml_value(v) -> str:
    """A Python value as TOML (strings, numbers incl. nan/inf, bools, lists, inline tables)."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v)
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k} = {toml_value(x)}" for k, x in v.items()) + "}"
    raise TypeError(v)


def bad_values(p) -> list:
    """Values the parameter ``p`` must refuse: wrong types, out of range, huge, NaN, infinite."""
    if p.type == "bool":
        return ["maybe", 2, 1.5, [True], {"a": 1}, ""]
    if p.type == "choice":
        return ["nope", 1, "", [p.choices[0]], {"a": 1}, p.choices[0].upper() + "_"]
    step = 1 if p.type == "int" else max((p.high - p.low) * 0.01, 1e-6)
    low, high = p.low - step, p.high + step
    values = [
        low,
        high,
        10**30,
        -(10**30),
        "abc",
        True,
        [p.default],
        {"low": 1},
        float("nan"),
        float("inf"),
        float("-inf"),
    ]
    if p.type == "int":
        values.append(p.low + 0.5)
    return values


# Every parameter with every bad value: the main body of the generated inputs.
PARAM_CASES = [(name, v) for name, p in PARAMETERS.items() for v in bad_values(p)]
NAMES = sorted(PARAMETERS)


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("bad")


def write(folder: Path, name: str, data: str | bytes) -> str:
    path = folder / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return str(path)


# ------------------------------------------------------------------------------- --set


def set_text(v) -> str:
    """A bad value as the text of ``--set key=TEXT``."""
    if isinstance(v, (list, dict)):
        return toml_value(v)
    if isinstance(v, bool):
        return "True"
    return str(v)


@pytest.mark.parametrize("name", NAMES)
def test_set_refuses_bad_values(name):
    refuse_each(
        [
            (["run", "--set", f"{name}={set_text(v)}", "--steps", "1"], name)
            for v in bad_values(PARAMETERS[name])
        ]
    )


@pytest.mark.parametrize(
    "argv",
    [
        ["--set", "colour=red"],
        ["--set", "residnts=600"],
        ["--set", "=3"],
        ["--set", "x"],
        ["--set", ""],
        ["--set", "emergency_threshold=0.1"],
        ["--set", "alert_threshold=5"],
        ["--set", "residents=20"],  # too few for 12 communities
        ["--set", "residents=5000000"],
        ["--set", "steps=0"],
        ["--steps", "0"],
        ["--steps", "-5"],
        ["--steps", str(10**12)],
        ["--replicates", "0"],
        ["--replicates", "-1"],
        ["--replicates", str(10**9)],
        ["--replicates", str(10**30)],
        ["--seed", "-1"],
        ["--pattern", ""],
        ["--pattern", " "],
        ["--compare", ""],
        ["--compare", ","],
        ["--compare", "siloed,"],
        ["--compare", "siloed,siloed"],
        ["--pattern", "nope"],
        ["--scenario", "atlantis"],
        ["--scenario", ""],
        ["--pattern", "siloed", "--compare", "siloed,platform"],
        ["--compare", "siloed,x/siloed.toml"],
        ["--set", "arrival=schedule"],
    ],
)
def test_run_refuses_bad_arguments(argv):
    refuse(["run", *argv])


@pytest.mark.parametrize(
    "argv",
    [
        ["run", "--set", "residents=1000000"],
        ["run", "--set", "residents=600000", "--replicates", "3"],
        ["run", "--replicates", "100000", "--out", "{work}/mem_run"],
        ["batch", "{exp}", "--out", "{work}/mem_batch", "--residents", "1000000"],
        [
            "batch",
            "{exp}",
            "--out",
            "{work}/mem_batch",
            "--residents",
            "400000",
            "--workers",
            "4",
            "--replicates",
            "4",
        ],
        ["brief", "--patterns", "siloed,full_cycle", "-o", "{work}/mem.html", "--residents", "1000000"],
    ],
)
def test_plans_that_do_not_fit_in_memory_are_refused(work, monkeypatch, argv):
    # As on a small machine, small enough for each plan (each worker process costs about 160 MB
    # before its district, at about 340 bytes a resident): a run in this process, a batch, a brief.
    small = {"run": ("400M", "400 MB"), "batch": ("600M", "600 MB"), "brief": ("1G", "1.0 GB")}
    memory, shown = small[argv[0]]
    monkeypatch.setenv("COOP_AGENTS_MEMORY", memory)
    exp = write(work, "mem_exp.toml", EXPERIMENT)
    line = refuse([a.format(work=work, exp=exp) for a in argv])
    assert "memory" in line and "largest that fits is" in line and f"{shown} is available" in line
    assert not (work / "mem_run").exists() and not (work / "mem_batch").exists()


# ------------------------------------------------------------------------------- argparse

_WORDS = [
    "abc",
    "1.5",
    "1e9",
    "",
    " ",
    "--",
    "0x10",
    "½",
    "١٢",
    "NaN",
    "inf",
    "-",
    "3,000",
    "1/2",
    "\udcff",
    "a\nb",
    "9" * 5000,
    "🙂",
]
_INT_OPTIONS = {
    "run": ["--seed", "--replicates", "--steps"],
    "batch": ["--workers", "--replicates", "--residents"],
    "brief": ["--replicates", "--seed", "--residents", "--steps", "--workers"],
}


def argparse_cases() -> list[list[str]]:
    rng = random.Random(SEED)
    cases = []
    for verb, options in _INT_OPTIONS.items():
        base = {
            "run": ["run"],
            "batch": ["batch", "x.toml", "--out", "o"],
            "brief": ["brief", "--patterns", "siloed,full_cycle", "-o", "b.html"],
        }[verb]
        for option in options:
            for word in _WORDS:
                try:
                    int(word)
                    continue  # a number after all (e.g. Unicode digits): not bad input for argparse
                except ValueError:
                    pass
                cases.append([*base, option, word])
            cases.append([*base, option])  # the value is missing
    for word in ["fly", "", "RUN", "runs", "-x", "--json", "batchh", "\udcff", "help me"]:
        cases.append([word])
    cases.append([])
    for verb in ("batch", "brief"):
        for choice in ["bogus", "", "Serial", "thread", "dask "]:
            cases.append(
                [verb, "x.toml", "--out", "o", "--executor", choice]
                if verb == "batch"
                else [verb, "--patterns", "a,b", "-o", "b.html", "--executor", choice]
            )
    for verb in ("run", "batch", "brief", "patterns", "scenarios", "params", "analyse"):
        for _ in range(4):
            junk = "--" + "".join(
                rng.choice("abcdefghijklmnopqrstuvwxyz-") for _ in range(rng.randint(1, 12))
            )
            cases.append([verb, junk, "1"])
    cases += [
        ["batch"],
        ["batch", "x.toml"],
        ["analyse"],
        ["params", "--role", "other"],
        ["run", "--out"],
        ["app", "--port", "http"],
        ["outcomes", "--lang", "fr"],
    ]
    return cases


ARGPARSE_CASES = argparse_cases()


@pytest.mark.parametrize("chunk", range(0, len(ARGPARSE_CASES), 25))
def test_argparse_errors_are_one_line(chunk):
    for line in refuse_each([(argv, "") for argv in ARGPARSE_CASES[chunk : chunk + 25]]):
        assert "usage:" not in line


def test_argparse_error_names_option_value_and_what_is_allowed():
    line = refuse(["run", "--seed", "abc"])
    assert line == "coop-agents run: error: --seed: invalid int value: 'abc'; expected a whole number, e.g. 3"
    line = refuse(["batch", "x.toml", "--out", "o", "--executor", "bogus"])
    assert "'bogus'" in line and "serial" in line and "dask" in line
    line = refuse(["fly"])
    assert "'fly'" in line and "run" in line and "batch" in line


# ------------------------------------------------------------------------------- TOML files

SCENARIO = 'name = "s"\n[parameters]\nresidents = 200\nsteps = 1\n'
PATTERN = 'name = "p"\n[levers]\nplatform = true\n'
EXPERIMENT = (
    'name = "e"\nreplicates = 1\n[levers]\npattern = "siloed"\n[uncertainties]\nresidents = 200\nsteps = 1\n'
)


def file_cases() -> list[tuple[str, str, bytes]]:
    """(kind, file name, bytes): files every reader must refuse."""
    cases = []
    for kind, good in (("scenario", SCENARIO), ("pattern", PATTERN), ("experiment", EXPERIMENT)):
        # Encodings: the same file in latin-1 with an accent, in UTF-16 (with and without BOM).
        accented = good.replace('"s"', '"café"').replace('"p"', '"café"').replace('"e"', '"café"')
        cases += [
            (kind, "latin1.toml", accented.encode("latin-1")),
            (kind, "utf16.toml", good.encode("utf-16")),
            (kind, "utf16le.toml", good.encode("utf-16-le")),
            (kind, "utf32.toml", good.encode("utf-32")),
            (kind, "gb18030.toml", accented.replace("café", "社区").encode("gb18030")),
            (kind, "nul.toml", good.encode() + b"\x00"),
            (kind, "empty.toml", b""),
            (kind, "spaces.toml", b"   \n\n"),
            (kind, "malformed.toml", b'name = "x"\n[levers\n'),
            (kind, "unterminated.toml", b'name = "x'),
            (kind, "dup.toml", good.encode() + b'name = "again"\n'),
            (kind, "deep.toml", b"x = " + b"[" * 5000 + b"]" * 5000 + b"\n"),
            (
                kind,
                "unknown.toml",
                good.encode() + b"colour = 1\n" if kind != "scenario" else b"colour = 1\n" + good.encode(),
            ),
            (kind, "array.toml", b"name = [1, 2]\n"),
            (kind, "table_name.toml", b"name = {a = 1}\n" + good.split("\n", 1)[1].encode()),
            (kind, "int_name.toml", b"name = 5\n" + good.split("\n", 1)[1].encode()),
            (kind, "empty_name.toml", b'name = ""\n' + good.split("\n", 1)[1].encode()),
        ]
    # Texts and structure of scenarios and patterns must be strings.
    for key in ("title_en", "title_zh", "description", "story_en", "notes_zh"):
        cases.append(("scenario", f"{key}.toml", (f"{key} = {{a = 1}}\n" + SCENARIO).encode()))
        cases.append(("scenario", f"{key}_n.toml", (f"{key} = 3\n" + SCENARIO).encode()))
    for value in ("5", "[1]", '""', '"a\\u0000b"', "{a = 1}"):
        cases.append(("scenario", "structure.toml", (f"structure = {value}\n" + SCENARIO).encode()))
    for value in (
        "true",
        "[]",
        "5",
        '[{day = "x"}]',
        "[{day = -1}]",
        "[{day = 1, hazard = [1]}]",
        '[{day = 1, hazard = "meteor"}]',
        '[{hazard = "shock"}]',
        "[{day = 1, when = 2}]",
    ):
        cases.append(("scenario", "events.toml", (f"events = {value}\n" + SCENARIO).encode()))
    cases.append(("scenario", "schedule.toml", (SCENARIO + 'arrival = "schedule"\n').encode()))
    cases.append(("scenario", "params_list.toml", b'name = "s"\nparameters = [1, 2]\n'))
    cases.append(("scenario", "lever.toml", (SCENARIO + "platform = true\n").encode()))
    for key in ("label_en", "label_zh", "description", "summary_en", "summary_zh"):
        cases.append(("pattern", f"{key}.toml", (f"{key} = [1]\n" + PATTERN).encode()))
    for key in ("actors_en", "actors_zh"):
        for value in ('"one"', "[1, 2]", "{a = 1}"):
            cases.append(("pattern", f"{key}.toml", (f"{key} = {value}\n" + PATTERN).encode()))
    for value in ("5", '""', '"nope"', "[1]", '"missing.toml"', '"."', '"/dev/zero"'):
        cases.append(("pattern", "based_on.toml", (f"based_on = {value}\n" + PATTERN).encode()))
    cases.append(("pattern", "levers_list.toml", b'name = "p"\nlevers = [1]\n'))
    cases.append(("pattern", "scenario_param.toml", (PATTERN + "residents = 600\n").encode()))
    return cases


FILE_CASES = file_cases()


def _argv_for(kind: str, path: str, work: Path, n: int) -> list[str]:
    if kind == "scenario":
        return ["run", "--scenario", path, *QUICK]
    if kind == "pattern":
        return ["run", "--pattern", path, *QUICK]
    return ["batch", path, "--out", str(work / f"out_{n}"), "--executor", "serial"]


@pytest.mark.parametrize(
    "n", range(len(FILE_CASES)), ids=lambda n: f"{FILE_CASES[n][0]}-{FILE_CASES[n][1]}-{n}"
)
def test_malformed_files_are_refused(work, n):
    kind, name, data = FILE_CASES[n]
    folder = work / f"f{n}"
    folder.mkdir()
    path = write(folder, name, data)
    line = refuse(_argv_for(kind, path, work, n))
    assert name in line or "based_on" in line or "missing.toml" in line or "/dev/zero" in line, line
    assert not (work / f"out_{n}").exists() or not any((work / f"out_{n}").rglob("part-*"))


@pytest.mark.parametrize("name", NAMES)
def test_parameter_files_refuse_bad_values(work, name):
    """Each bad value, in the file that may set the parameter: a scenario or a pattern."""
    p = PARAMETERS[name]
    folder = work / f"p_{name}"
    folder.mkdir()
    cases = []
    for i, value in enumerate(bad_values(p)):
        if p.role == "scenario":
            path = write(
                folder, f"scenario{i}.toml", f'name = "s"\n[parameters]\n{name} = {toml_value(value)}\n'
            )
            cases.append((["run", "--scenario", path, *QUICK], name))
        else:
            path = write(folder, f"pattern{i}.toml", f'name = "p"\n[levers]\n{name} = {toml_value(value)}\n')
            cases.append((["run", "--pattern", path, *QUICK], name))
    refuse_each(cases)


@pytest.mark.parametrize("name", NAMES)
def test_experiment_factors_refuse_bad_values(work, name):
    """Each bad value in an experiment's crossed list: the batch is refused before its folder is made."""
    section = "levers" if PARAMETERS[name].role == "lever" else "uncertainties"
    folder = work / f"x_{name}"
    folder.mkdir()
    cases = []
    for i, value in enumerate(bad_values(PARAMETERS[name])):
        spec = [PARAMETERS[name].default, value]  # a crossed list with one bad value
        path = write(folder, f"exp{i}.toml", f'name = "e"\n[{section}]\n{name} = {toml_value(spec)}\n')
        cases.append((["batch", path, "--out", str(folder / "out"), "--executor", "serial"], name))
    refuse_each(cases)
    assert not (folder / "out").exists()


# ------------------------------------------------------------------------------- experiment designs

RANGED = "technology = { low = 0.0, high = 1.0 }\ninformation = { low = 0.0, high = 1.0 }\n"
WIDE = ", ".join(str(i / 1000) for i in range(1000))

DESIGN_CASES = {
    "empty": "",
    "only_name": 'name = "x"\n',
    "only_replicates": "replicates = 3\n",
    "empty_tables": "[levers]\n[uncertainties]\n",
    "name_table": 'name = { a = 1 }\n[levers]\npattern = "siloed"\n',
    "name_int": 'name = 1\n[levers]\npattern = "siloed"\n',
    "description_list": 'description = [1]\n[levers]\npattern = "siloed"\n',
    "morris_levels_1": f'[design]\nkind = "morris"\nlevels = 1\n[levers]\n{RANGED}',
    "morris_levels_0": f'[design]\nkind = "morris"\nlevels = 0\n[levers]\n{RANGED}',
    "morris_levels_3": f'[design]\nkind = "morris"\nlevels = 3\n[levers]\n{RANGED}',
    "morris_levels_huge": f'[design]\nkind = "morris"\nlevels = 100000000\n[levers]\n{RANGED}',
    "morris_levels_float": f'[design]\nkind = "morris"\nlevels = 4.0\n[levers]\n{RANGED}',
    "morris_samples_0": f'[design]\nkind = "morris"\nsamples = 0\n[levers]\n{RANGED}',
    "sobol_not_power_2": f'[design]\nkind = "sobol"\nsamples = 3\n[levers]\n{RANGED}',
    "sobol_1e8": f'[design]\nkind = "sobol"\nsamples = 134217728\n[levers]\n{RANGED}',
    "sobol_too_many_points": f'[design]\nkind = "sobol"\nsamples = 65536\n[levers]\n{RANGED}',
    "lhs_1e8": f'[design]\nkind = "lhs"\nsamples = 100000000\n[levers]\n{RANGED}',
    "lhs_negative": f'[design]\nkind = "lhs"\nsamples = -4\n[levers]\n{RANGED}',
    "lhs_string": f'[design]\nkind = "lhs"\nsamples = "many"\n[levers]\n{RANGED}',
    "design_list": '[levers]\npattern = "siloed"\ndesign = 3\n',
    "design_not_table": 'design = "lhs"\n[levers]\npattern = "siloed"\n',
    "design_unknown_key": '[design]\nkind = "grid"\nsize = 3\n[levers]\npattern = "siloed"\n',
    "kind_unknown": '[design]\nkind = "factorial"\n[levers]\npattern = "siloed"\n',
    "kind_int": '[design]\nkind = 1\n[levers]\npattern = "siloed"\n',
    "replicates_1e9": 'replicates = 1000000000\n[levers]\npattern = "siloed"\n',
    "replicates_huge": f'replicates = {10**30}\n[levers]\npattern = "siloed"\n',
    "replicates_float": 'replicates = 1e9\n[levers]\npattern = "siloed"\n',
    "replicates_zero": 'replicates = 0\n[levers]\npattern = "siloed"\n',
    "runs_over_limit": f"replicates = 100000\n[levers]\ntechnology = [{', '.join(str(i / 20) for i in range(20))}]\n",
    "arms_1_5M": f"[levers]\ntechnology = [{WIDE}]\ninformation = [{', '.join(str(i / 1500) for i in range(1500))}]\n",
    "arms_1M": f"[levers]\ntechnology = [{WIDE}]\ninformation = [{WIDE}]\n",
    "residents_5M": "[uncertainties]\nresidents = 5000000\n",
    "residents_range_5M": '[design]\nkind = "lhs"\n[uncertainties]\nresidents = { low = 200, high = 5000000 }\n',
    "residents_too_few": "[uncertainties]\nresidents = 20\n",
    "thresholds_crossed": "[levers]\nalert_threshold = [0.2, 0.9]\n",
    "schedule_without_events": '[uncertainties]\narrival = "schedule"\n',
    "seed_negative": 'seed = -1\n[levers]\npattern = "siloed"\n',
    "seed_huge": f'seed = {10**30}\n[levers]\npattern = "siloed"\n',
    "seed_string": 'seed = "x"\n[levers]\npattern = "siloed"\n',
    "outcomes_empty": 'outcomes = []\n[levers]\npattern = "siloed"\n',
    "outcomes_unknown": 'outcomes = ["happiness"]\n[levers]\npattern = "siloed"\n',
    "outcomes_string": 'outcomes = "harm"\n[levers]\npattern = "siloed"\n',
    "series_unknown": 'series = ["x"]\n[levers]\npattern = "siloed"\n',
    "series_ints": 'series = [1]\n[levers]\npattern = "siloed"\n',
    "baseline_not_crossed": 'baseline = { pattern = "siloed" }\n[levers]\npattern = "siloed"\n',
    "baseline_string": 'baseline = "siloed"\n[levers]\npattern = ["siloed", "platform"]\n',
    "baseline_empty": 'baseline = {}\n[levers]\npattern = ["siloed", "platform"]\n',
    "pattern_empty_list": "[levers]\npattern = []\n",
    "pattern_int": "[levers]\npattern = 3\n",
    "pattern_missing_file": '[levers]\npattern = "nowhere.toml"\n',
    "pattern_dev_zero": '[levers]\npattern = "/dev/zero"\n',
    "scenario_folder": '[uncertainties]\nscenario = "/tmp"\n',
    "scenario_unknown": '[uncertainties]\nscenario = "atlantis"\n',
    "range_keys": '[design]\nkind = "lhs"\n[levers]\ntechnology = { low = 0.0 }\n',
    "range_reversed": '[design]\nkind = "lhs"\n[levers]\ntechnology = { low = 0.9, high = 0.1 }\n',
    "range_bool": '[design]\nkind = "lhs"\n[levers]\nplatform = { low = 0, high = 1 }\n',
    "range_in_grid": "[levers]\ntechnology = { low = 0.0, high = 1.0 }\n",
    "sobol_one_range": '[design]\nkind = "sobol"\n[levers]\ntechnology = { low = 0.0, high = 1.0 }\n',
    "lhs_no_range": '[design]\nkind = "lhs"\n[levers]\npattern = "siloed"\n',
    "lever_table": '[levers]\npattern = "siloed"\n[levers.x]\n',
    "steps_twice": 'steps = 3\n[levers]\npattern = "siloed"\n[uncertainties]\nsteps = 4\n',
    "lever_as_uncertainty": "[uncertainties]\nplatform = true\n",
    "uncertainty_as_lever": "[levers]\nresidents = 600\n",
    "levers_list": "levers = [1]\n",
    "unknown_top": 'colour = "red"\n[levers]\npattern = "siloed"\n',
}


@pytest.mark.parametrize("name", sorted(DESIGN_CASES))
def test_bad_designs_are_refused_before_any_run(work, name):
    folder = work / f"d_{name}"
    folder.mkdir()
    path = write(folder, "exp.toml", DESIGN_CASES[name])
    refuse(["batch", path, "--out", str(folder / "out"), "--executor", "serial"])
    assert not (folder / "out").exists()


def test_morris_levels_1_names_the_key_and_what_is_allowed(work):
    path = write(work, "morris.toml", DESIGN_CASES["morris_levels_1"])
    line = refuse(["batch", path, "--out", str(work / "m_out")])
    assert "design.levels=1" in line and "even" in line and "from 2" in line


def test_sizes_name_value_limit_and_largest_that_fits(work):
    line = refuse(
        ["batch", write(work, "r.toml", DESIGN_CASES["replicates_1e9"]), "--out", str(work / "r_out")]
    )
    assert (
        "replicates=1,000,000,000" in line
        and "limit of 100,000" in line
        and "largest that fits is 100,000" in line
    )
    line = refuse(
        ["batch", write(work, "arms.toml", DESIGN_CASES["arms_1_5M"]), "--out", str(work / "a_out")]
    )
    assert "arms" in line and "limit" in line and "largest that fits" in line
    line = refuse(
        ["batch", write(work, "sobol.toml", DESIGN_CASES["sobol_1e8"]), "--out", str(work / "s_out")]
    )
    assert "design.samples=134,217,728" in line and "largest that fits" in line


def test_quick_trial_overrides_are_bounded(work):
    path = write(work, "ok.toml", EXPERIMENT)
    for argv in (
        ["--replicates", "0"],
        ["--replicates", str(10**9)],
        ["--residents", "5"],
        ["--residents", "5000000"],
        ["--workers", "0"],
        ["--workers", str(10**6)],
        ["--executor", "dask", "--scheduler", "not a url"],
        ["--scheduler", "tcp://h:1"],
        ["--executor", "dask", "--scheduler", "tcp://host"],
        ["--executor", "dask", "--scheduler", "tcp://host:99999"],
        ["--executor", "dask", "--scheduler", "http://host:80/x"],
        ["--executor", "dask", "--scheduler", ""],
    ):
        refuse(["batch", path, "--out", str(work / "q_out"), *argv])
    assert not (work / "q_out").exists()


# ------------------------------------------------------------------------------- GraphML


def base_district() -> tuple[dict, list]:
    """A small valid district as (nodes by id, edges), with the file-style ids r0.. and o0.. (a fresh copy)."""
    nodes, edges = _base_district()
    return {n: dict(d) for n, d in nodes.items()}, [(u, v, dict(d)) for u, v, d in edges]


@functools.cache
def _base_district() -> tuple[dict, list]:
    g = build_district(
        DistrictSpec(
            residents=60,
            street_offices=1,
            communities_per_street=3,
            social_organisations=1,
            communities_per_organisation=2,
        ),
        np.random.default_rng(0),
    )
    name = {n: (f"r{n}" if d["kind"] == "resident" else f"o{n}") for n, d in g.nodes(data=True)}
    nodes = {name[n]: {k: v for k, v in d.items()} for n, d in g.nodes(data=True)}
    edges = [(name[u], name[v], dict(d)) for u, v, d in g.edges(data=True)]
    return nodes, edges


def graphml_text(nodes: dict, edges: list, directed: bool = False) -> str:
    """GraphML with every attribute declared as a string (the loader types them)."""
    node_keys = sorted({k for d in nodes.values() for k in d})
    edge_keys = sorted({k for *_, d in edges for k in d})
    esc = lambda x: (
        str(x).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">',
    ]
    out += [f'<key id="n_{k}" for="node" attr.name="{k}" attr.type="string"/>' for k in node_keys]
    out += [f'<key id="e_{k}" for="edge" attr.name="{k}" attr.type="string"/>' for k in edge_keys]
    out.append(f'<graph edgedefault="{"directed" if directed else "undirected"}">')
    for n, d in nodes.items():
        out.append(
            f'<node id="{esc(n)}">'
            + "".join(f'<data key="n_{k}">{esc(v)}</data>' for k, v in d.items())
            + "</node>"
        )
    for u, v, d in edges:
        out.append(
            f'<edge source="{esc(u)}" target="{esc(v)}">'
            + "".join(f'<data key="e_{k}">{esc(x)}</data>' for k, x in d.items())
            + "</edge>"
        )
    out.append("</graph></graphml>")
    return "\n".join(out)


def graph_mutations() -> list[tuple[str, object]]:
    """(name, function(nodes, edges) -> (nodes, edges) or text): broken districts."""
    nodes, _ = base_district()
    residents = [n for n, d in nodes.items() if d["kind"] == "resident"]
    committees = [n for n, d in nodes.items() if d["kind"] == "committee"]
    of = lambda kind: next(n for n, d in nodes.items() if d["kind"] == kind)
    gov, street, platform, branch = (
        of("government"),
        of("street_office"),
        of("platform"),
        of("party_committee"),
    )
    m: list[tuple[str, object]] = []

    def node_attr(node, key, value):
        def f(ns, es):
            if value is None:
                ns[node].pop(key, None)
            else:
                ns[node][key] = value
            return ns, es

        return f

    def add_edge(u, v, **d):
        def f(ns, es):
            es.append(
                (u, v, {"channel": "contact", "link": "horizontal", "latency": 0.0, "reliability": 1.0, **d})
            )
            return ns, es

        return f

    for value in ("5", "-3", "1.0001", "nan", "inf", "high", "", "1e309"):
        m.append((f"committee trust={value}", node_attr(committees[0], "trust", value)))
        m.append((f"committee infrastructure={value}", node_attr(committees[1], "infrastructure", value)))
    for value in ("1.5", "-2", "north", "", "99", "1e3", "true"):
        m.append((f"resident community={value}", node_attr(residents[3], "community", value)))
        m.append((f"committee community={value}", node_attr(committees[2], "community", value)))
        m.append((f"street_office street={value}", node_attr(street, "street", value)))
    for value in ("maybe", "2", "-1", "yes please"):
        m.append((f"vulnerable={value}", node_attr(residents[5], "vulnerable", value)))
        m.append((f"party_member={value}", node_attr(residents[6], "party_member", value)))
    for node, key in (
        (residents[0], "community"),
        (committees[0], "community"),
        (committees[0], "street"),
        (street, "street"),
        (gov, "kind"),
        (residents[1], "kind"),
    ):
        m.append((f"{node} without {key}", node_attr(node, key, None)))
    for value in ("alien", "Resident", "", "committee "):
        m.append((f"kind={value!r}", node_attr(committees[0], "kind", value)))
    m.append(("profile=suburban", node_attr(committees[0], "profile", "suburban")))
    m.append(("level=galaxy", node_attr(branch, "level", "galaxy")))
    m.append(("committee street 7", node_attr(committees[0], "street", "7")))
    m.append(("two governments", node_attr(street, "kind", "government")))
    m.append(("two platforms", node_attr(of("social_organisation"), "kind", "platform")))

    def remove_kind(kind):
        def f(ns, es):
            gone = {n for n, d in ns.items() if d["kind"] == kind}
            return {n: d for n, d in ns.items() if n not in gone}, [
                e for e in es if e[0] not in gone and e[1] not in gone
            ]

        return f

    for kind in ("government", "street_office", "committee", "resident"):
        m.append((f"no {kind}", remove_kind(kind)))

    def empty_community(ns, es):
        for n in residents:
            if ns[n]["community"] == 2:
                ns[n]["community"] = 0
        es = [
            (u, v, d)
            for u, v, d in es
            if not (d["channel"] in ("grid", "party") and (u in residents or v in residents))
        ]
        return ns, es

    m.append(("a community with 0 residents", empty_community))
    m.append(("duplicate community", node_attr(committees[1], "community", "0")))

    def edge_attr(channel, key, value):
        def f(ns, es):
            i = next(i for i, (_, _, d) in enumerate(es) if d["channel"] == channel)
            u, v, d = es[i]
            d = dict(d)
            if value is None:
                d.pop(key, None)
            else:
                d[key] = value
            es[i] = (u, v, d)
            return ns, es

        return f

    for value in ("-1", "31", "nan", "inf", "soon", "1e400"):
        m.append((f"latency={value}", edge_attr("admin", "latency", value)))
    for value in ("0", "1.5", "-0.1", "nan", "often"):
        m.append((f"reliability={value}", edge_attr("peer", "reliability", value)))
    for value in ("telepathy", "", "Admin"):
        m.append((f"channel={value!r}", edge_attr("admin", "channel", value)))
    m.append(("edge without channel", edge_attr("admin", "channel", None)))
    m.append(("link mismatch", edge_attr("admin", "link", "horizontal")))
    m.append(("link unknown", edge_attr("grid", "link", "diagonal")))
    # Ties between the wrong kinds of node.
    m.append(("contact resident-organisation", add_edge(residents[0], committees[2])))
    m.append(("contact organisation-organisation", add_edge(gov, street)))
    m.append(("contact resident-platform", add_edge(residents[0], platform)))
    m.append(
        (
            "grid resident-resident",
            add_edge(
                residents[0], residents[1], channel="grid", link="vertical", latency=1.0, reliability=0.97
            ),
        )
    )
    m.append(
        (
            "grid to another community",
            add_edge(
                residents[0], committees[2], channel="grid", link="vertical", latency=1.0, reliability=0.97
            ),
        )
    )
    m.append(
        (
            "admin to a resident",
            add_edge(gov, residents[7], channel="admin", link="vertical", latency=1.0, reliability=0.97),
        )
    )
    m.append(
        (
            "platform to a resident",
            add_edge(
                platform, residents[7], channel="platform", link="platform", latency=0.05, reliability=0.99
            ),
        )
    )
    m.append(
        (
            "peer via platform hub",
            add_edge(platform, gov, channel="peer", link="horizontal", latency=0.3, reliability=0.95),
        )
    )
    m.append(("self-loop", add_edge(residents[4], residents[4])))
    m.append(
        (
            "edge to a missing node",
            lambda ns, es: (ns, es + [(residents[0], "ghost", {"channel": "contact"})]),
        )
    )

    def cut_off(ns, es):
        so = of("social_organisation")
        return ns, [e for e in es if not (so in e[:2] and e[2]["channel"] in ("contract", "overlay"))]

    m.append(("organisation cut off from the government", cut_off))
    m.append(
        (
            "directed ties that disagree",
            lambda ns, es: (ns, es + [(v, u, dict(d, latency=2.5)) for u, v, d in es[:3]]),
        )
    )
    # Whole files that are not GraphML of a district.
    for text in (
        "",
        "not xml at all",
        "<graphml>",
        '<?xml version="1.0"?><graphml/>',
        '<?xml version="1.0"?><graphml xmlns="http://graphml.graphdrawing.org/xmlns"><graph/></graphml>',
        "<a>" * 20000 + "</a>" * 20000,
        (
            '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
            '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">'
            '<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">'
            '<!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">]><graphml>&g;&g;&g;&g;&g;</graphml>'
        ),
    ):
        m.append((f"text {text[:20]!r}", text))
    return m


MUTATIONS = graph_mutations()


def test_the_unbroken_base_district_loads_and_runs(work):
    nodes, edges = base_district()
    path = write(work, "base.graphml", graphml_text(nodes, edges))
    g = load_graphml(path)
    assert sum(1 for _, k in g.nodes(data="kind") if k == "resident") == 60
    scenario = write(
        work, "base_sc.toml", 'name = "g"\nstructure = "base.graphml"\n[parameters]\nsteps = 2\n'
    )
    assert main(["run", "--scenario", scenario, "--steps", "2", "--json"]) == 0


@pytest.mark.parametrize("n", range(len(MUTATIONS)), ids=lambda n: MUTATIONS[n][0][:50])
def test_broken_graphml_is_refused(work, n, capsys):
    name, mutate = MUTATIONS[n]
    folder = work / f"g{n}"
    folder.mkdir()
    if isinstance(mutate, str):
        text = mutate
    else:
        nodes, edges = base_district()
        nodes, edges = mutate(nodes, [(u, v, dict(d)) for u, v, d in edges])
        text = graphml_text(nodes, edges, directed=name.startswith("directed"))
    path = write(folder, "d.graphml", text)
    with pytest.raises(NetworkError) as exc:
        load_graphml(path)
    msg = str(exc.value)
    assert "\n" not in msg and "d.graphml" in msg
    # Through the command line too: a scenario naming the structure, and an experiment of it.
    scenario = write(folder, "sc.toml", 'name = "g"\nstructure = "d.graphml"\n[parameters]\nsteps = 1\n')
    assert "d.graphml" in refuse(["run", "--scenario", scenario, "--steps", "1"])
    experiment = write(folder, "exp.toml", '[uncertainties]\nscenario = "sc.toml"\n')
    refuse(["batch", experiment, "--out", str(folder / "out"), "--executor", "serial"])
    assert not (folder / "out").exists()


def test_graphml_messages_name_the_node_and_the_rule(work):
    def load(mutation):
        nodes, edges = base_district()
        nodes, edges = dict(MUTATIONS)[mutation](nodes, edges)
        with pytest.raises(NetworkError) as exc:
            load_graphml(write(work, "m.graphml", graphml_text(nodes, edges)))
        return str(exc.value)

    assert "'r0'" in load("r0 without community") and "has no community" in load("r0 without community")
    msg = load("committee trust=5")
    assert "trust=5.0" in msg and "from 0 to 1" in msg
    msg = load("committee infrastructure=-3")
    assert "infrastructure=-3.0" in msg and "from 0 to 1" in msg
    msg = load("contact resident-organisation")
    assert "contact" in msg and "resident" in msg and "committee" in msg
    assert "no residents" in load("a community with 0 residents")


# ------------------------------------------------------------------------------- hostile paths

LONG = "x" * 300
HOSTILE_INPUTS = [
    "/proc/x",
    "/proc/self/mem",
    "/proc/self/environ",
    "/dev/zero",
    "/dev/null",
    "/dev/stdin",
    "/",
    "/tmp",
    ".",
    "..",
    "a\0b.toml",
    "\udcff.toml",
    "/tmp/\udcfe\udcff/x.toml",
    f"/tmp/{LONG}.toml",
    "/" + "a/" * 3000 + "x.toml",
    "nowhere/x.toml",
    "x.toml\n",
    "-",
    "~/x.toml",
    "/etc/passwd",
    "/etc/shadow.toml",
    "fifo.toml",
]
HOSTILE_OUTPUTS = [
    "/proc/x",
    "/proc/self/x",
    "/proc/self/mem",
    "/dev/null/x",
    "/dev/null",
    "/dev/zero",
    "/sys/x",
    "a\0b",
    "\udcff",
    "/tmp/\udcfe\udcff",
    "",
    f"/tmp/{LONG}",
    "/" + "a/" * 3000,
    "/etc/passwd/x",
]


@pytest.fixture(scope="module")
def fifo(work) -> str:
    path = work / "fifo.toml"
    os.mkfifo(path)
    return str(path)


def _resolve(path: str, fifo: str) -> str:
    return fifo if path == "fifo.toml" else path


@pytest.mark.parametrize("how", ["scenario", "pattern", "compare", "experiment", "brief_scenario"])
def test_hostile_input_paths_are_refused(work, fifo, how):
    refuse_each([(_hostile_input_argv(work, _resolve(path, fifo), how), "") for path in HOSTILE_INPUTS])
    assert not (work / "h_out").exists() and not (work / "h.html").exists()


def _hostile_input_argv(work: Path, path: str, how: str) -> list[str]:
    if how == "scenario":
        argv = ["run", "--scenario", path if path.endswith(".toml") or "/" in path else path + "/", *QUICK]
    elif how == "pattern":
        argv = ["run", "--pattern", path if path.endswith(".toml") or "/" in path else path + "/", *QUICK]
    elif how == "compare":
        argv = ["run", "--compare", f"siloed,{path}" if path not in ("-",) else "siloed,-/x", *QUICK]
    elif how == "experiment":
        argv = ["batch", path, "--out", str(work / "h_out"), "--executor", "serial"]
    else:
        argv = [
            "brief",
            "--scenario",
            path if "/" in path or path.endswith(".toml") else path + "/",
            "--patterns",
            "siloed,full_cycle",
            "-o",
            str(work / "h.html"),
            "--replicates",
            "1",
            "--executor",
            "serial",
        ]
    return argv


@pytest.mark.parametrize("how", ["run", "batch", "brief", "brief_results"])
def test_hostile_output_paths_are_refused_before_any_run(work, how):
    refuse_each([(_hostile_output_argv(work, path, how), "") for path in HOSTILE_OUTPUTS])
    assert not (work / "ok.html").exists()


def _hostile_output_argv(work: Path, path: str, how: str) -> list[str]:
    if how == "run":
        return ["run", "--out", path, *QUICK]
    if how == "batch":
        return ["batch", write(work, "ok_exp.toml", EXPERIMENT), "--out", path, "--executor", "serial"]
    # A brief writing its page (brief) or keeping its batch's results (brief_results) at the path.
    where = ["-o", path] if how == "brief" else ["-o", str(work / "ok.html"), "--results", path]
    quick = ["--replicates", "1", "--residents", "200", "--steps", "1", "--executor", "serial"]
    return ["brief", "--patterns", "siloed,full_cycle", *where, *quick]


def test_output_folder_holding_other_files_is_refused_and_left_alone(work):
    folder = work / "home"
    folder.mkdir()
    (folder / "thesis.docx").write_text("years of work")
    refuse(["batch", write(work, "ok2.toml", EXPERIMENT), "--out", str(folder), "--executor", "serial"])
    assert [p.name for p in folder.iterdir()] == ["thesis.docx"]
    assert (folder / "thesis.docx").read_text() == "years of work"


def test_an_output_file_name_that_is_a_folder_is_refused(work):
    out = work / "run_out"
    (out / "outcomes_siloed.json").mkdir(parents=True)
    line = refuse(["run", "--out", str(out), *QUICK])
    assert "outcomes_siloed.json" in line


def test_a_pattern_name_too_long_for_an_output_file_is_refused_before_running(work):
    pattern = write(work, "p" * 250 + ".toml", PATTERN)
    line = refuse(["run", "--pattern", pattern, "--out", str(work / "long_out"), *QUICK])
    assert "255 bytes" in line


@pytest.mark.parametrize(
    "argv",
    [
        ["--patterns", ""],
        ["--patterns", ","],
        ["--patterns", "siloed"],
        ["--patterns", "siloed,siloed"],
        ["--patterns", "siloed,nope"],
        ["--lang", "fr"],
        ["--replicates", "0"],
        ["--replicates", str(10**9)],
        ["--residents", "5"],
        ["--residents", "5000000"],
        ["--steps", "0"],
        ["--seed", "-1"],
        ["--workers", "0"],
        ["--workers", str(10**6)],
        ["--baseline", "platform"],
        ["--seed", str(10**30)],
        ["--scenario", "atlantis"],
    ],
)
def test_brief_refuses_bad_arguments_before_any_run(work, argv):
    defaults = {
        "--patterns": "siloed,full_cycle",
        "-o": str(work / "brief.html"),
        "--replicates": "1",
        "--residents": "200",
        "--steps": "1",
        "--executor": "serial",
    }
    given_ = dict(zip(argv[::2], argv[1::2]))
    full = ["brief"] + [x for k, v in {**defaults, **given_}.items() for x in (k, v)]
    refuse(full)
    assert not (work / "brief.html").exists()


# ------------------------------------------------------------------------------- Hypothesis


@HYPOTHESIS
@given(data=st.binary(max_size=300), kind=st.sampled_from(["scenario", "pattern", "experiment"]))
def test_random_bytes_are_refused(tmp_path_factory, data, kind):
    folder = tmp_path_factory.mktemp("rb")
    path = write(folder, "random.toml", data)
    refuse(_argv_for(kind, path, folder, 0))


@HYPOTHESIS
@given(
    text=st.text(max_size=200),
    kind=st.sampled_from(["scenario", "pattern", "experiment"]),
    encoding=st.sampled_from(["utf-16", "utf-32", "utf-16-be"]),
)
def test_text_in_other_encodings_is_refused(tmp_path_factory, text, kind, encoding):
    folder = tmp_path_factory.mktemp("enc")
    good = {"scenario": SCENARIO, "pattern": PATTERN, "experiment": EXPERIMENT}[kind]
    path = write(
        folder,
        "enc.toml",
        (good + "# " + text.replace("\n", " ").replace("\r", " ") + "\n").encode(encoding, "surrogatepass"),
    )
    refuse(_argv_for(kind, path, folder, 0))


@HYPOTHESIS
@given(
    key=st.sampled_from(sorted(PARAMETERS)),
    value=st.one_of(
        st.text(min_size=1, max_size=20).filter(
            lambda s: (
                s.strip().lower() not in {"true", "false", "1", "0", "yes", "no"} and not _parses_as_number(s)
            )
        ),
        st.integers(min_value=10**7, max_value=10**40),
        st.integers(max_value=-1),
    ),
)
def test_set_random_values(key, value):
    p = PARAMETERS[key]
    text = str(value)
    if p.type == "choice" and text in p.choices:
        return
    if p.type in ("int", "float") and isinstance(value, int) and p.low <= value <= p.high:
        return
    if p.type == "bool" and text in ("0", "1"):
        return
    refuse(["run", "--set", f"{key}={text}", "--steps", "1"])


def _parses_as_number(s: str) -> bool:
    try:
        float(s)
        return True
    except ValueError:
        return False


@HYPOTHESIS
@given(name=st.text(min_size=1, max_size=40).filter(lambda s: "\0" not in s and "/" not in s))
def test_random_pattern_names_that_name_nothing(name):
    if name.strip() in (
        "siloed",
        "platform",
        "command",
        "party_led",
        "co_governance",
        "full_cycle",
        "no_response",
    ):
        return
    refuse(["run", "--pattern", name, *QUICK])


# ------------------------------------------------------------------------------- the count

HYPOTHESIS_INPUTS = 4 * HYPOTHESIS.max_examples


def generated_inputs() -> dict[str, int]:
    return {
        "--set values (every parameter x bad values)": len(PARAM_CASES),
        "run arguments": 30,
        "plans too large for the memory": 6,
        "argparse garbage": len(ARGPARSE_CASES),
        "malformed TOML files (encodings, types, texts, events)": len(FILE_CASES),
        "scenario/pattern files with bad parameter values": len(PARAM_CASES),
        "experiment factors with bad values": len(PARAM_CASES),
        "experiment designs (meaningless or too large)": len(DESIGN_CASES) + 12,
        "broken GraphML (x3: loader, run, batch)": 3 * len(MUTATIONS),
        "hostile input paths (x5 commands)": 5 * len(HOSTILE_INPUTS),
        "hostile output paths (x4 commands)": 4 * len(HOSTILE_OUTPUTS),
        "a results folder holding other files, an output name that is a folder or too long": 3,
        "brief arguments": 17,
        "Hypothesis (random bytes, encodings, values, names)": HYPOTHESIS_INPUTS,
    }


def test_at_least_a_thousand_inputs_are_generated():
    counts = generated_inputs()
    assert sum(counts.values()) >= 1000, counts
