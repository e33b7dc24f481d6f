"""Preset and user patterns and scenarios (TOML), and running from TOML paths."""

from __future__ import annotations

import math
import re

import networkx as nx
import numpy as np
import pytest

import coop_agents
from coop_agents.config import ACTIONS, PARAMETERS, make_config
from coop_agents.errors import ConfigError
from coop_agents.model import resolve
from coop_agents.network import DistrictSpec, build_district
from coop_agents.patterns import ORDER, Pattern, load_pattern, preset_names
from coop_agents.scenarios import Scenario, load_scenario, preset_scenarios

CJK = re.compile(r"[\u4e00-\u9fff]")
PATTERNS = list(ORDER)
SCENARIOS = [
    "default",
    "chemical_leak",
    "citywide_rainstorm",
    "flood_during_epidemic",
    "heatwave",
    "old_urban_epidemic",
    "recurring",
    "rural_flood",
    "urban_district",
]
SMALL = {"residents": 600, "steps": 10}


def one_line(exc: pytest.ExceptionInfo) -> str:
    msg = str(exc.value)
    assert msg and "\n" not in msg, f"not one line: {msg!r}"
    return msg


def write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def same(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all((math.isnan(a[k]) and math.isnan(b[k])) or a[k] == b[k] for k in a)


# ------------------------------------------------------------------------------- presets


def test_preset_pattern_names_in_design_order():
    assert preset_names() == PATTERNS


@pytest.mark.parametrize("name", PATTERNS)
def test_every_preset_pattern_loads_with_valid_levers(name):
    pat = load_pattern(name)
    assert isinstance(pat, Pattern)
    assert pat.name == name
    assert pat.label_en and CJK.search(pat.label_zh)
    assert pat.description and CJK.search(pat.description_zh)
    assert pat.levers, f"{name} sets no levers"
    for key, value in pat.levers.items():
        assert PARAMETERS[key].role == "lever"
        assert PARAMETERS[key].coerce(value) == value
    cfg = make_config(pat.levers)
    for key, value in pat.levers.items():
        assert getattr(cfg, key) == value


def test_preset_patterns_are_distinct():
    levers = [tuple(sorted(load_pattern(n).levers.items())) for n in PATTERNS]
    assert len(set(levers)) == len(levers)


def test_no_response_switches_every_action_off_and_others_keep_them_on():
    cfg = make_config(load_pattern("no_response").levers)
    assert not any(getattr(cfg, a) for a in ACTIONS)
    for name in PATTERNS[1:]:
        cfg = make_config(load_pattern(name).levers)
        assert all(getattr(cfg, a) for a in ACTIONS), name


def test_preset_patterns_differ_as_designed():
    lv = {n: make_config(load_pattern(n).levers) for n in PATTERNS}
    assert lv["siloed"].horizontal_links == 0 and lv["siloed"].authority == "district"
    assert lv["command"].command and lv["command"].resource_pooling == "central"
    assert lv["platform"].platform
    assert lv["party_led"].party_overlay
    assert lv["co_governance"].authority == "committee"
    assert lv["full_cycle"].delegated_emergency_powers and lv["full_cycle"].platform


def test_preset_scenario_names_default_first():
    names = list(preset_scenarios())
    assert names[0] == "default"
    assert sorted(names) == sorted(SCENARIOS)


@pytest.mark.parametrize("name", SCENARIOS)
def test_every_preset_scenario_loads_and_combines_with_every_pattern(name):
    sc = load_scenario(name)
    assert isinstance(sc, Scenario)
    assert sc.name == name
    assert sc.title_en and CJK.search(sc.title_zh) and sc.description
    assert sc.structure is None
    assert all(PARAMETERS[k].role == "scenario" for k in sc.parameters)
    assert sc.parameters["hazard"] in ("contagion", "shock")
    for pattern in PATTERNS:
        cfg, sc2, pat = resolve(name, pattern)
        assert sc2 is sc and pat.name == pattern
        assert cfg.residents == sc.parameters.get("residents", PARAMETERS["residents"].default)
        assert cfg.residents >= 10 * cfg.street_offices * cfg.communities_per_street


@pytest.mark.parametrize("name", SCENARIOS)
def test_every_preset_scenario_runs_small(name):
    """Every preset runs under no response and full-cycle governance on the same seed; governance
    never harms more residents than doing nothing in a small district."""
    small = dict(residents=600, street_offices=1, communities_per_street=3)
    none = coop_agents.run_once(name, "no_response", seed=2, **small)
    full = coop_agents.run_once(name, "full_cycle", seed=2, **small)
    assert none["harm"] > 0 or none["prevented"] == 1, "the scenario's hazard harms someone"
    assert full["harm"] <= none["harm"]
    assert 0 <= full["peak_prevalence"] <= 1


def test_unknown_preset_names_are_refused_listing_allowed():
    with pytest.raises(ConfigError) as exc:
        load_pattern("nope")
    msg = one_line(exc)
    assert "'nope'" in msg and all(n in msg for n in PATTERNS)
    with pytest.raises(ConfigError) as exc:
        load_scenario("atlantis")
    msg = one_line(exc)
    assert "'atlantis'" in msg and all(n in msg for n in SCENARIOS)


def test_objects_pass_through_unchanged():
    pat = load_pattern("platform")
    sc = load_scenario("default")
    assert load_pattern(pat) is pat
    assert load_scenario(sc) is sc


# ------------------------------------------------------------------------------- user patterns


USER = """\
name = "my_platform"
label_en = "My platform"
label_zh = "我的平台"
description = "Platform with committee authority."
based_on = "platform"

[levers]
authority = "committee"
"""


def test_user_pattern_based_on_a_preset_keeps_its_other_levers(tmp_path):
    pat = load_pattern(write(tmp_path, "mine.toml", USER))
    base = load_pattern("platform")
    assert pat.name == "my_platform" and pat.label_zh == "我的平台"
    assert pat.levers["authority"] == "committee"
    assert base.levers["authority"] == "street"  # the preset is untouched
    assert pat.levers == {**base.levers, "authority": "committee"}
    cfg = make_config(pat.levers)
    assert cfg.platform and cfg.technology == 0.7 and cfg.authority == "committee"


def test_user_pattern_accepts_a_string_path(tmp_path):
    path = write(tmp_path, "mine.toml", USER)
    assert load_pattern(str(path)).levers == load_pattern(path).levers


def test_user_pattern_without_based_on_starts_from_defaults(tmp_path):
    pat = load_pattern(write(tmp_path, "plain.toml", 'name = "plain"\n[levers]\nhorizontal_links = 0.9\n'))
    assert pat.levers == {"horizontal_links": 0.9}
    assert pat.label_en == "plain"
    cfg = make_config(pat.levers)
    assert cfg.platform is PARAMETERS["platform"].default


def test_user_pattern_values_are_coerced(tmp_path):
    pat = load_pattern(write(tmp_path, "c.toml", 'name = "c"\n[levers]\nclear_days = 3.0\nplatform = 1\n'))
    assert pat.levers == {"clear_days": 3, "platform": True}
    assert type(pat.levers["clear_days"]) is int


@pytest.mark.parametrize(
    "text, needle",
    [
        ('name = "x"\n[levers]\nwarp_drive = 1.0\n', "'warp_drive'"),
        ('name = "x"\n[levers]\nresidents = 1000\n', "'residents'"),
        ('name = "x"\n[levers]\ntransmission = 0.5\n', "'transmission'"),
        ('name = "x"\n[levers]\nhorizontal_links = 1.5\n', "horizontal_links=1.5"),
        ('name = "x"\n[levers]\nauthority = "mayor"\n', "authority='mayor'"),
        ('name = "x"\ncolour = "red"\n[levers]\nplatform = true\n', "'colour'"),
        ('name = "x"\n[parameters]\nresidents = 600\n', "'parameters'"),
        ('name = "x"\nlevers = 3\n', "[levers]"),
        ('label_en = "nameless"\n[levers]\nplatform = true\n', "needs name"),
        ('name = "x"\nbased_on = "nope"\n', "'nope'"),
        ('name = "x"\n[levers\nplatform = true\n', "malformed TOML"),
        ("name = \n", "malformed TOML"),
    ],
)
def test_bad_user_patterns_raise_one_line_config_errors(tmp_path, text, needle):
    path = write(tmp_path, "bad.toml", text)
    with pytest.raises(ConfigError) as exc:
        load_pattern(path)
    msg = one_line(exc)
    assert needle in msg
    assert "bad.toml" in msg or "'nope'" in msg


def test_scenario_lever_error_says_which_role(tmp_path):
    with pytest.raises(ConfigError) as exc:
        load_pattern(write(tmp_path, "p.toml", 'name = "x"\n[levers]\nresidents = 1000\n'))
    msg = one_line(exc)
    assert "scenario parameter" in msg


def test_user_pattern_based_on_another_user_pattern(tmp_path):
    base = write(tmp_path, "base.toml", USER)
    child = write(
        tmp_path, "child.toml", f'name = "child"\nbased_on = "{base}"\n[levers]\nhorizontal_links = 0.9\n'
    )
    pat = load_pattern(child)
    assert pat.levers == {
        **load_pattern("platform").levers,
        "authority": "committee",
        "horizontal_links": 0.9,
    }


def test_based_on_loop_is_refused_with_one_line(tmp_path):
    a, b = tmp_path / "a.toml", tmp_path / "b.toml"
    write(tmp_path, "a.toml", f'name = "a"\nbased_on = "{b}"\n')
    write(tmp_path, "b.toml", f'name = "b"\nbased_on = "{a}"\n')
    with pytest.raises(ConfigError) as exc:
        load_pattern(a)
    assert "loops" in one_line(exc)


def test_missing_pattern_file(tmp_path):
    with pytest.raises(ConfigError) as exc:
        load_pattern(tmp_path / "absent.toml")
    msg = one_line(exc)
    assert "absent.toml" in msg and "no such file" in msg and "pattern file" in msg


# ------------------------------------------------------------------------------- user scenarios


SCENARIO = """\
name = "tiny"
title_en = "A tiny district"
title_zh = "小辖区"
description = "Small and quick."

[parameters]
hazard = "contagion"
residents = 600
street_offices = 1
communities_per_street = 4
profile = "old_urban"
steps = 10
"""


def test_user_scenario_loads_and_sets_its_parameters(tmp_path):
    sc = load_scenario(write(tmp_path, "tiny.toml", SCENARIO))
    assert sc.name == "tiny" and sc.title_zh == "小辖区"
    assert sc.parameters == {
        "hazard": "contagion",
        "residents": 600,
        "street_offices": 1,
        "communities_per_street": 4,
        "profile": "old_urban",
        "steps": 10,
    }


@pytest.mark.parametrize(
    "text, needle",
    [
        ('name = "s"\n[parameters]\nplatform = true\n', "'platform'"),
        ('name = "s"\n[parameters]\nresidents = 5\n', "residents=5"),
        ('name = "s"\n[levers]\nplatform = true\n', "'levers'"),
        ('name = "s"\nparameters = "all"\n', "[parameters]"),
        ('name = "s"\nstructure = 5\n', "structure"),
        ("[parameters]\nresidents = 600\n", "needs name"),
        ('name = "s"\n[parameters\n', "malformed TOML"),
    ],
)
def test_bad_user_scenarios_raise_one_line_config_errors(tmp_path, text, needle):
    path = write(tmp_path, "bad_scenario.toml", text)
    with pytest.raises(ConfigError) as exc:
        load_scenario(path)
    msg = one_line(exc)
    assert needle in msg and "bad_scenario.toml" in msg


def test_scenario_structure_is_relative_to_the_file_and_used_by_the_model(tmp_path):
    g = build_district(
        DistrictSpec(residents=300, street_offices=1, communities_per_street=3), np.random.default_rng(0)
    )
    sub = tmp_path / "data"
    sub.mkdir()
    nx.write_graphml(g, sub / "mine.graphml")
    path = write(
        sub, "with_structure.toml", 'name = "own"\nstructure = "mine.graphml"\n[parameters]\nsteps = 5\n'
    )
    sc = load_scenario(path)
    assert sc.structure == sub / "mine.graphml"
    model = coop_agents.CoordinationModel(path, "siloed", 0)
    assert model.residents.n == 300  # from the file, not the default 4800
    assert model.n_communities == 3
    assert model.run()["harm"] >= 0


# ------------------------------------------------------------------------------- runs from paths


def test_run_once_with_toml_paths(tmp_path):
    scen = write(tmp_path, "tiny.toml", SCENARIO)
    pat = write(tmp_path, "mine.toml", USER)
    out = coop_agents.run_once(scenario=scen, pattern=pat, seed=0, residents=600, steps=10)
    for key in ("harm", "severe_harm", "peak_prevalence", "messages", "buck_passing_events"):
        assert key in out and isinstance(out[key], float)
    assert out["harm"] >= 0 and 0 <= out["peak_prevalence"] <= 1
    again = coop_agents.run_once(scenario=str(scen), pattern=str(pat), seed=0, residents=600, steps=10)
    assert same(out, again)


def test_a_user_copy_of_a_preset_runs_exactly_like_the_preset(tmp_path):
    copy = write(tmp_path, "copy.toml", 'name = "copy"\nbased_on = "platform"\n')
    a = coop_agents.run_once("default", copy, seed=3, **SMALL)
    b = coop_agents.run_once("default", "platform", seed=3, **SMALL)
    assert same(a, b)


def test_run_once_overrides_apply_last(tmp_path):
    scen = write(tmp_path, "tiny.toml", SCENARIO)
    model = coop_agents.CoordinationModel(scen, "siloed", 0, residents=800, steps=3)
    assert model.config.residents == 800 and model.config.profile == "old_urban"
    model.run()
    assert model.steps == 3
