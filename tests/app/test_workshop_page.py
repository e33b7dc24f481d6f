"""The workshop page: choose, predict, reveal, export; and the round's file.

The browser tests run a real ``coop-agents app --workshop-dir DIR`` and a small batch (800
residents, 4 replicates) chosen on the page itself, then check what the page says against a
Comparison run here with the same settings (runs are identical on any executor).
"""

from __future__ import annotations

import json
import os
import re
import threading
from pathlib import Path

import pytest
from playwright.sync_api import expect

from coop_agents.errors import CoopError
from coop_agents.viz import workshop
from coop_agents.viz.workshop import (
    QUESTIONS,
    WORKSHOP_DIR_ENV,
    Prediction,
    WorkshopChoice,
    change_round,
    predictions_by_question,
    round_record,
    save_round,
    verdicts,
    with_prediction,
)

from .conftest import choose_in, new_files, number_field, round_file, start_app

RESIDENTS, REPLICATES, SEED = 800, 4, 5  # a seed other than the default: the page must pass it on
PATTERNS = ("siloed", "platform", "full_cycle")  # in preset order, as the page lists them
PREDICTIONS = [
    ("harm", "Alice", "full_cycle"),
    ("harm", "Bob", "siloed"),
    ("response_delay", "Alice", "platform"),
    ("response_delay", "第二组", "full_cycle"),
]
REVEAL_TIMEOUT_MS = 240_000  # a process pool starts, and the machine's two cores are shared
DOWNLOAD_TIMEOUT_MS = 120_000  # the brief (about a megabyte, with its figures) is made when asked for


@pytest.fixture(scope="module")
def workshop_app(tmp_path_factory):
    """The app with its own workshop folder: ``(address, folder, logs)``."""
    folder, logs = tmp_path_factory.mktemp("sessions"), tmp_path_factory.mktemp("workshop-app")
    for address in start_app(logs, "--workshop-dir", str(folder)):
        yield address, folder, logs


@pytest.fixture
def open_workshop(new_session, workshop_app):
    def open_page():
        page = new_session()
        page.goto(workshop_app[0] + "workshop")
        page.locator(".coop-workshop .coop-reveal-button").wait_for()
        return page

    return open_page


def expected_comparison(scenario: str, seed: int = 1):
    from coop_agents.workshop.brief import run_comparison

    return run_comparison(
        scenario,
        list(PATTERNS),
        baseline="siloed",
        replicates=REPLICATES,
        seed=seed,
        residents=RESIDENTS,
        executor="serial",
        progress=False,
    )


def external_references(html: str) -> list[str]:
    """Anything the page would fetch from elsewhere (an SVG's xmlns is a name, not a fetch)."""
    return re.findall(
        r"""(?:\b(?:src|href|action|srcset)\s*=\s*["']?\s*(?:https?:)?//[^\s"'>]*"""
        r"""|url\(\s*["']?\s*(?:https?:)?//[^)]*|@import[^;]*)""",
        html,
        flags=re.I,
    )


def download(page) -> tuple[str, str]:
    with page.expect_download(timeout=DOWNLOAD_TIMEOUT_MS) as info:
        page.locator(".coop-export").get_by_role("button").first.click()
    return info.value.suggested_filename, open(info.value.path(), encoding="utf-8").read()


def wait_for_reveal(page, logs: Path) -> None:
    """Wait until Reveal has shown its result; fail with what the page and the app said if it
    failed or did not end in time."""
    ended = page.locator(".coop-result-response_delay .coop-best, .coop-failed").or_(
        page.get_by_text("Traceback (most recent call last)")
    )  # an exception while drawing the result
    try:
        expect(ended.first).to_be_visible(timeout=REVEAL_TIMEOUT_MS)
    except AssertionError:
        shown = page.locator(".coop-progress").all_inner_texts()
        pytest.fail(
            f"Reveal did not end in {REVEAL_TIMEOUT_MS // 1000} s; the page shows {shown}; "
            f"the app's stderr ends: {(logs / 'stderr').read_text()[-3000:]!r}"
        )
    if page.locator(".coop-failed").count():
        pytest.fail(f"Reveal failed: {page.locator('.coop-failed').inner_text()}")
    if page.get_by_text("Traceback (most recent call last)").count():
        pytest.fail(f"the result could not be drawn: {(logs / 'stderr').read_text()[-3000:]}")


def test_a_round_predict_reveal_export(open_workshop, workshop_app):
    from coop_agents.workshop.cards import library, pattern_card, scenario_card

    folder = workshop_app[1]
    scenario = library()[-1]
    label = {p: pattern_card(p, "en").label for p in PATTERNS}
    before = set(folder.glob("*.json"))
    page = open_workshop()
    choose = page.locator(".coop-choose")

    # 1. Choose: a scenario, a third pattern, a small batch.
    choose_in(page, choose.locator(".coop-scenario"), scenario_card(scenario, "en").title)
    expect(choose.locator(".coop-scenario-card")).to_contain_text(scenario_card(scenario, "en").story[:40])
    choose.locator(".coop-patterns").get_by_text(label["platform"], exact=True).click()
    expect(choose.locator(".coop-pattern-card")).to_have_count(3)
    siloed = choose.locator(".coop-pattern-card").first
    expect(siloed).to_contain_text(f"{label['siloed']} (baseline)")
    expect(siloed.locator(".coop-actors li").first).to_have_text(pattern_card("siloed", "en").actors[0])
    siloed.get_by_text("Levers").click()
    expect(siloed.locator(".coop-levers li").first).to_have_text(
        ": ".join(pattern_card("siloed", "en").levers[0])
    )
    number_field(choose, "Replicates").fill(str(REPLICATES))
    choose.get_by_text("Advanced settings").click()
    number_field(choose, "Residents").fill(str(RESIDENTS))
    number_field(choose, "Seed").fill(str(SEED))
    expect(page.locator(".coop-reveal")).to_contain_text(f"Runs every pattern {REPLICATES} times")

    # 2. Predict: each question in its own box; every Add is listed and saved.
    for question, name, pattern in PREDICTIONS:
        box = page.locator(f".coop-question-{question}")
        box.locator(".coop-participant input").fill(name)
        choose_in(page, box.locator(".coop-pick"), label[pattern])
        box.get_by_role("button", name="Add").click()
        expect(box.locator(".coop-prediction").filter(has_text=f"{name}: {label[pattern]}")).to_have_count(1)
    expect(page.locator(".coop-saved")).to_contain_text(str(folder))
    files = new_files(folder, before)
    assert len(files) == 1
    entered = predictions_by_question(Prediction(*p) for p in PREDICTIONS)
    saved = round_file(files[0], lambda record: record["predictions"] == entered)
    assert (saved["scenario"], saved["patterns"], saved["baseline"]) == (scenario, list(PATTERNS), "siloed")
    assert (saved["replicates"], saved["residents"], saved["result"]) == (REPLICATES, RESIDENTS, None)
    assert saved["seed"] == SEED

    # 3. Reveal: a progress bar counts the runs, then the result is judged against the predictions.
    page.get_by_role("button", name="Reveal").click()
    runs = len(PATTERNS) * REPLICATES
    expect(page.locator(".coop-progress-bar")).to_be_visible()
    expect(page.locator(".coop-progress")).to_have_text(re.compile(rf"^\d+ of {runs} runs$"))
    wait_for_reveal(page, workshop_app[2])
    expect(page.locator(".coop-best")).to_have_count(2)
    expect(page.locator(".coop-progress")).to_have_text(f"{runs} of {runs} runs")
    comparison = expected_comparison(scenario, SEED)
    best = {q: comparison.best(q) for q in QUESTIONS}
    expect(page.locator(".coop-result-harm .coop-best")).to_have_text(
        f"Fewest residents harmed: {label[best['harm']]}"
    )
    expect(page.locator(".coop-result-response_delay .coop-best")).to_have_text(
        f"Fastest response: {label[best['response_delay']]}"
    )
    for question, name, pattern in PREDICTIONS:
        right = pattern == best[question]
        verdict = page.locator(f".coop-result-{question} .coop-verdict").filter(has_text=f"{name}: ")
        expect(verdict).to_have_class(re.compile("coop-right" if right else "coop-wrong"))
        expect(verdict).to_contain_text("right" if right else "wrong")
    rights = sum(pattern == best[q] for q, _, pattern in PREDICTIONS)
    expect(page.locator(".coop-score")).to_have_text(f"{rights} of {len(PREDICTIONS)} predictions right")
    expect(page.locator(".coop-means tbody tr")).to_have_count(len(PATTERNS))
    headlines = page.locator(".coop-headlines li")
    expect(headlines).to_have_text(comparison.headlines("en"))
    # The round is fixed now.
    expect(page.locator(".coop-question-harm").get_by_role("button", name="Add")).to_be_disabled()
    for field in ("Replicates", "Residents", "Seed"):
        expect(number_field(choose, field)).to_be_disabled()

    saved = round_file(files[0], lambda record: record["result"] is not None)
    assert list(set(folder.glob("*.json")) - before) == files  # the same round, the same file
    assert saved["result"]["best"] == best
    for question in QUESTIONS:
        assert sorted(saved["result"]["right"][question]) == sorted(
            n for q, n, p in PREDICTIONS if q == question and p == best[question]
        )
    assert saved["predictions"] == predictions_by_question(Prediction(*p) for p in PREDICTIONS)
    assert not list(folder.glob(".*.tmp"))

    # 4. Export: the brief of this batch, self-contained, with the predictions; then in Chinese.
    name, html = download(page)
    assert name.endswith("-en.html")
    assert html.lstrip().lower().startswith(("<!doctype html", "<html"))
    for _, participant, _ in PREDICTIONS:
        assert participant in html
    assert external_references(html) == []
    page.get_by_role("button", name="中文", exact=True).click()
    expect(page.locator(".coop-result-harm .coop-best")).to_have_text(
        f"受影响居民最少：{pattern_card(best['harm'], 'zh').label}"
    )
    name, html_zh = download(page)
    assert name.endswith("-zh.html") and html_zh != html
    assert all(participant in html_zh for _, participant, _ in PREDICTIONS)
    assert external_references(html_zh) == []

    # A new round starts empty, in a new file once something is entered.
    page.get_by_role("button", name="新一轮").click()
    expect(page.locator(".coop-question-harm").get_by_text("尚无预测。")).to_be_visible()
    expect(page.locator(".coop-progress")).to_have_count(0)
    expect(page.get_by_role("button", name="揭晓")).to_be_enabled()


def test_the_page_in_chinese(open_workshop):
    from coop_agents.workshop.cards import library, pattern_card, scenario_card

    page = open_workshop()
    expect(page).to_have_title("Workshop · coop-agents")
    page.get_by_role("button", name="中文", exact=True).click()
    expect(page).to_have_title("研讨会 · coop-agents")
    workshop = page.locator(".coop-workshop")
    expect(workshop).to_contain_text("政策研讨：先预测，后揭晓")
    for heading in ("1. 选择", "2. 预测", "3. 揭晓", "研讨情景", "基准模式", "重复次数", "高级设置"):
        expect(workshop).to_contain_text(heading)
    expect(page.locator(".coop-question-harm")).to_contain_text("哪种模式下受影响的居民最少？")
    expect(page.locator(".coop-question-response_delay")).to_contain_text(
        "哪种模式响应最快（响应延迟最短）？"
    )
    expect(page.locator(".coop-scenario-card")).to_contain_text(scenario_card(library()[0], "zh").title)
    expect(page.locator(".coop-pattern-card").first).to_contain_text(
        f"{pattern_card('siloed', 'zh').label}（基准）"
    )
    expect(page.get_by_role("button", name="研讨会")).to_be_visible()
    expect(page.locator(".coop-question-harm").get_by_role("button", name="添加")).to_be_disabled()
    expect(page.get_by_role("button", name="揭晓")).to_be_enabled()
    for english in ("Which pattern", "Reveal", "Predict", "Baseline", "Replicates", "Add"):
        expect(workshop).not_to_contain_text(english)
    # A prediction on the default choices is saved; dropping its pattern drops it, and with fewer
    # than two patterns there is nothing to reveal.
    box = page.locator(".coop-question-harm")
    box.locator(".coop-participant input").fill("甲组")
    choose_in(page, box.locator(".coop-pick"), pattern_card("full_cycle", "zh").label)
    box.get_by_role("button", name="添加").click()
    expect(box.locator(".coop-prediction")).to_have_text([f"甲组: {pattern_card('full_cycle', 'zh').label}"])
    expect(page.locator(".coop-saved")).to_contain_text("已保存至")
    page.locator(".coop-patterns").get_by_text(pattern_card("full_cycle", "zh").label, exact=True).click()
    expect(box.locator(".coop-prediction")).to_have_count(0)
    expect(workshop).to_contain_text("请选择二至四个模式。")
    expect(page.get_by_role("button", name="揭晓")).to_be_disabled()
    path = Path(page.locator(".coop-saved").inner_text().split("已保存至 ")[1])
    saved = round_file(path, lambda record: record["patterns"] == ["siloed"])
    assert saved["predictions"] == {"harm": {}, "response_delay": {}}
    assert saved["scenario"] == library()[0]


# The round's file, without a browser.


def test_a_name_entered_again_replaces_its_prediction_for_that_question_only():
    entered = ()
    for p in [
        Prediction("harm", "Alice", "siloed"),
        Prediction("response_delay", "Alice", "siloed"),
        Prediction("harm", "Bob", "full_cycle"),
        Prediction("harm", "Alice", "full_cycle"),
    ]:
        entered = with_prediction(entered, p)
    assert predictions_by_question(entered) == {
        "harm": {"Bob": "full_cycle", "Alice": "full_cycle"},
        "response_delay": {"Alice": "siloed"},
    }
    assert verdicts({"harm": "full_cycle", "response_delay": "full_cycle"}, entered) == {
        "harm": [("Bob", "full_cycle", True), ("Alice", "full_cycle", True)],
        "response_delay": [("Alice", "siloed", False)],
    }


def test_choosing_patterns_keeps_a_chosen_baseline():
    choice = WorkshopChoice("default")
    assert choice.ready
    fewer = choice.with_pattern("siloed", False)
    assert fewer.patterns == ("full_cycle",) and fewer.baseline == "full_cycle" and not fewer.ready
    back = fewer.with_pattern("siloed", True).with_pattern("platform", True)
    assert (
        back.patterns == ("siloed", "platform", "full_cycle") and back.baseline == "full_cycle" and back.ready
    )


def test_the_round_file_holds_choices_predictions_and_result(tmp_path):
    from coop_agents.workshop.brief import run_comparison

    choice = WorkshopChoice("default", replicates=3, residents=400)
    comparison = run_comparison(
        "default",
        list(choice.patterns),
        replicates=3,
        seed=1,
        residents=400,
        executor="serial",
        progress=False,
    )
    best = {q: comparison.best(q) for q in QUESTIONS}
    worst = {q: next(p for p in choice.patterns if p != best[q]) for q in QUESTIONS}
    entered = (
        Prediction("harm", "Alice", best["harm"]),
        Prediction("response_delay", "Bob", worst["response_delay"]),
    )
    record = round_record("r1", choice, entered, comparison)
    path = save_round(tmp_path / "new" / "folder", "r1", record)
    assert path == tmp_path / "new" / "folder" / "r1.json"
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["predictions"] == {
        "harm": {"Alice": best["harm"]},
        "response_delay": {"Bob": worst["response_delay"]},
    }
    assert saved["result"]["best"] == best
    assert saved["result"]["right"] == {"harm": ["Alice"], "response_delay": []}
    assert saved["result"]["wrong"] == {"harm": [], "response_delay": ["Bob"]}
    for q in QUESTIONS:
        harm = saved["result"]["means"][q]["siloed"]
        runs = comparison.runs.loc[comparison.runs["pattern"] == "siloed", q]
        assert harm["mean"] == pytest.approx(runs.mean())
        assert harm["ci_low"] <= harm["mean"] <= harm["ci_high"]
    assert saved["result"]["headlines"] == {lang: comparison.headlines(lang) for lang in ("en", "zh")}
    assert (saved["seed"], saved["replicates"], saved["residents"]) == (1, 3, 400)


@pytest.fixture
def a_round(tmp_path, monkeypatch):
    """A round of this process's own (outside a browser session), saved under ``tmp_path``."""
    monkeypatch.setenv(WORKSHOP_DIR_ENV, str(tmp_path))
    workshop.new_round()
    workshop.choice.set(None)
    yield tmp_path
    workshop.new_round()
    workshop.choice.set(None)


def test_the_file_is_written_before_the_page_shows_a_change(a_round):
    shown = []

    def check(entered):  # called as the page's value changes, before anything redraws
        files = list(a_round.glob("*.json"))
        on_disk = json.loads(files[0].read_text(encoding="utf-8"))["predictions"] if files else None
        shown.append(on_disk == predictions_by_question(entered))

    unsubscribe = workshop.predictions.subscribe(check)
    try:
        for name, pattern in [("Alice", "siloed"), ("Bob", "full_cycle"), ("Alice", "full_cycle")]:
            change_round(
                enter=lambda entered, p=Prediction("harm", name, pattern): with_prediction(entered, p)
            )
        change_round(choose=lambda old: old.with_pattern("siloed", False))  # drops nothing: no siloed left
        change_round(choose=lambda old: old.with_pattern("full_cycle", False))  # drops both predictions
    finally:
        unsubscribe()
    assert shown == [True] * 4
    assert workshop.predictions.value == ()


def test_changes_at_once_lose_no_prediction(a_round):
    """Many changes from many threads (the page's handlers and Reveal's thread are two): each is
    made from the state the one before left, so the file ends with every prediction."""
    names = [f"group {i}" for i in range(24)]
    start = threading.Barrier(len(names))

    def enter(name: str) -> None:
        start.wait()
        change_round(enter=lambda entered: with_prediction(entered, Prediction("harm", name, "full_cycle")))

    threads = [threading.Thread(target=enter, args=(n,)) for n in names]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    files = list(a_round.glob("*.json"))
    assert len(files) == 1 and not list(a_round.glob(".*.tmp"))
    saved = json.loads(files[0].read_text(encoding="utf-8"))
    assert sorted(saved["predictions"]["harm"]) == sorted(names)
    assert sorted(p.participant for p in workshop.predictions.value) == sorted(names)


def test_saving_is_atomic(tmp_path, monkeypatch):
    first = save_round(tmp_path, "r1", {"predictions": {"harm": {"Alice": "siloed"}}})

    def crash(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(CoopError, match="No space left on device"):
        save_round(tmp_path, "r1", {"predictions": {"harm": {"Alice": "full_cycle"}}})
    # The old file is whole and no temporary file is left behind.
    assert json.loads(first.read_text()) == {"predictions": {"harm": {"Alice": "siloed"}}}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r1.json"]


def test_a_folder_that_is_a_file_is_a_one_line_error(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with pytest.raises(CoopError) as info:
        save_round(blocker / "sessions", "r1", {})
    message = str(info.value)
    assert (
        "\n" not in message
        and str(blocker / "sessions" / "r1.json") in message
        and "--workshop-dir" in message
    )


def test_the_app_refuses_a_workshop_dir_it_cannot_use(tmp_path, monkeypatch, capsys):
    from coop_agents import cli
    from coop_agents.viz import server

    started = []
    monkeypatch.setattr(server, "serve", lambda host, port, allow_hosts=(): started.append((host, port)) or 0)
    monkeypatch.setenv(WORKSHOP_DIR_ENV, "unset")  # restored afterwards
    monkeypatch.setenv(server.MAX_RESIDENTS_ENV, "unset")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert cli.main(["app", "--workshop-dir", str(blocker / "sessions")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--workshop-dir" in err and str(blocker) in err
    assert started == []

    assert cli.main(["app", "--port", "0", "--workshop-dir", str(tmp_path / "later" / "sessions")]) == 0
    assert started == [("127.0.0.1", 0)]
    assert os.environ[WORKSHOP_DIR_ENV] == str(tmp_path / "later" / "sessions")
    assert not (tmp_path / "later").exists()  # made when a round is first saved, not at start
