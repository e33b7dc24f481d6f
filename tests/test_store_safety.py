"""A results folder stays sound: one writer at a time, damaged parts set aside, no orphan processes."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from coop_agents.cli import main
from coop_agents.errors import CoopError
from coop_agents.experiments import analyse, load_definition, load_experiment, load_results, run_batch
from coop_agents.experiments.store import LOCK_INFO, QUARANTINE, ResultsStore

# A real batch that stops after its first finished task (its lock held, one part written) and
# goes on when it reads a line on stdin: "another batch is running" without any timing.
HOLDING_BATCH = textwrap.dedent("""
    import sys
    from coop_agents.experiments import load_experiment, run_batch

    held = []

    def hold(done, total):
        if done and not held:
            held.append(done)
            print("holding", flush=True)
            sys.stdin.readline()

    report = run_batch(load_experiment(sys.argv[1]), sys.argv[2], executor="serial", progress=False,
                       on_progress=hold)
    print("ran", report.ran, flush=True)
""")


@pytest.fixture
def small(tmp_path, grid_trial):
    """Writes the grid trial (no baseline) to ``tmp_path/exp.toml`` with the sizes given; returns its path."""

    def write(replicates: int = 2, residents: int = 400, steps: int = 10, every_day: bool = False) -> Path:
        path = tmp_path / "exp.toml"
        path.write_text(grid_trial(replicates, residents, steps, baseline=False, every_day=every_day))
        return path

    return write


def start_holding_batch(path: Path, out: Path) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDING_BATCH, str(path), str(out)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdout.readline().strip() == "holding", "the first batch should hold the folder"
    return proc


def release(proc: subprocess.Popen) -> str:
    out, _ = proc.communicate("go\n", timeout=300)
    assert proc.returncode == 0
    return out


def stderr_lines(capsys) -> list[str]:
    return capsys.readouterr().err.strip().splitlines()


# -- one writer per results folder -----------------------------------------------------------------


def test_a_batch_on_a_folder_held_by_another_is_refused_with_one_line_naming_it(tmp_path, capsys, small):
    path = small()
    exp = load_experiment(path)
    out = tmp_path / "out"
    holder = ResultsStore(out, exp)
    holder.open()
    try:
        with pytest.raises(CoopError) as err:
            run_batch(exp, out, executor="serial", progress=False)
        message = str(err.value)
        assert f"PID {os.getpid()}" in message and socket.gethostname() in message
        assert "--wait" in message and "\n" not in message
        assert main(["batch", str(path), "--out", str(out), "--executor", "serial"]) == 2
        lines = stderr_lines(capsys)
        assert len(lines) == 1 and f"PID {os.getpid()}" in lines[0]
        assert not list((out / "runs").glob("part-*.parquet")), "a refused batch writes nothing"
    finally:
        holder.close()
    assert not (out / LOCK_INFO).exists(), "the holder's info goes with its lock"
    assert run_batch(exp, out, executor="serial", progress=False).ran == 8, "a released folder is free again"


def test_two_batches_at_once_the_second_is_refused_and_every_run_has_one_row(tmp_path, capsys, small):
    path = small(replicates=3)
    out = tmp_path / "out"
    first = start_holding_batch(path, out)
    try:
        info = json.loads((out / LOCK_INFO).read_text())
        assert info["pid"] == first.pid and info["host"] == socket.gethostname()
        assert main(["batch", str(path), "--out", str(out), "--executor", "serial"]) == 2
        lines = stderr_lines(capsys)
        assert len(lines) == 1 and f"PID {first.pid} on host {socket.gethostname()}" in lines[0]
    finally:
        stdout = release(first)
    assert "ran 12" in stdout, "the first batch ran every run, undisturbed"
    df = load_results(out)
    assert len(df) == 12 and df["run_id"].is_unique


def test_wait_waits_for_the_running_batch_then_finds_everything_done(tmp_path, small):
    path = small()
    out = tmp_path / "out"
    first = start_holding_batch(path, out)
    second = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "coop_agents",
            "batch",
            str(path),
            "--out",
            str(out),
            "--executor",
            "serial",
            "--wait",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        waiting = ""
        while "waiting" not in waiting and (line := second.stderr.readline()):  # printed before it blocks
            waiting = line
        assert "waiting for the batch" in waiting and f"PID {first.pid}" in waiting
        assert second.poll() is None
    finally:
        release(first)
    stdout, _ = second.communicate(timeout=300)
    assert second.returncode == 0
    assert "8 already done" in stdout and "0 run now" in stdout
    df = load_results(out)
    assert len(df) == 8 and df["run_id"].is_unique


def test_the_lock_of_a_killed_holder_does_not_block_and_its_temporary_files_are_cleaned(tmp_path, small):
    path = small()
    out = tmp_path / "out"
    script = textwrap.dedent("""
        import os, sys
        from coop_agents.experiments import load_experiment
        from coop_agents.experiments.store import ResultsStore
        store = ResultsStore(sys.argv[2], load_experiment(sys.argv[1]))
        store.open()
        # as if killed in the middle of writing a part
        (store.runs_dir / f".tmp-{store._token}-part-cut.parquet").write_bytes(b"PAR1 cut off")
        print("locked", flush=True)
        sys.stdin.readline()
    """)
    proc = subprocess.Popen(
        [sys.executable, "-c", script, str(path), str(out)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout.readline().strip() == "locked"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert json.loads((out / LOCK_INFO).read_text())["pid"] == proc.pid, "a stale info file is left behind"
    assert list((out / "runs").glob(".tmp-*"))
    report = run_batch(load_experiment(path), out, executor="serial", progress=False)
    assert report.ran == 8
    assert not list((out / "runs").glob(".tmp-*")), "the dead writer's temporary file is removed"
    assert len(load_results(out)) == 8


def test_temporary_files_of_a_live_writer_are_left_alone(tmp_path, small):
    path = small()
    out = tmp_path / "out"
    runs = out / "runs"
    runs.mkdir(parents=True)
    live = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    try:
        theirs = runs / f".tmp-{live.pid}-0123abcd-part-x.parquet"
        stale = runs / f".tmp-{dead.pid}-0123abcd-part-y.parquet"
        old_style = runs / ".tmp-part-z.parquet"
        for f in (theirs, stale, old_style):
            f.write_bytes(b"partial")
        run_batch(load_experiment(path), out, executor="serial", progress=False)
        assert theirs.exists(), "a live process's temporary file is not ours to delete"
        assert not stale.exists() and not old_style.exists()
    finally:
        live.communicate(b"")


def test_a_part_that_fails_to_write_leaves_no_temporary_file(tmp_path, monkeypatch, small):
    exp = load_experiment(small())
    out = tmp_path / "out"

    def cut_off(table, where, **kwargs):
        Path(where).write_bytes(b"PAR1 half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pq, "write_table", cut_off)
    with pytest.raises(OSError):
        run_batch(exp, out, executor="serial", progress=False)
    assert not list((out / "runs").iterdir())
    monkeypatch.undo()
    assert run_batch(exp, out, executor="serial", progress=False).ran == 8, "and the lock was released"


# -- damaged parts are set aside, not fatal --------------------------------------------------------


def _truncate(part: Path) -> None:
    data = part.read_bytes()
    part.write_bytes(data[: len(data) // 2])


def _empty(part: Path) -> None:
    part.write_bytes(b"")


def _random(part: Path) -> None:
    part.write_bytes(os.urandom(part.stat().st_size))


def _without(column: str):
    def damage(part: Path) -> None:
        table = pq.read_table(part)
        pq.write_table(table.drop_columns([column]), part)

    damage.__name__ = f"without_{column}"
    return damage


def _null_run_ids(part: Path) -> None:
    table = pq.read_table(part)
    i = table.schema.get_field_index("run_id")
    pq.write_table(table.set_column(i, "run_id", pa.nulls(table.num_rows, pa.string())), part)


def _other_type(part: Path) -> None:
    table = pq.read_table(part)
    i = table.schema.get_field_index("harm")
    pq.write_table(table.set_column(i, "harm", table.column("harm").cast(pa.string())), part)


DAMAGES = [_truncate, _empty, _random, _without("arm_id"), _without("run_id"), _null_run_ids]


def finished(tmp_path: Path, small) -> tuple[Path, Path, pd.DataFrame]:
    """A finished small batch: its experiment file, its folder and its results."""
    path = small()
    out = tmp_path / "out"
    run_batch(load_experiment(path), out, executor="serial", progress=False)
    return path, out, load_results(out)


def first_part(out: Path) -> tuple[Path, int]:
    part = min((out / "runs").glob("part-*.parquet"))
    return part, pq.read_metadata(part).num_rows


@pytest.mark.parametrize("damage", DAMAGES + [_other_type], ids=lambda d: d.__name__.strip("_"))
def test_resume_sets_a_damaged_part_aside_and_reruns_its_runs(tmp_path, capsys, damage, small):
    path, out, before = finished(tmp_path, small)
    part, rows = first_part(out)
    damage(part)
    capsys.readouterr()
    report = run_batch(load_experiment(path), out, executor="serial", progress=False)
    lines = stderr_lines(capsys)
    assert len(lines) == 1 and part.name in lines[0] and "set aside" in lines[0]
    assert not part.exists() and (out / QUARANTINE / part.name).exists()
    assert report.already_done == 8 - rows and report.ran == rows
    after = load_results(out)
    assert after.attrs["quarantined"] == 0 and after["run_id"].is_unique
    outcomes = ["run_id", "harm", "response_delay", "messages"]
    assert (
        after[outcomes]
        .sort_values("run_id")
        .reset_index(drop=True)
        .equals(before[outcomes].sort_values("run_id").reset_index(drop=True))
    )
    manifest = [json.loads(line) for line in (out / "manifest.jsonl").read_text().splitlines()]
    assert part.name not in {m["part"] for m in manifest}


@pytest.mark.parametrize("damage", DAMAGES, ids=lambda d: d.__name__.strip("_"))
def test_load_results_and_analyse_set_a_damaged_part_aside(tmp_path, capsys, damage, small):
    path, out, _ = finished(tmp_path, small)
    part, rows = first_part(out)
    damage(part)
    capsys.readouterr()
    df = load_results(out)
    lines = stderr_lines(capsys)
    assert len(lines) == 1 and part.name in lines[0]
    assert df.attrs["quarantined"] == 1 and len(df) == 8 - rows
    assert (out / QUARANTINE / part.name).exists()
    assert load_results(out).attrs["quarantined"] == 0, "set aside once"
    # The next resume runs the missing runs again.
    assert run_batch(load_experiment(path), out, executor="serial", progress=False).ran == rows
    assert len(load_results(out)) == 8


def test_analyse_says_how_many_parts_it_set_aside(tmp_path, capsys, small):
    _, out, _ = finished(tmp_path, small)
    parts = sorted((out / "runs").glob("part-*.parquet"))
    _empty(parts[0])
    _random(parts[1])
    capsys.readouterr()
    assert analyse(out)["results"].attrs["quarantined"] == 2
    _empty(parts[0].with_name("part-again.parquet"))
    capsys.readouterr()
    assert main(["analyse", str(out)]) == 0
    captured = capsys.readouterr()
    assert "set aside 1 damaged part(s)" in captured.out
    assert sorted(p.name for p in (out / QUARANTINE).iterdir()) == sorted(
        [parts[0].name, parts[1].name, "part-again.parquet"]
    )


def test_a_folder_whose_parts_are_all_damaged_has_no_results(tmp_path, capsys, small):
    _, out, _ = finished(tmp_path, small)
    for part in (out / "runs").glob("part-*.parquet"):
        _empty(part)
    with pytest.raises(CoopError) as err:
        load_results(out)
    assert "damaged part(s) set aside" in str(err.value) and "\n" not in str(err.value)


def test_a_part_set_aside_twice_keeps_both_copies(tmp_path, capsys, small):
    _, out, _ = finished(tmp_path, small)
    part, _ = first_part(out)
    _empty(part)
    load_results(out)
    part.write_bytes(b"junk")
    load_results(out)
    assert len(list((out / QUARANTINE).iterdir())) == 2


EXPERIMENT_JSONS = {
    "list": b"[1, 2]",
    "null": b"null",
    "latin1": '{"fingerprint": "café", "experiment": {"name": "café"}}'.encode("latin-1"),
    "empty_object": b"{}",
    "experiment_not_an_object": b'{"fingerprint": "x", "experiment": 5}',
    "not_json": b"{nope",
    "folder": None,
}


@pytest.mark.parametrize("kind", EXPERIMENT_JSONS)
def test_a_bad_experiment_json_gives_one_line(tmp_path, capsys, kind, small):
    path, out, _ = finished(tmp_path, small)
    meta = out / "experiment.json"
    meta.unlink()
    if EXPERIMENT_JSONS[kind] is None:
        meta.mkdir()
    else:
        meta.write_bytes(EXPERIMENT_JSONS[kind])
    for call in (
        lambda: load_definition(out),
        lambda: analyse(out),
        lambda: run_batch(load_experiment(path), out, executor="serial", progress=False),
    ):
        with pytest.raises(CoopError) as err:
            call()
        assert "experiment.json" in str(err.value) and "\n" not in str(err.value)
    capsys.readouterr()
    for argv in (["analyse", str(out)], ["batch", str(path), "--out", str(out), "--executor", "serial"]):
        assert main(argv) == 2
        lines = stderr_lines(capsys)
        assert len(lines) == 1 and "experiment.json" in lines[0] and "Traceback" not in lines[0]


# -- no orphans ------------------------------------------------------------------------------------


def _alive(procs) -> list:
    import psutil

    out = []
    for p in procs:
        try:
            if p.is_running() and p.status() != psutil.STATUS_ZOMBIE:
                out.append(p)
        except psutil.NoSuchProcess:
            pass
    return out


def test_killing_the_main_process_of_a_process_pool_batch_leaves_no_process_behind(tmp_path, small):
    psutil = pytest.importorskip("psutil")
    # Every run lasts its 500 days, so the batch is still going when its first part is written
    # however soon the epidemics die out.
    path = small(replicates=8, residents=2400, steps=500, every_day=True)
    out = tmp_path / "out"
    cmd = [
        sys.executable,
        "-m",
        "coop_agents",
        "batch",
        str(path),
        "--out",
        str(out),
        "--executor",
        "processes",
        "--workers",
        "2",
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    children = []
    try:
        main_process = psutil.Process(proc.pid)
        while proc.poll() is None and not list((out / "runs").glob("part-*.parquet")):
            time.sleep(0.05)  # waiting for the workers' first finished task, not for time to pass
        children = main_process.children(recursive=True)
        assert proc.poll() is None, "the batch should still be running when it is killed"
        # The forkserver and the resource tracker (children of the main process) and the two
        # workers (children of the forkserver).
        assert len(children) >= 4, [" ".join(c.cmdline()) for c in children]
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        deadline = time.monotonic() + 60
        while _alive(children) and time.monotonic() < deadline:
            time.sleep(0.1)  # polling for the processes to end, within a bound
        survivors = _alive(children)
        assert not survivors, [(p.pid, " ".join(p.cmdline())) for p in survivors]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for p in _alive(children):
            p.kill()
    assert 0 < len(load_results(out)) < 32
