"""The command line, called in-process (and once as a subprocess)."""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys

import pandas as pd
import pytest

from coop_agents import run_once
from coop_agents.cli import main
from coop_agents.config import PARAMETERS
from coop_agents.experiments.design import replicate_seeds
from coop_agents.outcome_registry import OUTCOMES
from coop_agents.patterns import load_pattern, preset_names
from coop_agents.scenarios import preset_scenarios

SMALL = ["--set", "residents=600", "--steps", "10"]
RUN = dict(residents=600, steps=10)  # what SMALL sets, for run_once
KEYS = list(OUTCOMES)


def seed_of(master: int, k: int = 0) -> int:
    """The seed of replicate k of a master seed, as run, batch and brief use it."""
    return replicate_seeds(master, k + 1)[k]


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys, *argv: str):
    code, out, err = run_cli(capsys, "run", "--json", *argv)
    assert code == 0, err
    assert "NaN" not in out  # NaN becomes null: strict JSON
    return json.loads(out)


def as_json(outcomes: dict) -> dict:
    return {k: None if isinstance(v, float) and math.isnan(v) else v for k, v in outcomes.items()}


def check_outcomes(d: dict) -> None:
    assert list(d) == KEYS  # every outcome of the registry, in its order
    for key in KEYS:
        assert d[key] is None or isinstance(d[key], (int, float)), key
        if d[key] is not None and OUTCOMES[key].count:
            assert d[key] >= 0 and float(d[key]).is_integer(), (key, d[key])
    assert 0 <= d["peak_prevalence"] <= 1
    assert d["messages"] >= 0 and d["resources_spent"] >= 0 and d["queue_wait"] >= 0
    # The gap is undefined (null) when vulnerable residents or the others had no need at all.
    assert d["equity_gap"] is None or -1 <= d["equity_gap"] <= 1
    assert d["unmet_need_days_vulnerable"] <= d["unmet_need_days"]


# ------------------------------------------------------------------------------- run


def test_run_json_prints_one_object_with_every_outcome(capsys):
    d = run_json(capsys, *SMALL)
    check_outcomes(d)
    assert d["harm"] > 0  # the default scenario seeds cases
    assert d["truncated"] == 1  # ten days do not see an epidemic through


def test_run_json_equals_run_once_with_the_replicate_seed(capsys):
    d = run_json(capsys, "--seed", "3", "--pattern", "platform", *SMALL)
    assert d == as_json(run_once("default", "platform", seed=seed_of(3), **RUN))


def test_run_defaults_to_the_siloed_pattern(capsys):
    d = run_json(capsys, *SMALL)
    assert d == as_json(run_once("default", "siloed", seed=seed_of(0), **RUN))


def test_run_is_deterministic(capsys):
    assert run_json(capsys, "--seed", "5", *SMALL) == run_json(capsys, "--seed", "5", *SMALL)


def test_without_steps_a_run_lasts_until_the_event_is_over(capsys):
    d = run_json(capsys, "--pattern", "full_cycle", "--set", "residents=600")
    assert d["truncated"] == 0
    assert (
        d["harm"]
        == run_once("default", "full_cycle", seed=seed_of(0), residents=600, steps=1000, run_until="steps")[
            "harm"
        ]
    )


def test_replicates_give_means_with_cis_over_the_replicate_seeds(capsys):
    d = run_json(capsys, "--seed", "2", "--replicates", "3", *SMALL)
    assert d["seeds"] == replicate_seeds(2, 3) and d["master_seed"] == 2
    runs = [run_once("default", "siloed", seed=s, **RUN) for s in replicate_seeds(2, 3)]
    for key in ("harm", "messages", "resources_spent", "peak_prevalence"):
        cell = d["patterns"]["siloed"][key]
        assert cell["mean"] == pytest.approx(sum(r[key] for r in runs) / 3)
        assert cell["ci_low"] <= cell["mean"] <= cell["ci_high"]
        assert cell["ci_low"] >= min(r[key] for r in runs)  # a percentile interval stays in the data's range


def test_set_overrides_reach_the_model(capsys):
    # With every resident-to-resident transmission impossible only the seeded cases are harmed.
    d = run_json(capsys, "--set", "transmission=0", "--set", "initial_cases=4", *SMALL)
    assert d["harm"] <= 4


def test_compare_json_has_means_and_paired_differences_by_pattern(capsys):
    d = run_json(capsys, "--compare", "siloed,full_cycle", "--replicates", "2", *SMALL)
    assert d["baseline"] == "siloed" and list(d["patterns"]) == ["siloed", "full_cycle"]
    runs = {p: [run_once("default", p, seed=s, **RUN) for s in d["seeds"]] for p in ("siloed", "full_cycle")}
    for key in ("harm", "messages", "response_delay"):
        full, silo = d["patterns"]["full_cycle"][key], d["patterns"]["siloed"][key]
        assert full["mean"] == pytest.approx(sum(r[key] for r in runs["full_cycle"]) / 2)
        diffs = [a[key] - b[key] for a, b in zip(runs["full_cycle"], runs["siloed"])]
        assert full["diff"] == pytest.approx(sum(diffs) / 2)
        assert full["diff_ci_low"] <= full["diff"] <= full["diff_ci_high"]
        assert "diff" not in silo  # the baseline is not compared with itself


def test_compare_baseline_option(capsys):
    d = run_json(
        capsys, "--compare", "siloed,full_cycle", "--baseline", "full_cycle", "--replicates", "2", *SMALL
    )
    assert d["baseline"] == "full_cycle"
    assert "diff" in d["patterns"]["siloed"]["harm"] and "diff" not in d["patterns"]["full_cycle"]["harm"]


def test_compare_gives_the_numbers_a_batch_gives_on_the_same_seeds(capsys, tmp_path):
    """One path for paired comparisons: run --compare and batch + analysis agree exactly."""
    from coop_agents.experiments import load_experiment, load_results, run_batch, summarise

    d = run_json(capsys, "--compare", "siloed,full_cycle", "--replicates", "3", "--seed", "4", *SMALL)
    exp = tmp_path / "e.toml"
    exp.write_text(
        'name = "e"\nseed = 4\nreplicates = 3\nsteps = 10\n'
        '[levers]\npattern = ["siloed", "full_cycle"]\n'
        '[uncertainties]\nscenario = "default"\nresidents = 600\nrun_until = "steps"\n'
    )
    run_batch(load_experiment(exp), tmp_path / "out", executor="serial")
    summary = summarise(load_results(tmp_path / "out"), ["harm", "response_delay"])
    for _, row in summary.iterrows():
        cell = d["patterns"][row["arm"].split("=")[-1]][row["outcome"]]
        assert (cell["mean"], cell["ci_low"], cell["ci_high"]) == pytest.approx(
            (row["mean"], row["ci_low"], row["ci_high"])
        )


def test_compare_accepts_spaces_after_commas(capsys):
    d = run_json(capsys, "--compare", "siloed, no_response", *SMALL)
    assert list(d["patterns"]) == ["siloed", "no_response"]
    assert d["patterns"]["no_response"]["messages"]["mean"] <= d["patterns"]["siloed"]["messages"]["mean"]


def test_table_mode_has_pattern_names_as_column_headers_and_intervals(capsys):
    code, out, err = run_cli(capsys, "run", "--compare", "siloed,full_cycle", "--replicates", "2", *SMALL)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "scenario: default   residents=600 steps=10 run_until=steps"
    assert lines[1].startswith("2 paired seeds")
    header = lines[3].split()
    assert header == ["outcome", "unit", "siloed", "full_cycle"]
    assert set(lines[4].replace(" ", "")) == {"-"}
    at = next(i for i, line in enumerate(lines) if line.startswith("Residents harmed"))
    assert lines[at + 1].split()[0:2] == ["95%", "CI"] and "[" in lines[at + 1]
    assert any(line.startswith("Paired differences: each pattern minus siloed") for line in lines)
    assert "bootstrap percentile" in out
    # Single-event runs: the rows for several events are left out.
    assert not any(line.startswith(("Events", "Learning gain")) for line in lines)
    assert not out.lstrip().startswith("{")


def test_table_rows_use_one_number_format(capsys):
    code, out, _ = run_cli(capsys, "run", "--compare", "siloed,full_cycle", "--replicates", "3", *SMALL)
    assert code == 0
    for line in out.splitlines():
        numbers = [
            c
            for c in line.replace("[", " ").replace("]", " ").replace(",", "").split()
            if c.lstrip("+-").replace(".", "", 1).isdigit()
        ]
        decimals = {len(c.split(".")[1]) if "." in c else 0 for c in numbers}
        assert len(decimals) <= 1, line
        assert not re.search(r"\d[eE][-+]?\d", line), line  # never scientific notation


def test_single_run_table(capsys):
    code, out, _ = run_cli(capsys, "run", "--pattern", "command", *SMALL)
    assert code == 0
    lines = out.splitlines()
    assert lines[1].startswith(f"seed {seed_of(0)} (replicate 0 of master seed 0)")
    assert lines[2].split() == ["outcome", "unit", "command"]
    assert "cut short at the cap" in out  # ten days: the footnote says the run was truncated


def test_outcomes_lists_every_outcome_with_direction(capsys):
    code, out, _ = run_cli(capsys, "outcomes")
    assert code == 0
    for o in OUTCOMES.values():
        line = next(line for line in out.splitlines() if line.strip().startswith(f"{o.name}:"))
        assert f"better: {o.better}" in line and o.unit in line
        assert o.meaning_en in out
    code, out, _ = run_cli(capsys, "outcomes", "--lang", "zh")
    assert code == 0 and "越低越好" in out and OUTCOMES["harm"].meaning_zh in out


def test_progress_is_printed_when_stderr_is_not_a_terminal(capsys):
    code, _, err = run_cli(capsys, "run", "--compare", "siloed,full_cycle", *SMALL)
    assert code == 0
    assert "2/2 runs" in err  # the last line is always printed, also without a terminal


def test_out_writes_parquet_and_json_per_pattern(capsys, tmp_path):
    out_dir = tmp_path / "results" / "nested"
    run_json(capsys, "--compare", "siloed,full_cycle", "--out", str(out_dir), *SMALL)
    assert sorted(p.name for p in out_dir.iterdir()) == [
        "outcomes_full_cycle.json",
        "outcomes_siloed.json",
        "timeseries_full_cycle.parquet",
        "timeseries_siloed.parquet",
    ]
    for pattern in ("siloed", "full_cycle"):
        frame = pd.read_parquet(out_dir / f"timeseries_{pattern}.parquet")
        assert len(frame) == 10 + 1
        assert list(frame["step"]) == list(range(11))
        assert (frame["seed"] == seed_of(0)).all()
        saved = json.loads((out_dir / f"outcomes_{pattern}.json").read_text())
        run = saved["per_seed"][0]
        assert frame["prevalence"].between(0, 1).all()
        assert frame["prevalence"].max() == pytest.approx(run["peak_prevalence"])
        assert frame["harm"].is_monotonic_increasing
        assert frame["harm"].iloc[-1] == run["harm"]
        assert saved["pattern"] == pattern and saved["seeds"] == [seed_of(0)]
        assert saved["overrides"] == {"residents": 600, "steps": 10, "run_until": "steps"}
        assert run == as_json(run_once("default", pattern, seed=seed_of(0), **RUN))


def test_out_with_replicates_stacks_seeds(capsys, tmp_path):
    run_json(capsys, "--replicates", "2", "--out", str(tmp_path), *SMALL)
    frame = pd.read_parquet(tmp_path / "timeseries_siloed.parquet")
    assert len(frame) == 2 * 11
    assert sorted(frame["seed"].unique()) == sorted(replicate_seeds(0, 2))
    saved = json.loads((tmp_path / "outcomes_siloed.json").read_text())
    assert len(saved["per_seed"]) == 2


def test_out_names_files_after_a_pattern_file_stem(capsys, tmp_path):
    pat = tmp_path / "my_pattern.toml"
    pat.write_text('name = "mine"\nbased_on = "platform"\n')
    printed = run_json(capsys, "--pattern", str(pat), "--out", str(tmp_path / "o"), *SMALL)
    assert (tmp_path / "o" / "timeseries_my_pattern.parquet").exists()
    assert printed == as_json(run_once("default", "platform", seed=seed_of(0), **RUN))


def test_scenario_file_on_the_command_line(capsys, tmp_path):
    sc = tmp_path / "tiny.toml"
    sc.write_text(
        'name = "tiny"\n[parameters]\nresidents = 300\nstreet_offices = 1\n'
        "communities_per_street = 3\nsteps = 6\n"
    )
    code, out, err = run_cli(capsys, "run", "--scenario", str(sc), "--out", str(tmp_path / "o"))
    assert code == 0, err
    assert out.startswith("scenario: tiny\n")  # the scenario's name, not its path
    frame = pd.read_parquet(tmp_path / "o" / "timeseries_siloed.parquet")
    assert len(frame) <= 7  # a cap of six days
    assert [c for c in frame.columns if c.startswith("state_")] == ["state_0", "state_1", "state_2"]


# ------------------------------------------------------------------------------- bad input


def bad(capsys, *argv: str) -> str:
    code, out, err = run_cli(capsys, *argv)
    assert code == 2
    assert out == ""
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("coop-agents: error: ")
    return lines[0]


@pytest.mark.parametrize(
    "argv, needles",
    [
        (["--pattern", "nope"], ["'nope'", "siloed"]),
        (["--compare", "siloed,nope"], ["'nope'"]),
        (["--compare", "siloed,"], ["empty pattern"]),
        (["--compare", ""], ["empty pattern"]),
        (["--pattern", ""], ["empty pattern"]),
        (["--compare", "siloed,platform", "--baseline", "command"], ["--baseline", "'command'", "siloed"]),
        (["--scenario", "atlantis"], ["'atlantis'", "default"]),
        (["--set", "colour=red"], ["'colour'"]),
        (["--set", "transmission=2"], ["transmission", "'2'", "from 0 to 1"]),
        (["--set", "residents=lots"], ["residents", "'lots'", "integer"]),
        (["--set", "platform=maybe"], ["platform", "true or false"]),
        (["--set", "foo"], ["'foo'", "key=value"]),
        (["--set", "=3"], ["key=value"]),
        (["--set", "emergency_threshold=0.1"], ["emergency_threshold", "alert_threshold"]),
        (["--steps", "0"], ["steps=0"]),
        (["--pattern", "siloed", "--compare", "siloed,platform"], ["--pattern", "--compare"]),
        (["--replicates", "0"], ["--replicates"]),
        (["--seed", "-1"], ["--seed"]),
    ],
)
def test_bad_run_input_exits_2_with_one_line(capsys, argv, needles):
    line = bad(capsys, "run", *argv)
    for needle in needles:
        assert needle in line, line


def test_malformed_pattern_file_exits_2(capsys, tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text('name = "x"\n[levers\nplatform = true\n')
    line = bad(capsys, "run", "--pattern", str(path))
    assert "broken.toml" in line and "malformed TOML" in line


def test_missing_pattern_file_exits_2(capsys, tmp_path):
    line = bad(capsys, "run", "--pattern", str(tmp_path / "absent.toml"))
    assert "absent.toml" in line


def test_bad_names_fail_before_any_output_is_written(capsys, tmp_path):
    out_dir = tmp_path / "never"
    bad(capsys, "run", "--compare", "siloed,nope", "--out", str(out_dir))
    assert not out_dir.exists()


def test_subprocess_unknown_pattern_exit_status_and_stderr():
    proc = subprocess.run(
        [sys.executable, "-m", "coop_agents", "run", "--pattern", "nope"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("coop-agents: error: ") and "'nope'" in lines[0]


# ------------------------------------------------------------------------------- listings


def test_patterns_lists_every_preset(capsys):
    code, out, _ = run_cli(capsys, "patterns")
    assert code == 0
    lines = out.splitlines()
    assert [line.split()[0] for line in lines] == preset_names()
    for line, name in zip(lines, preset_names()):
        assert load_pattern(name).label_zh in line


def test_scenarios_lists_every_preset(capsys):
    code, out, _ = run_cli(capsys, "scenarios")
    assert code == 0
    lines = out.splitlines()
    assert [line.split()[0] for line in lines] == list(preset_scenarios())
    for line, sc in zip(lines, preset_scenarios().values()):
        assert sc.title_zh in line and sc.title_en in line


def test_params_lists_every_parameter_with_its_range(capsys):
    code, out, _ = run_cli(capsys, "params")
    assert code == 0
    lines = out.splitlines()
    assert [line.split()[0] for line in lines] == list(PARAMETERS)
    for line, p in zip(lines, PARAMETERS.values()):
        assert p.allowed() in line and p.label_zh in line and p.role in line


@pytest.mark.parametrize("role", ["scenario", "lever"])
def test_params_role_filter(capsys, role):
    code, out, _ = run_cli(capsys, "params", "--role", role)
    assert code == 0
    names = [line.split()[0] for line in out.splitlines()]
    assert names == [n for n, p in PARAMETERS.items() if p.role == role]


def test_unknown_subcommand_is_an_argparse_error(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["fly"])
    assert exc.value.code == 2
    assert "Traceback" not in capsys.readouterr().err
