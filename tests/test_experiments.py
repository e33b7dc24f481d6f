"""Batch experiments: definitions, paired seeds, executors, resume after kill -9, failures, analysis."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from coop_agents.cli import main
from coop_agents.errors import ConfigError
from coop_agents.experiments import (
    analyse,
    load_experiment,
    load_results,
    paired_differences,
    replicate_seeds,
    run_batch,
)
from coop_agents.hazards import register_hazard
from coop_agents.hazards.contagion import Contagion


def write(tmp_path: Path, text: str, name: str = "exp.toml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def results_equal(a: pd.DataFrame, b: pd.DataFrame, outcomes) -> bool:
    a = a.sort_values("run_id").reset_index(drop=True)
    b = b.sort_values("run_id").reset_index(drop=True)
    return a["run_id"].tolist() == b["run_id"].tolist() and a[outcomes].equals(b[outcomes])


def test_grid_design_crosses_lists_and_pairs_seeds(tmp_path, grid_trial):
    exp = load_experiment(write(tmp_path, grid_trial(replicates=3, residents=400, steps=10)))
    runs = exp.runs()
    assert len(runs) == 2 * 2 * 3
    by_rep = {}
    for r in runs:
        by_rep.setdefault(r.replicate, set()).add(r.seed)
    assert all(len(s) == 1 for s in by_rep.values()), "replicate k of every arm shares one seed"
    assert len({next(iter(s)) for s in by_rep.values()}) == 3, "replicates differ"
    assert replicate_seeds(11, 5)[:3] == replicate_seeds(11, 3), "adding replicates keeps earlier seeds"
    assert len({r.run_id for r in runs}) == len(runs)


def test_batch_results_are_paired_and_identical_across_executors(tmp_path, grid_trial):
    exp = load_experiment(write(tmp_path, grid_trial(replicates=3, residents=400, steps=15)))
    run_batch(exp, tmp_path / "serial", executor="serial", progress=False)
    run_batch(exp, tmp_path / "procs", executor="processes", workers=2, progress=False)
    a, b = load_results(tmp_path / "serial"), load_results(tmp_path / "procs")
    assert len(a) == 12 and a["error"].isna().all()
    assert results_equal(a, b, exp.outcomes)
    for _rep, group in a.groupby("replicate"):
        assert group["seed"].nunique() == 1
    # The paired difference uses the same seed on both sides.
    diffs = paired_differences(a, exp.baseline, ["harm"])
    assert set(diffs["n_pairs"]) == {3} and len(diffs) == 2


def test_dask_local_cluster_matches_serial(tmp_path, grid_trial):
    pytest.importorskip("distributed")
    exp = load_experiment(write(tmp_path, grid_trial(replicates=2, residents=400, steps=10)))
    run_batch(exp, tmp_path / "serial", executor="serial", progress=False)
    run_batch(exp, tmp_path / "dask", executor="dask", workers=2, progress=False)
    assert results_equal(load_results(tmp_path / "serial"), load_results(tmp_path / "dask"), exp.outcomes)


def test_rerun_resumes_without_repeating(tmp_path, grid_trial):
    exp = load_experiment(write(tmp_path, grid_trial(replicates=2, residents=400, steps=10)))
    first = run_batch(exp, tmp_path / "out", executor="serial", progress=False)
    again = run_batch(exp, tmp_path / "out", executor="serial", progress=False)
    assert first.ran == 8 and again.ran == 0 and again.already_done == 8
    more = load_experiment(write(tmp_path, grid_trial(replicates=3, residents=400, steps=10), "more.toml"))
    extra = run_batch(more, tmp_path / "out", executor="serial", progress=False)
    assert extra.ran == 4, "raising replicates adds only the new replicate's runs"
    df = load_results(tmp_path / "out")
    assert df["run_id"].is_unique and len(df) == 12


def test_kill_9_mid_batch_then_resume_gives_the_uninterrupted_results(tmp_path, grid_trial):
    # Every run lasts its 500 days (every_day), so the batch is still going when its first part is
    # written however soon the epidemics die out: the signal lands mid-batch on a fast machine too.
    text = grid_trial(replicates=8, residents=2400, steps=500, every_day=True)
    path = write(tmp_path, text)
    exp = load_experiment(path)
    run_batch(exp, tmp_path / "whole", executor="serial", progress=False)
    cut = tmp_path / "cut"
    cmd = [sys.executable, "-m", "coop_agents", "batch", str(path), "--out", str(cut), "--executor", "serial"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    parts = cut / "runs"
    while proc.poll() is None and not list(parts.glob("part-*.parquet")):
        time.sleep(0.05)  # waiting for the first finished task, not for time to pass
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    saved = len(load_results(cut))
    assert 0 < saved < 32, "the kill should land mid-batch"
    rc = main(["batch", str(path), "--out", str(cut), "--executor", "serial"])
    assert rc == 0
    resumed = load_results(cut)
    assert resumed["run_id"].is_unique and len(resumed) == 32
    assert results_equal(resumed, load_results(tmp_path / "whole"), exp.outcomes)


def test_ctrl_c_stops_cleanly_and_leaves_a_resumable_state(tmp_path, grid_trial):
    path = write(tmp_path, grid_trial(replicates=8, residents=2400, steps=500, every_day=True))
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "coop_agents", "batch", str(path), "--out", str(out), "--executor", "serial"]
    # The batch gets Ctrl-C's usual handling even where the tests run with SIGINT ignored (a
    # background job of a non-interactive shell does, and an ignored signal stays ignored in a child).
    proc = subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    while proc.poll() is None and not list((out / "runs").glob("part-*.parquet")):
        time.sleep(0.05)
    assert proc.poll() is None, "the batch should still be running when Ctrl-C comes"
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate()
    assert proc.returncode == 130
    assert "run the same command again to resume" in err and "Traceback" not in err
    assert main(["batch", str(path), "--out", str(out), "--executor", "serial"]) == 0
    assert len(load_results(out)) == 32


class _Explodes(Contagion):
    """A contagion whose runs with an odd seed raise mid-run (to test failure recording)."""

    name = "test_explodes"

    def start(self, rng, prevention):
        # The hazard stream is spawned from the run's master seed, which its seed sequence keeps.
        self.odd_seed = rng.bit_generator.seed_seq.entropy % 2 == 1
        super().start(rng, prevention)

    def advance(self, step, u):
        if step == 3 and self.odd_seed:
            raise RuntimeError("boom")
        super().advance(step, u)


def test_a_failing_run_is_recorded_and_the_batch_goes_on(tmp_path, restore_hazards, grid_trial):
    register_hazard(_Explodes)
    text = grid_trial(replicates=4, residents=400, steps=8).replace(
        "[uncertainties]", '[uncertainties]\nhazard = ["contagion", "test_explodes"]'
    )
    path = write(tmp_path, text)
    exp = load_experiment(path)
    report = run_batch(exp, tmp_path / "out", executor="serial", progress=False)
    df = load_results(tmp_path / "out")
    odd = np.array([s % 2 == 1 for s in df["seed"]])
    failing = (df["hazard"] == "test_explodes").to_numpy() & odd
    assert report.failed == failing.sum() > 0
    assert df.loc[failing, "error"].str.contains("RuntimeError: boom").all()
    assert df.loc[~failing, "error"].isna().all() and df.loc[~failing, "harm"].notna().all()
    tables = analyse(tmp_path / "out")
    assert "Failed runs" in (tmp_path / "out" / "summary.md").read_text()
    assert (tables["summary"]["n"] <= 4).all()


@pytest.mark.parametrize(
    "text, needle",
    [
        ("name='x'\nbogus=1\n[levers]\npattern='siloed'", "bogus"),
        ("[levers]\npattern=[]", "empty"),
        ("[design]\nkind='lhs'\n[levers]\ntechnology={low=0.8, high=0.2}", "low"),
        ("[levers]\ntechnology={low=0.0, high=1.0}", "range needs design"),
        ("[levers]\ntechnology={low=0.0, high=3.0}\n[design]\nkind='lhs'", "technology"),
        ("[levers]\nresidents=[100]", "[uncertainties]"),
        ("[levers]\npattern='nope'", "nope"),
        ("outcomes=['happiness']\n[levers]\npattern='siloed'", "happiness"),
        ("[design]\nkind='sobol'\n[levers]\ntechnology={low=0.0, high=1.0}", "two ranged"),
        ("[design]\nkind='factorial'", "factorial"),
        ("replicates=0", "replicates"),
        ("baseline={pattern='full_cycle'}\n[levers]\npattern=['siloed','platform']", "baseline"),
        ("this is not toml", "malformed"),
    ],
)
def test_bad_experiment_file_fails_with_one_line(tmp_path, capsys, text, needle):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load_experiment(path)
    assert needle in str(err.value) and "\n" not in str(err.value)
    assert main(["batch", str(path), "--out", str(tmp_path / "o")]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0]
    assert not (tmp_path / "o" / "runs").exists() or not list((tmp_path / "o" / "runs").iterdir())


def test_resume_into_a_folder_of_another_experiment_is_refused(tmp_path, capsys, grid_trial):
    a = write(tmp_path, grid_trial(replicates=1, residents=400, steps=5), "a.toml")
    b = write(tmp_path, grid_trial(replicates=1, residents=400, steps=6), "b.toml")
    assert main(["batch", str(a), "--out", str(tmp_path / "o"), "--executor", "serial"]) == 0
    assert main(["batch", str(b), "--out", str(tmp_path / "o"), "--executor", "serial"]) == 2
    assert "different experiment" in capsys.readouterr().err


def test_sobol_design_gives_indices_and_figures(tmp_path):
    text = """
name = "sobol_trial"
seed = 3
replicates = 1
outcomes = ["harm", "detection_delay"]
[design]
kind = "sobol"
samples = 8
[levers]
pattern = "siloed"
technology = { low = 0.0, high = 1.0 }
monitoring_coverage = { low = 0.0, high = 1.0 }
[uncertainties]
residents = 400
street_offices = 1
communities_per_street = 4
steps = 20
"""
    exp = load_experiment(write(tmp_path, text))
    assert len(exp.runs()) == 8 * (2 + 2)  # Saltelli: N (D + 2) without second order
    run_batch(exp, tmp_path / "out", executor="processes", workers=2, progress=False)
    tables = analyse(tmp_path / "out")
    idx = tables["sensitivity"]
    assert set(idx["factor"]) == {"technology", "monitoring_coverage"}
    assert {"S1", "ST"} <= set(idx.columns)
    for ext in ("png", "svg"):
        assert (tmp_path / "out" / f"indices.{ext}").stat().st_size > 1000
        assert (tmp_path / "out" / f"outcomes.{ext}").stat().st_size > 1000


def test_cli_batch_overrides_and_analyse(tmp_path, capsys, grid_trial):
    path = write(tmp_path, grid_trial(replicates=5, residents=4000, steps=10))
    assert (
        main(
            [
                "batch",
                str(path),
                "--out",
                str(tmp_path / "o"),
                "--replicates",
                "2",
                "--residents",
                "400",
                "--workers",
                "2",
            ]
        )
        == 0
    )
    df = load_results(tmp_path / "o")
    assert len(df) == 8 and df["replicate"].max() == 1
    assert main(["analyse", str(tmp_path / "o")]) == 0
    text = (tmp_path / "o" / "summary.md").read_text()
    assert "Paired differences" in text and "pattern = full_cycle, technology = 0.1" in text
    assert main(["analyse", str(tmp_path / "nothing")]) == 2
