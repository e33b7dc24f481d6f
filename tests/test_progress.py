"""Progress of a batch: a bar on a terminal, plain lines at most every few seconds otherwise."""

from __future__ import annotations

import io

from coop_agents.cli import main
from coop_agents.experiments import load_experiment, run_batch, runner
from coop_agents.experiments.runner import PlainProgress

GRID = """
name = "grid_trial"
seed = 11
replicates = 2
outcomes = ["harm"]
[levers]
pattern = ["siloed", "full_cycle"]
technology = [0.1, 0.6]
[uncertainties]
residents = 400
street_offices = 1
communities_per_street = 4
steps = 5
"""


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def lines(stream: io.StringIO) -> list[str]:
    return stream.getvalue().splitlines()


def test_plain_progress_prints_at_most_one_line_per_interval():
    clock, stream = Clock(), io.StringIO()
    bar = PlainProgress(10, 0, stream, interval=5.0, clock=clock)
    assert lines(stream) == ["runs: 0/10 (0%), 0 failed, 0:00:00 elapsed, ETA unknown"]
    clock.now += 1
    bar.update(1, 0)
    clock.now += 3.5
    bar.update(1, 1)
    assert len(lines(stream)) == 1, "nothing new before the interval is over"
    clock.now += 0.5  # 5 s since the last line
    bar.update(1, 1)
    # 3 runs in 5 s: 7 to go take about 11.7 s.
    assert lines(stream)[-1] == "runs: 3/10 (30%), 1 failed, 0:00:05 elapsed, ETA 0:00:12"
    clock.now += 4
    bar.update(2, 1)
    assert len(lines(stream)) == 2
    clock.now += 1
    bar.close()
    assert lines(stream)[-1] == "runs: 5/10 (50%), 1 failed, 0:00:10 elapsed, ETA 0:00:10"
    bar.close()
    assert len(lines(stream)) == 3, "closing twice prints once"


def test_plain_progress_closes_without_repeating_its_last_line():
    clock, stream = Clock(), io.StringIO()
    bar = PlainProgress(4, 0, stream, interval=5.0, clock=clock)
    clock.now += 6
    bar.update(4, 0)
    bar.close()
    assert lines(stream)[-1] == "runs: 4/4 (100%), 0 failed, 0:00:06 elapsed, ETA 0:00:00"
    assert len(lines(stream)) == 2


def test_plain_progress_eta_counts_only_the_runs_of_this_call():
    clock, stream = Clock(), io.StringIO()
    bar = PlainProgress(100, 90, stream, interval=0, clock=clock)  # 90 found done by a resume
    clock.now += 10
    bar.update(5, 0)
    assert lines(stream)[-1] == "runs: 95/100 (95%), 0 failed, 0:00:10 elapsed, ETA 0:00:10"


def test_run_batch_prints_plain_progress_when_stderr_is_not_a_terminal(tmp_path, capsys, monkeypatch):
    path = tmp_path / "exp.toml"
    path.write_text(GRID)
    exp = load_experiment(path)
    monkeypatch.setattr(runner, "PROGRESS_INTERVAL", 0.0)  # a line after every task
    report = run_batch(exp, tmp_path / "out", executor="serial", progress=True)
    err = capsys.readouterr().err.splitlines()
    tasks = len(runner._chunks(exp.runs(), 1))
    assert len(err) == 1 + tasks, err
    assert err[0].startswith("runs: 0/8 (0%), 0 failed,")
    assert err[-1].startswith("runs: 8/8 (100%), 0 failed,") and err[-1].endswith("ETA 0:00:00")
    assert "\r" not in "".join(err), "no bar drawing in a log"
    assert report.ran == 8
    run_batch(exp, tmp_path / "out", executor="serial", progress=False)
    assert capsys.readouterr().err == "", "progress=False prints nothing"


def test_progress_is_a_bar_on_a_terminal_and_plain_lines_elsewhere():
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    terminal = Terminal()
    bar = runner._progress(8, 0, True, terminal)
    bar.update(3, 1)
    bar.close()
    assert "\r" in terminal.getvalue() and "failed=1" in terminal.getvalue()
    log = io.StringIO()
    plain = runner._progress(8, 0, True, log)
    assert isinstance(plain, PlainProgress)
    plain.close()
    assert runner._progress(8, 0, False, Terminal()).__class__.__name__ == "_NoProgress"


def test_cli_batch_shows_progress_in_a_log(tmp_path, capsys):
    path = tmp_path / "exp.toml"
    path.write_text(GRID)
    assert main(["batch", str(path), "--out", str(tmp_path / "out"), "--executor", "serial"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("runs: 0/8 (0%)") and err[-1].startswith("runs: 8/8 (100%)")
