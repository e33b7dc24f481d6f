"""``coop-agents patterns``, ``scenarios``, ``outcomes`` and ``params``: what a user can choose from."""

from __future__ import annotations

import argparse

__all__ = ["cmd_patterns", "cmd_scenarios", "cmd_outcomes", "cmd_params"]


def cmd_patterns(args: argparse.Namespace) -> int:
    from coop_agents.patterns import load_pattern, preset_names

    for name in preset_names():
        p = load_pattern(name)
        print(f"{name:15s} {p.label_zh}  {p.description}")
    return 0


def cmd_scenarios(args: argparse.Namespace) -> int:
    from coop_agents.scenarios import preset_scenarios

    for name, sc in preset_scenarios().items():
        print(f"{name:20s} {sc.title_zh}  {sc.title_en}: {sc.description}")
    return 0


def cmd_outcomes(args: argparse.Namespace) -> int:
    from coop_agents.tables import outcomes_listing

    print(outcomes_listing(args.lang))
    return 0


def cmd_params(args: argparse.Namespace) -> int:
    from coop_agents.config import PARAMETERS

    for p in PARAMETERS.values():
        if args.role and p.role != args.role:
            continue
        print(
            f"{p.name:28s} {p.role:8s} {p.type:6s} default={p.default!s:10s} {p.allowed()}"
            f"{' [' + p.unit + ']' if p.unit else ''}  {p.label_zh}: {p.help}"
        )
    return 0
