"""Reading TOML files, and the checks every pattern, scenario or experiment file shares.

Patterns (:mod:`coop_agents.patterns`), scenarios (:mod:`coop_agents.scenarios`), experiments,
cost models and injects all read their files through :func:`read_toml` and refuse unknown keys
with :func:`check_keys`. Patterns and scenarios, which are named files with presets shipped in
``coop_agents/presets/<kind>/``, share the rest of their loader here too: a preset or a path
(:func:`is_file_name`), the presets folder (:func:`read_presets`), a required ``name``, text and
list fields, a table of settings, and the message for an unknown preset. Every failure is one line
(:class:`~coop_agents.errors.ConfigError`) naming the file, the key and what is allowed.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from coop_agents.errors import ConfigError
from coop_agents.limits import MAX_TOML_BYTES, check_input_file

__all__ = [
    "read_toml",
    "check_keys",
    "is_file_name",
    "read_presets",
    "unknown_preset",
    "required_name",
    "text_field",
    "text_list",
    "settings_table",
]

T = TypeVar("T")


def read_toml(path: Path, what: str) -> dict:
    """Read a TOML file, turning every failure into a one-line :class:`ConfigError`.

    Only a regular file of at most :data:`coop_agents.limits.MAX_TOML_BYTES`, named in UTF-8 and
    holding UTF-8 text, is read: a folder, a device (``/dev/zero`` never ends), a pipe (it would
    block) or a file in another encoding (latin-1, UTF-16) is refused naming the file.
    """
    check_input_file(path, what, MAX_TOML_BYTES)
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_TOML_BYTES + 1)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read {what} file ({exc.strerror or exc})") from None
    if len(raw) > MAX_TOML_BYTES:
        raise ConfigError(f"{path}: the {what} file is larger than the limit of {MAX_TOML_BYTES:,} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        hint = " (it looks like UTF-16)" if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else ""
        raise ConfigError(
            f"{path}: not UTF-8 text{hint}: byte 0x{raw[exc.start]:02x} at offset {exc.start}; "
            f"save the {what} file as UTF-8"
        ) from None
    if text.startswith("\ufeff"):
        text = text[1:]  # a byte-order mark some editors write: not part of the TOML
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            f"{path}: malformed TOML ({str(exc).splitlines()[0] if str(exc) else 'unreadable'})"
        ) from None
    except RecursionError:
        raise ConfigError(f"{path}: malformed TOML (arrays or tables nested too deeply)") from None
    return data


def check_keys(data: Mapping, allowed: Iterable[str], where: str) -> None:
    """Refuse the first key of ``data`` (alphabetically) that is not ``allowed``, in one line.

    >>> check_keys({"name": "x", "colour": 1}, {"name"}, "my.toml")
    Traceback (most recent call last):
    coop_agents.errors.ConfigError: unknown key 'colour' in my.toml; allowed: name
    """
    allowed = set(allowed)
    unknown = set(data) - allowed
    if unknown:
        raise ConfigError(
            f"unknown key {sorted(unknown)[0]!r} in {where}; allowed: {', '.join(sorted(allowed))}"
        )


# --------------------------------------------------------------------------- named files: patterns, scenarios


def is_file_name(text: str) -> bool:
    """Whether ``text`` names a file (it ends in .toml, holds a ``/`` or has a suffix), not a preset."""
    return text.endswith(".toml") or "/" in text or bool(Path(text).suffix)


def read_presets(kind: str, parse: Callable[[dict, str], T]) -> list[T]:
    """Every preset of ``kind`` (``patterns``, ``scenarios``) shipped in ``coop_agents/presets/``,
    in file-name order, each parsed by ``parse(data, where)``."""
    folder = resources.files("coop_agents") / "presets" / kind
    return [
        parse(tomllib.loads(entry.read_text(encoding="utf-8")), f"preset {entry.name}")
        for entry in sorted(folder.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".toml")
    ]


def unknown_preset(kind: str, text: str, names: Iterable[str]) -> ConfigError:
    """The error for a name that is neither a preset of ``kind`` nor a file."""
    return ConfigError(f"unknown {kind} {text!r}; allowed: {', '.join(names)} or a path to a .toml file")


def required_name(data: Mapping[str, Any], where: str, kind: str) -> str:
    """The file's ``name``: a non-empty string, or a one-line error saying so."""
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        shown = "" if name is None else f" (got name={name!r})"
        raise ConfigError(f'{where}: a {kind} needs name = "...", a non-empty string{shown}')
    return name


def text_field(data: Mapping[str, Any], key: str, where: str, default: str = "") -> str:
    """An optional string field (``default`` when absent)."""
    value = data.get(key, default)
    if not isinstance(value, str):
        raise ConfigError(f'{key}={value!r} in {where}: expected a string, e.g. {key} = "..."')
    return value


def text_list(data: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    """An optional list of strings (empty when absent)."""
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(line, str) for line in value):
        raise ConfigError(f'{key} in {where} must be a list of strings, e.g. {key} = ["...", "..."]')
    return tuple(value)


def settings_table(data: Mapping[str, Any], key: str, where: str, example: str) -> dict:
    """The table ``[key]`` of parameter settings (empty when absent), not yet validated; ``example``
    shows its form in the message, e.g. ``lever = value``."""
    table = data.get(key, {})
    if not isinstance(table, dict):
        raise ConfigError(f"[{key}] in {where} must be a table of {example}")
    return table
