"""Analysis of batch results: bootstrap intervals that respect the scale, and a summary that reads."""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coop_agents.experiments import analyse, load_experiment, paired_differences, run_batch, summarise
from coop_agents.experiments.analysis import (
    CI_METHOD,
    DERIVED_OUTCOMES,
    arm_names,
    find_outcome,
    outcome_label,
)
from coop_agents.i18n import outcome_label as i18n_outcome_label
from coop_agents.i18n import outcome_unit
from coop_agents.outcome_registry import FAMILIES, OUTCOMES, Outcome

# A skewed count: mostly zeros and one large value. A t interval of its mean reaches below 0.
SKEWED = [0, 0, 0, 0, 0, 0, 0, 25]


def test_the_interval_of_a_count_is_never_negative_and_holds_the_mean(paired_results):
    df = paired_results(
        {"missed_windows": [SKEWED, [0, 1, 0, 2, 0, 0, 1, 0]], "harm": [[3, 8, 2, 40, 0, 5, 7, 1]] * 2}
    )
    s = summarise(df)
    row = s[(s["arm_id"] == 0) & (s["outcome"] == "missed_windows")].iloc[0]
    assert row["n"] == 8 and math.isclose(row["mean"], 25 / 8)
    assert 0 <= row["ci_low"] <= row["mean"] <= row["ci_high"] <= 25
    t_low = np.mean(SKEWED) - 2.365 * np.std(SKEWED, ddof=1) / math.sqrt(8)
    assert t_low < 0, "the example is one where a t interval would go below 0"
    assert (s["ci_low"] >= 0).all() and (s["ci_low"] <= s["mean"]).all() and (s["mean"] <= s["ci_high"]).all()


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=500), min_size=2, max_size=30))
def test_any_non_negative_count_has_an_interval_within_its_values(paired_results, values):
    s = summarise(paired_results({"harm": [values, values]}))
    row = s.iloc[0]
    assert min(values) <= row["ci_low"] <= row["mean"] + 1e-9
    assert row["mean"] - 1e-9 <= row["ci_high"] <= max(values)


def test_intervals_are_deterministic_and_do_not_depend_on_the_other_outcomes(paired_results):
    df = paired_results(
        {
            "harm": [[3, 8, 2, 40, 0], [1, 2, 0, 9, 0]],
            "response_delay": [[5, 6, 7, 8, 30], [4, 4, 6, 5, 9]],
            "equity_gap": [[0.1, -0.2, 0.3, 0.0, 0.2], [0.0, 0.1, -0.1, 0.2, 0.0]],
        }
    )
    first, again = summarise(df), summarise(df)
    pd.testing.assert_frame_equal(first, again)
    alone = summarise(df, ["response_delay"])
    both = first[first["outcome"] == "response_delay"].reset_index(drop=True)
    pd.testing.assert_frame_equal(alone, both)
    p1, p2 = paired_differences(df, {"pattern": "siloed"}), paired_differences(df, {"pattern": "siloed"})
    pd.testing.assert_frame_equal(p1, p2)


def test_paired_differences_bootstrap_the_pairs(paired_results):
    df = paired_results(
        {
            "harm": [[10, 20, 30, 40, 50, 60], [8, 15, 20, 38, 40, 30]],
            "equity_gap": [[0.1, -0.2, 0.3, 0.0, 0.2, 0.1], [0.0, 0.1, -0.1, 0.2, 0.0, 0.1]],
            "response_delay": [[5, math.nan, 7, 8, 9, 6], [4, 4, 6, 5, math.nan, 5]],
        }
    )
    p = paired_differences(df, {"pattern": "siloed"}).set_index("outcome")
    harm = p.loc["harm"]
    d = np.array([8, 15, 20, 38, 40, 30]) - np.array([10, 20, 30, 40, 50, 60])
    assert harm["n_pairs"] == 6 and math.isclose(harm["mean_diff"], d.mean())
    assert d.min() <= harm["ci_low"] <= harm["mean_diff"] <= harm["ci_high"] <= d.max()
    assert harm["ci_high"] < 0, "every pair is lower"
    assert harm["n_lower"] == 6 and harm["share_lower"] == 1.0
    assert math.isclose(harm["rel_diff"], 151 / 210 - 1)
    assert -1 <= harm["rel_ci_low"] <= harm["rel_diff"] <= harm["rel_ci_high"] < 0
    assert math.isnan(p.loc["equity_gap", "rel_diff"]), "no ratio for an outcome that can be negative"
    delay = p.loc["response_delay"]
    assert delay["n_pairs"] == 4 and delay["n_missing"] == 2


def test_one_run_has_a_mean_and_no_interval(paired_results):
    s = summarise(paired_results({"harm": [[7], [3]]}))
    assert list(s["mean"]) == [7, 3] and s["ci_low"].isna().all() and s["ci_high"].isna().all()


def test_derived_outcomes_are_registry_outcomes_found_by_the_label_helpers():
    assert all(isinstance(o, Outcome) for o in DERIVED_OUTCOMES.values())
    others = find_outcome("unmet_need_days_others")
    assert others.family in FAMILIES and others.better == "lower" and others.unit_zh
    assert outcome_label("unmet_need_days_others", "zh") == others.label_zh
    assert i18n_outcome_label("unmet_need_days_others", "en") == others.label_en
    assert outcome_unit("unmet_need_days_others", "zh") == "人·天"
    assert find_outcome("harm") is OUTCOMES["harm"]
    assert outcome_label("peak_prevalence", "en", hazard="shock") == "Peak share exposed"
    with pytest.raises(KeyError):
        find_outcome("nope")


def test_arm_names_are_words_from_the_factors_that_vary(paired_results):
    df = paired_results({"harm": [[1, 2], [3, 4]]})
    df["technology"] = [0.1, 0.1, 0.6000000001, 0.6000000001]
    assert arm_names(df) == {
        0: "pattern = siloed, technology = 0.1",
        1: "pattern = full_cycle, technology = 0.6",
    }


# ----------------------------------------------------------------------------- summary.md

GRID = """
name = "analysis_trial"
description = "Two patterns and two levels of technology."
seed = 5
replicates = 2
baseline = {{ pattern = "siloed" }}
outcomes = {outcomes}
[levers]
pattern = {patterns}
technology = [0.1, 0.6]
[uncertainties]
residents = 300
street_offices = 1
communities_per_street = 3
steps = 20
{extra}
"""


def tables(text: str) -> list[tuple[str, list[str], list[list[str]]]]:
    """Every Markdown table of ``text``: (the heading above it, its header cells, its rows' cells)."""
    found, heading, lines = [], "", text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("#"):
            heading = line
        if line.startswith("| ") and (i == 0 or not lines[i - 1].startswith("|")):
            cells = [c.strip() for c in line.strip("|").split("|")]
            body = []
            for row in lines[i + 2 :]:
                if not row.startswith("|"):
                    break
                body.append([c.strip() for c in row.strip("|").split("|")])
            found.append((heading, cells, body))
    return found


@pytest.fixture(scope="module")
def summary_md(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("analysis")
    kept = [
        "harm",
        "peak_prevalence",
        "response_delay",
        "decision_latency",
        "emergencies",
        "unmet_need_days",
        "equity_gap",
        "messages",
        "days_normal",
        "truncated",
    ]
    path = tmp / "exp.toml"
    path.write_text(GRID.format(outcomes=kept, patterns='["siloed", "full_cycle"]', extra=""))
    out = tmp / "out"
    run_batch(load_experiment(path), out, executor="serial", progress=False)
    tables_ = analyse(out)
    return (out / "summary.md").read_text(), tables_, kept


def test_summary_has_one_table_per_family_with_the_arms_as_columns(summary_md):
    text, result, kept = summary_md
    arms = [
        "pattern = siloed, technology = 0.1",
        "pattern = siloed, technology = 0.6",
        "pattern = full_cycle, technology = 0.1",
        "pattern = full_cycle, technology = 0.6",
    ]
    families = [f for f in FAMILIES if any(OUTCOMES[o].family == f for o in kept)]
    per_arm = text.split("## Paired differences")[0]
    found = tables(per_arm)
    assert [h for h, _, _ in found] == [f"### {FAMILIES[f][0]}" for f in families], (
        "families in the registry's order"
    )
    for heading, header, rows in found:
        assert header == ["outcome", "unit", *arms]
        family = next(f for f in families if heading == f"### {FAMILIES[f][0]}")
        assert [r[0].rstrip(" ↓↑") for r in rows] == [
            OUTCOMES[o].label_en for o in OUTCOMES if o in kept and OUTCOMES[o].family == family
        ]
        for row in rows:
            number = r"-?[\d,]+(\.\d+)?"
            assert all(re.fullmatch(rf"{number}( \[{number}, {number}\])?|n/a", c) for c in row[2:]), row
    harm = next(r for _, _, rows in found for r in rows if r[0].startswith("Residents harmed"))
    assert harm[0] == "Residents harmed ↓" and harm[1] == "residents"
    emergencies = next(r for _, _, rows in found for r in rows if r[0].startswith("Emergencies"))
    assert emergencies[0] == "Emergencies declared", "no arrow for an outcome better in neither direction"
    # One number of decimals along a row: the registry's (1 for harm), none if every number is whole.
    summary = result["summary"].set_index(["arm_id", "outcome"])
    row = summary.xs("harm", level="outcome")[["mean", "ci_low", "ci_high"]].to_numpy()
    d = 0 if all(float(x).is_integer() for x in row.flat) else OUTCOMES["harm"].decimals
    assert harm[2:] == [f"{m:,.{d}f} [{lo:,.{d}f}, {hi:,.{d}f}]" for m, lo, hi in row]


def test_summary_headings_are_words_and_it_states_the_method_and_truncation(summary_md):
    text, result, _ = summary_md
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert headings[0] == "# analysis_trial"
    assert not any("{" in h or "}" in h for h in headings), headings
    assert "## Paired differences from the baseline (pattern = siloed): mean [95% CI]" in headings
    assert "{" not in text and "'" not in text.split("## Paired")[1].split("\n")[0]
    assert f"Intervals: {CI_METHOD}." in text and "percentile bootstrap" in text
    cut = int((result["results"]["truncated"] == 1).sum())
    assert (
        f"cut short at the scenario's cap of days, before the event was over: {cut} of 8" in text
        if cut
        else "No run was cut short" in text
    )
    paired = [t for t in tables(text.split("## Paired differences")[1])]
    others = ["pattern = full_cycle, technology = 0.1", "pattern = full_cycle, technology = 0.6"]
    assert paired and all(h[2:] == others for _, h, _ in paired)


def test_many_arms_are_split_into_tables_that_fit(tmp_path):
    path = tmp_path / "exp.toml"
    patterns = '["siloed", "command", "platform", "party_led", "full_cycle"]'
    text = GRID.format(
        outcomes=["harm", "peak_prevalence"], patterns=patterns, extra='hazard = ["contagion", "shock"]'
    )
    text = text.replace("replicates = 2", "replicates = 1").replace(
        "technology = [0.1, 0.6]", "technology = 0.3"
    )
    path.write_text(text)
    run_batch(load_experiment(path), tmp_path / "out", executor="serial", progress=False)
    analyse(tmp_path / "out")
    text = (tmp_path / "out" / "summary.md").read_text()
    per_arm = text.split("## Paired differences")[0]
    for hazard in ("contagion", "shock"):
        assert f"### hazard = {hazard} (columns: pattern)" in per_arm
    for _heading, header, _ in tables(per_arm):
        assert header == ["outcome", "unit", "siloed", "command", "platform", "party_led", "full_cycle"]
    contagion, shock = per_arm.split("### hazard = shock")
    assert "| Peak share exposed ↓ |" in shock and "Peak prevalence" not in shock, "labels follow the hazard"
    assert "| Peak prevalence ↓ |" in contagion.split("### hazard = contagion")[1]
    paired = tables(text.split("## Paired differences")[1])
    assert paired and all(h[2:] == ["command", "platform", "party_led", "full_cycle"] for _, h, _ in paired)


def test_results_of_an_earlier_version_still_pair_and_summarise(paired_results):
    # An old results folder: outcomes the registry no longer has, and none of its new ones.
    df = paired_results(
        {
            "harm": [[10, 20, 30], [5, 10, 20]],
            "max_queue": [[3, 4, 5], [1, 1, 2]],
            "over_response_days": [[0, 10, 20], [5, 5, 5]],
        }
    )
    p = paired_differences(df, {"pattern": "siloed"})
    assert set(p["outcome"]) == {"harm", "max_queue", "over_response_days"}, "old outcomes are not factors"
    assert (p["n_pairs"] == 3).all()
    s = summarise(df, ["harm", "truncated", "unneeded_measures"])
    assert set(s["outcome"]) == {"harm"}, "outcomes missing from the results are left out, not an error"
