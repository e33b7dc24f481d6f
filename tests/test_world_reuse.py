"""Batches reuse the world: the arms of a replicate share one district (built once per worker and
seed), and every result is identical to building each run's district from scratch."""

from __future__ import annotations

import hashlib
import math
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from coop_agents import CoordinationModel
from coop_agents.experiments import load_experiment, load_results, run_batch, worker
from coop_agents.model import resolve
from coop_agents.network import DistrictSpec, build_district, district_for
from coop_agents.rng import make_streams

EXPERIMENT = """
name = "reuse"
seed = 11
replicates = 3
outcomes = ["harm", "response_delay", "messages", "queue_wait", "unmet_need_days_vulnerable", "decision_latency"]
series = ["prevalence", "measures", "messages"]
[levers]
pattern = ["siloed", "platform", "full_cycle"]
vertical_latency = [1.0, 3.0]
horizontal_links = [0.2, 0.7]
[uncertainties]
scenario = "{scenario}"
residents = {residents}
steps = 50
"""


def frame(folder: Path, exp) -> object:
    cols = ["run_id", *exp.outcomes, *(f"series_{k}" for k in exp.series), "error"]
    return load_results(folder).sort_values("run_id").reset_index(drop=True)[cols]


def batch(tmp_path: Path, name: str, text: str, **kwargs):
    path = tmp_path / f"{name}.toml"
    path.write_text(text)
    exp = load_experiment(path)
    run_batch(exp, tmp_path / name, progress=False, **kwargs)
    return exp, frame(tmp_path / name, exp)


def test_a_batch_reusing_districts_equals_one_building_every_run(tmp_path):
    text = EXPERIMENT.format(scenario="default", residents=1200)
    exp, scratch = batch(tmp_path, "scratch", text, executor="serial", reuse=False)
    _, reused = batch(tmp_path, "reused", text, executor="serial")
    assert scratch["error"].isna().all() and len(scratch) == 3 * 2 * 2 * 3
    assert scratch.equals(reused)
    _, pool = batch(tmp_path, "pool", text, executor="processes", workers=2)
    assert scratch.equals(pool)


def test_dask_workers_reuse_districts_with_the_same_results(tmp_path):
    pytest.importorskip("distributed")
    text = EXPERIMENT.format(scenario="default", residents=600).replace("replicates = 3", "replicates = 2")
    _, scratch = batch(tmp_path, "scratch", text, executor="serial", reuse=False)
    _, dask = batch(tmp_path, "dask", text, executor="dask", workers=2)
    assert scratch.equals(dask)


def test_a_structure_file_batch_reuses_its_district_too(tmp_path):
    from coop_agents.cli import main

    assert main(["district", "template", "--out", str(tmp_path / "d.xlsx")]) == 0
    (tmp_path / "sc.toml").write_text('name = "sc"\nstructure = "d.xlsx"\n[parameters]\nsteps = 40\n')
    text = EXPERIMENT.format(scenario="sc.toml", residents=4800).replace("replicates = 3", "replicates = 2")
    _, scratch = batch(tmp_path, "scratch", text, executor="serial", reuse=False)
    _, reused = batch(tmp_path, "reused", text, executor="serial")
    assert scratch.equals(reused)


def fingerprint(d) -> str:
    h = hashlib.sha256()
    for a in (
        d.community,
        d.vulnerable,
        d.party_member,
        d.contacts.indptr,
        d.contacts.indices,
        d.contacts.data,
        d.boundary,
    ):
        h.update(np.ascontiguousarray(a).tobytes())
    h.update(repr([(n, sorted(x.items())) for n, x in d.graph.nodes(data=True)]).encode())
    h.update(repr([(u, v, sorted(x.items())) for u, v, x in d.graph.edges(data=True)]).encode())
    h.update(repr([list(d.graph.adj[n]) for n in d.graph]).encode())
    return h.hexdigest()


def run_all(model) -> tuple:
    out = model.run()
    s = model.series
    return out, {k: np.asarray(v[: s.n]).tolist() for k, v in s.data.items()}


def equal(a, b) -> bool:
    (oa, sa), (ob, sb) = a, b
    return (
        set(oa) == set(ob)
        and all(oa[k] == ob[k] or (math.isnan(oa[k]) and math.isnan(ob[k])) for k in oa)
        and sa == sb
    )


@pytest.mark.parametrize(
    "pattern, levers",
    [
        ("siloed", {}),
        ("full_cycle", {"vertical_latency": 5.0}),
        ("platform", {"horizontal_links": 1.0, "platform_latency": 0.5}),
    ],
)
def test_a_model_on_a_shared_district_is_the_model_built_from_scratch(pattern, levers):
    small = dict(residents=2400, street_offices=2, communities_per_street=4, steps=60, run_until="steps")
    config, sc, _ = resolve("default", pattern, **small, **levers)
    district = district_for(config, None, make_streams(7)["network"])
    before = fingerprint(district)
    for _ in range(2):  # the same district twice: nothing of a run is left in it
        shared = run_all(
            CoordinationModel("default", pattern, 7, graph=district, resident_agents=False, **small, **levers)
        )
        assert equal(shared, run_all(CoordinationModel("default", pattern, 7, **small, **levers)))
    assert fingerprint(district) == before


def test_a_listed_district_is_shared_across_seeds(tmp_path):
    g = build_district(
        DistrictSpec(residents=600, street_offices=1, communities_per_street=3), np.random.default_rng(2)
    )
    for _, _, d in g.edges(data=True):
        d.pop("rank", None)
    nx.write_graphml(g, tmp_path / "listed.graphml")
    (tmp_path / "sc.toml").write_text(
        'name = "listed"\nstructure = "listed.graphml"\n[parameters]\nsteps = 30\n'
    )
    specs = []
    from coop_agents.experiments.design import RunSpec

    for seed in (1, 2):
        for pattern in ("siloed", "full_cycle"):
            specs.append(
                RunSpec(
                    f"{pattern}:{seed}", 0, pattern, seed, seed, str(tmp_path / "sc.toml"), pattern, {}, {}
                )
            )
    worker._DISTRICTS.clear()
    districts = [worker.district_of(s) for s in specs]
    assert all(d is districts[0] for d in districts)  # no draws: one district for every seed
    rows = worker.run_chunk(specs, ["harm", "messages"])
    again = worker.run_chunk(specs, ["harm", "messages"], reuse=False)
    assert [(r["harm"], r["messages"]) for r in rows] == [(r["harm"], r["messages"]) for r in again]


def test_the_worker_keeps_one_district_per_seed_and_district():
    from coop_agents.experiments.design import RunSpec

    worker._DISTRICTS.clear()
    spec = lambda seed, pattern, **o: RunSpec(
        "x",
        0,
        "a",
        0,
        seed,
        "default",
        pattern,  # noqa: E731
        {"residents": 600, **o},
        {},
    )
    a = worker.district_of(spec(1, "siloed"))
    assert worker.district_of(spec(1, "full_cycle", vertical_latency=4.0)) is a  # levers: the same district
    assert worker.district_of(spec(2, "siloed")) is not a
    assert worker.district_of(spec(1, "siloed", cross_community_ties=0.2)) is not a
    assert len(worker._DISTRICTS) == 3
    for k in range(worker.KEEP_DISTRICTS + 2):
        worker.district_of(spec(100 + k, "siloed"))
    assert len(worker._DISTRICTS) == worker.KEEP_DISTRICTS
