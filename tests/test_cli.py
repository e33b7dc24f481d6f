"""The command line, called in-process (and once as a subprocess)."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pandas as pd
import pytest

from coop_agents import run_once
from coop_agents.cli import main
from coop_agents.config import PARAMETERS
from coop_agents.patterns import load_pattern, preset_names
from coop_agents.scenarios import preset_scenarios

SMALL = ["--set", "residents=600", "--steps", "10"]
KEYS = ["harm", "severe_harm", "peak_prevalence", "detection_delay", "decision_latency", "response_delay",
        "containment_time", "missed_windows", "secondary_crises", "over_response_days", "unmet_need_days",
        "unmet_need_days_vulnerable", "equity_gap", "buck_passing_events", "messages", "max_queue",
        "top_share", "resources_spent"]


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
    for key in KEYS:
        assert key in d, key
        assert d[key] is None or isinstance(d[key], (int, float)), key
    assert d["harm"] >= 0 and d["severe_harm"] >= 0
    assert 0 <= d["peak_prevalence"] <= 1
    assert 0 <= d["top_share"] <= 1
    assert d["messages"] >= 0 and d["resources_spent"] >= 0
    # The gap is undefined (null) when vulnerable residents or the others had no need at all.
    assert d["equity_gap"] is None or -1 <= d["equity_gap"] <= 1
    assert d["unmet_need_days_vulnerable"] <= d["unmet_need_days"]


# ------------------------------------------------------------------------------- run


def test_run_json_prints_one_object_with_every_outcome(capsys):
    d = run_json(capsys, *SMALL)
    assert isinstance(d, dict)
    check_outcomes(d)
    assert d["harm"] > 0  # the default scenario seeds cases


def test_run_json_equals_run_once_with_the_same_settings(capsys):
    d = run_json(capsys, "--seed", "3", "--pattern", "platform", *SMALL)
    assert d == as_json(run_once("default", "platform", seed=3, residents=600, steps=10))


def test_run_defaults_to_the_siloed_pattern(capsys):
    d = run_json(capsys, *SMALL)
    assert d == as_json(run_once("default", "siloed", seed=0, residents=600, steps=10))


def test_run_is_deterministic(capsys):
    assert run_json(capsys, "--seed", "5", *SMALL) == run_json(capsys, "--seed", "5", *SMALL)


def test_replicates_average_over_consecutive_seeds(capsys):
    d = run_json(capsys, "--seed", "2", "--replicates", "2", *SMALL)
    runs = [run_once("default", "siloed", seed=s, residents=600, steps=10) for s in (2, 3)]
    for key in ("harm", "messages", "resources_spent", "peak_prevalence"):
        assert d[key] == pytest.approx((runs[0][key] + runs[1][key]) / 2)


def test_set_overrides_reach_the_model(capsys):
    # With every resident-to-resident transmission impossible only the seeded cases are harmed.
    d = run_json(capsys, "--set", "transmission=0", "--set", "initial_cases=4", *SMALL)
    assert d["harm"] <= 4


def test_compare_json_is_keyed_by_pattern(capsys):
    d = run_json(capsys, "--compare", "siloed,full_cycle", *SMALL)
    assert list(d) == ["siloed", "full_cycle"]
    for name in d:
        check_outcomes(d[name])
        assert d[name] == as_json(run_once("default", name, seed=0, residents=600, steps=10))
    assert d["siloed"] != d["full_cycle"]


def test_compare_accepts_spaces_after_commas(capsys):
    d = run_json(capsys, "--compare", "siloed, no_response", *SMALL)
    assert list(d) == ["siloed", "no_response"]
    assert d["no_response"]["messages"] <= d["siloed"]["messages"]


def test_table_mode_has_pattern_names_as_column_headers(capsys):
    code, out, err = run_cli(capsys, "run", "--compare", "siloed,full_cycle", *SMALL)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("scenario: default")
    header = lines[1].split()
    assert header == ["outcome", "unit", "siloed", "full_cycle"]
    assert set(lines[2].replace(" ", "")) == {"-"}
    harm = next(line for line in lines if line.startswith("Residents harmed"))
    values = run_json(capsys, "--compare", "siloed,full_cycle", *SMALL)
    assert harm.split()[-2:] == [f"{values['siloed']['harm']:,.0f}", f"{values['full_cycle']['harm']:,.0f}"]
    assert len(lines) >= 3 + len(KEYS)
    assert not out.lstrip().startswith("{")


def test_table_mode_single_pattern_and_replicate_note(capsys):
    code, out, _ = run_cli(capsys, "run", "--pattern", "command", "--replicates", "2", *SMALL)
    assert code == 0
    assert out.splitlines()[1].split() == ["outcome", "unit", "command"]
    assert "seed: 0..1" in out.splitlines()[0]
    assert "(means over 2 paired seeds)" in out


def test_out_writes_parquet_and_json_per_pattern(capsys, tmp_path):
    out_dir = tmp_path / "results" / "nested"
    printed = run_json(capsys, "--compare", "siloed,full_cycle", "--out", str(out_dir), *SMALL)
    assert sorted(p.name for p in out_dir.iterdir()) == [
        "outcomes_full_cycle.json", "outcomes_siloed.json",
        "timeseries_full_cycle.parquet", "timeseries_siloed.parquet"]
    for pattern in ("siloed", "full_cycle"):
        frame = pd.read_parquet(out_dir / f"timeseries_{pattern}.parquet")
        assert len(frame) == 10 + 1
        assert list(frame["step"]) == list(range(11))
        assert (frame["seed"] == 0).all()
        assert "prevalence" in frame.columns
        assert frame["prevalence"].between(0, 1).all()
        assert frame["prevalence"].max() == pytest.approx(printed[pattern]["peak_prevalence"])
        assert frame["harm"].is_monotonic_increasing
        assert frame["harm"].iloc[-1] == printed[pattern]["harm"]
        saved = json.loads((out_dir / f"outcomes_{pattern}.json").read_text())
        assert saved["pattern"] == pattern and saved["seeds"] == [0]
        assert saved["overrides"] == {"residents": 600, "steps": 10}
        assert saved["mean"] == printed[pattern]
        assert saved["per_seed"] == [printed[pattern]]


def test_out_with_replicates_stacks_seeds(capsys, tmp_path):
    run_json(capsys, "--replicates", "2", "--out", str(tmp_path), *SMALL)
    frame = pd.read_parquet(tmp_path / "timeseries_siloed.parquet")
    assert len(frame) == 2 * 11
    assert sorted(frame["seed"].unique()) == [0, 1]
    saved = json.loads((tmp_path / "outcomes_siloed.json").read_text())
    assert len(saved["per_seed"]) == 2
    assert saved["mean"]["harm"] == pytest.approx(
        (saved["per_seed"][0]["harm"] + saved["per_seed"][1]["harm"]) / 2)


def test_out_names_files_after_a_pattern_file_stem(capsys, tmp_path):
    pat = tmp_path / "my_pattern.toml"
    pat.write_text('name = "mine"\nbased_on = "platform"\n')
    printed = run_json(capsys, "--pattern", str(pat), "--out", str(tmp_path / "o"), *SMALL)
    assert (tmp_path / "o" / "timeseries_my_pattern.parquet").exists()
    assert printed == as_json(run_once("default", "platform", seed=0, residents=600, steps=10))


def test_scenario_file_on_the_command_line(capsys, tmp_path):
    sc = tmp_path / "tiny.toml"
    sc.write_text('name = "tiny"\n[parameters]\nresidents = 300\nstreet_offices = 1\n'
                  'communities_per_street = 3\nsteps = 6\n')
    code, out, err = run_cli(capsys, "run", "--scenario", str(sc), "--out", str(tmp_path / "o"))
    assert code == 0, err
    assert f"scenario: {sc}" in out
    frame = pd.read_parquet(tmp_path / "o" / "timeseries_siloed.parquet")
    assert len(frame) == 7
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
    proc = subprocess.run([sys.executable, "-m", "coop_agents", "run", "--pattern", "nope"],
                          capture_output=True, text=True, timeout=120)
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
