"""The cells of a table's raw sheets read as values (numbers, shares, profiles, names), each cell
that is not allowed named by sheet, row and column."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from coop_agents.district.reading import RawSheet, _blank
from coop_agents.district.sheets import (
    CHANNEL_ZH,
    PARTY_PREFIXES,
    PROFILE_ZH,
    SPECIALTY_ZH,
    TIE_CHANNELS,
    Column,
    _column_of,
    _norm,
    _params,
)
from coop_agents.network.kinds import SPECIALTIES
from coop_agents.network.profiles import MIN_COMMUNITY, PROFILES


class _Bad(ValueError):
    pass


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _integer(value) -> int:
    if isinstance(value, bool):
        raise _Bad
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, float):
        if not value.is_integer():
            raise _Bad
        return int(value)
    text = str(value).strip().replace(",", "").replace("，", "").replace(" ", "")
    try:
        number = float(text)
    except ValueError:
        raise _Bad from None
    if not number.is_integer():
        raise _Bad
    return int(number)


def _number(value, percent: bool = False) -> float:
    if isinstance(value, bool):
        raise _Bad
    if isinstance(value, (int, float, np.integer, np.floating)):
        number = float(value)
    else:
        text = str(value).strip().replace(",", "")
        scale = 1.0
        if percent and text.endswith(("%", "％")):
            text, scale = text[:-1], 0.01
        try:
            number = float(text) * scale
        except ValueError:
            raise _Bad from None
    if not math.isfinite(number):
        raise _Bad
    return number


def _choice(value, allowed: Sequence[str], zh: dict[str, str]) -> str:
    text = _norm(value).replace(" ", "_")
    for key in allowed:
        if text in (key, _norm(key).replace(" ", "_"), _norm(zh.get(key, "")).replace(" ", "_")):
            return key
    raise _Bad


_ZH_PROFILE_ALIASES = {"城市": "urban", "老旧": "old_urban", "农村": "rural", "村": "rural"}
_ZH_SPECIALTY_ALIASES = {
    "照护": "care",
    "物资": "logistics",
    "后勤": "logistics",
    "心理": "psychological",
    "专家": "expert",
}


@dataclass
class _Rows:
    """The parsed rows of a table: communities, organisations, ties (each a dict with its ``row`` and
    ``where``), plus every problem found."""

    communities: list[dict] = field(default_factory=list)
    organisations: list[dict] = field(default_factory=list)
    ties: list[dict] = field(default_factory=list)


def _parse(raws: dict[str, RawSheet], problems: list[str]) -> _Rows:
    P = _params()
    out = _Rows()
    for key, raw in raws.items():
        sheet = raw.sheet
        columns: dict[int, Column] = {}
        seen: dict[str, int] = {}
        for i, cell in enumerate(raw.header):
            if _blank(cell):
                continue
            col = _column_of(sheet, cell)
            if col is None:
                problems.append(
                    f"{raw.where}, row {raw.header_row}: column {_text(cell)!r} is not a column of the "
                    f"{sheet.en} sheet; allowed: {', '.join(repr(c.header) for c in sheet.columns)}"
                )
                continue
            if col.key in seen:
                problems.append(
                    f"{raw.where}, row {raw.header_row}: column {col.header!r} appears twice; keep one"
                )
                continue
            seen[col.key] = i
            columns[i] = col
        if raw.rows or raw.header:
            for col in sheet.columns:
                if col.required and col.key not in seen:
                    problems.append(
                        f"{raw.where}, row {raw.header_row or 1}: the column {col.header!r} is missing; "
                        f"the {sheet.en} sheet needs {', '.join(repr(c.header) for c in sheet.columns if c.required)}"
                    )
        if any(c.required and c.key not in seen for c in sheet.columns):
            continue
        for number, cells in raw.rows:
            record: dict[str, Any] = {"row": number, "where": f"{raw.where}, row {number}"}
            for i, col in columns.items():
                value = cells[i] if i < len(cells) else None
                at = f"{raw.where}, row {number}, column {col.header!r}"
                if _blank(value):
                    if col.required:
                        problems.append(f"{at}: empty; allowed: {col.allowed_en}")
                    record[col.key] = None
                    continue
                try:
                    record[col.key] = _value(key, col, value, P)
                except _Bad:
                    problems.append(f"{at}: {_text(value)!r} is not allowed; allowed: {col.allowed_en}")
                    record[col.key] = None
            getattr(out, key).append(record)
    return out


def _value(sheet: str, col: Column, value, P) -> Any:
    key = col.key
    if key in ("name", "street_office", "from", "to", "notes"):
        text = _text(value)
        if key == "name" and text.lower().startswith(PARTY_PREFIXES):
            raise _Bad
        return text
    if key == "residents":
        n = _integer(value)
        if n < MIN_COMMUNITY:
            raise _Bad
        return n
    if key == "profile":
        text = _text(value)
        for zh, name in _ZH_PROFILE_ALIASES.items():
            if text.startswith(zh) and text not in PROFILES:
                return name
        return _choice(text, tuple(PROFILES), PROFILE_ZH)
    if key == "specialty":
        text = _text(value)
        for zh, name in _ZH_SPECIALTY_ALIASES.items():
            if text.startswith(zh):
                return name
        return _choice(text, SPECIALTIES, SPECIALTY_ZH)
    if key == "channel":
        return _choice(_text(value), TIE_CHANNELS, CHANNEL_ZH)
    if key in ("share_vulnerable", "share_party", "infrastructure", "trust"):
        number = _number(value, percent=key.startswith("share"))
        high = P["party_member_share"].high if key == "share_party" else 1.0
        if not 0.0 <= number <= high:
            raise _Bad
        return number
    if key == "latency":
        number = _number(value)
        if not 0.0 <= number <= P["vertical_latency"].high:
            raise _Bad
        return number
    if key == "serves":
        names = [p.strip() for p in re.split(r"[;；、,，\n]", _text(value)) if p.strip()]
        if not names:
            raise _Bad
        return names
    raise AssertionError(key)
