"""The saved search: ``optimise.json`` (what is searched) and ``evaluations.jsonl`` (one line per
candidate evaluated), which make an optimisation resumable."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

import numpy as np

from coop_agents.errors import CoopError
from coop_agents.exploration._common import output_folder


class _Store:
    """``optimise.json`` (what is searched) and ``evaluations.jsonl`` (one line per candidate)."""

    def __init__(self, out: Path, spec: dict) -> None:
        from filelock import FileLock, Timeout

        self.out = output_folder(out)
        self.lock = FileLock(str(self.out / ".optimise.lock"))
        try:
            self.lock.acquire(timeout=0)
        except Timeout:
            raise CoopError(
                f"--out {out}: another optimisation is writing to this folder; wait for it to end "
                f"or give another --out"
            ) from None
        meta = self.out / "optimise.json"
        fingerprint = hashlib.sha256(json.dumps(spec, sort_keys=True, default=str).encode()).hexdigest()[:16]
        if meta.exists():
            try:
                old = json.loads(meta.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                old = {}
            if old.get("fingerprint") != fingerprint:
                self.lock.release()
                raise CoopError(
                    f"--out {out}: holds another optimisation ({_spec_words(old.get('spec', {}))}); "
                    f"give another --out or the same settings to resume it"
                )
        else:
            tmp = meta.with_suffix(".tmp")
            tmp.write_text(
                json.dumps({"fingerprint": fingerprint, "spec": spec}, indent=2, default=str),
                encoding="utf-8",
            )
            os.replace(tmp, meta)
        self.path = self.out / "evaluations.jsonl"
        self.done: dict[str, dict] = {}
        if self.path.exists():
            with open(self.path, encoding="utf-8") as fh:
                for line in fh:
                    try:
                        row = json.loads(line)
                        self.done[row["key"]] = row
                    except (ValueError, KeyError, TypeError):
                        continue  # a line cut short by a kill: that candidate runs again
        self.fh = open(self.path, "a", encoding="utf-8")  # noqa: SIM115 - open while the search runs; close()

    def add(self, row: dict) -> None:
        self.fh.write(json.dumps(row, default=_json_default) + "\n")
        self.fh.flush()
        os.fsync(self.fh.fileno())
        self.done[row["key"]] = row

    def close(self) -> None:
        self.fh.close()
        self.lock.release()


def _json_default(v: Any) -> Any:
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating,)):
        return float(v)
    if isinstance(v, np.bool_):
        return bool(v)
    raise TypeError(type(v))


def _spec_words(spec: dict) -> str:
    keys = ("scenario", "pattern", "budget", "objectives", "levers", "replicates", "residents")
    return ", ".join(f"{k} {spec[k]}" for k in keys if k in spec) or "unreadable settings"


def _key(setting: dict) -> str:
    return json.dumps(setting, sort_keys=True, default=_json_default)
