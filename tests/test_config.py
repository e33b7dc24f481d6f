"""The parameter table: rows, coercion, validation of overrides and the frozen configuration."""

from __future__ import annotations

import dataclasses
import re

import pytest

from coop_agents.config import PARAMETERS, Config, Param, make_config, parse_value, validate_overrides
from coop_agents.errors import ConfigError, CoopError

CJK = re.compile(r"[\u4e00-\u9fff]")
NUMERIC = [p for p in PARAMETERS.values() if p.type in ("int", "float")]


def _one_line(exc: pytest.ExceptionInfo) -> str:
    msg = str(exc.value)
    assert msg and "\n" not in msg, f"message is not one line: {msg!r}"
    return msg


# ------------------------------------------------------------------------------- the table


def test_table_is_keyed_by_name_and_nonempty():
    assert len(PARAMETERS) > 40
    for name, p in PARAMETERS.items():
        assert isinstance(p, Param)
        assert p.name == name


@pytest.mark.parametrize("name", sorted(PARAMETERS))
def test_every_row_is_documented_in_both_languages(name):
    p = PARAMETERS[name]
    assert p.label_en.strip() and p.label_en[0].isupper(), p.label_en
    assert CJK.search(p.label_zh), f"{name}: label_zh {p.label_zh!r} has no Chinese characters"
    assert len(p.help.strip()) >= 15, f"{name}: help text too short"
    assert p.role in ("scenario", "lever")
    assert p.type in ("float", "int", "bool", "choice")
    assert p.group


@pytest.mark.parametrize("name", sorted(PARAMETERS))
def test_every_default_is_valid_and_survives_coercion(name):
    p = PARAMETERS[name]
    assert p.coerce(p.default) == p.default
    if p.type in ("int", "float"):
        assert p.low is not None and p.high is not None and p.low < p.high
        assert p.low <= p.default <= p.high
        assert type(p.coerce(p.default)) is (int if p.type == "int" else float)
    elif p.type == "choice":
        assert len(p.choices) >= 2
        assert p.default in p.choices
    else:
        assert isinstance(p.default, bool)


def test_both_roles_present_and_key_settings_are_in_the_right_role():
    roles = {p.role for p in PARAMETERS.values()}
    assert roles == {"scenario", "lever"}
    for name in ("residents", "hazard", "steps", "transmission", "profile"):
        assert PARAMETERS[name].role == "scenario"
    for name in ("platform", "authority", "information", "monitoring", "alert_threshold"):
        assert PARAMETERS[name].role == "lever"


def test_defaults_make_a_complete_frozen_config():
    cfg = make_config()
    assert isinstance(cfg, Config)
    d = cfg.as_dict()
    assert set(d) == set(PARAMETERS)
    for name, p in PARAMETERS.items():
        assert d[name] == p.default
    with pytest.raises(dataclasses.FrozenInstanceError):
        cfg.residents = 10  # type: ignore[misc]


def test_later_layers_override_earlier_ones():
    cfg = make_config({"residents": 1000, "platform": True}, {"residents": 2000})
    assert cfg.residents == 2000
    assert cfg.platform is True
    assert cfg.transmission == PARAMETERS["transmission"].default


# ------------------------------------------------------------------------------- coercion


@pytest.mark.parametrize(
    "name, text, expected",
    [
        ("residents", "1200", 1200),
        ("residents", " 600 ", 600),
        ("residents", "1e3", 1000),
        ("residents", "1200.0", 1200),
        ("transmission", "0.1", 0.1),
        ("transmission", "1", 1.0),
        ("platform", "true", True),
        ("platform", "Yes", True),
        ("platform", "0", False),
        ("platform", "FALSE", False),
        ("authority", "committee", "committee"),
        ("hazard", "shock", "shock"),
    ],
)
def test_parse_value_converts_text_to_the_parameter_type(name, text, expected):
    value = parse_value(name, text)
    assert value == expected
    assert type(value) is type(expected)


def test_coerce_accepts_the_bounds_themselves():
    p = PARAMETERS["transmission"]
    assert p.coerce(0) == 0.0 and p.coerce(1) == 1.0
    r = PARAMETERS["residents"]
    assert r.coerce(int(r.low)) == int(r.low) and r.coerce(int(r.high)) == int(r.high)


def test_coerce_of_integers_and_booleans():
    assert PARAMETERS["platform"].coerce(1) is True
    assert PARAMETERS["platform"].coerce(0) is False
    assert PARAMETERS["residents"].coerce(600.0) == 600


@pytest.mark.parametrize(
    "name, value",
    [
        ("residents", "many"),
        ("residents", 12.5),
        ("residents", "12.5"),
        ("residents", None),
        ("residents", True),  # a bool is not a number here
        ("transmission", False),
        ("transmission", float("nan")),
        ("transmission", float("inf")),
        ("transmission", "nan"),
        ("transmission", [0.1]),
        ("platform", "maybe"),
        ("platform", 2),
        ("platform", 1.0),
        ("hazard", "earthquake"),
        ("hazard", 1),
        ("authority", "Committee"),  # choices are case-sensitive
    ],
)
def test_wrong_types_are_refused_naming_key_and_allowed_values(name, value):
    with pytest.raises(ConfigError) as exc:
        validate_overrides({name: value}, "test.toml")
    msg = _one_line(exc)
    assert msg.startswith(f"{name}=")
    assert "test.toml" in msg
    assert PARAMETERS[name].allowed() in msg


@pytest.mark.parametrize("p", NUMERIC, ids=lambda p: p.name)
def test_every_numeric_parameter_refuses_values_outside_its_bounds(p):
    step = 1 if p.type == "int" else max(1e-6, (p.high - p.low) * 1e-3)
    for bad in (p.low - step, p.high + step):
        bad = int(bad) if p.type == "int" else bad
        with pytest.raises(ConfigError) as exc:
            p.coerce(bad, "here")
        msg = _one_line(exc)
        assert p.name in msg
        assert repr(bad) in msg
        assert p.allowed() in msg


def test_out_of_range_message_names_key_value_and_range_in_words():
    with pytest.raises(ConfigError) as exc:
        validate_overrides({"transmission": 1.5}, "my.toml")
    msg = _one_line(exc)
    assert "transmission" in msg and "1.5" in msg and "my.toml" in msg
    assert "from 0 to 1" in msg
    with pytest.raises(ConfigError) as exc:
        parse_value("residents", "5")
    msg = _one_line(exc)
    assert "residents" in msg and "'5'" in msg
    assert "an integer from 20 to 1000000" in msg


def test_allowed_describes_each_type():
    assert PARAMETERS["platform"].allowed() == "true or false"
    assert PARAMETERS["hazard"].allowed() == "one of contagion, shock"
    assert PARAMETERS["transmission"].allowed() == "a number from 0 to 1"
    assert PARAMETERS["steps"].allowed() == "an integer from 1 to 20000"


def test_config_errors_are_user_errors():
    assert issubclass(ConfigError, CoopError)
    assert issubclass(ConfigError, ValueError)


# ------------------------------------------------------------------------------- unknown keys


def test_unknown_key_raises_naming_the_key_and_where():
    with pytest.raises(ConfigError) as exc:
        validate_overrides({"residents": 600, "colour": "red"}, "scenario x.toml")
    msg = _one_line(exc)
    assert "'colour'" in msg and "scenario x.toml" in msg


def test_unknown_key_suggests_close_names():
    with pytest.raises(ConfigError) as exc:
        validate_overrides({"residnts": 600}, "overrides")
    msg = _one_line(exc)
    assert "'residnts'" in msg
    assert "did you mean residents" in msg


def test_parse_value_with_unknown_key_raises():
    with pytest.raises(ConfigError) as exc:
        parse_value("nonsense", "1")
    assert "'nonsense'" in _one_line(exc)


def test_validate_overrides_returns_coerced_values_and_does_not_mutate_input():
    raw = {"residents": "900", "platform": "yes", "transmission": 0.5}
    out = validate_overrides(raw, "cli")
    assert out == {"residents": 900, "platform": True, "transmission": 0.5}
    assert raw["residents"] == "900"
    assert validate_overrides({}, "nothing") == {}


# ------------------------------------------------------------------------------- roles


def test_a_scenario_may_not_set_a_lever():
    with pytest.raises(ConfigError) as exc:
        validate_overrides({"residents": 600, "platform": True}, "s.toml", role="scenario")
    msg = _one_line(exc)
    assert "'platform'" in msg and "s.toml" in msg and "lever" in msg


def test_a_pattern_may_not_set_a_scenario_parameter():
    with pytest.raises(ConfigError) as exc:
        validate_overrides({"platform": True, "residents": 600}, "p.toml", role="lever")
    msg = _one_line(exc)
    assert "'residents'" in msg and "p.toml" in msg and "scenario" in msg


def test_each_role_accepts_its_own_parameters_and_no_role_accepts_all():
    scen = {n: p.default for n, p in PARAMETERS.items() if p.role == "scenario"}
    lever = {n: p.default for n, p in PARAMETERS.items() if p.role == "lever"}
    assert validate_overrides(scen, "s", role="scenario") == scen
    assert validate_overrides(lever, "p", role="lever") == lever
    assert validate_overrides({**scen, **lever}, "o") == {**scen, **lever}


# ------------------------------------------------------------------------------- cross checks


def test_emergency_threshold_below_alert_threshold_is_refused():
    with pytest.raises(ConfigError) as exc:
        make_config({"alert_threshold": 0.5}, {"emergency_threshold": 0.4})
    msg = _one_line(exc)
    assert "emergency_threshold=0.4" in msg and "alert_threshold=0.5" in msg
    # Default alert is 0.25: an emergency threshold of 0.1 alone is refused too.
    with pytest.raises(ConfigError):
        make_config({"emergency_threshold": 0.1})


def test_emergency_threshold_equal_to_or_above_alert_is_accepted():
    cfg = make_config({"alert_threshold": 0.5, "emergency_threshold": 0.5})
    assert cfg.alert_threshold == cfg.emergency_threshold == 0.5
    cfg = make_config({"alert_threshold": 2.0, "emergency_threshold": 3.0})
    assert cfg.emergency_threshold - cfg.alert_threshold == pytest.approx(1.0)


def test_defaults_respect_threshold_order():
    assert PARAMETERS["emergency_threshold"].default >= PARAMETERS["alert_threshold"].default


def test_the_typed_config_declaration_matches_the_table():
    """config_class.py (what readers and the type checker see) declares exactly the table's fields,
    in order, with their types; regenerate it with `python scripts/config_class.py`."""
    import ast
    from pathlib import Path

    import coop_agents.config_class as declared

    tree = ast.parse(Path(declared.__file__).read_text(encoding="utf-8"))
    cls = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Config")
    fields = [(n.target.id, ast.unparse(n.annotation)) for n in cls.body if isinstance(n, ast.AnnAssign)]
    types = {"float": "float", "int": "int", "bool": "bool", "choice": "str"}
    assert fields == [(p.name, types[p.type]) for p in PARAMETERS.values()], (
        "config_class.py is stale: run python scripts/config_class.py"
    )
    runtime = [(f.name, f.type) for f in dataclasses.fields(make_config())]
    assert [name for name, _ in runtime] == [name for name, _ in fields]
