"""The results folder of a batch: a Parquet dataset written part by part, and its manifest.

Layout of ``DIR``::

    experiment.json     what the batch computes (its fingerprint); a resume must match it
    runs/part-*.parquet one file per finished task, one row per run (written whole, then renamed);
                        an experiment's daily series are list columns ``series_<name>``
    manifest.jsonl      one line per part: its file and the run ids in it
    .batch.lock         the lock of the batch writing here: one writer per folder
    .batch.lock.json    who holds the lock: PID, host and start time (for the refusal message)
    quarantine/         damaged parts set aside (unreadable, or of another schema)

A part file appears only once complete (written under a temporary name, then renamed), so the
part files themselves say which runs are finished; the manifest is rebuilt from them on every
start, which makes a batch killed at any moment (even ``kill -9``) resume without losing or
repeating a run.

One batch writes to a folder at a time: :meth:`ResultsStore.open` takes an OS lock (``flock``)
on ``.batch.lock`` and holds it until :meth:`ResultsStore.close`. The kernel drops the lock when
its holder dies, however it dies, so a batch killed with ``kill -9`` never blocks the next one.
Temporary files carry their writer's PID and a random token; a writer removes only its own, and
others' only while it holds the lock (when no one else can be writing).

Every part is checked when a batch starts and when results are loaded: one that cannot be read
(cut short, emptied, overwritten) or that lacks the columns of a run is moved to ``quarantine/``
with a one-line warning on stderr; its runs are not done, so the next resume runs them again.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Self

import pyarrow as pa
import pyarrow.parquet as pq

from coop_agents.errors import CoopError
from coop_agents.experiments.design import Experiment

if TYPE_CHECKING:  # filelock is imported when a batch takes the lock
    from filelock import BaseFileLock

__all__ = ["ResultsStore", "Parts", "read_experiment_json", "LOCK", "LOCK_INFO", "QUARANTINE"]

FORMAT = 1
LOCK = ".batch.lock"
LOCK_INFO = ".batch.lock.json"
QUARANTINE = "quarantine"
_TMP = ".tmp-"

# Columns without which a part's rows cannot be told apart or paired, with their Arrow kinds.
_ID_COLUMNS = {
    "run_id": pa.types.is_string,
    "arm_id": pa.types.is_integer,
    "arm": pa.types.is_string,
    "replicate": pa.types.is_integer,
    "seed": pa.types.is_integer,
}


class ResultsStore:
    """Append-only results of one experiment in one folder, written by one batch at a time."""

    def __init__(self, out: str | Path, experiment: Experiment) -> None:
        self.out = Path(out)
        self.experiment = experiment
        self.runs_dir = self.out / "runs"
        self.manifest = self.out / "manifest.jsonl"
        self.schema = self._schema()
        self._lock: BaseFileLock | None = None
        # Names this writer's temporary files: another process never takes them for its own.
        self._token = f"{os.getpid()}-{uuid.uuid4().hex[:12]}"

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def open(self, wait: bool = False) -> set[str]:
        """Lock the folder, create or check it; return the ids of runs already finished.

        Args:
            wait: if another batch holds the folder, wait until it ends (instead of refusing).

        Raises:
            CoopError: the folder cannot be created or locked, another batch writes there (and
                ``wait`` is false), or it holds results of another experiment.
        """
        try:
            self.runs_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CoopError(f"--out {self.out}: cannot create the results folder ({exc.strerror})") from None
        self._acquire(wait)
        try:
            return self._open_locked()
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        """Release the folder (once the batch is over); safe to call more than once."""
        lock, self._lock = self._lock, None
        if lock is None:
            return
        try:
            info = self.out / LOCK_INFO
            if _read_json(info).get("token") == self._token:
                info.unlink(missing_ok=True)
        except OSError:
            pass
        finally:
            lock.release()

    def write(self, rows: list[dict]) -> None:
        """Write one finished task's rows as a new part, then record it in the manifest."""
        if self._lock is None:
            raise RuntimeError("ResultsStore.write before open(): the folder is not locked")
        table = pa.Table.from_pylist(rows, schema=self.schema)
        name = f"part-{uuid.uuid4().hex}.parquet"
        tmp = self.runs_dir / f"{_TMP}{self._token}-{name}"
        try:
            pq.write_table(table, tmp)
            with open(tmp, "rb") as fh:
                os.fsync(fh.fileno())  # on disk before it counts as done
            os.replace(tmp, self.runs_dir / name)
        except BaseException:
            tmp.unlink(missing_ok=True)  # only ever our own temporary file
            raise
        with open(self.manifest, "a") as fh:
            fh.write(json.dumps({"part": name, "runs": [r["run_id"] for r in rows]}) + "\n")
            fh.flush()
            os.fsync(fh.fileno())

    # -- inside the lock --------------------------------------------------------------------------

    def _open_locked(self) -> set[str]:
        meta = self.out / "experiment.json"
        mine = {
            "format": FORMAT,
            "fingerprint": self.experiment.fingerprint(),
            "experiment": self.experiment.to_dict(),
        }
        if meta.exists():
            theirs = read_experiment_json(self.out)
            if theirs["fingerprint"] != mine["fingerprint"]:
                raise CoopError(
                    f"{self.out} holds results of a different experiment "
                    f"({theirs['experiment'].get('name', '?')}); choose another --out"
                )
        else:
            self._atomic_write(meta, json.dumps(mine, indent=2, default=str))
        self._remove_stale_temporaries()
        done: set[str] = set()
        lines = []
        for part, table in Parts(self.out, self.schema):
            ids = table.column("run_id").to_pylist()
            done.update(ids)
            lines.append(json.dumps({"part": part.name, "runs": ids}))
        self._atomic_write(self.manifest, "".join(line + "\n" for line in lines))
        return done

    def _remove_stale_temporaries(self) -> None:
        """Temporary files of writers that died mid-write (their runs were never counted).

        Only called with the lock held, when no other batch can be writing here; a file whose
        writer is still alive on this host is left alone all the same.
        """
        for folder in (self.out, self.runs_dir):
            for tmp in folder.glob(f"{_TMP}*"):
                if tmp.name.startswith(f"{_TMP}{self._token}-") or not _writer_alive(tmp.name):
                    tmp.unlink(missing_ok=True)

    def _atomic_write(self, path: Path, text: str) -> None:
        tmp = path.with_name(f"{_TMP}{self._token}-{path.name}")
        try:
            tmp.write_text(text)
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise

    # -- the lock ---------------------------------------------------------------------------------

    def _acquire(self, wait: bool) -> None:
        from filelock import FileLock, Timeout

        lock = FileLock(self.out / LOCK)
        try:
            try:
                lock.acquire(timeout=0)
            except Timeout:
                holder = self._holder()
                if not wait:
                    raise CoopError(
                        f"{self.out} is in use by another batch ({holder}); wait until it ends, "
                        f"or run again with --wait to wait for it"
                    ) from None
                print(
                    f"coop-agents: waiting for the batch writing {self.out} ({holder}) to end",
                    file=sys.stderr,
                    flush=True,
                )
                lock.acquire()
        except OSError as exc:
            raise CoopError(
                f"--out {self.out}: cannot lock the results folder ({exc.strerror or exc})"
            ) from None
        self._lock = lock
        info = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "started": time.strftime("%Y-%m-%d %H:%M:%S"),
            "token": self._token,
        }
        try:
            self._atomic_write(self.out / LOCK_INFO, json.dumps(info))
        except BaseException:
            self.close()
            raise

    def _holder(self) -> str:
        """Who holds the lock, from its info file: "PID 123 on host h, since ...".

        The holder writes the file just after taking the lock, so it may be missing, or still the
        one of an earlier (dead) holder, for a moment: look again briefly before giving up.
        """
        here = socket.gethostname()
        deadline = time.monotonic() + 2.0
        while True:
            info = _read_json(self.out / LOCK_INFO)
            pid, host = info.get("pid"), info.get("host")
            current = isinstance(pid, int) and (host != here or _pid_alive(pid))
            if current or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        if not current:
            return "PID unknown"
        return f"PID {pid} on host {host}" + (f", since {info['started']}" if info.get("started") else "")

    def _schema(self) -> pa.Schema:
        exp = self.experiment
        fields = [
            pa.field("run_id", pa.string()),
            pa.field("arm_id", pa.int64()),
            pa.field("arm", pa.string()),
            pa.field("replicate", pa.int64()),
            pa.field("seed", pa.int64()),
            pa.field("scenario", pa.string()),
            pa.field("pattern", pa.string()),
        ]
        from coop_agents.config import PARAMETERS

        for name in exp.varied_names:
            if name in ("scenario", "pattern"):
                continue
            kind = PARAMETERS[name].type
            fields.append(
                pa.field(
                    name,
                    {"float": pa.float64(), "int": pa.int64(), "bool": pa.bool_(), "choice": pa.string()}[
                        kind
                    ],
                )
            )
        fields += [pa.field(o, pa.float64()) for o in exp.outcomes]
        fields += [pa.field(f"series_{k}", pa.list_(pa.float64())) for k in exp.series]
        fields += [pa.field("error", pa.string()), pa.field("seconds", pa.float64())]
        return pa.schema(fields)


def read_experiment_json(out: str | Path) -> dict:
    """The checked contents of ``out/experiment.json``: format, fingerprint and experiment.

    Raises:
        CoopError: (one line) the file is missing, unreadable, not UTF-8 JSON, or not the
            experiment file of a results folder.
    """
    meta = Path(out) / "experiment.json"
    not_ours = f"{meta}: unreadable; {out} is not a results folder of coop-agents"
    try:
        data = json.loads(meta.read_bytes().decode("utf-8"))
    except FileNotFoundError:
        raise CoopError(f"{meta}: missing; {out} is not a results folder of coop-agents") from None
    except IsADirectoryError:
        raise CoopError(
            f"{meta}: a folder, not a file; {out} is not a results folder of coop-agents"
        ) from None
    except OSError as exc:
        raise CoopError(f"{meta}: cannot be read ({exc.strerror or exc})") from None
    except ValueError:  # not UTF-8, or not JSON
        raise CoopError(not_ours) from None
    experiment = data.get("experiment") if isinstance(data, dict) else None
    if (
        not isinstance(experiment, dict)
        or not isinstance(data.get("fingerprint"), str)
        or not isinstance(experiment.get("name"), str)
        or not isinstance(experiment.get("design"), str)
        or not isinstance(experiment.get("outcomes"), list)
    ):
        raise CoopError(not_ours)
    return data


class Parts:
    """The sound parts of ``out/runs`` (sorted by name), each with its table; damaged ones are set aside.

    A part is damaged if it cannot be read whole, lacks a run id, or has another schema: with
    ``schema``, exactly those columns and types (what a resuming batch writes); without it, at
    least the id columns (``run_id``, ``arm_id``, ``arm``, ``replicate``, ``seed``) of the right
    kinds. Iterating moves each damaged part to ``out/quarantine/`` with a one-line warning on
    stderr, and lists it in :attr:`set_aside` (the parts set aside by this iteration).
    """

    def __init__(self, out: str | Path, schema: pa.Schema | None = None) -> None:
        self.out = Path(out)
        self.schema = schema
        self.set_aside: list[Path] = []

    def __iter__(self) -> Iterator[tuple[Path, pa.Table]]:
        runs = self.out / "runs"
        for part in sorted(runs.glob("part-*.parquet")) if runs.is_dir() else []:
            try:
                table = pq.read_table(part)
            except FileNotFoundError:
                continue  # set aside meanwhile by another reader
            except (pa.ArrowException, OSError, ValueError) as exc:
                reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                self._set_aside(part, f"unreadable: {reason}")
                continue
            problem = _schema_problem(table.schema, self.schema)
            if problem is None and table.column("run_id").null_count:
                problem = "rows without a run id"
            if problem is not None:
                self._set_aside(part, f"another schema: {problem}")
                continue
            yield part, table

    def _set_aside(self, part: Path, reason: str) -> None:
        """Move a damaged part to ``out/quarantine/`` (never over another file), warning on stderr."""
        folder = self.out / QUARANTINE
        try:
            folder.mkdir(exist_ok=True)
            target = folder / part.name
            n = 1
            while target.exists():
                target = folder / f"{part.stem}.{n}{part.suffix}"
                n += 1
            os.rename(part, target)
        except FileNotFoundError:
            return  # set aside meanwhile by another reader
        except OSError as exc:
            print(
                f"coop-agents: warning: damaged part {part} ({reason}) is left out, but cannot be moved to "
                f"{folder} ({exc.strerror or exc})",
                file=sys.stderr,
                flush=True,
            )
        else:
            print(
                f"coop-agents: warning: damaged part {part} ({reason}) set aside as {target}; "
                f"its runs are not done, and the next resume runs them again",
                file=sys.stderr,
                flush=True,
            )
        self.set_aside.append(part)


def _schema_problem(have: pa.Schema, want: pa.Schema | None) -> str | None:
    """What keeps a part of schema ``have`` from being one of ``want`` (None if nothing)."""
    if want is None:
        for name, is_kind in _ID_COLUMNS.items():
            if name not in have.names:
                return f"no column {name}"
            if not is_kind(have.field(name).type):
                return f"column {name} is {have.field(name).type}"
        return None
    theirs = {f.name: f.type for f in have}
    for f in want:
        if f.name not in theirs:
            return f"no column {f.name}"
        if theirs[f.name] != f.type:
            return f"column {f.name} is {theirs[f.name]}, not {f.type}"
    extra = [n for n in theirs if n not in want.names]
    return f"unexpected column {extra[0]}" if extra else None


def _read_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return pid > 0  # exists, under another user (or not a PID at all)
    return True


def _writer_alive(name: str) -> bool:
    """Whether the temporary file ``name`` (``.tmp-<pid>-<token>-...``) belongs to a live process."""
    pid = name[len(_TMP) :].split("-", 1)[0]
    return pid.isdigit() and int(pid) != os.getpid() and _pid_alive(int(pid))
