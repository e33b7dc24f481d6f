"""Blocks of docs/odd.md: tables and numbers read from the code, and the outcome definitions."""

from __future__ import annotations

import ast
import functools
import json
import math
import re
import sys
from pathlib import Path

from docgen.core import ROOT, Context, block, md_table, wrap

SRC = ROOT / "src" / "coop_agents"


def _plain(x) -> str:
    """A parameter value as the TOML files write it: true/false, 4800, 0.25, 4."""
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, int):
        return str(x)
    if isinstance(x, float):
        return str(int(x)) if x.is_integer() and abs(x) < 1e15 else f"{x:.10g}"
    return str(x)


def _onoff(x) -> str:
    return ("on" if x else "off") if isinstance(x, bool) else _plain(x)


def _find(obj, name: str, depth: int = 2):
    """``obj.name``, or the attribute ``name`` of one of its parts (``model.effects.p_own``).

    The model keeps its rates in parts (effects, world, bus, governance); this finds a rate
    wherever the current code keeps it, so a reorganisation of the model does not break the docs.
    """
    seen, level = set(), [obj]
    for _ in range(depth + 1):
        nxt = []
        for o in level:
            if id(o) in seen:
                continue
            seen.add(id(o))
            d = getattr(o, "__dict__", None)
            if d is None:
                continue
            if name in d:
                return d[name]
            if hasattr(type(o), name) and not callable(getattr(type(o), name)):
                return getattr(o, name)
            nxt += [
                v
                for k, v in d.items()
                if not k.startswith("__")
                and hasattr(v, "__dict__")
                and not isinstance(v, type)
                and type(v).__module__.startswith("coop_agents")
            ]
        level = nxt
    raise SystemExit(
        f"make_docs: scripts/docgen/odd.py: the model has no {name!r} any more; update the producer"
    )


@functools.cache
def _modules() -> tuple[str, ...]:
    """The modules that hold the model's fixed rates: those ``model.py`` imports, directly or not
    (read from the source, not from what happens to be imported), less tables, I/O and limits."""
    import coop_agents

    src = Path(coop_agents.__file__).parent
    skip = {
        "cli.py",
        "config.py",
        "numbers.py",
        "validation.py",
        "limits.py",
        "file_checks.py",
        "parameters.py",
        "toml_files.py",
        "errors.py",
        "__init__.py",
        "__main__.py",
        "patterns.py",
        "scenarios.py",
        "rng.py",
    }

    def path_of(module: str) -> Path | None:
        rel = module.removeprefix("coop_agents").lstrip(".").replace(".", "/")
        for candidate in (src / f"{rel}.py", src / rel / "__init__.py"):
            if rel and candidate.exists():
                return candidate
        return None

    todo, seen = [src / "model.py"], set()
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("coop_agents"):
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names if a.name.startswith("coop_agents")]
            for name in names:
                found = path_of(name)
                if found is not None:
                    todo.append(found)
                    if found.name == "__init__.py":  # a package: its modules (e.g. each hazard)
                        todo += [q for q in found.parent.glob("*.py")]
    # The district's building and loading (network/) hold formats and limits, not rates.
    mods = sorted(
        p.relative_to(src).as_posix() for p in seen if p.name not in skip and p.parent.name != "network"
    )
    return tuple(sorted(mods, key=lambda m: (m != "model.py", m)))


def _const(name: str):
    """The value of the model's fixed rate ``name``, in whichever module defines it."""
    for rel in _modules():
        for n, value, _, _ in _constants(rel):
            if n == name:
                return value
    raise SystemExit(f"make_docs: no constant {name} in the model's modules; update scripts/docgen/odd.py")


def _small_model(scenario="default", pattern="siloed", seed=0, **over):
    from coop_agents import CoordinationModel

    return CoordinationModel(scenario, pattern, seed, **over)


# ------------------------------------------------------------------------------ §2 and §4


@block("odd", "odd-profiles", cheap=True)
def profiles(ctx: Context) -> str:
    from coop_agents.network import PROFILES

    rows = [
        [name, _plain(p.contacts), _plain(p.vulnerable), _plain(p.infrastructure), _plain(p.trust)]
        for name, p in PROFILES.items()
    ]
    return md_table(
        ["profile", "mean daily contacts", "vulnerable share", "infrastructure", "base trust"], rows
    )


@block("odd", "odd-scales", cheap=True)
def scales(ctx: Context) -> str:
    from collections import Counter

    from coop_agents.config import PARAMETERS

    model = _small_model("default", "siloed")
    cfg = model.config
    g = _find(model, "graph")
    kinds = Counter(
        (
            g.nodes[o.node]["kind"],
            g.nodes[o.node].get("level", "") if g.nodes[o.node]["kind"] == "party_committee" else "",
        )
        for o in _find(model, "organisations")
    )
    n_orgs = sum(kinds.values())
    communities = cfg.street_offices * cfg.communities_per_street
    per = cfg.residents // communities
    names = [
        (("government", ""), "government", "governments"),
        (("party_committee", "district"), "district party committee", "district party committees"),
        (("platform", ""), "platform hub", "platform hubs"),
        (("street_office", ""), "street office", "street offices"),
        (("party_committee", "street"), "street party committee", "street party committees"),
        (("committee", ""), "committee", "committees"),
        (("party_committee", "community"), "branch", "branches"),
        (("social_organisation", ""), "social organisation", "social organisations"),
    ]
    parts = [f"{kinds[key]} {one if kinds[key] == 1 else many}" for key, one, many in names if kinds[key]]
    parts += [
        f"{n} {kind} {level}".strip()
        for (kind, level), n in kinds.items()
        if (kind, level) not in {key for key, _, _ in names}
    ]
    steps = PARAMETERS["steps"]
    until = PARAMETERS.get("run_until")
    horizon = (
        f"- **Time:** one step = one day; a run lasts until its event is over, at most `steps` days "
        f"(default {_plain(steps.default)}; each preset's cap is in Appendix C)"
        if until is not None and until.default == "event_over"
        else f"- **Time:** one step = one day; horizon `steps` (default {_plain(steps.default)}; each preset's "
        f"horizon is in Appendix C)"
    )
    return "\n".join(
        wrap(t)
        for t in [
            horizon + ". Inside a day, message handling runs in continuous time on the message bus.",
            f"- **Space:** no geometric space; structure is the graph. The default district has "
            f"{cfg.residents:,} residents, {cfg.street_offices} street offices × {cfg.communities_per_street} "
            f"communities ({per:,} residents each), {cfg.social_organisations} social organisations, i.e. "
            f"{n_orgs} organisations ({', '.join(parts)}).",
        ]
    )


_SERIES_GLOSS = {
    "prevalence": "prevalence",
    "harm": "harm so far",
    "severe": "severe harm so far",
    "detected": "detected and active residents",
    "messages": "messages handled that day",
    "in_flight": "messages in flight",
    "max_backlog": "largest backlog",
    "resources": "total stock",
    "unmet_needs": "unmet needs today",
    "measures": "mean measure level",
    "lost_messages": "cumulative lost messages",
    "trust": "mean residents' trust",
    "lessons": "mean lessons",
    "event": "the number of the latest event begun",
}
_MATRIX_GLOSS = {
    "states": "governance state",
    "risk": "true risk",
    "level": "measure level",
    "seen": "whether monitoring saw anything (before false signals)",
}


@block("odd", "odd-timeseries", cheap=True)
def timeseries(ctx: Context) -> str:
    from coop_agents.metrics import TimeSeries

    def gloss(table, names):
        missing = [n for n in names if n not in table]
        if missing:
            print(
                f"make docs: odd-timeseries: no gloss for {', '.join(missing)} (add one in "
                f"scripts/docgen/odd.py)",
                file=sys.stderr,
            )
        return "; ".join(table.get(n, f"`{n}`") for n in names)

    scalars = list(TimeSeries.SCALARS)
    matrices = dict(TimeSeries.MATRICES)
    kinds = ", ".join(
        f"`{k}` ({getattr(t, '__name__', str(t)).replace('bool_', 'bool')})" for k, t in matrices.items()
    )
    return "\n".join(
        wrap(t)
        for t in [
            f"- scalars {', '.join(f'`{s}`' for s in scalars)}: {gloss(_SERIES_GLOSS, scalars)};",
            f"- per-community matrices {kinds}: {gloss(_MATRIX_GLOSS, list(matrices))}.",
        ]
    )


# ------------------------------------------------------------------------------------ §7.1

# Named codes, not rates.
# Not rates: the contagion's state codes, and how the code reads its data (the same numbers either
# way: contacts one by one or in one pass, draws day by day or in blocks).
_NOT_RATES = {"SUSCEPTIBLE", "EXPOSED", "INFECTIOUS", "RECOVERED", "FEW_SOURCES", "READ_AHEAD"}
# A short gloss where the source's comment does not fit a table cell (or there is none).
_GLOSS = {
    "MAX_BOUNCES": "cap on bounces of one boundary task",
    "READINESS_BUILD": "daily build rate of readiness per unit of peacetime budget, in normal times (holds "
    "readiness near 0.3 at a budget of 0.3 and a decay of 1 a year)",
    "READINESS_REF": "readiness at which drills add +0.1 compliance and volunteer turnout is x1 (the single-event "
    "calibration)",
    "DAYS_PER_YEAR": "turns yearly rates into daily ones",
    "CARE_EFFECT": "how much care (needs met while ill) cuts the chance of a severe outcome",
    "SPARSE_SHARE": "speed only: below this share of all contacts, infection pressure reads only the infectious "
    "residents' rows (same result bit for bit)",
    "SELF_RESCUE": "daily self-rescue chance per unit of intensity (non-vulnerable residents)",
    "RECEDE_DAYS": "days the shock takes to recede",
    "JUMP_COST": "speed only: skipping to a stream position costs about as much as drawing this many numbers "
    "(same draws either way)",
    "VULNERABLE_WEIGHT": "severe harm of a vulnerable resident weighs this much more",
    "DRILL_COMPLIANCE": "compliance that drills add at the reference readiness (READINESS_REF)",
    "STOCK_RESOURCES_BASE": "initial stocks per resident scale with this plus the resources pillar",
    "STOCK_PREPARED": "initial stocks are this many times larger with preparation on",
}
_GLOSS_BY_MODULE = {
    (
        "readiness.py",
        "DAYS_PER_YEAR",
    ): "turns the yearly rates readiness_decay and trust_recovery into daily ones",
    ("events.py", "DAYS_PER_YEAR"): "turns arrival_rate (events a year) into the mean gap between events",
}


@functools.cache
def _constants(rel: str) -> list[tuple[str, str, str, str]]:
    """(name, value, expression, comment) of the module's numeric UPPER_CASE constants."""
    import importlib

    module = importlib.import_module("coop_agents." + rel.removesuffix(".py").replace("/", "."))
    source = Path(module.__file__).read_text(encoding="utf-8")
    lines = source.splitlines()
    out = []
    for node in ast.parse(source).body:
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1):
            continue
        target = node.targets[0]
        if isinstance(target, ast.Name):
            pairs = [(target.id, node.value)]
        elif (
            isinstance(target, ast.Tuple)
            and isinstance(node.value, ast.Tuple)
            and len(target.elts) == len(node.value.elts)
            and all(isinstance(t, ast.Name) for t in target.elts)
        ):
            pairs = [(t.id, v) for t, v in zip(target.elts, node.value.elts)]
        else:
            continue
        line = lines[node.lineno - 1]
        comment = line.split("#", 1)[1].strip() if "#" in line else ""
        if not comment:  # the comment block just above, if there is one
            above, k = [], node.lineno - 2
            while k >= 0 and lines[k].lstrip().startswith("#"):
                above.insert(0, lines[k].strip().lstrip("#").strip())
                k -= 1
            comment = " ".join(above) if len(" ".join(above)) <= 240 else ""
        for name, value_node in pairs:
            if not re.fullmatch(r"[A-Z][A-Z0-9_]+", name) or name in _NOT_RATES:
                continue
            value = getattr(module, name, None)
            if isinstance(value, bool) or not isinstance(value, int | float):
                continue
            out.append((name, value, ast.get_source_segment(source, value_node), comment))
    return out


@block("odd", "odd-fixed-rates", cheap=True)
def fixed_rates(ctx: Context) -> str:
    rows = []
    for rel in _modules():
        constants = _constants(rel)
        for name, value, expr, comment in constants:
            shown = _plain(value)
            if isinstance(value, float) and not re.fullmatch(r"[0-9.]+", expr):
                shown = f"{value:.6g} (= `{expr}`)"
            gloss = _GLOSS_BY_MODULE.get((rel, name)) or _GLOSS.get(name) or comment
            if not gloss:
                print(
                    f"make docs: odd-fixed-rates: {rel} {name} has no comment and no gloss", file=sys.stderr
                )
            rows.append([f"`{name}`", shown, rel, gloss.rstrip(".")])
    return md_table(["constant", "value", "module", "used for"], rows)


# ------------------------------------------------------------------------------------ §7.2


@block("odd", "odd-derived", cheap=True)
def derived(ctx: Context) -> str:
    import numpy as np

    from coop_agents.patterns import preset_names

    rows = []
    for name in preset_names():
        m = _small_model("default", name, 0)
        cfg = m.config
        g = _find(m, "graph")
        committees = _find(m, "committees")
        n = len(committees)
        recipients_of = _find(m, "alert_recipients")
        recipients = np.mean([len(recipients_of.get(c.community, [])) for c in committees])
        hub_org = _find(m, "alert_hub")
        hub = "—" if hub_org is None else g.nodes[hub_org.node]["kind"]
        readiness = float(np.mean(_find(m, "readiness")))
        bus = _find(m, "bus")
        ref = _const("READINESS_REF")
        rows.append(
            [
                f"`{name}`",
                f"{_find(m, 'base_deliberation_days'):.3f}",
                f"{_find(m, 'fidelity'):.3f}",
                f"{_find(m, 'misjudgement_sigma'):.3f}",
                f"{_find(m, 'prevention_strength'):.3f}",
                f"{_find(m, 'p_own'):.3f}",
                f"{bus.latency_factor:.2f}",
                f"{bus.reliability_gain:.2f}",
                f"{float(np.mean(_find(m, 'informant_boost'))):.3f}",
                f"{int(np.sum(_find(m, 'branch_mobilised')))}/{n}",
                f"{recipients:.1f} / {hub}",
                f"{1.15 - 0.5 * cfg.peacetime_budget:.2f}",
                f"{readiness:.2f}",
                f"{0.5 + 0.5 * min(2.0, readiness / ref):.2f}",
            ]
        )
    header = [
        "pattern",
        "deliberation_days (base)",
        "fidelity",
        "misjudgement_sigma",
        "prevention_strength",
        "p_own",
        "latency_factor",
        "reliability_gain",
        "informant_boost (mean)",
        "branch mobilised",
        "direct alert recipients per committee (mean) / alert hub",
        "grid budget factor",
        "readiness (start)",
        "volunteer turnout (start)",
    ]
    return md_table(header, rows)


# ------------------------------------------------------------------------------------ §7.4


@block("odd", "odd-shock-curve", cheap=True)
def shock_curve(ctx: Context) -> str:
    m = _small_model("rural_flood", "no_response")
    cfg, hz = m.config, m.hazard
    days = list(range(hz.onset - 1, hz.end + 1))
    cells = [f"day {d}: {hz.intensity(d) / hz.peak:.3f}" for d in days]
    half = (len(cells) + 1) // 2
    return "\n".join(
        [
            wrap(
                f"Generated for `rural_flood` (`shock_onset = {cfg.shock_onset}`, `shock_lead = {cfg.shock_lead}`, "
                f"`shock_duration = {cfg.shock_duration}`), as shares of `peak`:"
            ),
            "",
            "```text",
            ", ".join(cells[:half]),
            ", ".join(cells[half:]),
            "```",
        ]
    )


@block("odd", "odd-shock-peak", cheap=True)
def shock_peak(ctx: Context) -> str:
    from coop_agents.hazards import make_hazard

    peaks = []
    for name in ("no_response", "siloed", "full_cycle"):
        m = _small_model("rural_flood", name)
        peaks.append(f"{m.hazard.peak:.3g} under `{name}`")
    m = _small_model("flood_during_epidemic", "siloed")
    cfg = m.config
    shocks = [e for e in m.scenario_spec.events if e.hazard == "shock"]
    text = [f"`peak` itself is 1 − 0.3 · `prevention_strength` (generated: {', '.join(peaks)})."]
    if shocks:
        day = shocks[0].day
        s = make_hazard("shock", m)
        s.begin_on(day)
        text.append(
            f"As a scheduled event (generated): in `flood_during_epidemic` (event day {day}, `shock_lead = "
            f"{cfg.shock_lead}`, `shock_duration = {cfg.shock_duration}`) the precursors begin on day "
            f"{s.onset}, the peak is reached on day {s.full} and the shock is over from day {s.end}."
        )
    return "\n".join(wrap(t) for t in text)


# ------------------------------------------------------------------------------- §7.10 (runs)


@block("odd", "odd-stocks", cheap=False)
def stocks(ctx: Context) -> str:
    def compute():
        folder = ctx.cache_dir("odd-runs")
        f = folder / "stocks.json"
        if f.exists():
            return json.loads(f.read_text())
        ctx.say("odd: one run of recurring/siloed, seed 3 (stocks over two years)")
        m = _small_model("recurring", "siloed", 3)
        m.run()
        res = m.series.data["resources"][: m.series.n]
        data = {
            "events": [int(e.day) for e in m.hazard.specs],
            "steps": int(m.series.n - 1),
            "stock": [float(x) for x in res],
        }
        f.write_text(json.dumps(data))
        return data

    data = compute()
    stock, last = data["stock"], data["steps"]
    days = [d for d in range(0, last + 1, 100)] + ([last] if last % 100 else [])
    return wrap(
        f"Generated for `recurring`, `siloed`, seed 3: events on days {', '.join(map(str, data['events']))}; "
        f"total stock {', '.join(f'day {d}: {stock[d]:.1f}' for d in days)}. `resources_spent` counts "
        f"committee spending only."
    )


# ------------------------------------------------------------------------------------ §7.13


@block("odd", "odd-arrivals", cheap=True)
def arrivals(ctx: Context) -> str:
    lines = []
    cfg = None
    for seed in range(5):
        m = _small_model("recurring", "siloed", seed)
        cfg = m.config
        days = [e.day for e in m.hazard.specs]
        lines.append(
            f"seed {seed}: {len(days)} event{'s' if len(days) != 1 else ''}"
            + (f", on days {', '.join(map(str, days))}" if days else "")
        )
    return "\n".join(
        [
            f"Generated arrivals of `recurring` (`arrival_rate = {_plain(cfg.arrival_rate)}` a year over `steps = "
            f"{cfg.steps}` days), seeds 0–4:",
            "",
            "```text",
            *lines,
            "```",
        ]
    )


# ------------------------------------------------------------------------------------ §7.14


def _evenings(
    days: int,
    readiness: float = 0.0,
    budget: float = 0.0,
    decay: float = 1.0,
    loss: float = 0.0,
    recovery: float = 0.5,
) -> tuple[float, float]:
    """Readiness and trust loss of a community after ``days`` evenings in normal times without events,
    by the rules of §7.14 and §7.15 with the model's own constants."""
    build = _const("READINESS_BUILD") * budget
    per_year = _const("DAYS_PER_YEAR")
    for _ in range(days):
        readiness += build * (1 - readiness) - decay / per_year * readiness
        loss *= 1 - min(1.0, recovery / per_year)
    return readiness, loss


@block("odd", "odd-readiness-fade", cheap=True)
def readiness_fade(ctx: Context) -> str:
    year = int(_const("DAYS_PER_YEAR"))
    kept = _evenings(year, readiness=0.5)[0] / 0.5
    return wrap(
        f"Readiness builds only in normal times and only with `preparation` on, and fades at "
        f"`readiness_decay` a year in every state (generated: with no budget, a readiness of 0.5 keeps "
        f"{kept:.3f} of itself after {year} days at `readiness_decay = 1`)."
    )


@block("odd", "odd-readiness-table", cheap=True)
def readiness_table(ctx: Context) -> str:
    year, ref = int(_const("DAYS_PER_YEAR")), _const("READINESS_REF")
    rows = []
    for budget in (0.0, 0.15, 0.3, 0.5, 0.7, 1.0):
        r = _evenings(5 * year, readiness=budget, budget=budget)[0]
        rows.append(
            [
                _plain(budget),
                f"{1.15 - 0.5 * budget:.3f}",
                f"{r:.3f}",
                f"{0.1 * min(2.0, r / ref):.3f}",
                f"{0.5 + 0.5 * min(2.0, r / ref):.3f}",
            ]
        )
    return md_table(
        [
            "peacetime_budget",
            "grid factor (1.15 − 0.5·budget)",
            "readiness after 5 years",
            "drills (compliance +)",
            "volunteer turnout",
        ],
        rows,
    )


# ------------------------------------------------------------------------------------ §7.15


@block("odd", "odd-trust-recovery", cheap=True)
def trust_recovery(ctx: Context) -> str:
    year = int(_const("DAYS_PER_YEAR"))
    parts = [
        f"{_evenings(year, loss=1.0, recovery=rate)[1]:.3f} at `trust_recovery = {_plain(rate)}`"
        for rate in (0.5, 1.0, 2.0)
    ]
    return wrap(
        f"How much of a trust loss is left after {year} days without new losses "
        f"(generated): {', '.join(parts)}."
    )


# ------------------------------------------------------------------------------- §7.16 (runs)


@block("odd", "odd-event-outcomes", cheap=False)
def event_outcomes_table(ctx: Context) -> str:
    from coop_agents.numbers import format_number

    def compute():
        folder = ctx.cache_dir("odd-runs")
        f = folder / "events.json"
        if f.exists():
            return json.loads(f.read_text())
        ctx.say("odd: one run of flood_during_epidemic/full_cycle, seed 0 (per-event outcomes)")
        from coop_agents.metrics import event_outcomes

        m = _small_model("flood_during_epidemic", "full_cycle", 0)
        out = m.run()
        events = event_outcomes(m)
        clean = lambda d: {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in d.items()}
        data = {"events": [clean(e) for e in events], "run": clean(out)}
        f.write_text(json.dumps(data, default=str))
        return data

    data = compute()
    events = data["events"]
    keys = list(events[0])

    def cell(v):
        if v is None:
            return "n/a"
        if isinstance(v, str):
            return v
        return format_number(float(v), None) if not float(v).is_integer() else f"{int(v)}"

    rows = [[cell(e[k]) for k in keys] for e in events]
    shared = (
        "events",
        "harm",
        "detection_delay",
        "response_delay",
        "missed_windows",
        "learning_gain",
        "false_alarms",
        "mean_trust",
    )
    run = data["run"]
    tail = ", ".join(f"`{k}` = {cell(run[k])}" for k in shared if k in run)
    return "\n".join(
        [
            "Generated for `flood_during_epidemic`, `full_cycle`, seed 0:",
            "",
            md_table(keys, rows),
            "",
            wrap(f"with run outcomes {tail}."),
        ]
    )


# ------------------------------------------------------------------------------ Appendix A


@block("odd", "odd-parameters", cheap=True)
def parameters(ctx: Context) -> str:
    from coop_agents.config import PARAMETERS

    rows, roles = [], {"scenario": 0, "lever": 0}
    for p in PARAMETERS.values():
        roles[p.role] = roles.get(p.role, 0) + 1
        if p.type == "bool":
            allowed = "true / false"
        elif p.type == "choice":
            allowed = " / ".join(p.choices)
        else:
            allowed = f"{_plain(p.low)} – {_plain(p.high)}"
        rows.append(
            [
                f"`{p.name}`",
                p.role,
                p.group,
                p.type,
                _plain(p.default),
                allowed,
                p.unit,
                p.label_en,
                p.label_zh,
            ]
        )
    head = (
        f"{len(PARAMETERS)} parameters ({roles['scenario']} scenario, {roles['lever']} lever). `scenario` rows "
        f"are set by scenario files (uncertainties), `lever` rows by patterns."
    )
    return "\n".join(
        [
            wrap(head),
            "",
            md_table(
                ["name", "role", "group", "type", "default", "range / choices", "unit", "English", "中文"],
                rows,
            ),
        ]
    )


# ------------------------------------------------------------------------------ Appendix B


@block("odd", "odd-patterns", cheap=True)
def patterns(ctx: Context) -> str:
    from coop_agents.config import PARAMETERS
    from coop_agents.patterns import load_pattern, preset_names

    presets = [load_pattern(n) for n in preset_names()]
    levers = [p for p in PARAMETERS.values() if p.role == "lever"]
    used = [p for p in levers if any(p.name in pat.levers for pat in presets)]
    unused = [p.name for p in levers if p not in used]
    rows = []
    for p in used:
        cells = [f"`{p.name}`", _onoff(p.default)]
        for pat in presets:
            cells.append(_onoff(pat.levers[p.name]) if p.name in pat.levers else f"*{_onoff(p.default)}*")
        rows.append(cells)
    names = [f"`{n}`" for n in unused]
    listed = (", ".join(names[:-1]) + f" or {names[-1]}") if len(names) > 1 else "".join(names)
    head = "Italic cells are table defaults the pattern file does not set."
    if unused:
        head += f" No preset sets {listed}; {'they keep their defaults' if len(names) > 1 else 'it keeps its default'}."
    header = ["lever", "default", *(f"`{pat.name}` {pat.label_zh}" for pat in presets)]
    return "\n".join([wrap(head), "", md_table(header, rows)])


# ------------------------------------------------------------------------------ Appendix C


@block("odd", "odd-scenarios", cheap=True)
def scenarios(ctx: Context) -> str:
    from coop_agents.config import PARAMETERS
    from coop_agents.scenarios import preset_scenarios

    presets = list(preset_scenarios().values())
    params = [p for p in PARAMETERS.values() if p.role == "scenario"]
    set_somewhere = [p for p in params if any(p.name in s.parameters for s in presets)]

    def value(s, name):
        return s.parameters.get(name, PARAMETERS[name].default)

    def used(s, p) -> bool:
        arrival = value(s, "arrival")
        hazards = {e.hazard for e in s.events} if arrival == "schedule" else {value(s, "hazard")}
        if p.name == "hazard":
            return arrival != "schedule"
        if p.name == "shock_onset":
            return arrival == "single" and "shock" in hazards
        if p.name == "arrival_rate":
            return arrival == "poisson"
        if p.group in ("contagion", "shock"):
            return p.group in hazards
        return True

    rows = []
    for p in set_somewhere:
        cells = [f"`{p.name}`"]
        for s in presets:
            if not used(s, p):
                cells.append("—")
            elif p.name in s.parameters:
                cells.append(_plain(s.parameters[p.name]))
            else:
                cells.append(f"*{_plain(p.default)}*")
        rows.append(cells)
    if any(s.events for s in presets):
        rows.append(
            [
                "`[[events]]`",
                *(
                    "; ".join(f"day {e.day}: {e.hazard}" for e in s.events)
                    if s.events and value(s, "arrival") == "schedule"
                    else "—"
                    for s in presets
                ),
            ]
        )
    overridden = [s.name for s in presets if value(s, "arrival") == "schedule" and "hazard" in s.parameters]
    head = (
        'Italic cells are table defaults; "—" marks parameters the scenario does not use (those of the other '
        "hazard; `shock_onset` unless `arrival = single`; `arrival_rate` unless `arrival = poisson`; `hazard` "
        "with `arrival = schedule`, where each event names its own)."
    )
    for name in overridden:
        s = next(x for x in presets if x.name == name)
        head += f' `{name}` sets `hazard = "{s.parameters["hazard"]}"`, which its schedule overrides.'
    header = ["parameter", *(f"`{s.name}` {s.title_zh}" for s in presets)]
    bullets = [f"- `{s.name}` ({s.title_en}, {s.title_zh}): {s.description}" for s in presets]
    rest = [p for p in params if p not in set_somewhere]
    tail = (
        "All other scenario parameters keep their table defaults: "
        + ", ".join(f"`{p.name} = {_plain(p.default)}`" for p in rest)
        + "."
    )
    if not any(s.structure for s in presets):
        tail += " No preset names a `structure` file, so every preset district is built by `network.build_district`."
    return "\n".join([wrap(head), "", md_table(header, rows), "", *map(wrap, bullets), "", wrap(tail)])


# ------------------------------------------------------------------------------ Appendix D


def registry_conventions() -> list[str]:
    """The bullets under "Conventions every definition follows" in the registry's docstring."""
    import coop_agents.outcome_registry as reg

    doc = reg.__doc__ or ""
    part = doc.split("Conventions every definition follows:", 1)[-1].split("Examples:", 1)[0]
    bullets, current = [], None
    for line in part.splitlines():
        if line.startswith("- "):
            if current:
                bullets.append(current)
            current = line[2:].strip()
        elif current is not None and line.strip():
            current += " " + line.strip()
        elif current is not None:
            bullets.append(current)
            current = None
    if current:
        bullets.append(current)
    return [b.replace("``", "`") for b in bullets]


BETTER_WORDS = {
    "lower": ("lower is better", "越低越好"),
    "higher": ("higher is better", "越高越好"),
    "neither": ("neither direction is better in itself", "本身无好坏之分"),
}


@block("odd", "odd-outcomes", cheap=True)
def outcomes(ctx: Context) -> str:
    from coop_agents.outcome_registry import FAMILIES, HAZARDS, OUTCOMES

    out = [
        wrap(
            "Every outcome's definition, from `outcome_registry.OUTCOMES`, the one place that says what an "
            "outcome means (the command line's tables, `analyse`, the app and the brief read it). "
            "Conventions every definition follows:"
        ),
        "",
    ]
    out += [wrap(f"- {b}") for b in registry_conventions()]
    by_family = {f: [o for o in OUTCOMES.values() if o.family == f] for f in FAMILIES}
    out += [
        "",
        wrap(
            f"{len(OUTCOMES)} outcomes in {sum(1 for v in by_family.values() if v)} families. Each "
            "entry gives the key in results, the English and Chinese labels, the unit, the better "
            "direction, what the number is, when it is n/a and how a time that never came is counted."
        ),
        "",
    ]
    for k, (family, members) in enumerate(((f, m) for f, m in by_family.items() if m), start=1):
        en, zh = FAMILIES[family]
        out += [f"### D.{k} {en} · {zh}", ""]
        for o in members:
            better_en, better_zh = BETTER_WORDS[o.better]
            line = (
                f"- **`{o.name}`** — {o.label_en} · {o.label_zh}. Unit: {o.unit} ({o.unit_zh}); "
                f"{better_en} ({better_zh})."
            )
            notes = []
            if o.count:
                notes.append("a whole number in every run")
            if tuple(o.hazards) != tuple(HAZARDS):
                notes.append(f"{' and '.join(o.hazards)} only")
            if o.several_events:
                notes.append("only in runs with several events")
            if o.detail:
                notes.append("not shown in tables (kept in `--json` and result files)")
            for hazard, hen, hzh in o.hazard_labels:
                notes.append(f"called {hen} · {hzh} for a {hazard}")
            if notes:
                text = "; ".join(notes)
                line += " " + text[0].upper() + text[1:] + "."
            out.append(wrap(line))
            out.append(wrap(f"  - {o.meaning_en}"))
            out.append(wrap(f"  - {o.meaning_zh}"))
            if o.na_en:
                out.append(wrap(f"  - n/a when: {o.na_en} / {o.na_zh}"))
            if o.censoring_en:
                out.append(wrap(f"  - Censoring: {o.censoring_en} / {o.censoring_zh}"))
        out.append("")
    return "\n".join(out)
