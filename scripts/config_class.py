"""Write src/coop_agents/config_class.py: the typed declaration of Config, from the parameter table.

Run it after adding or changing a row of ``coop_agents.config.PARAMETERS``:

    .venv/bin/python scripts/config_class.py

tests/test_config.py fails while the declaration and the table disagree.
"""

from __future__ import annotations

import sys
from pathlib import Path

TARGET = Path(__file__).resolve().parents[1] / "src" / "coop_agents" / "config_class.py"
TYPES = {"float": "float", "int": "int", "bool": "bool", "choice": "str"}


def source() -> str:
    from coop_agents.config import PARAMETERS

    lines = [
        '"""The typed declaration of :class:`coop_agents.config.Config`, generated from the parameter table.',
        "",
        "Do not edit: run ``python scripts/config_class.py`` after changing ``config.PARAMETERS``. At run time",
        "``Config`` is built from the table itself; this declaration lets a reader and a type checker see",
        "every field (``cfg.vertical_latency`` resolves), and tests/test_config.py checks it against the table.",
        '"""',
        "",
        "from __future__ import annotations",
        "",
        "from dataclasses import dataclass",
        "from typing import Any",
        "",
        '__all__ = ["Config"]',
        "",
        "",
        "@dataclass(frozen=True, slots=True)",
        "class Config:",
        '    """A complete, validated setting of every parameter (frozen)."""',
        "",
    ]
    for p in PARAMETERS.values():
        unit = f" [{p.unit}]" if p.unit else ""
        lines.append(f"    {p.name}: {TYPES[p.type]}  # {p.role}: {p.label_en}{unit}")
    lines += ["", "    def as_dict(self) -> dict[str, Any]: ...  # type: ignore[empty-body]", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.path.insert(0, str(TARGET.parents[1]))
    TARGET.write_text(source(), encoding="utf-8")
    print(f"wrote {TARGET}")
