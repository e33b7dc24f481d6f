"""A drill's log: JSON lines, one record per line, rewritten atomically after every change.

The first line is the exercise's settings; then, in the order they happened, the records of
the drill: a player's decision, an inject fired, a turn advanced (with the facilitator's default
in force and the defaults it applied), a note, a submission, a change of the room's controls.
Earlier lines never change: a new record is appended by writing the whole file to a temporary
file in the same folder and renaming it over the old one, so a crash (or a pulled plug) leaves
either the old file or the new one, never half a line.

Record types (``"type"``) and their fields:

- ``settings``: ``format``, ``coop_agents`` (version), ``scenario``, ``pattern``, ``seed``,
  ``humans``, ``turn_days``, ``days``, ``default``, ``overrides``, ``injects`` (scheduled in
  advance), ``created``.
- ``decision``: ``turn``, ``day``, ``key`` (day, organisation, kind, community, ordinal), ``role``,
  ``player``, ``kind``, ``organisation``, ``community``, ``choice``, ``suggested``.
- ``inject``: ``turn``, ``day``, ``inject`` (library id), ``target``, ``params``.
- ``turn``: ``turn``, ``days`` (first and last model day), ``timed_out``, ``default``,
  ``defaults`` (the keys and choices the default gave), ``decided`` (decisions taken in all).
- ``end``: ``turn``: the facilitator ended the drill there; the model played the rest.
- ``note``, ``join``, ``submit``, ``control``, ``room``: the room's bookkeeping (notes, who joined
  and submitted, hints and timer changes, the room's codes); they do not change the run.
"""

from __future__ import annotations

import json
import math
import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from coop_agents.errors import CoopError

__all__ = ["FORMAT", "RECORD_TYPES", "jsonable", "read_log", "replace_atomically", "write_log"]

FORMAT = 1
RECORD_TYPES = ("settings", "decision", "inject", "turn", "end", "note", "join", "submit", "control", "room")
MAX_LOG_BYTES = 64 * 1024 * 1024  # a 90-minute drill writes well under a megabyte


def jsonable(value: Any) -> Any:
    """``value`` with numpy scalars and tuples as plain JSON values (floats keep every bit)."""
    if hasattr(value, "item") and not isinstance(value, (list, dict, str)):
        value = value.item()
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def log_line(record: dict) -> str:
    """One record as its line of the log (with its newline)."""
    return json.dumps(jsonable(record), ensure_ascii=False, allow_nan=False) + "\n"


def replace_atomically(
    path: Path, text: str, folder: str | Path | None = None, sync: bool = True, prefix: str | None = None
) -> None:
    """Write ``text`` to ``path`` through a temporary file in ``folder`` (default: the path's own)
    renamed over it, so a reader finds the old file or the new one, never half of one. ``sync``:
    the text reaches the disk before the rename. The temporary file is removed if anything fails,
    and the :class:`OSError` raised for the caller to say what it was writing."""
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(
            dir=path.parent if folder is None else folder,
            prefix=f".{path.name}." if prefix is None else prefix,
            suffix=".tmp",
        )
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            if sync:
                fh.flush()
                os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_log(path: str | Path, records: Iterable[dict | str]) -> Path:
    """Write ``records`` (dicts, or lines made by :func:`log_line`) to ``path`` as JSON lines,
    atomically (temporary file, fsync, rename).

    Raises:
        CoopError: the folder cannot be written (one line, naming the file).
    """
    path = Path(path)
    text = "".join(r if isinstance(r, str) else log_line(r) for r in records)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        replace_atomically(path, text)
    except OSError as exc:
        raise CoopError(
            f"cannot write the drill's log {path} ({exc.strerror or type(exc).__name__}); "
            "give a folder this user can write to"
        ) from None
    return path


def read_log(path: str | Path) -> list[dict]:
    """The records of a drill's log, checked line by line.

    Raises:
        CoopError: one line naming the file, the line and what is wrong (not a file, not UTF-8,
            not JSON, a record of an unknown type, no settings first).
    """
    path = Path(path)
    try:
        info = path.stat()
    except OSError as exc:
        raise CoopError(f"{path}: cannot read the drill's log ({exc.strerror or exc})") from None
    if not stat.S_ISREG(info.st_mode):
        raise CoopError(f"{path}: not a file; give the .jsonl log of a drill")
    if info.st_size > MAX_LOG_BYTES:
        raise CoopError(f"{path}: larger than a drill's log can be ({MAX_LOG_BYTES:,} bytes)")
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CoopError(f"{path}: not a drill's log (not UTF-8 text at byte {exc.start})") from None
    except OSError as exc:
        raise CoopError(f"{path}: cannot read the drill's log ({exc.strerror or exc})") from None
    records = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise CoopError(f"{path}:{number}: not a JSON record ({exc.msg}); the log is damaged") from None
        if not isinstance(record, dict) or record.get("type") not in RECORD_TYPES:
            found = record.get("type") if isinstance(record, dict) else type(record).__name__
            raise CoopError(
                f"{path}:{number}: a record of unknown type {found!r}; allowed: {', '.join(RECORD_TYPES)}"
            )
        record["_line"] = number
        records.append(record)
    if not records or records[0]["type"] != "settings":
        raise CoopError(f"{path}: not a drill's log (its first record must be the settings)")
    if records[0].get("format") != FORMAT:
        raise CoopError(
            f"{path}: log format {records[0].get('format')!r}; this coop-agents reads format {FORMAT}"
        )
    return records
