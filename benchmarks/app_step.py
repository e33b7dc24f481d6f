"""How long the app takes to step one day and redraw, against its budget of half a second.

    .venv/bin/python benchmarks/app_step.py              # both measures, about a minute
    .venv/bin/python benchmarks/app_step.py --no-browser # the server's share only

Two figures for the default scenario (4,800 residents, 12 communities) and the app's default
pattern, each over 40 days from day 1:

* **server**: what the app computes for one day in one session: the model's step, the network
  picture (SVG), the data of the states and outcome charts and the outcome table. Median, 90th
  percentile and worst day, in process. (The network's legend is drawn once per language.)
* **browser** (needs Debian's chromium): from a click on Step in a real page of
  ``coop-agents app`` until the page shows the new day: the day, the network picture, the table
  and both charts (their ECharts instances hold the new day's data).

Each is printed with its ratio to the budget (0.5 s); a ratio well under 1 is the goal.

    .venv/bin/python benchmarks/app_step.py --tabletop  # the drill's turn, 10 simulated players
    .venv/bin/python benchmarks/app_step.py --district FILE   # a district file (coop-agents app --district)

With ``--district`` both measures run on the district of a file (a workbook, CSV folder or
GraphML; e.g. 156 communities under 13 street offices, drawn as the overview by street office):
the browser's page is opened with ``coop-agents app --district FILE``, the district's scenario is
chosen and Reset before the days are stepped; its budget is 0.5 s at the 90th percentile.

* **tabletop**: a drill on the default scenario with 10 players (the district government, both
  street offices and seven committees), each with a player's page rendered in process (Solara,
  as the server renders it for a browser session). Each turn the players submit their answers;
  the time runs from the last submission (which advances the turn: the model steps the day, the
  next turn is previewed and the log written) until every player's page has redrawn the new
  turn. Its budget is 1 s at the 90th percentile.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from coop_agents.viz.headless import CHROMIUM, CHROMIUM_ARGS  # as the app's browser tests start it

BUDGET_S = 0.5
DAYS = 40


def summary(name: str, seconds: list[float]) -> None:
    s = sorted(seconds)
    median, p90, worst = statistics.median(s), s[int(0.9 * (len(s) - 1))], s[-1]
    print(
        f"{name:8s} median {median * 1000:6.0f} ms   p90 {p90 * 1000:6.0f} ms   worst {worst * 1000:6.0f} ms"
        f"   median / budget = {median / BUDGET_S:.2f}   p90 / budget = {p90 / BUDGET_S:.2f}   (n={len(s)})"
    )


def server_side(scenario: str = "default") -> list[float]:
    from coop_agents.viz.charts import charts_option, outcome_table, states_option
    from coop_agents.viz.figures import network_figure, svg
    from coop_agents.viz.session import Ensemble, RunSettings

    ensemble = Ensemble.single(RunSettings(scenario=scenario))

    def redraw() -> None:
        svg(network_figure(ensemble.runs[0]))
        json.dumps(states_option(ensemble.runs, "en"))
        json.dumps(charts_option(ensemble.runs, "en"))
        outcome_table(ensemble.runs, "en")

    redraw()  # the first drawing loads fonts and lays out the district once per session
    times = []
    for _ in range(DAYS):
        start = time.perf_counter()
        ensemble.step()
        redraw()
        times.append(time.perf_counter() - start)
    return times


def in_browser(district: str | None = None) -> list[float]:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "stdout"
        extra = ["--district", district] if district else []
        with open(out, "w") as fh:
            server = subprocess.Popen(
                [sys.executable, "-m", "coop_agents", "app", "--port", "0", *extra],
                stdout=fh,
                stderr=subprocess.DEVNULL,
            )
        try:
            url = None
            for _ in range(600):
                found = re.search(r"http://127\.0\.0\.1:\d+/", out.read_text())
                if found:
                    url = found.group(0)
                    break
                time.sleep(0.1)
            if url is None:
                raise SystemExit("coop-agents app did not start")
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS))
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                page.set_default_timeout(60_000)
                page.goto(url)
                page.locator(".coop-outcomes td").first.wait_for()
                if district:  # choose the district's scenario and Reset (the model is built anew)
                    network = page.evaluate(SNAPSHOT)["network"]
                    page.locator(".v-select").filter(has_text="Scenario").first.locator(
                        ".v-select__slot"
                    ).click()
                    page.locator(".menuable__content__active .v-list-item").filter(
                        has_text="Your district"
                    ).click()
                    page.get_by_role("button", name="Reset", exact=True).click()
                    page.wait_for_function(
                        f"() => ({SNAPSHOT})().network !== {json.dumps(network)}",
                        polling=200,
                        timeout=120_000,
                    )
                times = []
                for day in range(1, DAYS + 1):
                    before = page.evaluate(SNAPSHOT)
                    start = time.perf_counter()
                    page.get_by_role("button", name="Step", exact=True).click()
                    page.wait_for_function(
                        f"""() => {{
                        const now = ({SNAPSHOT})();
                        return now.day.startsWith("Day {day} ") && now.network !== {json.dumps(before["network"])}
                            && now.table !== {json.dumps(before["table"])} && now.states > {before["states"]}
                            && now.charts > {before["charts"]};
                    }}""",
                        polling="raf",
                    )
                    times.append(time.perf_counter() - start)
                browser.close()
            return times
        finally:
            server.terminate()
            server.wait(timeout=20)


# What the page shows: the day, the network (a new picture is a new blob URL), the table, and how
# many data points each chart's ECharts instance (on its Vue component) holds.
SNAPSHOT = """() => {
    const points = (selector) => {
        const chart = document.querySelector(selector).__vue__.chart;
        return chart ? chart.getOption().series[0].data.length : -1;
    };
    return {
        day: document.querySelector('.coop-day').innerText,
        network: document.querySelector('img.coop-network').src,
        table: document.querySelector('.coop-outcomes').innerText,
        states: points('.coop-states'),
        charts: points('.coop-charts'),
    };
}"""


TABLETOP_BUDGET_S = 1.0
TABLETOP_TURNS = 30
TABLETOP_PLAYERS = 10


def tabletop_side(turns: int = TABLETOP_TURNS, players: int = TABLETOP_PLAYERS) -> list[float]:
    """Seconds from the last player's submission to every player's page showing the next turn."""
    import solara

    from coop_agents.tabletop import Exercise
    from coop_agents.tabletop.room import ROOMS, create_room
    from coop_agents.viz.tabletop import PlayerView

    probe = Exercise("default", "siloed", 1, humans=["government"], days=1)
    orgs = probe.model.organisations
    humans = (
        [o.node for o in orgs if o.kind == "government"]
        + [o.node for o in orgs if o.kind == "street_office"]
        + [c.node for c in probe.model.committees]
    )[:players]
    with tempfile.TemporaryDirectory() as tmp:
        exercise = Exercise(
            "default", "siloed", 1, humans=humans, days=turns + 5, log=Path(tmp) / "drill.jsonl"
        )
        room = create_room(exercise, time_limit=None)
        pages = [solara.render(PlayerView(room, role, "en"), handle_error=False) for role in humans]

        def turn_shown(box) -> str | None:
            stack = [box]
            while stack:
                w = stack.pop()
                if "coop-turn" in (getattr(w, "class_", None) or ""):
                    return w.children[0]
                stack.extend(c for c in (getattr(w, "children", None) or []) if hasattr(c, "keys"))
            return None

        room.start()
        times = []
        for turn in range(turns):
            waiting = [role for role in humans if exercise.pending(role)]
            for role in waiting[:-1]:
                room.submit(role, {p.key: p.nothing for p in exercise.pending(role)})
            expected = f"Turn {turn + 2} of"
            start = time.perf_counter()
            if waiting:
                last = waiting[-1]
                room.submit(last, {p.key: p.nothing for p in exercise.pending(last)})
            else:
                room.advance()
            while not all((turn_shown(box) or "").startswith(expected) for box, _ in pages):
                room.wait(room.version, 0.01)  # the pages redraw in their own threads
            times.append(time.perf_counter() - start)
        for _, rc in pages:
            rc.close()
        room.close()
        ROOMS.pop(room.code, None)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-browser", action="store_true", help="measure the server's share only")
    parser.add_argument(
        "--tabletop",
        action="store_true",
        help=f"measure a drill's turn with {TABLETOP_PLAYERS} simulated players only",
    )
    parser.add_argument("--district", metavar="FILE", help="step the district of this file (see above)")
    args = parser.parse_args()
    if args.district:
        from coop_agents.district.cli import use_in_app

        name = use_in_app(args.district)
        print(f"app step + redraw, district {args.district}, {DAYS} days; budget {BUDGET_S:.1f} s at p90")
        summary("server", server_side(name))
        if not args.no_browser and os.path.exists(CHROMIUM):
            summary("browser", in_browser(args.district))
        return
    if args.tabletop:
        s = sorted(tabletop_side())
        p90 = s[int(0.9 * (len(s) - 1))]
        print(
            f"tabletop drill, default scenario, {TABLETOP_PLAYERS} players, {len(s)} turns; "
            f"budget {TABLETOP_BUDGET_S:.1f} s at p90"
        )
        print(
            f"tabletop median {statistics.median(s) * 1000:6.0f} ms   p90 {p90 * 1000:6.0f} ms   "
            f"worst {s[-1] * 1000:6.0f} ms   p90 / budget = {p90 / TABLETOP_BUDGET_S:.2f}   (n={len(s)})"
        )
        return
    print(f"app step + redraw, default scenario, {DAYS} days; budget {BUDGET_S:.1f} s per day")
    summary("server", server_side())
    if args.no_browser:
        return
    if not os.path.exists(CHROMIUM):
        print(f"browser  skipped: {CHROMIUM} is missing (make setup installs it)")
        return
    summary("browser", in_browser())


if __name__ == "__main__":
    main()
