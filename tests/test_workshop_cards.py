"""Workshop cards: every library scenario and preset pattern has its texts, facts and levers."""

from __future__ import annotations

import re

import pytest

import coop_agents
from coop_agents.config import ACTIONS, PARAMETERS
from coop_agents.errors import ConfigError
from coop_agents.patterns import load_pattern, preset_names
from coop_agents.scenarios import load_scenario, preset_scenarios
from coop_agents.workshop import PatternCard, ScenarioCard, library, pattern_card, scenario_card
from coop_agents.workshop.cards import value_words

CJK = re.compile(r"[\u4e00-\u9fff]")
SENTENCE_END = re.compile(r"[.!?](?=\s|$)|[。！？]")


def sentences(text: str) -> int:
    return len(SENTENCE_END.findall(text))


def write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# ------------------------------------------------------------------------------ scenarios


def test_library_holds_every_preset_with_a_story_in_workshop_order():
    names = library()
    assert len(names) >= 6 and len(set(names)) == len(names)
    assert names[0] == "default" and "heatwave" in names
    assert set(names) <= set(preset_scenarios())
    # every shipped scenario is written up, so none is left out of the library
    assert set(names) == set(preset_scenarios())


@pytest.mark.parametrize("name", library())
def test_library_scenario_has_titles_stories_and_notes_in_both_languages(name):
    texts = load_scenario(name).texts
    en, zh = scenario_card(name, "en"), scenario_card(name, "zh")
    assert isinstance(en, ScenarioCard) and en.name == zh.name == name
    assert en.title and not CJK.search(en.title) and CJK.search(zh.title)
    assert en.story == texts["story_en"] and zh.story == texts["story_zh"]
    assert en.notes == texts["notes_en"] and zh.notes == texts["notes_zh"]
    assert 3 <= sentences(en.story) <= 6, en.story
    assert 3 <= sentences(zh.story) <= 6, zh.story
    assert sentences(en.notes) >= 3 and sentences(zh.notes) >= 3
    assert CJK.search(zh.story) and CJK.search(zh.notes)
    # the English texts may quote a Chinese term, but are English
    assert len(CJK.findall(en.story + en.notes)) < 20


@pytest.mark.parametrize("name", library())
def test_library_scenario_facts_come_from_its_parameters(name):
    sc = load_scenario(name)
    facts = dict(scenario_card(name, "en").facts)
    params = {k: sc.parameters.get(k, PARAMETERS[k].default) for k in PARAMETERS}
    assert facts["Residents"] == f"{params['residents']:,}"
    assert facts[PARAMETERS["steps"].label_en] == str(params["steps"])
    assert facts["Communities"].startswith(f"{params['street_offices'] * params['communities_per_street']} ")
    zh = scenario_card(name, "zh").facts
    assert [label for label, _ in zh] != list(facts) and len(zh) == len(facts)
    assert all(CJK.search(label) for label, _ in zh)


@pytest.mark.parametrize("name", library())
def test_library_scenario_runs_short(name):
    out = coop_agents.run_once(name, "full_cycle", seed=1, residents=600, steps=20)
    assert out["harm"] > 0 or out["prevented"] == 1  # every story's hazard strikes
    assert 0 <= out["peak_prevalence"] <= 1 and out["truncated"] in (0, 1)


def test_heatwave_is_a_slow_district_wide_shock_on_a_vulnerable_district():
    sc = load_scenario("heatwave")
    p = sc.parameters
    communities = p["street_offices"] * p["communities_per_street"]
    assert p["hazard"] == "shock" and p["shock_sites"] >= communities
    assert p["profile"] == "old_urban"
    assert p["shock_lead"] > PARAMETERS["shock_lead"].default
    assert p["shock_duration"] > PARAMETERS["shock_duration"].default
    assert p["shock_intensity"] < PARAMETERS["shock_intensity"].default / 5
    assert "shock" in sc.texts["notes_en"] and "冲击" in sc.texts["notes_zh"]


def test_heatwave_harms_mostly_the_vulnerable_and_patterns_differ():
    harmed = {}
    for pattern in ("no_response", "siloed", "full_cycle"):
        total = 0
        for seed in range(2):
            model = coop_agents.CoordinationModel("heatwave", pattern, seed=seed, residents=1200)
            while model.running:
                model.step()
            affected, vulnerable = model.hazard.affected, model.residents.vulnerable
            if pattern == "no_response":
                # harm per head falls several times more often on vulnerable residents
                assert affected[vulnerable].mean() > 3 * affected[~vulnerable].mean() > 0
            total += int(affected.sum())
        harmed[pattern] = total
    assert harmed["no_response"] > harmed["siloed"] > harmed["full_cycle"] > 0


# ------------------------------------------------------------------------------- patterns


@pytest.mark.parametrize("name", preset_names())
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_preset_pattern_card_texts_and_levers_from_its_data(name, lang):
    pat = load_pattern(name)
    card = pattern_card(name, lang)
    assert isinstance(card, PatternCard) and card.name == name
    assert card.summary == (pat.summary_zh if lang == "zh" else pat.summary_en)
    assert card.actors == list(pat.actors_zh if lang == "zh" else pat.actors_en)
    assert card.summary and 2 <= len(card.actors) <= 6
    if lang == "zh":
        assert CJK.search(card.summary) and all(CJK.search(a) for a in card.actors)
    else:  # English, quoting at most a Chinese term or two
        assert len(CJK.findall(card.summary + "".join(card.actors))) < 20
    # one row per lever the pattern sets, in the table's order, labelled from the table
    names = [k for k in PARAMETERS if k in pat.levers]
    assert len(card.levers) == len(pat.levers) == len(names)
    for (label, words), key in zip(card.levers, names, strict=True):
        p = PARAMETERS[key]
        assert label == (p.label_zh if lang == "zh" else p.label_en)
        assert words == value_words(key, pat.levers[key], lang)


def test_lever_values_in_words_follow_the_value():
    card = dict(pattern_card("siloed", "en").levers)
    assert card["Horizontal links active"] == "0%"
    assert card["Information integration"] == "0 (none)"
    assert card["Who may declare a state"] == "District government"
    assert card["Unified command"] == "off"
    assert dict(pattern_card("command", "en").levers)["Unified command"] == "on"
    assert dict(pattern_card("full_cycle", "zh").levers)["资源统筹"] == "街道统筹共享"
    assert value_words("technology", 0.2, "en") == "0.2 (low)"
    assert value_words("technology", 0.5, "en") == "0.5 (medium)"
    assert value_words("vertical_latency", 2.0, "zh") == "2 天/跳"


def test_no_response_card_lists_the_actions_switched_off():
    levers = pattern_card("no_response", "en").levers
    assert levers == [(PARAMETERS[a].label_en, "off") for a in ACTIONS]


# ------------------------------------------------------------------ language and user files


@pytest.mark.parametrize("lang", ["fr", "EN", "", "zh-CN"])
def test_other_languages_are_refused_in_one_line(lang):
    for make in (lambda: scenario_card("default", lang), lambda: pattern_card("siloed", lang)):
        with pytest.raises(ConfigError) as exc:
            make()
        msg = str(exc.value)
        assert "\n" not in msg and repr(lang) in msg and "zh" in msg and "en" in msg


def test_user_scenario_without_card_texts_falls_back_to_its_description(tmp_path):
    path = write(
        tmp_path,
        "mine.toml",
        """
name = "mine"
title_en = "My flood"
description = "Water in three streets."

[parameters]
hazard = "shock"
residents = 900
street_offices = 1
communities_per_street = 3
shock_sites = 3
steps = 30
""",
    )
    en, zh = scenario_card(path, "en"), scenario_card(str(path), "zh")
    assert en.name == "mine" and en.title == "My flood"
    assert en.story.startswith("Water in three streets.") and "No story" in en.story
    assert zh.story.startswith("Water in three streets.") and "尚未编写" in zh.story
    assert "No facilitator notes" in en.notes and "尚未编写" in zh.notes
    facts = dict(en.facts)
    assert facts["Residents"] == "900"
    assert facts["Events"].startswith("One shock over every community (3)")
    assert "mine" not in library()


def test_user_pattern_without_card_texts_shows_its_own_levers(tmp_path):
    path = write(
        tmp_path,
        "quick.toml",
        """
name = "quick"
label_en = "Quick platform"
description = "The platform with a slower vertical line."
based_on = "platform"

[levers]
vertical_latency = 3.0
""",
    )
    card = pattern_card(path, "en")
    assert card.label == "Quick platform" and card.actors == []
    assert card.summary.startswith("The platform with a slower vertical line.")
    assert "No card text" in card.summary
    levers = dict(card.levers)
    assert levers["Vertical latency"] == "3 days/hop"
    assert levers["Response platform"] == "on"  # inherited through based_on
    assert len(card.levers) == len(load_pattern("platform").levers) + 1
    assert "尚未编写" in pattern_card(path, "zh").summary


def test_user_pattern_card_texts_are_read_and_checked(tmp_path):
    good = write(
        tmp_path,
        "good.toml",
        """
name = "good"
summary_en = "Committees decide."
actors_en = ["Committee: decides at once."]

[levers]
authority = "committee"
""",
    )
    assert pattern_card(good, "en").actors == ["Committee: decides at once."]
    assert pattern_card(good, "zh").summary == "Committees decide."  # no Chinese text: English shown
    bad = write(tmp_path, "bad.toml", 'name = "bad"\nactors_en = "one line"\n')
    with pytest.raises(ConfigError, match="actors_en .* must be a list of strings"):
        pattern_card(bad, "en")
