"""The workshop brief: paired batch, numbers traced to the analysis, self-contained valid HTML, CLI."""

from __future__ import annotations

import math
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from coop_agents.errors import ConfigError
from coop_agents.experiments.analysis import (
    derive_outcomes,
    load_results,
    paired_differences,
    series_bands,
    summarise,
)
from coop_agents.experiments.design import experiment_from_dict, replicate_seeds
from coop_agents.i18n.brief_strings import BRIEF
from coop_agents.metrics import OUTCOMES, TimeSeries
from coop_agents.workshop.brief import (
    HEADLINE_OUTCOMES,
    SERIES,
    Comparison,
    fmt_pct,
    fmt_value,
    load_comparison,
    render_brief,
    run_comparison,
    write_brief,
)

PATTERNS = ["full_cycle", "siloed", "command"]
SECTIONS = [
    "story",
    "patterns",
    "headlines",
    "predictions",
    "time",
    "distributions",
    "equity",
    "table",
    "assumptions",
    "reproduce",
]
PREDICTIONS = {"harm": {"Alice": "full_cycle", "Bob": "siloed"}, "response_delay": {"Alice": "command"}}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """A small paired batch kept on disk, its Comparison and its progress reports."""
    out = tmp_path_factory.mktemp("brief") / "results"
    calls: list[tuple[int, int]] = []
    comparison = run_comparison(
        "default",
        PATTERNS,
        replicates=4,
        seed=7,
        residents=800,
        steps=60,
        out=out,
        executor="serial",
        progress=False,
        on_progress=lambda d, t: calls.append((d, t)),
    )
    return out, comparison, calls


@pytest.fixture(scope="module")
def pages(batch):
    _, comparison, _ = batch
    return {lang: render_brief(comparison, lang, PREDICTIONS) for lang in ("en", "zh")}


def recompute(out: Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    df = derive_outcomes(load_results(out))
    outcomes = [c for c in df.columns if c in OUTCOMES or c == "unmet_need_days_others"]
    return df, summarise(df, outcomes), paired_differences(df, {"pattern": "siloed"}, outcomes)


class Spans(HTMLParser):
    """Collects the brief's number spans (data-src, data-kind, text) and checks tag balance."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.spans: list[dict] = []
        self.refs: list[str] = []
        self._open: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("src", "href", "xlink:href", "action", "poster"):
            if key in attrs:
                self.refs.append(attrs[key])
        self.refs += re.findall(r"url\(([^)]*)\)", attrs.get("style") or "")
        if tag == "span" and "data-src" in attrs:
            dec = attrs.get("data-dec")
            self._open = {
                "src": attrs["data-src"],
                "kind": attrs["data-kind"],
                "text": "",
                "dec": None if dec is None else int(dec),
            }
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("src", "href", "xlink:href"):
            if key in attrs:
                self.refs.append(attrs[key])

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
            return
        self.stack.pop()
        if tag == "span" and self._open is not None:
            self.spans.append(self._open)
            self._open = None

    def handle_data(self, data):
        if self._open is not None:
            self._open["text"] += data


def parse(page: str) -> Spans:
    parser = Spans()
    parser.feed(page)
    parser.close()
    return parser


def source_value(src: str, comparison: Comparison, summary: pd.DataFrame, paired: pd.DataFrame) -> float:
    table, pattern, outcome, column = src.split("|")
    frame = summary if table == "summary" else paired
    arm = comparison.patterns.index(pattern)
    row = frame[(frame["arm_id"] == arm) & (frame["outcome"] == outcome)]
    assert len(row) == 1, src
    return float(row[column].iloc[0])


# ------------------------------------------------------------------------------- the batch


def test_replicates_are_paired_by_seed_and_progress_is_reported(batch):
    out, comparison, calls = batch
    df = load_results(out)
    assert len(df) == 12 and df["error"].isna().all()
    seeds = replicate_seeds(7, 4)
    for rep, group in df.groupby("replicate"):
        assert sorted(group["arm_id"]) == [0, 1, 2]
        assert set(group["seed"]) == {seeds[rep]}, "replicate k of every pattern runs on the same seed"
    assert comparison.seeds == seeds
    assert calls[0] == (0, 12) and calls[-1] == (12, 12)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls) and all(t == 12 for _, t in calls)
    assert comparison.baseline == "siloed", "siloed is the default baseline when it is compared"


def test_series_are_stored_per_run_and_banded(batch):
    out, comparison, _ = batch
    df = load_results(out)
    for name in SERIES:
        # Day 0, then a day per simulated day until the event was over, at most the cap of 60 days.
        lengths = np.array([len(v) for v in df[f"series_{name}"]])
        assert ((lengths >= 2) & (lengths <= 61)).all()
        if "truncated" in df.columns:
            cut = (df["truncated"] == 1).to_numpy()
            assert (lengths[cut] == 61).all() and (~cut[lengths < 61]).all(), "runs cut short reach the cap"
    harm = df.loc[df["arm_id"] == 0, "series_harm"].to_list()
    assert np.allclose([h[-1] for h in harm], df.loc[df["arm_id"] == 0, "harm"]), (
        "harm so far ends at the outcome"
    )
    bands = series_bands(df, "prevalence")
    first = bands[bands["arm_id"] == 0]
    series = df.loc[df["arm_id"] == 0, "series_prevalence"].to_list()
    days = max(len(v) for v in series)
    # A run over before the others stays as it ended.
    runs = np.stack([np.concatenate([v, np.full(days - len(v), v[-1])]) for v in series])
    assert np.allclose(first["mean"], runs.mean(axis=0))
    assert (first["ci_low"] <= first["mean"] + 1e-12).all() and (
        first["mean"] <= first["ci_high"] + 1e-12
    ).all()
    assert (first["ci_low"] >= 0).all(), "a bootstrap band of a share never reaches below 0"
    assert comparison.bands["prevalence"].equals(bands)


def test_unknown_series_is_a_one_line_error_naming_the_allowed():
    with pytest.raises(ConfigError) as exc:
        experiment_from_dict({"series": ["prevalence", "nope"], "levers": {"pattern": "siloed"}})
    message = str(exc.value)
    assert "'nope'" in message and all(s in message for s in TimeSeries.SCALARS) and "\n" not in message


def test_relative_differences_and_counts_match_the_runs_directly(batch):
    out, comparison, _ = batch
    df = load_results(out)
    paired = comparison.paired
    for outcome in HEADLINE_OUTCOMES:
        wide = df.pivot(index="replicate", columns="pattern", values=outcome)
        both = wide[["full_cycle", "siloed"]].dropna()
        row = paired[(paired["arm_id"] == 0) & (paired["outcome"] == outcome)].iloc[0]
        assert row["n_pairs"] == len(both)
        assert row["n_lower"] == (both["full_cycle"] < both["siloed"]).sum()
        assert row["n_higher"] == (both["full_cycle"] > both["siloed"]).sum()
        assert row["n_lower"] + row["n_higher"] + row["n_equal"] == row["n_pairs"]
        if both["siloed"].mean() > 0:
            assert math.isclose(row["rel_diff"], both["full_cycle"].mean() / both["siloed"].mean() - 1)
            if not math.isnan(row["rel_ci_low"]):
                assert -1 <= row["rel_ci_low"] <= row["rel_diff"] <= row["rel_ci_high"]


# ------------------------------------------------------------------------------- the page


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_brief_has_every_section_in_its_language(pages, lang):
    page = pages[lang]
    assert page.startswith("<!DOCTYPE html>")
    assert f'<html lang="{BRIEF[lang]["html_lang"]}">' in page
    for key in SECTIONS:
        assert f'<section id="{key}">' in page, key
        assert f"<h2>{BRIEF[lang]['sec_' + key]}</h2>" in page, key
    assert page.count("<svg ") == 3, "time series, distributions, equity"
    assert "@page { size: A4" in page and "@media print" in page
    assert "Noto Sans CJK SC" in page and "WenQuanYi Micro Hei" in page
    if lang == "zh":
        assert "次模拟疫情中，有" in page and "95%置信区间" in page
    else:
        assert "simulated outbreaks, " in page and "95% CI" in page
    assert (
        "coop-agents brief --scenario default --patterns full_cycle,siloed,command --baseline siloed "
        f"--replicates 4 --seed 7 --residents 800 --steps 60 --lang {lang} -o brief.html" in page
    )
    for seed in replicate_seeds(7, 4):
        assert str(seed) in page


def test_the_handout_leaves_the_full_table_to_the_html_and_speaks_chinese_units(pages):
    for lang, page in pages.items():
        table = page[page.index('<section id="table">') :]
        table = table[: table.index("</section>")]
        # On screen the table; in print only a note pointing to the HTML file.
        assert '<div class="screen-only">' in table and "<table>" in table
        assert f'<p class="print-only muted">{BRIEF[lang]["table_print_note"]}</p>' in table
        assert re.search(r"@media print \{[^}]*\.screen-only \{ display: none", page)
    zh_table = pages["zh"][pages["zh"].index('<section id="table">') :]
    units = re.findall(r'<span class="muted">([^<]*)<br>', zh_table[: zh_table.index("</section>")])
    assert units and "天" in units and not any(re.search(r"[a-z]{3,}", u) for u in units), units


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_number_is_a_cell_of_the_analysis_of_the_batch_folder(batch, pages, lang):
    out, comparison, _ = batch
    _, summary, paired = recompute(out)
    spans = parse(pages[lang]).spans
    assert len(spans) > 200
    formats = {
        "value": fmt_value,
        "abs": lambda x, lang, dec: fmt_value(abs(x), lang, dec),
        "pct": fmt_pct,
        "count": lambda x, lang, dec: str(int(x)),
    }
    for span in spans:
        value = source_value(span["src"], comparison, summary, paired)
        assert span["text"] == formats[span["kind"]](value, lang, span["dec"]), span
    # One number format per row: every mean and bound of an outcome has the same decimals.
    decimals: dict[str, set] = {}
    for span in spans:
        table, _, outcome, column = span["src"].split("|")
        if table == "summary" and column in ("mean", "ci_low", "ci_high") and span["kind"] == "value":
            decimals.setdefault(outcome, set()).add(span["dec"])
    assert decimals and all(len(d) == 1 for d in decimals.values()), decimals
    # Headlines: every figure is such a span (besides the "95" of "95% CI").
    section = pages[lang].split('<section id="headlines">')[1].split("</section>")[0]
    items = re.findall(r"<li>(.*?)</li>", section, flags=re.S)
    assert len(items) == 2 * len(HEADLINE_OUTCOMES)
    for item in items:
        bare = re.sub(r'<span class="v"[^>]*>[^<]*</span>', "", item).replace("95%", "")
        assert not re.search(r"\d", bare), item


def test_plain_headlines_state_the_paired_counts_and_percentages(batch):
    out, comparison, _ = batch
    df = load_results(out)
    harm = comparison.headlines("en")[0]
    wide = df.pivot(index="replicate", columns="pattern", values="harm")
    fewer = int((wide["full_cycle"] < wide["siloed"]).sum())
    relative = wide["full_cycle"].mean() / wide["siloed"].mean() - 1
    if relative < 0:
        assert harm.startswith(
            f"In {fewer} of 4 simulated outbreaks, fewer residents were harmed under "
            "full-cycle refined governance than under siloed lines and blocks"
        )
    assert f"{abs(relative) * 100:.0f}%" in harm or f"{abs(relative) * 100:.1f}%" in harm
    zh = comparison.headlines("zh")[0]
    assert (
        zh.startswith("在4次模拟疫情中，有")
        and "全周期精细化治理模式下的受影响居民" in zh
        and "条块分割模式" in zh
    )
    assert len(comparison.headlines("zh")) == 2 * len(HEADLINE_OUTCOMES)


def test_predictions_are_checked_against_the_best_mean(batch, pages):
    _, comparison, _ = batch
    harm = comparison.summary[comparison.summary["outcome"] == "harm"].set_index("arm_id")["mean"]
    assert comparison.best("harm") == PATTERNS[int(harm.idxmin())]
    section = pages["en"].split('<section id="predictions">')[1].split("</section>")[0]
    right = comparison.best("harm") == "full_cycle"
    alice = re.search(r"<td>Alice</td><td>[^<]*</td><td>(.*?)</td>", section).group(1)
    assert ("✓" in alice) == right
    with pytest.raises(ConfigError):
        comparison.best("nope")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_page_requests_nothing_from_anywhere(pages, lang):
    page = pages[lang]
    assert not re.search(r"https?:", page, flags=re.I)
    assert "@import" not in page and "<script src" not in page and "<link" not in page
    parser = parse(page)
    refs = parser.refs + re.findall(r"url\(([^)]*)\)", page)
    assert refs, "the page has internal links and clip paths"
    for ref in refs:
        ref = ref.strip("'\" ")
        assert ref.startswith("#") or ref.startswith("data:"), ref
    assert not re.search(r"""(src|href)\s*=\s*["']?//""", page)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_page_is_well_formed_html(pages, lang):
    parser = parse(pages[lang])
    assert parser.errors == []
    assert parser.stack == []
    ids = re.findall(r'\bid="([^"]+)"', pages[lang])
    assert len(ids) == len(set(ids)), "ids of the inline charts are unique"


def test_write_brief_writes_atomically_and_loads_again_from_the_folder(batch, tmp_path):
    out, comparison, _ = batch
    path = write_brief(comparison, tmp_path / "brief.html", lang="en")
    assert path.read_text(encoding="utf-8") == render_brief(comparison, "en")
    assert [p.name for p in tmp_path.iterdir()] == ["brief.html"]
    again = load_comparison(out)
    assert again.headlines("en") == comparison.headlines("en")


# ------------------------------------------------------------------------------- honest words


@pytest.fixture
def synthetic(paired_results):
    """Two patterns (siloed first), three replicates, outcomes given as [siloed, full_cycle] lists."""

    def make(values: dict[str, list[list[float]]], scenario: str = "default") -> Comparison:
        definition = {
            "factors": [
                {"name": "pattern", "values": ["siloed", "full_cycle"]},
                {"name": "scenario", "values": [scenario]},
            ],
            "baseline": {"pattern": "siloed"},
            "replicates": 3,
            "seed": 1,
        }
        return Comparison.from_results(paired_results(values, scenario=scenario), definition)

    return make


HEADLINE_VALUES = {
    "harm": [[30, 40, 50], [10, 20, 25]],
    "severe_harm": [[3, 4, 5], [1, 2, 2]],
    "response_delay": [[10, 12, 9], [5, 6, 4]],
    "unmet_need_days_vulnerable": [[9, 8, 7], [3, 2, 1]],
    "unmet_need_days": [[20, 30, 10], [10, 10, 10]],
    "equity_gap": [[0.1, 0.2, 0.2], [0.0, 0.1, 0.0]],
}


def table_row(page: str, label: str) -> str:
    """The full table's rows of an outcome: its cell (label, unit, any direction mark), then its patterns'."""
    table = page[page.index('<section id="table">') :]
    found = re.search(
        rf'<td rowspan="\d+"><b>{re.escape(label)}</b><br><span class="muted">(.*?)</span></td>'
        r"(.*?)(?=<td rowspan|</tbody>)",
        table,
        flags=re.S,
    )
    assert found, label
    return found.group(1) + found.group(2)


def test_an_outcome_better_in_neither_direction_has_no_mark_and_no_headline(monkeypatch, synthetic):
    from coop_agents.workshop.brief import comparison

    c = synthetic(
        {**HEADLINE_VALUES, "emergencies": [[1, 2, 1], [3, 3, 2]], "decrisis": [[0, 1, 0], [2, 1, 1]]}
    )
    assert OUTCOMES["emergencies"].better == OUTCOMES["decrisis"].better == "neither"
    for lang in ("en", "zh"):
        page = render_brief(c, lang)
        for outcome in ("emergencies", "decrisis"):
            cell = table_row(page, OUTCOMES[outcome].label_zh if lang == "zh" else OUTCOMES[outcome].label_en)
            assert BRIEF[lang]["lower_better"] not in cell and BRIEF[lang]["higher_better"] not in cell
            assert "n_lower" not in cell and "n_higher" not in cell, "no count of pairs it was 'better' in"
        harm = table_row(page, OUTCOMES["harm"].label_zh if lang == "zh" else OUTCOMES["harm"].label_en)
        assert BRIEF[lang]["lower_better"] in harm and "n_lower" in harm
    with pytest.raises(ConfigError, match="no better direction"):
        c.best("emergencies")
    # Even listed as a headline, an outcome without a direction never makes one.
    monkeypatch.setattr(comparison, "HEADLINE_OUTCOMES", (*HEADLINE_OUTCOMES, "emergencies"))
    assert c.headline_outcomes == list(HEADLINE_OUTCOMES)
    assert len(c.headlines("en")) == len(HEADLINE_OUTCOMES)
    assert not any("Emergencies" in h for h in c.headlines("en"))


def test_a_shock_is_told_in_the_words_of_a_shock(synthetic):
    c = synthetic(
        {**HEADLINE_VALUES, "peak_prevalence": [[0.2, 0.3, 0.25], [0.1, 0.1, 0.05]]}, scenario="heatwave"
    )
    assert c.hazard == "shock"
    en, zh = render_brief(c, "en"), render_brief(c, "zh")
    assert "<h2>How much the events vary</h2>" in en and "simulated events" in en
    assert "outbreak" not in en.lower() and "疫情" not in zh and "突发事件" in zh
    assert all("simulated events" in h for h in c.headlines("en"))
    assert c.headlines("zh")[0].startswith("在3次模拟突发事件中")
    # Labels are the hazard's own, from the registry.
    assert table_row(en, "Peak share exposed") and "Peak prevalence" not in en
    assert table_row(zh, "峰值暴露比例") and "峰值感染率" not in zh
    default = render_brief(synthetic(HEADLINE_VALUES), "en")
    assert "<h2>How much the outbreaks vary</h2>" in default and "simulated outbreaks" in default


def test_runs_cut_short_get_a_footnote_per_pattern_when_they_differ(synthetic):
    footnote = re.compile(r'<p class="muted footnote">(.*?)</p>', flags=re.S)
    assert not footnote.search(render_brief(synthetic(HEADLINE_VALUES), "en")), "the runs do not say"
    none = synthetic({**HEADLINE_VALUES, "truncated": [[0, 0, 0], [0, 0, 0]]})
    assert not footnote.search(render_brief(none, "en")), "no run was cut short"
    some = synthetic({**HEADLINE_VALUES, "truncated": [[1, 0, 0], [0, 0, 0]]})
    for lang in ("en", "zh"):
        note = re.sub(r"<[^>]+>", "", footnote.search(render_brief(some, lang)).group(1))
        if lang == "en":
            assert "cut short" in note and "Siloed lines and blocks 33% of 3 runs" in note
            assert "Full-cycle refined governance 0% of 3 runs" in note
        else:
            assert "截断" in note and "条块分割3次模拟中的33%" in note
    same = synthetic({**HEADLINE_VALUES, "truncated": [[1, 1, 1], [1, 1, 1]]})
    note = re.sub(r"<[^>]+>", "", footnote.search(render_brief(same, "en")).group(1))
    assert note.startswith("In 100% of the runs of every pattern") and "before the outbreak was over" in note


def test_ties_more_and_undefined_outcomes_are_told_as_they_are(synthetic):
    nan = math.nan
    c = synthetic(
        {
            "harm": [[5, 5, 5], [5, 5, 5]],
            "severe_harm": [[1, 2, 3], [3, 4, 6]],
            "response_delay": [[nan, nan, nan], [2, 3, 4]],
            "unmet_need_days_vulnerable": [[10, 20, nan], [5, 8, 9]],
            "unmet_need_days": [[20, 30, 10], [10, 10, 10]],
            "equity_gap": [[0.1, nan, 0.2], [0.0, 0.1, 0.0]],
        }
    )
    harm, severe, delay, vulnerable = c.headlines("en")
    assert (
        harm == "In all 3 simulated outbreaks, full-cycle refined governance and siloed lines and blocks "
        "gave the same “Residents harmed”."
    )
    assert severe.startswith(
        "In 3 of 3 simulated outbreaks, more residents were severely harmed under "
        "full-cycle refined governance"
    )
    assert "on average 117% more" in severe  # (13/3) / (6/3) - 1
    assert "cannot be compared" in delay and "not defined in any" in delay
    assert vulnerable.startswith("In 2 of 2 simulated outbreaks, vulnerable residents had fewer")
    assert vulnerable.endswith(
        "Pairs left out because “Unmet need-days (vulnerable)” was not defined in one of "
        "the two runs (the outcome was not defined): 1."
    )
    zh = c.headlines("zh")
    assert zh[0] == "在全部3次模拟疫情中，全周期精细化治理模式与条块分割模式的“受影响居民”相同。"
    assert "多于条块分割模式" in zh[1] and "平均多117%" in zh[1]
    assert c.best("harm") == "siloed", "a tie goes to the first listed"
    assert c.best("severe_harm") == "siloed"
    page = render_brief(c, "en")
    assert "The equity gap is not defined in" in page


# ------------------------------------------------------------------------------- the command line


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "coop_agents", "brief", *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=cwd,
    )


def test_cli_writes_the_brief(tmp_path):
    proc = cli(
        "--patterns",
        "siloed,full_cycle",
        "--replicates",
        "2",
        "--residents",
        "600",
        "--steps",
        "40",
        "--lang",
        "en",
        "--executor",
        "serial",
        "--results",
        "res",
        "-o",
        "brief.html",
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    page = (tmp_path / "brief.html").read_text(encoding="utf-8")
    assert all(f'<section id="{key}">' in page for key in SECTIONS if key != "predictions")
    assert "--lang en -o brief.html" in page
    assert sorted(p.name for p in tmp_path.iterdir()) == ["brief.html", "res"], "no temporary file is left"
    _, summary, _ = recompute(tmp_path / "res")
    mean = summary[(summary["arm_id"] == 1) & (summary["outcome"] == "harm")]["mean"].iloc[0]
    found = re.search(
        r'data-src="summary\|full_cycle\|harm\|mean" data-kind="value" '
        r'data-dec="(\d+)">([^<]*)<',
        page,
    )
    assert found and found.group(2) == fmt_value(mean, "en", int(found.group(1)))


@pytest.mark.parametrize(
    "args, needle",
    [
        (["--patterns", "siloed,nope", "-o", "b.html"], "'nope'"),
        (["--patterns", "siloed,full_cycle", "--lang", "xx", "-o", "b.html"], "--lang 'xx'"),
        (["--patterns", "siloed,full_cycle", "--replicates", "0", "-o", "b.html"], "--replicates 0"),
        (["--patterns", "siloed,full_cycle"], "-o FILE.html is missing"),
        (["--patterns", "siloed", "-o", "b.html"], "at least two patterns"),
        (["--patterns", "siloed,full_cycle", "--baseline", "command", "-o", "b.html"], "baseline 'command'"),
        (
            ["--scenario", "nope", "--patterns", "siloed,full_cycle", "-o", "b.html"],
            "unknown scenario 'nope'",
        ),
    ],
)
def test_cli_bad_input_is_one_line_and_exit_2(tmp_path, args, needle):
    proc = cli(*args, cwd=tmp_path)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("coop-agents: error: ") and needle in lines[0], proc.stderr
    assert list(tmp_path.iterdir()) == [], "nothing is written"
