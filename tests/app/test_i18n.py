"""Every word the app shows exists in both languages."""

from __future__ import annotations

import re

import pytest

from coop_agents.config import PARAMETERS
from coop_agents.governance import GovernanceState
from coop_agents.i18n import (
    LANGUAGES,
    choice_label,
    outcome_label,
    param_help,
    param_label,
    pattern_description,
    pattern_label,
    scenario_description,
    scenario_title,
    state_label,
    text,
    unit_label,
)
from coop_agents.i18n.strings import TEXTS, UNITS_ZH
from coop_agents.outcome_registry import OUTCOMES
from coop_agents.patterns import load_pattern, preset_names
from coop_agents.scenarios import preset_scenarios
from coop_agents.viz.session import CONTROL_GROUPS

CONTROLS = [name for names in CONTROL_GROUPS.values() for name in names]


def has_chinese(s: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in s)


def test_every_app_string_has_both_languages_and_the_same_fields():
    for key, (en, zh) in TEXTS.items():
        assert en and zh, key
        assert has_chinese(zh), key
        assert sorted(re.findall(r"\{(\w+)\}", en)) == sorted(re.findall(r"\{(\w+)\}", zh)), key


def test_every_control_has_a_label_and_help_in_both_languages():
    assert {"technology", "responsibility_lists", "authority", "deescalation", "residents"} <= set(CONTROLS)
    for name in CONTROLS:
        assert param_label(name, "en") == PARAMETERS[name].label_en
        assert param_help(name, "en") == PARAMETERS[name].help
        assert has_chinese(param_label(name, "zh")) and has_chinese(param_help(name, "zh"))
        for value in PARAMETERS[name].choices:
            assert choice_label(name, value, "en") != choice_label(name, value, "zh")


def test_every_value_of_every_choice_parameter_has_words_in_both_languages():
    # Cards and briefs show any parameter a scenario or pattern sets, not only the app's controls.
    choices = [p for p in PARAMETERS.values() if p.choices]
    assert {"hazard", "profile", "arrival", "resource_pooling"} <= {p.name for p in choices}
    for p in choices:
        for value in p.choices:
            assert has_chinese(choice_label(p.name, value, "zh")), (p.name, value)
            assert not has_chinese(choice_label(p.name, value, "en").replace("老旧小区", "")), (p.name, value)


def test_outcomes_units_and_states_are_named_in_both_languages():
    for key, outcome in OUTCOMES.items():
        assert has_chinese(outcome_label(key, "zh"))
        assert unit_label(outcome.unit, "en") == outcome.unit
        if re.search("[a-z]", outcome.unit):  # a unit in words, not a range such as 0-1
            assert has_chinese(unit_label(outcome.unit, "zh"))


def test_outcome_words_are_the_registrys_with_no_second_copy():
    for key, outcome in OUTCOMES.items():
        assert (outcome_label(key, "en"), outcome_label(key, "zh")) == (outcome.label_en, outcome.label_zh)
        assert unit_label(outcome.unit, "zh") == outcome.unit_zh
        for hazard, en, zh in outcome.hazard_labels:
            assert (outcome_label(key, "en", hazard=hazard), outcome_label(key, "zh", hazard)) == (en, zh)
    assert outcome_label("peak_prevalence", "en", hazard="shock") == "Peak share exposed"
    # Units no parameter has are the registry's alone.
    parameter_units = {p.unit for p in PARAMETERS.values()}
    assert set(UNITS_ZH) <= parameter_units, set(UNITS_ZH) - parameter_units
    with pytest.raises(KeyError):
        outcome_label("no_such_outcome", "en")
    assert [state_label(s, "en") for s in GovernanceState] == [
        "Normal",
        "Pre-transition",
        "Emergency",
        "Post-transition",
    ]
    assert [state_label(s, "zh") for s in GovernanceState] == ["常态", "前转换态", "应急态", "后转换态"]


def test_presets_have_chinese_titles_and_descriptions():
    for sc in preset_scenarios().values():
        assert has_chinese(scenario_title(sc, "zh")) and has_chinese(scenario_description(sc, "zh"))
        assert not has_chinese(scenario_title(sc, "en"))
    for name in preset_names():
        p = load_pattern(name)
        assert has_chinese(pattern_label(p, "zh")) and has_chinese(pattern_description(p, "zh"))


def test_unknown_words_and_languages_are_errors_not_fallbacks():
    with pytest.raises(KeyError):
        text("no.such.key", "en")
    with pytest.raises(KeyError):
        text("reset", "fr")
    with pytest.raises(KeyError, match="no Chinese help"):
        param_help("transmission", "zh")  # not a control: no Chinese help written for it
    assert set(LANGUAGES) == {"en", "zh"}
