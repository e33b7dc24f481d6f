"""The debrief's two charts as inline SVG: each community's true risk with the team's acting
decisions and the injects, and residents harmed over time for the team and every preset."""

from __future__ import annotations

from coop_agents.numbers import format_number
from coop_agents.tabletop.debrief.tables import Debrief, acts
from coop_agents.tabletop.debrief.words import esc, pattern_name
from coop_agents.tabletop.strings import t

__all__ = ["svg_harm", "svg_risk"]

_COLOURS = (
    "#1f5f99",
    "#d1495b",
    "#2e8b57",
    "#edae49",
    "#6a4c93",
    "#00798c",
    "#8d6a2f",
    "#e07a5f",
    "#3d5a80",
    "#9c6644",
    "#5f0f40",
    "#0b6e4f",
)


def svg_risk(d: Debrief, lang: str) -> str:
    """The true risk of each community over time, the critical point, the drill's days, the
    team's acting decisions and the injects."""
    w, h, left, right, top, bottom = 720, 280, 44, 160, 14, 30
    days = d.risk.shape[0] - 1
    if days < 1:
        return ""
    shown = [k for k in range(d.risk.shape[1]) if d.risk[:, k].max() >= d.alert_threshold]
    top_risk = max(1.2, float(d.risk.max()) * 1.05)

    def x(day: float) -> float:
        return left + (w - left - right) * day / days

    def y(r: float) -> float:
        return top + (h - top - bottom) * (1 - min(r, top_risk) / top_risk)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="100%" role="img" '
        f'class="chart" aria-label="{esc(t("d.timeline", lang))}">'
    ]
    if d.last_played:
        parts.append(
            f'<rect x="{x(0.5):.1f}" y="{top}" width="{x(d.last_played + 0.5) - x(0.5):.1f}" '
            f'height="{h - top - bottom}" fill="#f1f4f8"/>'
        )
    for level, dash in ((1.0, "6 3"), (d.alert_threshold, "2 3")):
        parts.append(
            f'<line x1="{left}" x2="{w - right}" y1="{y(level):.1f}" y2="{y(level):.1f}" '
            f'stroke="#999" stroke-dasharray="{dash}"/>'
        )
    parts.append(
        f'<text x="{w - right + 4}" y="{y(1.0) + 4:.1f}" class="axis">1 = {esc(t("col.critical", lang))}</text>'
    )
    for tick in range(0, days + 1, max(1, days // 8)):
        parts.append(f'<text x="{x(tick):.1f}" y="{h - 10}" class="axis" text-anchor="middle">{tick}</text>')
    for r in (0.0, 0.5, 1.0):
        parts.append(f'<text x="{left - 6}" y="{y(r) + 4:.1f}" class="axis" text-anchor="end">{r:g}</text>')
    taken = d.decisions
    for i, k in enumerate(shown):
        colour = _COLOURS[i % len(_COLOURS)]
        points = " ".join(f"{x(day):.1f},{y(float(d.risk[day, k])):.1f}" for day in range(days + 1))
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="1.6" points="{points}"/>')
        label = (
            d.communities.loc[d.communities["community"] == k, f"name_{lang}"].iloc[0]
            if not d.communities.empty
            else str(k + 1)
        )
        parts.append(
            f'<text x="{w - right + 4}" y="{top + 14 + 14 * i}" class="axis" fill="{colour}">'
            f"— {esc(label)}</text>"
        )
        if not taken.empty:
            mine = taken[(taken["community"] == k)]
            for day in sorted({int(r.day) for r in mine.itertuples() if acts(r.kind, r.choice)}):
                if day <= days:
                    cx, cy = x(day), y(float(d.risk[day, k]))
                    parts.append(
                        f'<path d="M{cx:.1f},{cy - 5:.1f} L{cx - 4:.1f},{cy + 3:.1f} '
                        f'L{cx + 4:.1f},{cy + 3:.1f} Z" fill="{colour}" stroke="#222" stroke-width="0.5"/>'
                    )
    for inject in d.injects:
        if inject.day <= days:
            cx = x(inject.day)
            parts.append(
                f'<path d="M{cx:.1f},{top:.1f} l4,5 l-4,5 l-4,-5 Z" fill="#c62828"><title>'
                f"{esc(inject.title(lang))}</title></path>"
            )
    parts.append("</svg>")
    return "".join(parts)


def svg_harm(d: Debrief, lang: str) -> str:
    """Residents harmed over time: the team and every preset."""
    w, h, left, right, top, bottom = 720, 220, 44, 200, 10, 26
    days = max(len(s) for s in d.harm_series.values()) - 1
    top_harm = max(1.0, max(float(s.max()) for s in d.harm_series.values())) * 1.05
    if days < 1:
        return ""

    def x(day: float) -> float:
        return left + (w - left - right) * day / days

    def y(v: float) -> float:
        return top + (h - top - bottom) * (1 - v / top_harm)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="100%" role="img" class="chart">'
    ]
    for tick in range(0, days + 1, max(1, days // 8)):
        parts.append(f'<text x="{x(tick):.1f}" y="{h - 8}" class="axis" text-anchor="middle">{tick}</text>')
    parts.append(f'<text x="{left - 6}" y="{y(0) + 4:.1f}" class="axis" text-anchor="end">0</text>')
    parts.append(
        f'<text x="{left - 6}" y="{y(top_harm / 1.05) + 4:.1f}" class="axis" text-anchor="end">'
        f"{esc(format_number(round(top_harm / 1.05)))}</text>"
    )
    ends = []
    for i, (name, series) in enumerate(d.harm_series.items()):
        team = name == "team"
        colour = "#111" if team else _COLOURS[i % len(_COLOURS)]
        points = " ".join(f"{x(day):.1f},{y(float(v)):.1f}" for day, v in enumerate(series))
        parts.append(
            f'<polyline fill="none" stroke="{colour}" stroke-width="{2.6 if team else 1.1}" '
            f'points="{points}"/>'
        )
        ends.append(
            (float(series[-1]), colour, t("d.team", lang) if team else pattern_name(name, lang), team)
        )
    ends.sort(key=lambda e: -e[0])
    for i, (value, colour, label, team) in enumerate(ends):
        weight = ' font-weight="bold"' if team else ""
        parts.append(
            f'<text x="{w - right + 4}" y="{top + 12 + 13 * i}" class="axis" fill="{colour}"{weight}>'
            f"{esc(label)}: {esc(format_number(value))}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)
