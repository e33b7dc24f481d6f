"""The results folder of a batch: a Parquet dataset written part by part, and its manifest.

Layout of ``DIR``::

    experiment.json     what the batch computes (its fingerprint); a resume must match it
    runs/part-*.parquet one file per finished task, one row per run (written whole, then renamed);
                        an experiment's daily series are list columns ``series_<name>``
    manifest.jsonl      one line per part: its file and the run ids in it

A part file appears only once complete (written under a temporary name, then renamed), so the
part files themselves say which runs are finished; the manifest is rebuilt from them on every
start, which makes a batch killed at any moment (even ``kill -9``) resume without losing or
repeating a run.
"""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from coop_agents.errors import CoopError
from coop_agents.experiments.design import Experiment

__all__ = ["ResultsStore"]

FORMAT = 1


class ResultsStore:
    """Append-only results of one experiment in one folder."""

    def __init__(self, out: str | Path, experiment: Experiment) -> None:
        self.out = Path(out)
        self.experiment = experiment
        self.runs_dir = self.out / "runs"
        self.manifest = self.out / "manifest.jsonl"
        self.schema = self._schema()

    def open(self) -> set[str]:
        """Create or check the folder; return the ids of runs already finished."""
        try:
            self.runs_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CoopError(f"--out {self.out}: cannot create the results folder ({exc.strerror})") from None
        meta = self.out / "experiment.json"
        mine = {"format": FORMAT, "fingerprint": self.experiment.fingerprint(),
                "experiment": self.experiment.to_dict()}
        if meta.exists():
            try:
                theirs = json.loads(meta.read_text())
            except json.JSONDecodeError:
                raise CoopError(f"{meta}: unreadable; it is not a results folder of coop-agents") from None
            if theirs.get("fingerprint") != mine["fingerprint"]:
                raise CoopError(f"{self.out} holds results of a different experiment "
                                f"({theirs.get('experiment', {}).get('name', '?')}); choose another --out")
        else:
            _atomic_write(meta, json.dumps(mine, indent=2, default=str))
        for stale in self.runs_dir.glob(".tmp-*"):
            stale.unlink()  # a part cut off mid-write by a kill: its runs were not counted
        done: set[str] = set()
        lines = []
        for part in sorted(self.runs_dir.glob("part-*.parquet")):
            ids = pq.read_table(part, columns=["run_id"]).column("run_id").to_pylist()
            done.update(ids)
            lines.append(json.dumps({"part": part.name, "runs": ids}))
        _atomic_write(self.manifest, "".join(line + "\n" for line in lines))
        return done

    def write(self, rows: list[dict]) -> None:
        """Write one finished task's rows as a new part, then record it in the manifest."""
        table = pa.Table.from_pylist(rows, schema=self.schema)
        name = f"part-{uuid.uuid4().hex}.parquet"
        tmp = self.runs_dir / f".tmp-{name}"
        pq.write_table(table, tmp)
        os.replace(tmp, self.runs_dir / name)
        with open(self.manifest, "a") as fh:
            fh.write(json.dumps({"part": name, "runs": [r["run_id"] for r in rows]}) + "\n")
            fh.flush()
            os.fsync(fh.fileno())

    def _schema(self) -> pa.Schema:
        exp = self.experiment
        fields = [pa.field("run_id", pa.string()), pa.field("arm_id", pa.int64()), pa.field("arm", pa.string()),
                  pa.field("replicate", pa.int64()), pa.field("seed", pa.int64()),
                  pa.field("scenario", pa.string()), pa.field("pattern", pa.string())]
        from coop_agents.config import PARAMETERS

        for name in exp.varied_names:
            if name in ("scenario", "pattern"):
                continue
            kind = PARAMETERS[name].type
            fields.append(pa.field(name, {"float": pa.float64(), "int": pa.int64(), "bool": pa.bool_(),
                                          "choice": pa.string()}[kind]))
        fields += [pa.field(o, pa.float64()) for o in exp.outcomes]
        fields += [pa.field(f"series_{k}", pa.list_(pa.float64())) for k in exp.series]
        fields += [pa.field("error", pa.string()), pa.field("seconds", pa.float64())]
        return pa.schema(fields)


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(f".tmp-{path.name}")
    tmp.write_text(text)
    os.replace(tmp, path)
