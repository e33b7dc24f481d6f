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

import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from coop_agents.config import check_keys, read_toml, validate_overrides
from coop_agents.errors import ConfigError
from coop_agents.limits import check_name

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
    levers_raw = data.get("levers", {})
    if not isinstance(levers_raw, dict):
        raise ConfigError(f"[levers] in {where} must be a table of lever = value")
    levers: dict[str, Any] = {}
    base = data.get("based_on")
    if base is not None:
        if not isinstance(base, str) or not base.strip():
            raise ConfigError(f"based_on={base!r} in {where}: expected a preset name or a pattern .toml path")
        if chain and _looks_like_path(base) and not Path(base).is_absolute():
            base = str(chain[-1].parent / base)  # relative to the file that names it
        try:
            levers.update(_load(base, chain).levers)
        except ConfigError as exc:
            raise ConfigError(f"based_on in {where}: {exc}") from None
    levers.update(validate_overrides(levers_raw, where, role="lever"))
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        shown = "" if name is None else f" (got name={name!r})"
        raise ConfigError(f'{where}: a pattern needs name = "...", a non-empty string{shown}')
    return Pattern(
        name=name,
        label_en=_text(data, "label_en", where, name),
        label_zh=_text(data, "label_zh", where, name),
        description=_text(data, "description", where),
        description_zh=_text(data, "description_zh", where),
        levers=levers,
        summary_en=_text(data, "summary_en", where),
        summary_zh=_text(data, "summary_zh", where),
        actors_en=_lines(data, "actors_en", where),
        actors_zh=_lines(data, "actors_zh", where),
    )


def _text(data: dict, key: str, where: str, default: str = "") -> str:
    value = data.get(key, default)
    if not isinstance(value, str):
        raise ConfigError(f'{key}={value!r} in {where}: expected a string, e.g. {key} = "..."')
    return value


def _lines(data: dict, key: str, where: str) -> tuple[str, ...]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(line, str) for line in value):
        raise ConfigError(f'{key} in {where} must be a list of strings, e.g. {key} = ["...", "..."]')
    return tuple(value)


def _presets() -> dict[str, Pattern]:
    folder = resources.files("coop_agents") / "presets" / "patterns"
    found = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            # Presets spell out their levers (no based_on), so they load in any order.
            pat = _from_dict(tomllib.loads(entry.read_text(encoding="utf-8")), f"preset {entry.name}")
            found[pat.name] = pat
    return found


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


def _looks_like_path(text: str) -> bool:
    return text.endswith(".toml") or "/" in text or bool(Path(text).suffix)


def _load(pattern: str | Path | Pattern, chain: tuple[Path, ...]) -> Pattern:
    """:func:`load_pattern`, remembering the files already being read (``based_on`` loops)."""
    if isinstance(pattern, Pattern):
        return pattern
    text = str(pattern)
    if _looks_like_path(text):
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
        raise ConfigError(
            f"unknown pattern {text!r}; allowed: {', '.join(preset_names())} or a path to a .toml file"
        )
    return PRESET_PATTERNS[text]
