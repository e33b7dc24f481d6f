"""Coordination patterns as data, and the registry of presets (design §2.7).

A pattern is a named setting of levers (rows of the parameter table with role ``lever``). Presets
ship as TOML files in ``coop_agents/presets/patterns/``; users write their own in the same form::

    name = "my_pattern"
    label_en = "My pattern"
    label_zh = "我的模式"
    description = "One line on what differs."
    based_on = "platform"        # optional: a preset's or another file's levers (path relative to this file)
    summary_en = "A paragraph for a workshop's pattern card."      # optional, as are the three below
    summary_zh = "工作坊模式卡片上的一段说明。"
    actors_en = ["Committees decide for themselves."]              # what the actors do differently
    actors_zh = ["社区居委会自主决策。"]

    [levers]
    authority = "committee"
    horizontal_links = 0.8

Levers a pattern leaves out keep their table defaults (or the ``based_on`` preset's values). The
card texts are not inherited through ``based_on``: a pattern that changes levers is no longer the
pattern its base's card describes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coop_agents.config import validate_overrides
from coop_agents.errors import ConfigError
from coop_agents.limits import check_name
from coop_agents.toml_files import (
    check_keys,
    is_file_name,
    read_presets,
    read_toml,
    required_name,
    settings_table,
    text_field,
    text_list,
    unknown_preset,
)

__all__ = ["Pattern", "PRESET_PATTERNS", "load_pattern", "preset_names"]

_KEYS = {
    "name",
    "label_en",
    "label_zh",
    "description",
    "description_zh",
    "based_on",
    "levers",
    "summary_en",
    "summary_zh",
    "actors_en",
    "actors_zh",
}


@dataclass(frozen=True)
class Pattern:
    """A coordination pattern: a name, labels, its lever settings and its card texts.

    ``summary_*`` and ``actors_*`` are the plain-language texts of a workshop's pattern card
    (:func:`coop_agents.workshop.pattern_card`); empty where the file has none.
    """

    name: str
    label_en: str
    label_zh: str
    description: str
    levers: dict[str, Any] = field(default_factory=dict)
    description_zh: str = ""
    summary_en: str = ""
    summary_zh: str = ""
    actors_en: tuple[str, ...] = ()
    actors_zh: tuple[str, ...] = ()


def _from_dict(data: dict, where: str, chain: tuple[Path, ...] = ()) -> Pattern:
    check_keys(data, _KEYS, where)
    levers_raw = settings_table(data, "levers", where, "lever = value")
    levers: dict[str, Any] = {}
    base = data.get("based_on")
    if base is not None:
        if not isinstance(base, str) or not base.strip():
            raise ConfigError(f"based_on={base!r} in {where}: expected a preset name or a pattern .toml path")
        if chain and is_file_name(base) and not Path(base).is_absolute():
            base = str(chain[-1].parent / base)  # relative to the file that names it
        try:
            levers.update(_load(base, chain).levers)
        except ConfigError as exc:
            raise ConfigError(f"based_on in {where}: {exc}") from None
    levers.update(validate_overrides(levers_raw, where, role="lever"))
    name = required_name(data, where, "pattern")
    return Pattern(
        name=name,
        label_en=text_field(data, "label_en", where, name),
        label_zh=text_field(data, "label_zh", where, name),
        description=text_field(data, "description", where),
        description_zh=text_field(data, "description_zh", where),
        levers=levers,
        summary_en=text_field(data, "summary_en", where),
        summary_zh=text_field(data, "summary_zh", where),
        actors_en=text_list(data, "actors_en", where),
        actors_zh=text_list(data, "actors_zh", where),
    )


def _presets() -> dict[str, Pattern]:
    # Presets spell out their levers (no based_on), so they load in any order.
    return {pat.name: pat for pat in read_presets("patterns", _from_dict)}


MAX_BASED_ON = 32  # pattern files a based_on chain may go through

ORDER = ("no_response", "siloed", "command", "platform", "party_led", "co_governance", "full_cycle")
PRESET_PATTERNS: dict[str, Pattern] = {}


def preset_names() -> list[str]:
    """Preset pattern names, in the order of the design (baseline first, full cycle last)."""
    _ensure()
    return sorted(PRESET_PATTERNS, key=lambda n: (ORDER.index(n) if n in ORDER else len(ORDER), n))


def _ensure() -> None:
    if not PRESET_PATTERNS:
        PRESET_PATTERNS.update(_presets())


def load_pattern(pattern: str | Path | Pattern) -> Pattern:
    """A preset by name, a pattern TOML file by path, or a :class:`Pattern` as it is.

    Raises:
        ConfigError: unknown preset, unreadable or malformed file, unknown or out-of-range lever.
    """
    return _load(pattern, ())


def _load(pattern: str | Path | Pattern, chain: tuple[Path, ...]) -> Pattern:
    """:func:`load_pattern`, remembering the files already being read (``based_on`` loops)."""
    if isinstance(pattern, Pattern):
        return pattern
    text = str(pattern)
    if is_file_name(text):
        path = Path(check_name(text, "the pattern file"))
        if len(chain) >= MAX_BASED_ON:
            raise ConfigError(
                f"{path}: based_on goes {len(chain)} files deep; at most {MAX_BASED_ON} are allowed"
            )
        if path.resolve() in chain:
            raise ConfigError(f"{path}: based_on loops back to this file; a pattern cannot build on itself")
        return _from_dict(read_toml(path, "pattern"), str(path), (*chain, path.resolve()))
    _ensure()
    if text not in PRESET_PATTERNS:
        raise unknown_preset("pattern", text, preset_names())
    return PRESET_PATTERNS[text]
