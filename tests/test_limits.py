"""Sizes and memory: the limits, the memory estimate against a measurement, the path checks."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from coop_agents import limits
from coop_agents.errors import ConfigError, CoopError
from coop_agents.limits import (
    BASE_BYTES,
    BYTES_PER_RESIDENT,
    MAX_ARMS,
    MAX_REPLICATES,
    MAX_RUNS,
    MEMORY_ENV,
    available_memory,
    check_input_file,
    check_name,
    check_output_dir,
    check_output_file,
    check_plan,
    check_results_dir,
    check_scheduler,
    design_points,
    run_bytes,
)


@pytest.fixture
def memory(monkeypatch):
    """Pretend this machine has the given memory available."""

    def set_(size: str) -> None:
        monkeypatch.setenv(MEMORY_ENV, size)

    return set_


def refused(**kw) -> str:
    with pytest.raises(CoopError) as exc:
        check_plan("in x.toml", **kw)
    msg = str(exc.value)
    assert "\n" not in msg
    return msg


# ------------------------------------------------------------------------------- counts


def test_replicates_above_the_limit_name_value_limit_and_largest():
    msg = refused(replicates=10**9)
    assert msg == (
        "replicates=1,000,000,000 in x.toml: above the limit of 100,000 replicates; "
        "the largest that fits is 100,000"
    )


def test_runs_above_the_limit_give_the_replicates_that_fit():
    msg = refused(replicates=MAX_REPLICATES, arms=20)
    assert "2,000,000 runs" in msg and f"limit of {MAX_RUNS:,} runs" in msg
    assert f"replicates={MAX_RUNS // 20:,}" in msg
    check_plan("in x.toml", replicates=MAX_RUNS // 20, arms=20)


def test_arms_above_the_limit_are_refused():
    msg = refused(replicates=1, arms=1_500_000)
    assert "1,500,000 arms" in msg and f"{MAX_ARMS:,}" in msg


def test_a_small_plan_passes(memory):
    memory("8G")
    check_plan("in x.toml", replicates=30, arms=7, residents=4800, workers=2)


@pytest.mark.parametrize(
    "kind, samples, ranged, points",
    [
        ("grid", 0, 0, 1),
        ("lhs", 64, 3, 64),
        ("sobol", 64, 3, 64 * 5),
        ("morris", 10, 4, 50),
        ("sobol", 8, 0, 1),
    ],
)
def test_design_points_match_salib(kind, samples, ranged, points):
    assert design_points(kind, samples, ranged) == points


def test_design_points_are_what_salib_returns():
    from SALib.sample import morris, sobol

    problem = {"num_vars": 3, "names": ["a", "b", "c"], "bounds": [[0, 1]] * 3}
    assert len(sobol.sample(problem, 8, calc_second_order=False, seed=1)) == design_points("sobol", 8, 3)
    assert len(morris.sample(problem, 5, num_levels=4, seed=1)) == design_points("morris", 5, 3)


# ------------------------------------------------------------------------------- memory


def test_run_bytes_grow_linearly_with_residents():
    assert run_bytes(0) == BASE_BYTES
    assert run_bytes(100_000) - run_bytes(0) == 100_000 * BYTES_PER_RESIDENT


def test_a_district_too_large_for_the_memory_gives_the_largest_that_fits(memory):
    memory("400M")
    msg = refused(replicates=1, residents=1_000_000)
    assert "residents=1,000,000" in msg and "400 MB is available" in msg
    fit = int(msg.rsplit("residents=", 1)[1].replace(",", ""))
    check_plan("in x.toml", replicates=1, residents=fit)  # the largest that fits does fit
    with pytest.raises(CoopError):
        check_plan("in x.toml", replicates=1, residents=fit + 1000)


def test_workers_multiply_the_districts_in_memory(memory):
    memory("2.5G")
    check_plan("in x.toml", replicates=8, residents=400_000, workers=1)
    msg = refused(replicates=8, residents=400_000, workers=8)
    assert "8 worker processes" in msg and "fewer --workers" in msg


def test_remote_workers_do_not_count_here(memory):
    memory("1G")
    check_plan("in x.toml", replicates=8, residents=1_000_000, workers=8, remote=True)


def test_what_run_keeps_per_replicate_bounds_the_replicates(memory):
    memory("1G")
    msg = refused(replicates=50_000, residents=4800, kept_per_run=100_000, replicates_name="--replicates")
    assert "--replicates=50,000" in msg
    fit = int(msg.rsplit("--replicates=", 1)[1].replace(",", ""))
    check_plan("in x.toml", replicates=fit, residents=4800, kept_per_run=100_000)


@pytest.mark.parametrize(
    "text, size",
    [("8G", 8 * 2**30), ("512M", 512 * 2**20), ("1000", 1000), ("1.5g", 3 * 2**29), ("2GiB", 2 * 2**30)],
)
def test_the_memory_can_be_set_by_the_environment(memory, text, size):
    memory(text)
    assert available_memory() == size


def test_a_bad_memory_setting_is_one_line(memory):
    memory("lots")
    with pytest.raises(CoopError) as exc:
        available_memory()
    assert MEMORY_ENV in str(exc.value) and "8G" in str(exc.value)


def test_available_memory_is_read_from_the_system(monkeypatch):
    monkeypatch.delenv(MEMORY_ENV, raising=False)
    found = available_memory()
    assert found is None or 0 < found < 2**50


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="VmHWM is Linux's")
def test_the_memory_estimate_matches_a_measured_run():
    """Peak RSS of fresh processes at two sizes: the fitted figures are within a half of it.

    The peak is the process's own high-water mark (``VmHWM``), not ``ru_maxrss``: Linux carries a
    parent's peak into the ``ru_maxrss`` of a child it forks (even across ``exec``), so under a
    large pytest process a small run would look as large as pytest.
    """
    code = (
        "import sys; from coop_agents.model import CoordinationModel as M; "
        "n = int(sys.argv[1]); M('default', 'siloed', 0, residents=n, steps=3).run(); "
        "print(next(int(line.split()[1]) * 1024 for line in open('/proc/self/status') "
        "if line.startswith('VmHWM:')))"
    )
    peak = {
        n: int(
            subprocess.run(
                [sys.executable, "-c", code, str(n)], capture_output=True, text=True, timeout=300, check=True
            ).stdout
        )
        for n in (10_000, 80_000)
    }
    slope = (peak[80_000] - peak[10_000]) / 70_000
    assert BYTES_PER_RESIDENT * 0.67 < slope < BYTES_PER_RESIDENT * 1.5, (slope, peak)
    assert run_bytes(80_000) * 0.67 < peak[80_000] < run_bytes(80_000) * 1.5, peak


# ------------------------------------------------------------------------------- names and paths


@pytest.mark.parametrize("name", ["", "a\0b", "caf\udce9", "\udcff/x"])
def test_bad_names_are_refused(name):
    with pytest.raises(ConfigError) as exc:
        check_name(name, "--out")
    assert "\n" not in str(exc.value) and "--out" in str(exc.value)


def test_input_files_must_be_regular_and_small(tmp_path):
    big = tmp_path / "big.toml"
    big.write_bytes(b"#" * 101)
    with pytest.raises(ConfigError, match="above the limit of 100"):
        check_input_file(big, "scenario", 100)
    for path, words in (
        (tmp_path, "is a folder"),
        ("/dev/zero", "not a regular file"),
        (tmp_path / "none.toml", "no such file"),
    ):
        with pytest.raises(ConfigError, match=words):
            check_input_file(path, "scenario", 100)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(ConfigError, match="not a regular file"):
        check_input_file(fifo, "scenario", 100)  # refused without opening it (it would block)


def test_output_folder_is_created_and_checked_before_the_work(tmp_path):
    out = check_output_dir(tmp_path / "a" / "b", "--out", files=("x.json",))
    assert out.is_dir() and list(out.iterdir()) == []  # the write test leaves nothing behind
    (tmp_path / "file").write_text("")
    for bad, words in (
        (tmp_path / "file", "not a folder"),
        ("/proc/x", "cannot create"),
        (tmp_path / "file" / "x", "is a file, not a folder"),
        (tmp_path / ("y" * 300), "not usable as a path"),
    ):
        with pytest.raises(CoopError, match=words):
            check_output_dir(bad, "--out")
    with pytest.raises(CoopError, match="255 bytes"):
        check_output_dir(tmp_path / "c", "--out", files=("z" * 300,))


def test_output_file_needs_a_writable_existing_folder(tmp_path):
    assert check_output_file(tmp_path / "brief.html", "-o") == tmp_path / "brief.html"
    assert not (tmp_path / "brief.html").exists()
    for bad, words in (
        ("/proc/x.html", "cannot write in /proc"),
        (tmp_path / "no" / "b.html", "does not exist"),
        (tmp_path, "is a folder"),
        ("/dev/null", "not a regular file"),
    ):
        with pytest.raises(CoopError, match=words):
            check_output_file(bad, "-o")


def test_results_folder_must_be_new_empty_or_a_results_folder(tmp_path):
    check_results_dir(tmp_path / "new")
    check_results_dir(tmp_path / "new")  # empty now
    (tmp_path / "res").mkdir()
    (tmp_path / "res" / "experiment.json").write_text("{}")
    check_results_dir(tmp_path / "res")  # whether it is the same experiment, the batch checks
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / "notes.txt").write_text("mine")
    with pytest.raises(CoopError, match="holds other files"):
        check_results_dir(tmp_path / "home")
    assert (tmp_path / "home" / "notes.txt").read_text() == "mine"


@pytest.mark.parametrize(
    "address",
    [
        "tcp://127.0.0.1:8786",
        "10.0.0.5:8786",
        "tls://sched.example.org:8786",
        "tcp://[::1]:8786",
        "ws://host:80",
        "ucx://h-1:1",
    ],
)
def test_scheduler_addresses_of_the_right_form_pass(address):
    assert check_scheduler(address) == address


@pytest.mark.parametrize(
    "address",
    [
        "not a url",
        "",
        "tcp://host",
        "tcp://:80",
        "http://h:80",
        "tcp://h:0",
        "tcp://h:65536",
        "tcp://h:80/path",
        "tcp://h_1:80",
        "h:port",
    ],
)
def test_scheduler_addresses_of_another_form_are_refused(address):
    with pytest.raises(CoopError) as exc:
        check_scheduler(address)
    assert repr(address) in str(exc.value) and "tcp://" in str(exc.value)


def test_limits_module_constants_are_consistent():
    assert limits.MAX_DESIGN_POINTS <= MAX_ARMS <= MAX_RUNS
    assert MAX_REPLICATES <= MAX_RUNS
    from coop_agents.config import PARAMETERS

    assert PARAMETERS["residents"].high == limits.MAX_RESIDENTS
