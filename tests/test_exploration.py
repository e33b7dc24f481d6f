"""Exploration: scenario discovery, robustness, optimisation under a budget, calibration.

Discovery and robustness are checked on planted data (a box, regrets known by construction) and
on a tiny batch; optimisation and calibration on a tiny district (200 and 600 residents), seeded.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from coop_agents.cli import main
from coop_agents.errors import CoopError
from coop_agents.experiments import experiment_from_dict, replicate_seeds, run_batch
from coop_agents.exploration import (
    calibrate,
    discover,
    load_costs,
    optimise,
    robustness,
    simulate_observations,
)
from coop_agents.exploration._common import Progress
from coop_agents.exploration.calibration import parse_parameters, read_observations
from coop_agents.exploration.optimisation import OptimiseInterrupted
from coop_agents.model import run_once
from coop_agents.scenarios import load_scenario

TINY = {"residents": 200, "street_offices": 1, "communities_per_street": 2}


# ------------------------------------------------------------------------------------ fixtures


def _runs(frame: pd.DataFrame) -> pd.DataFrame:
    """Id columns of a results table around ``frame`` (one run per row)."""
    n = len(frame)
    ids = pd.DataFrame(
        {
            "run_id": [f"{i}:0" for i in range(n)],
            "arm_id": range(n),
            "arm": "a",
            "replicate": 0,
            "seed": 1,
            "scenario": "default",
            "error": None,
        }
    )
    return pd.concat([ids, frame.reset_index(drop=True)], axis=1)


@pytest.fixture(scope="module")
def planted():
    """400 runs; harm is high exactly where vertical_latency > 1.6 and monitoring_coverage < 0.35."""
    rng = np.random.default_rng(3)
    n = 400
    x = pd.DataFrame(
        {
            "pattern": rng.choice(["siloed", "platform"], n),
            "vertical_latency": rng.uniform(0.25, 4.0, n),
            "monitoring_coverage": rng.uniform(0.1, 0.8, n),
            "initial_cases": rng.integers(1, 21, n),
        }
    )
    inside = (x["vertical_latency"] > 1.6) & (x["monitoring_coverage"] < 0.35)
    x["harm"] = np.where(inside, 400.0, 100.0) + rng.normal(0, 30, n)
    x["mean_trust"] = np.where(inside, 0.3, 0.7) + rng.normal(0, 0.02, n)
    return _runs(x), inside.to_numpy()


@pytest.fixture(scope="module")
def tiny_results(tmp_path_factory):
    """A real batch: two patterns on 8 sampled scenarios, 2 paired replicates (32 runs)."""
    out = tmp_path_factory.mktemp("explore") / "tiny"
    exp = experiment_from_dict(
        {
            "name": "tiny",
            "seed": 4,
            "replicates": 2,
            "outcomes": ["harm", "unmet_need_days", "days_normal"],
            "design": {"kind": "lhs", "samples": 8},
            "levers": {"pattern": ["siloed", "full_cycle"]},
            "uncertainties": {
                "transmission": {"low": 0.04, "high": 0.14},
                "initial_cases": {"low": 1, "high": 10},
                **TINY,
            },
        }
    )
    run_batch(exp, out, executor="serial", progress=False)
    return out


@pytest.fixture(scope="module")
def tiny_scenario(tmp_path_factory):
    path = tmp_path_factory.mktemp("scenario") / "tiny.toml"
    path.write_text('name = "tiny"\n[parameters]\n' + "".join(f"{k} = {v}\n" for k, v in TINY.items()))
    return str(path)


# ------------------------------------------------------------------------------------ discover


def test_discovery_recovers_a_planted_box(planted):
    runs, inside = planted
    d = discover(runs, "harm", threshold=250)
    assert d.side == "above" and d.n_cases == int(inside.sum())
    limits = d.limits.set_index("factor")
    assert set(limits.index) == {"vertical_latency", "monitoring_coverage"}  # not the pattern nor the cases
    assert limits.loc["vertical_latency", "low"] == pytest.approx(1.6, abs=0.25)
    assert limits.loc["monitoring_coverage", "high"] == pytest.approx(0.35, abs=0.05)
    box = d.box()
    assert box["density"] >= 0.9 and box["coverage"] >= 0.8
    # The words say the same limits, in both languages, with the density and coverage of the box.
    en, zh = d.sentence("en"), d.sentence("zh")
    assert (
        "vertical_latency >" in en and "monitoring_coverage <" in en and f"{100 * box['density']:.0f}%" in en
    )
    assert "纵向层级时延高于" in zh and "网格覆盖率低于" in zh and f"{100 * box['coverage']:.0f}%" in zh


def test_the_trajectory_trades_coverage_for_density(planted):
    d = discover(planted[0], "harm", threshold=250)
    peeled = d.trajectory.iloc[: d.origin + 1 if d.origin is not None else d.chosen + 1]
    assert peeled["coverage"].iloc[0] == 1 and peeled["mass"].iloc[0] == 1
    assert (np.diff(peeled["mass"]) <= 1e-12).all()  # each peel keeps fewer runs
    assert peeled["density"].iloc[-1] > peeled["density"].iloc[0]


def test_worse_follows_the_registry_direction(planted):
    runs, _ = planted
    d = discover(runs, "mean_trust", worse_than=0.8)  # higher trust is better: the worst are the lowest
    assert d.side == "below"
    y = runs["mean_trust"]
    assert d.threshold == pytest.approx(np.quantile(y, 0.2))
    assert d.n_cases == int((y < d.threshold).sum())
    assert "below" in d.sentence("en") and "低于" in d.sentence("zh")


def test_cart_leaves_partition_the_runs(planted):
    runs, _ = planted
    d = discover(runs, "harm", threshold=250)
    assert d.cart["n"].sum() == len(runs)
    assert d.cart["coverage"].sum() == pytest.approx(1.0)
    top = d.cart.iloc[0]
    assert (
        top["density"] > 0.9
        and "vertical_latency" in top["rule_en"]
        and "monitoring_coverage" in top["rule_en"]
    )


def test_discovery_writes_tables_and_figures(planted, tmp_path):
    d = discover(planted[0], "harm", threshold=250)
    paths = d.write(tmp_path)
    for name in (
        "tradeoff.png",
        "tradeoff.svg",
        "box.png",
        "box.svg",
        "cart.png",
        "trajectory.csv",
        "box.csv",
    ):
        assert (tmp_path / name).stat().st_size > 0, name
    assert len(pd.read_csv(tmp_path / "trajectory.csv")) == len(d.trajectory)
    assert tmp_path / "discover.md" in paths


def test_discovery_of_one_arm_of_a_batch(tiny_results):
    d = discover(tiny_results, "harm", arm="pattern=siloed")
    assert d.n_runs == 16 and "pattern" not in d.factors
    assert set(d.factors) == {"transmission", "initial_cases"}
    assert d.sentence("en").startswith("With pattern = siloed")


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"outcome": "response_delay"}, "not in"),
        ({"outcome": "harm", "threshold": 1e9}, "no run is above it"),
        ({"outcome": "harm", "worse_than": 1.5}, "between 0 and 1"),
        ({"outcome": "harm", "arm": "pattern=command"}, "no run has pattern = command"),
        ({"outcome": "days_normal"}, "no better direction"),
    ],
)
def test_discovery_refuses_bad_input_in_one_line(tiny_results, kwargs, words):
    with pytest.raises(CoopError, match=words) as err:
        discover(tiny_results, **kwargs)
    assert "\n" not in str(err.value)


# -------------------------------------------------------------------------------------- robust


def _cube(values: dict[str, list[list[float]]], outcome: str = "harm") -> pd.DataFrame:
    """Runs of policies (patterns) x scenarios (transmission) x replicates from {policy: [[...]]}."""
    rows = []
    for p, per_scenario in values.items():
        for s, reps in enumerate(per_scenario):
            for k, v in enumerate(reps):
                rows.append({"pattern": p, "transmission": 0.05 + 0.01 * s, "replicate": k, outcome: v})
    df = pd.DataFrame(rows)
    df.insert(0, "run_id", [f"{i}" for i in range(len(df))])
    df.insert(1, "arm_id", df.groupby(["pattern", "transmission"]).ngroup())
    return df.assign(arm="a", seed=1, scenario="default", error=None)


def test_regret_is_against_the_best_policy_of_each_scenario():
    # Scenario means: A 10, 20, 30; B 12, 15, 30; C 20, 40, 25.
    data = {
        "A": [[9, 11], [19, 21], [29, 31]],
        "B": [[11, 13], [14, 16], [29, 31]],
        "C": [[19, 21], [39, 41], [24, 26]],
    }
    r = robustness(_cube(data), "harm", satisfice=21)
    t = r.table.set_index("policy")
    # Regrets: A 0, 5, 5; B 2, 0, 5; C 10, 25, 0.
    assert t.loc["A", "mean_regret"] == pytest.approx(10 / 3)
    assert t.loc["B", "mean_regret"] == pytest.approx(7 / 3)
    assert t.loc["C", "max_regret"] == pytest.approx(25)
    assert t.loc["A", "p90_regret"] == pytest.approx(np.quantile([0, 5, 5], 0.9))
    assert list(r.table["policy"]) == ["B", "A", "C"] and list(r.table["rank"]) == [1, 2, 3]
    assert t.loc["A", "satisficing"] == pytest.approx(2 / 3)  # 10 and 20 meet 21, 30 does not
    assert t.loc["C", "satisficing"] == pytest.approx(1 / 3)
    assert r.n_scenarios == 3 and r.n_replicates == 2


def test_regret_of_an_outcome_where_higher_is_better():
    data = {"A": [[0.5, 0.5], [0.9, 0.9]], "B": [[0.7, 0.7], [0.6, 0.6]]}
    r = robustness(_cube(data, "mean_trust"), "mean_trust", satisfice=0.65)
    t = r.table.set_index("policy")
    assert t.loc["A", "mean_regret"] == pytest.approx(0.1) and t.loc["B", "mean_regret"] == pytest.approx(
        0.15
    )
    assert t.loc["A", "satisficing"] == pytest.approx(0.5) and t.loc["B", "satisficing"] == pytest.approx(0.5)


def test_pairing_by_replicate_removes_what_every_policy_shares():
    # Every replicate moves every policy alike (a bad seed is bad for all); B is always 5 worse.
    rng = np.random.default_rng(0)
    shared = rng.normal(0, 100, (6, 8))
    data = {"A": (100 + shared).tolist(), "B": (105 + shared).tolist()}
    r = robustness(_cube(data), "harm")
    t = r.table.set_index("policy")
    assert t.loc["B", "mean_regret"] == pytest.approx(5)
    assert t.loc["B", "regret_ci_low"] == pytest.approx(5) and t.loc["B", "regret_ci_high"] == pytest.approx(
        5
    )
    assert t.loc["A", "p_best"] == 1.0 and (t.loc["A", "rank_low"], t.loc["A", "rank_high"]) == (1, 1)


def test_robustness_of_a_batch_and_its_figure(tiny_results, tmp_path):
    r = robustness(tiny_results)
    assert r.outcome == "harm" and r.policies == ["pattern"]
    assert set(r.table["policy"]) == {"siloed", "full_cycle"} and r.n_scenarios == 8
    assert (r.per_scenario["regret"] >= 0).all()
    assert r.per_scenario.groupby("scenario")["regret"].min().eq(0).all()  # someone is best everywhere
    r.write(tmp_path)
    assert (tmp_path / "robust.png").stat().st_size > 0 and (tmp_path / "robust.svg").stat().st_size > 0


def test_robustness_refuses_bad_input_in_one_line(tiny_results):
    with pytest.raises(CoopError, match="no better direction"):
        robustness(tiny_results, "days_normal")
    with pytest.raises(CoopError, match="outside the data"):
        robustness(tiny_results, "harm", satisfice=-5)
    no_policy = _cube({"A": [[1, 2], [3, 4]]}).assign(pattern="A")
    with pytest.raises(CoopError, match="crossed lever"):
        robustness(no_policy, "harm")


# ------------------------------------------------------------------------------------ optimise


def test_the_cost_model_prices_and_repairs_settings():
    m = load_costs()
    assert m.cost({"technology": 0.5, "platform": True}) == pytest.approx(50 + m.levers["platform"].on)
    setting = {"technology": 1.0, "monitoring_coverage": 1.0, "platform": True, "vulnerable_registry": True}
    floor = m.cost(m.cheapest(list(setting)))
    for budget in (floor, floor + 20, floor + 100, m.cost(setting)):
        fixed = m.repair(setting, budget)
        assert m.cost(fixed) <= budget + 1e-9
        assert all(m.levers[k].cost(fixed[k]) <= m.levers[k].cost(setting[k]) + 1e-9 for k in setting)
    assert m.repair(setting, m.cost(setting)) == setting
    for name, lever in m.levers.items():  # every setting a number in [0, 1] stands for encodes back to it
        for u in np.linspace(0, 1, 7):
            v = lever.decode(u)
            assert lever.decode(lever.encode(v)) == v, name


@pytest.mark.parametrize(
    "text, words",
    [
        ("[levers.transmission]\nper_unit = 1\n", "not a lever"),
        ("[levers.technology]\nper_unit = -1\n", "at least 0"),
        ("[levers.resource_pooling]\nchoices = { nowhere = 1 }\n", "not one of"),
        ("[levers.technology]\nper_unit = 1\nlow = 0.8\nhigh = 0.2\n", "must be below"),
    ],
)
def test_a_bad_cost_file_is_refused_in_one_line(tmp_path, text, words):
    path = tmp_path / "costs.toml"
    path.write_text(text)
    with pytest.raises(CoopError, match=words):
        load_costs(path)


def test_a_budget_below_the_cheapest_setting_is_refused(tiny_scenario, tmp_path):
    with pytest.raises(CoopError, match="below the cheapest setting") as err:
        optimise(tiny_scenario, budget=5, levers=["technology", "monitoring_coverage"], out=tmp_path / "o")
    assert "technology 0.1" in str(err.value)


OPT = {
    "budget": 120,
    "objectives": ["harm", "unmet_need_days"],
    "levers": ["technology", "platform"],
    "evaluations": 18,
    "replicates": 2,
    "population": 6,
    "executor": "serial",
    "progress": False,
}


def test_optimise_gives_a_front_within_budget_on_paired_seeds(tiny_scenario, tmp_path):
    o = optimise(tiny_scenario, out=tmp_path / "o", **OPT)
    ev = o.evaluations
    assert len(ev) >= 6 and (ev["cost"] <= OPT["budget"] + 1e-9).all()
    m = ev[["cost", "harm", "unmet_need_days"]].to_numpy(float)
    for row in o.front[["cost", "harm", "unmet_need_days"]].to_numpy(
        float
    ):  # nothing evaluated beats a front plan
        assert not (np.all(m <= row, axis=1) & np.any(m < row, axis=1)).any()
    plan = o.front.iloc[-1]
    seeds = replicate_seeds(0, 2)
    runs = [
        run_once(
            tiny_scenario, "siloed", s, technology=float(plan["technology"]), platform=bool(plan["platform"])
        )
        for s in seeds
    ]
    assert plan["harm"] == pytest.approx(np.mean([r["harm"] for r in runs]))
    assert o.front["cost"].min() == pytest.approx(load_costs().cost({"technology": 0.1, "platform": False}))
    assert set(o.investments["lever"]) == {"technology", "platform"}
    o.write()
    assert (tmp_path / "o" / "front.png").stat().st_size > 0 and (tmp_path / "o" / "front.csv").exists()


def test_an_interrupted_optimisation_resumes_to_the_same_result(tiny_scenario, tmp_path):
    whole = optimise(tiny_scenario, out=tmp_path / "whole", **OPT)

    def stop(done, total):
        if done == 8:  # in the second generation, after its new candidates were saved
            raise KeyboardInterrupt

    with pytest.raises(OptimiseInterrupted, match="run the same command again"):
        optimise(tiny_scenario, out=tmp_path / "cut", on_evaluation=stop, **OPT)
    saved = (tmp_path / "cut" / "evaluations.jsonl").read_text().splitlines()
    assert 0 < len(saved) < len(whole.evaluations)
    resumed = optimise(tiny_scenario, out=tmp_path / "cut", **OPT)
    assert resumed.ran < whole.ran  # the saved candidates did not run again
    pd.testing.assert_frame_equal(resumed.evaluations, whole.evaluations)
    again = optimise(tiny_scenario, out=tmp_path / "cut", **OPT)
    assert again.ran == 0
    with pytest.raises(CoopError, match="holds another optimisation"):
        optimise(tiny_scenario, out=tmp_path / "cut", **{**OPT, "budget": 150})


# ----------------------------------------------------------------------------------- calibrate


def _csv(tmp_path, text: str):
    path = tmp_path / "obs.csv"
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    "text, words",
    [
        ("day,community\n1,0\n", "no column new_detected"),
        ("day,community,new_detected\n1,0,3\n2,0,\n", "line 3 has no new_detected"),
        ("day,community,new_detected\n1,0,3\n2,0,-1\n", "negative count"),
        ("day,community,new_detected\n1,0,3\n2,0,1.5\n", "not a whole number"),
        ("day,community,new_detected\n1,0,3\n3,0,1\n", "no count for community 0 on day 2"),
        ("day,community,new_detected\n1,0,3\n1,0,1\n", "two rows for day 1"),
    ],
)
def test_observed_counts_are_checked(tmp_path, text, words):
    with pytest.raises(CoopError, match=words) as err:
        read_observations(_csv(tmp_path, text))
    assert "\n" not in str(err.value)


@pytest.mark.parametrize(
    "text, words",
    [
        ("vertical_latency", "a lever, not an uncertainty"),
        ("residents", "structure"),
        ("nothing", "not a parameter"),
        ("shock_intensity", "no default range"),
        ("transmission=0.5:0.1", "low below high"),
    ],
)
def test_only_uncertainties_with_a_range_can_be_fitted(text, words):
    with pytest.raises(CoopError, match=words):
        parse_parameters(text)
    assert parse_parameters("transmission,initial_cases=2:9") == {
        "transmission": (0.02, 0.15),
        "initial_cases": (2.0, 9.0),
    }


def test_a_community_outside_the_district_is_refused(tmp_path):
    path = _csv(tmp_path, "day,community,new_detected\n1,40,3\n")
    with pytest.raises(CoopError, match="community 40 is not in the district"):
        calibrate("default", path, out=tmp_path / "c")


def test_calibration_recovers_known_values_and_resumes(tmp_path):
    """Synthetic truth: counts of one run with known transmission and initial cases are fitted back."""
    scenario = tmp_path / "small.toml"
    scenario.write_text(
        'name = "small"\n[parameters]\nresidents = 600\nstreet_offices = 1\ncommunities_per_street = 3\n'
    )
    truth = {"transmission": 0.12, "initial_cases": 5}
    obs = simulate_observations(str(scenario), "siloed", seed=1, days=40, **truth)
    data = tmp_path / "observed.csv"
    obs.to_csv(data, index=False)
    priors = {"transmission": (0.02, 0.2), "initial_cases": (1, 15)}
    settings = {"out": tmp_path / "fit", "population": 20, "seed": 0, "progress": False, "draws": 10}
    first = calibrate(str(scenario), data, priors, generations=2, **settings)
    fit = calibrate(str(scenario), data, priors, generations=3, **settings)  # resumes: one generation more
    assert list(fit.generations["t"]) == [0, 1, 2]
    pd.testing.assert_frame_equal(fit.generations.iloc[:2], first.generations)
    post = fit.posterior.set_index("parameter")
    for name, value in truth.items():
        assert post.loc[name, "low"] <= value <= post.loc[name, "high"], (name, post.loc[name].to_dict())
    lo, hi = priors["transmission"]
    assert post.loc["transmission", "high"] - post.loc["transmission", "low"] < 0.7 * (hi - lo)  # it learned
    fitted = load_scenario(fit.scenario_file)
    assert fitted.parameters["transmission"] == pytest.approx(post.loc["transmission", "median"], rel=1e-3)
    assert fitted.parameters["residents"] == 600 and isinstance(fitted.parameters["initial_cases"], int)
    assert 0 <= fit.coverage <= 1 and len(fit.predictive) == 40
    assert (fit.predictive["low"] <= fit.predictive["high"]).all()


# ---------------------------------------------------------------------------- command line


def test_the_commands_print_their_findings_and_write_figures(tiny_results, capsys, tmp_path):
    assert main(["robust", str(tiny_results), "--out", str(tmp_path / "r")]) == 0
    out = capsys.readouterr().out
    best = robustness(tiny_results).table["policy"].iloc[0]
    assert f"   1  {best}" in out and (tmp_path / "r" / "robust.svg").exists()
    assert (
        main(
            [
                "discover",
                str(tiny_results),
                "--outcome",
                "harm",
                "--arm",
                "siloed",
                "--out",
                str(tmp_path / "d"),
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert discover(tiny_results, "harm", arm="siloed").sentence("en") in out
    assert "PRIM peeling trajectory" in out and "CART" in out and (tmp_path / "d" / "box.png").exists()


@pytest.mark.parametrize(
    "argv, words",
    [
        (["discover", "{results}", "--outcome", "nope"], "--outcome nope: not in"),
        (["robust", "{results}", "--satisfice", "1e9"], "--satisfice"),
        (["optimise", "--budget", "1"], "below the cheapest setting"),
        (["optimise", "--budget", "100", "--levers", "transmission"], "(an uncertainty), not a lever"),
        (["calibrate", "--data", "{missing}"], "no such file"),
        (
            ["calibrate", "--data", "{missing}", "--parameters", "vertical_latency"],
            "a lever, not an uncertainty",
        ),
    ],
)
def test_bad_input_ends_with_one_line(tiny_results, capsys, tmp_path, argv, words):
    argv = [a.format(results=tiny_results, missing=tmp_path / "none.csv") for a in argv]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert words in err and "\n" not in err


def test_progress_off_a_terminal_is_a_line_every_few_seconds():
    now = [0.0]
    stream = io.StringIO()
    bar = Progress(10, "evaluations", stream=stream, interval=5.0, clock=lambda: now[0])
    for _ in range(4):
        now[0] += 1.0
        bar.update(1)
    assert stream.getvalue().count("\n") == 1  # the first line only: 4 s have passed
    now[0] += 1.5
    bar.update(1)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2 and lines[-1].startswith("evaluations: 5/10 (50%)")
    bar.close()
    assert stream.getvalue().splitlines()[-1].startswith("evaluations: 5/10")


def test_the_shipped_cost_file_prices_levers_only_and_says_what_each_buys():
    from coop_agents.config import PARAMETERS

    m = load_costs()
    assert m.unit and m.unit_zh
    assert all(PARAMETERS[k].role == "lever" and m.notes[k] for k in m.levers)


# ------------------------------------------------------------------------- shared pieces


def test_output_folder_refuses_a_blank_name_and_a_file(tmp_path):
    from coop_agents.exploration._common import output_folder

    with pytest.raises(CoopError, match="expected a folder name"):
        output_folder("  ")
    taken = tmp_path / "taken"
    taken.write_text("x", encoding="utf-8")
    with pytest.raises(CoopError, match="not a folder"):
        output_folder(taken)
    assert output_folder(tmp_path / "new" / "deeper").is_dir()


def test_an_analysis_writes_its_tables_and_report_where_asked_or_where_it_ran(tmp_path):
    from coop_agents.exploration._common import write_outputs

    with pytest.raises(CoopError, match="no folder to write to"):
        write_outputs(None, None, {}, "report.md", "")
    table = pd.DataFrame({"x": [1, 2]})
    folder, paths = write_outputs(None, tmp_path / "ran", {"t.csv": table}, "report.md", "# r\n")
    assert folder == tmp_path / "ran"
    assert [p.name for p in paths] == ["t.csv", "report.md"]
    assert (folder / "t.csv").read_text(encoding="utf-8") == "x\n1\n2\n"
    folder, _ = write_outputs(tmp_path / "asked", tmp_path / "ran", {"t.csv": table}, "report.md", "")
    assert folder == tmp_path / "asked" and (folder / "report.md").exists()


def test_an_interrupted_search_ends_with_status_130_and_says_what_is_saved(capsys):
    from coop_agents.exploration.cli import _finish

    def stopped():
        raise OptimiseInterrupted("interrupted: 3 candidates are saved")

    assert _finish(stopped, OptimiseInterrupted) == 130
    captured = capsys.readouterr()
    assert "coop-agents: interrupted: 3 candidates are saved" in captured.err
    assert captured.out == ""


def test_the_analyses_stay_functions_after_every_submodule_is_imported():
    """Importing a submodule sets the package's attribute of its name to the module (the command
    line imports them before the package's names are asked for), so a subpackage named like an
    analysis would hide its function. A fresh interpreter: in this one the names are cached."""
    import subprocess
    import sys

    check = """
import importlib, inspect, pkgutil
import coop_agents.exploration as exploration
names = [m.name for m in pkgutil.walk_packages(exploration.__path__, exploration.__name__ + ".")]
for name in names:
    importlib.import_module(name)
assert "coop_agents.exploration.cli" in names and len(names) > 20, names
from coop_agents.exploration import calibrate, discover, optimise, robustness
for f in (calibrate, discover, optimise, robustness):
    assert inspect.isfunction(f), f
for name in exploration.__all__:
    assert not inspect.ismodule(getattr(exploration, name)), name
print("ok", len(names))
"""
    done = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.startswith("ok"), done.stderr[-2000:]
