"""The debrief of a drill: the team beside every pattern on the same outbreak, the decisions that
mattered, the injects against their expected actions, and the after-action report as HTML.

:func:`debrief` plays the team's run to its end (the rules after the drill's last turn), runs
every preset pattern on the same seed with the same injects (the same district, outbreak draws
and events: only the decisions differ), and replays each turn in which the team chose otherwise
than the rules with the rules' choices for that turn (the team's other decisions kept,
:class:`~coop_agents.tabletop.exercise.Replayer`): the difference in harm is what that turn's
decisions did. :func:`render_debrief` writes it as one self-contained HTML page (no external
requests, inline SVG, prints on A4) in Chinese or English, following the after-action report and
improvement plan (AAR/IP; 演练评估报告 with 总结与改进).

What an outcome is called, its unit and better direction come from
:mod:`coop_agents.outcome_registry`; numbers are written by :mod:`coop_agents.numbers`.

The parts: :mod:`.tables` (the runs and what they found, as tables), :mod:`.words` (how the
page writes names, numbers and days), :mod:`.figures` (the two inline SVG charts) and
:mod:`.report` (the page itself).
"""

from __future__ import annotations

from coop_agents.tabletop.debrief.report import render_debrief, role_label, write_debrief
from coop_agents.tabletop.debrief.tables import ACTING, HEADLINE, Debrief, acts, debrief

__all__ = [
    "ACTING",
    "HEADLINE",
    "Debrief",
    "acts",
    "debrief",
    "render_debrief",
    "role_label",
    "write_debrief",
]
