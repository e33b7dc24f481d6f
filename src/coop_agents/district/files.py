"""District files: a workbook or a folder of CSV files (communities, social organisations, extra
ties) or GraphML, read, checked and written (the format: docs/district.md).

A workbook holds the facts a street office keeps in spreadsheets: each community with its street
office, residents, profile and shares; the social organisations and whom they serve; any ties the
builder's rules do not make. The organisations and their ties follow the builder's rules
(:func:`coop_agents.network.builder._organisation_graph`); the residents are drawn per seed from each
community's counts and shares, as the builder draws them. Reading never evaluates a formula or a
macro: cells are read as the values last saved in them (openpyxl, through pandas).
"""

from __future__ import annotations

import csv
import functools
import io
import math
import os
import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np

from coop_agents.errors import CoopError, NetworkError
from coop_agents.limits import (
    MAX_TABLE_ROWS,
    MAX_WORKBOOK_BYTES,
    MAX_WORKBOOK_UNPACKED,
    MEMORY_SHARE,
    available_memory,
    check_input_file,
    run_bytes,
)
from coop_agents.network.builder import _organisation_graph, _Plan
from coop_agents.network.checks import _summary
from coop_agents.network.district import District
from coop_agents.network.graphml import graphml_problems
from coop_agents.network.graphml_writer import write_graphml
from coop_agents.network.kinds import CHANNELS, RELIABILITY, SPECIALTIES, wrong_ends
from coop_agents.network.profiles import MIN_COMMUNITY, PROFILES
from coop_agents.network.structure import Structure

__all__ = [
    "SHEETS",
    "read_structure",
    "structure_file_problems",
    "read_table",
    "table_of",
    "write_table",
    "write_template",
    "export_district",
    "GRAPHML_SUFFIXES",
    "WORKBOOK_SUFFIXES",
]

GRAPHML_SUFFIXES = (".graphml", ".xml")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


# ------------------------------------------------------------------------------------------ format


@dataclass(frozen=True)
class Column:
    """One column of a sheet: its key, bilingual header, whether it must be filled, and its help."""

    key: str
    en: str
    zh: str
    required: bool
    allowed_en: str
    allowed_zh: str
    help_en: str
    help_zh: str

    @property
    def header(self) -> str:
        return f"{self.en} / {self.zh}"


@dataclass(frozen=True)
class Sheet:
    key: str
    en: str
    zh: str
    file: str  # in a CSV folder
    required: bool
    columns: tuple[Column, ...]
    help_en: str
    help_zh: str

    @property
    def title(self) -> str:
        return f"{self.en} {self.zh}"  # a workbook's sheet name: no "/" allowed there


def _params():
    from coop_agents.config import PARAMETERS

    return PARAMETERS


PROFILE_ZH = {"urban": "城市社区", "old_urban": "老旧小区", "rural": "农村社区"}
SPECIALTY_ZH = {
    "care": "生活照护",
    "logistics": "物资保障",
    "psychological": "心理支持",
    "expert": "专家服务",
}
CHANNEL_ZH = {
    "admin": "行政",
    "party": "党组织",
    "contract": "购买服务",
    "command": "统一指挥",
    "branch": "同级党政",
    "peer": "相邻",
    "service": "服务",
    "overlay": "大党委",
    "platform": "平台",
}
TIE_CHANNELS = tuple(CHANNEL_ZH)  # ties between organisations (contact and grid ties join residents)
FIXED = {  # organisations every district has, by the names a tie may give them
    "government": ("district government", "区政府"),
    "district_party": ("district party committee", "区委"),
    "platform": ("response platform", "应急平台"),
}
PARTY_PREFIXES = ("party:", "党:", "党：", "party：")


def _sheets() -> dict[str, Sheet]:
    P = _params()
    share_high = P["party_member_share"].high
    latency_high = max(P[f"{k}_latency"].high for k in ("vertical", "horizontal", "platform"))
    return {
        "communities": Sheet(
            "communities",
            "communities",
            "社区",
            "communities.csv",
            True,
            (
                Column(
                    "name",
                    "name",
                    "社区名称",
                    True,
                    "text, unique",
                    "文本，不可重复",
                    "The community (residents' or villagers' committee); ties name it.",
                    "社区（居委会或村委会）的名称；其他联系表用它指代该社区。",
                ),
                Column(
                    "street_office",
                    "street office",
                    "所属街道",
                    True,
                    "text",
                    "文本",
                    "The street office (or township) the community belongs to; communities with the same "
                    "street office form one street, in the order of their rows.",
                    "所属街道办事处（或乡镇）；同一街道的社区按行的顺序组成一个街道。",
                ),
                Column(
                    "residents",
                    "residents",
                    "居民人数",
                    True,
                    f"whole number, at least {MIN_COMMUNITY}",
                    f"整数，不少于{MIN_COMMUNITY}",
                    f"Residents of the community; the district's total must be from {P['residents'].low:,} to "
                    f"{P['residents'].high:,} and fit this machine's memory.",
                    f"社区居民人数；全区合计须在{P['residents'].low:,}至{P['residents'].high:,}之间，且不超出本机内存。",
                ),
                Column(
                    "profile",
                    "profile",
                    "社区类型",
                    True,
                    "urban, old_urban or rural",
                    "城市社区（urban）、老旧小区（old_urban）或农村社区（rural）",
                    "The community type: sets daily contacts per resident (urban 8, old_urban 10, rural 6) and "
                    "the defaults of the four columns after it.",
                    "社区类型：决定每位居民每日接触人数（城市8、老旧小区10、农村6），以及后面四列留空时的默认值。",
                ),
                Column(
                    "share_vulnerable",
                    "share vulnerable",
                    "弱势群体比例",
                    False,
                    "0 to 1 (or 12%); blank: the profile's",
                    "0至1（或12%）；留空取社区类型的默认值",
                    "Share of residents who are vulnerable (elderly living alone, sick, disabled: 老弱病残); "
                    "blank: urban 0.12, old_urban 0.28, rural 0.22.",
                    "弱势居民（独居老人、病人、残疾人等）所占比例；留空时城市0.12、老旧小区0.28、农村0.22。",
                ),
                Column(
                    "share_party",
                    "share party members",
                    "党员比例",
                    False,
                    f"0 to {share_high:g}; blank: the scenario's party_member_share",
                    f"0至{share_high:g}；留空取情景的党员比例（party_member_share）",
                    "Share of residents who are party members (mobilised as volunteers by the party branch).",
                    "党员所占比例（由社区党支部动员为志愿者）。",
                ),
                Column(
                    "infrastructure",
                    "infrastructure",
                    "基础设施水平",
                    False,
                    "0 to 1; blank: the profile's",
                    "0至1；留空取社区类型的默认值",
                    "Technology level of the community (sensors, networks): raises detection; blank: urban "
                    "0.75, old_urban 0.35, rural 0.20.",
                    "社区技术水平（传感器、网络等），提高发现能力；留空时城市0.75、老旧小区0.35、农村0.20。",
                ),
                Column(
                    "trust",
                    "trust",
                    "居民信任度",
                    False,
                    "0 to 1; blank: the profile's",
                    "0至1；留空取社区类型的默认值",
                    "Residents' trust in the committee at the start: how readily they follow its measures and "
                    "warnings; blank: urban 0.70, old_urban 0.45, rural 0.65.",
                    "初始时居民对社区的信任：影响居民是否遵从措施和预警；留空时城市0.70、老旧小区0.45、农村0.65。",
                ),
                Column(
                    "notes",
                    "notes",
                    "备注",
                    False,
                    "any text (not read)",
                    "任意文本（不读取）",
                    "For your own notes.",
                    "供您自己备注。",
                ),
            ),
            "One row per community. Rows of one street office are kept together, in their order: "
            "neighbouring rows are neighbouring communities (peers, and some residents' contacts reach the "
            "next community).",
            "每个社区一行。同一街道的社区保持在一起、按行的顺序排列：相邻的行即相邻的社区（互为相邻社区，部分居民与下一社区有接触）。",
        ),
        "organisations": Sheet(
            "organisations",
            "social organisations",
            "社会组织",
            "organisations.csv",
            False,
            (
                Column(
                    "name",
                    "name",
                    "组织名称",
                    True,
                    "text, unique",
                    "文本，不可重复",
                    "The social organisation (NGO, volunteer team, property company, expert service).",
                    "社会组织（社会服务机构、志愿队、物业公司、专家服务等）名称。",
                ),
                Column(
                    "specialty",
                    "specialty",
                    "专长",
                    True,
                    "care, logistics, psychological or expert",
                    "生活照护（care）、物资保障（logistics）、心理支持（psychological）或专家服务（expert）",
                    "What its help does besides meeting needs, when the pattern's specialties lever says so.",
                    "在满足居民需求之外其帮助的作用（当模式启用“社会组织专长”时）。",
                ),
                Column(
                    "serves",
                    "communities served",
                    "服务社区",
                    True,
                    "community names, separated by ; or 、 (at most "
                    f"{_params()['communities_per_organisation'].high})",
                    f"社区名称，以“;”或“、”分隔（最多{_params()['communities_per_organisation'].high}个）",
                    "The communities it serves; it is tied to each of their committees, is contracted by the "
                    "government, and reached by the party committees of their street offices.",
                    "其服务的社区；它与这些社区的居委会相连，由区政府购买服务，并与这些社区所属街道的党工委相连。",
                ),
                Column(
                    "notes",
                    "notes",
                    "备注",
                    False,
                    "any text (not read)",
                    "任意文本（不读取）",
                    "For your own notes.",
                    "供您自己备注。",
                ),
            ),
            "One row per social organisation; leave the sheet empty if there are none.",
            "每个社会组织一行；若无社会组织，此表留空。",
        ),
        "ties": Sheet(
            "ties",
            "extra ties",
            "其他联系",
            "ties.csv",
            False,
            (
                Column(
                    "from",
                    "from",
                    "起点",
                    True,
                    "an organisation's name (see below)",
                    "组织名称（见下文）",
                    "One end of the tie.",
                    "联系的一端。",
                ),
                Column(
                    "to",
                    "to",
                    "终点",
                    True,
                    "an organisation's name",
                    "组织名称",
                    "The other end.",
                    "另一端。",
                ),
                Column(
                    "channel",
                    "channel",
                    "渠道",
                    True,
                    ", ".join(TIE_CHANNELS),
                    "、".join(f"{v}（{k}）" for k, v in CHANNEL_ZH.items()),
                    "Which line or block the tie belongs to; each joins certain kinds of organisation "
                    "(e.g. peer: two committees or two street offices).",
                    "联系所属的条线或块；每种渠道只连接特定类型的组织（如相邻：两个社区或两个街道）。",
                ),
                Column(
                    "latency",
                    "latency (days)",
                    "时延（天）",
                    False,
                    f"0 to {latency_high:g} days; blank: the pattern's latency for its link",
                    f"0至{latency_high:g}天；留空取模式对该类联系的时延",
                    "Days a message takes to cross this tie, overriding the pattern's vertical, horizontal or "
                    "platform latency for this tie only.",
                    "消息通过此联系所需天数，仅对此联系覆盖模式的纵向、横向或平台时延。",
                ),
                Column(
                    "notes",
                    "notes",
                    "备注",
                    False,
                    "any text (not read)",
                    "任意文本（不读取）",
                    "For your own notes.",
                    "供您自己备注。",
                ),
            ),
            "Optional: ties the builder's rules do not make (e.g. two communities of different streets that "
            "cooperate), or a latency of its own for a tie the rules make (give its channel). An organisation "
            "is named as in the other sheets (community, street office, social organisation), or 'district "
            "government', 'district party committee', 'response platform', or party:NAME for the party body "
            "of a community or street office.",
            "可选：规则之外的联系（如不同街道的两个社区相互协作），或为规则已有的联系设定其自己的时延（填写其渠道）。"
            "组织名称与其他表相同（社区、街道、社会组织），或“区政府”“区委”“应急平台”，或“党:名称”表示某社区或街道的党组织。",
        ),
    }


SHEETS = _sheets()


def _norm(text: str) -> str:
    text = re.sub(r"[（(][^)）]*[)）]", "", str(text))  # units in brackets
    return re.sub(r"[\s_]+", " ", text).strip().lower()


def _column_of(sheet: Sheet, header: str) -> Column | None:
    parts = {_norm(p) for p in re.split(r"[/／]", str(header))} | {_norm(header)}
    for col in sheet.columns:
        if parts & {_norm(col.en), _norm(col.zh), _norm(col.key), _norm(col.header)}:
            return col
    return None


def _sheet_of(name: str) -> Sheet | None:
    aliases = {
        "communities": {"communities", "community", "社区"},
        "organisations": {
            "organisations",
            "organizations",
            "social organisations",
            "social organizations",
            "社会组织",
        },
        "ties": {"ties", "extra ties", "其他联系", "联系"},
    }
    text = _norm(name)
    words = set(re.split(r"[\s/／]+", text)) | {text}
    for key, names in aliases.items():
        if words & names or any(text.startswith(n + " ") for n in names if " " in n):
            return SHEETS[key]
    return None


# ------------------------------------------------------------------------------------------ reading


@dataclass
class RawSheet:
    """A sheet (or CSV file) as read: where it is, its header and its rows (spreadsheet row numbers)."""

    sheet: Sheet
    where: str  # "communities sheet" or "communities.csv"
    header: list[Any]
    header_row: int
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)


def _blank(value) -> bool:
    return (
        value is None
        or (isinstance(value, float) and math.isnan(value))
        or (isinstance(value, str) and not value.strip())
    )


def _split(raw: Sequence[Sequence[Any]], sheet: Sheet, where: str, problems: list[str]) -> RawSheet | None:
    """The header (first row with anything in it) and the data rows of a sheet."""
    rows = [(i + 1, list(r)) for i, r in enumerate(raw)]
    filled = [(n, r) for n, r in rows if not all(_blank(c) for c in r)]
    if not filled:
        return RawSheet(sheet, where, [], 0)
    header_row, header = filled[0]
    data = [(n, r) for n, r in filled[1:]]
    if len(data) > MAX_TABLE_ROWS:
        problems.append(f"{where}: {len(data):,} rows; allowed: at most {MAX_TABLE_ROWS:,}")
        return None
    return RawSheet(sheet, where, header, header_row, data)


def _read_workbook(path: Path, problems: list[str]) -> dict[str, RawSheet]:
    try:
        with zipfile.ZipFile(path) as z:
            unpacked = sum(i.file_size for i in z.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        problems.append(f"not readable as an .xlsx workbook ({exc}); save it from Excel or WPS as .xlsx")
        return {}
    if unpacked > MAX_WORKBOOK_UNPACKED:
        problems.append(
            f"the workbook unpacks to {unpacked:,} bytes, above the limit of {MAX_WORKBOOK_UNPACKED:,}"
        )
        return {}
    import pandas as pd

    try:
        # openpyxl reads the values last saved in the cells; it never computes a formula or runs a macro.
        frames = pd.read_excel(path, sheet_name=None, header=None, dtype=object, engine="openpyxl")
    except Exception as exc:  # openpyxl and pandas raise several unrelated types for damaged files
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        problems.append(f"not readable as an .xlsx workbook ({first})")
        return {}
    out: dict[str, RawSheet] = {}
    for name, frame in frames.items():
        sheet = _sheet_of(str(name))
        if sheet is None:
            continue  # instructions, or a sheet of the user's own
        if sheet.key in out:
            problems.append(
                f"sheets {out[sheet.key].where.removesuffix(' sheet')!r} and {name!r} are both "
                f"{sheet.en} sheets; keep one"
            )
            continue
        raw = _split(frame.itertuples(index=False, name=None), sheet, f"{name} sheet", problems)
        if raw is not None:
            out[sheet.key] = raw
    return out


def _read_csv(path: Path, sheet: Sheet, problems: list[str]) -> RawSheet | None:
    try:
        check_input_file(path, f"{sheet.en} (CSV)", MAX_WORKBOOK_BYTES)
        data = path.read_bytes()
    except (CoopError, OSError) as exc:
        problems.append(str(exc))
        return None
    for encoding in ("utf-8-sig", "gb18030"):  # Excel in Chinese saves CSV in GB18030 (GBK)
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        problems.append(f"{path.name}: not text in UTF-8 or GB18030; save it as CSV UTF-8")
        return None
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        problems.append(f"{path.name}: not readable as CSV ({exc})")
        return None
    return _split(rows, sheet, path.name, problems)


def _read_folder(path: Path, problems: list[str]) -> dict[str, RawSheet]:
    out: dict[str, RawSheet] = {}
    files = {p.name.lower(): p for p in path.iterdir() if p.suffix.lower() == ".csv"}
    for sheet in SHEETS.values():
        names = [
            sheet.file,
            f"{sheet.zh}.csv",
            f"{sheet.en}.csv",
            f"{sheet.key}.csv",
            f"{sheet.en.replace(' ', '_')}.csv",
            "organizations.csv" if sheet.key == "organisations" else "",
        ]
        found = next((files[n.lower()] for n in names if n and n.lower() in files), None)
        if found is not None:
            raw = _read_csv(found, sheet, problems)
            if raw is not None:
                out[sheet.key] = raw
    if "communities" not in out and not problems:
        problems.append(
            f"no communities.csv in the folder {path}; a district folder holds communities.csv, and "
            f"optionally organisations.csv and ties.csv (see 'coop-agents district template --format csv')"
        )
    return out


# ------------------------------------------------------------------------------------------ values


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


# ------------------------------------------------------------------------------------------ structure


def _structure(rows: _Rows, source: str, problems: list[str], check_ties: bool = True) -> Structure | None:
    """The district of a table's rows (organisations by the builder's rules, plus extra ties)."""
    P = _params()
    comms = rows.communities
    if not comms:
        problems.append(
            "the communities sheet has no community; a district needs at least one (one row each)"
        )
        return None
    names: dict[str, str] = {}  # name -> what it names, for uniqueness
    for c in comms:
        if c.get("name") is None:
            continue
        if c["name"] in names:
            problems.append(f"{c['where']}: community {c['name']!r} is listed twice; names must be unique")
        names[c["name"]] = "community"
    for c in comms:
        so = c.get("street_office")
        if so is not None and names.get(so) == "community":
            problems.append(
                f"{c['where']}: street office {so!r} has the name of a community; names must be unique"
            )
    for o in rows.organisations:
        if o.get("name") is None:
            continue
        if o["name"] in names or o["name"] in {c.get("street_office") for c in comms}:
            problems.append(
                f"{o['where']}: organisation {o['name']!r} has the name of a community, street office or "
                f"another organisation; names must be unique"
            )
        names[o["name"]] = "organisation"
    if any(c.get(k) is None for c in comms for k in ("name", "street_office", "residents", "profile")):
        return None
    streets: list[str] = []
    for c in comms:
        if c["street_office"] not in streets:
            streets.append(c["street_office"])
    order = sorted(range(len(comms)), key=lambda i: streets.index(comms[i]["street_office"]))
    comms = [comms[i] for i in order]
    index = {c["name"]: k for k, c in enumerate(comms)}
    total = sum(c["residents"] for c in comms)
    low, high = P["residents"].low, P["residents"].high
    if not low <= total <= high:
        problems.append(
            f"communities sheet: the district has {total:,} residents in all; allowed: from {low:,} "
            f"to {high:,} (the parameter table's residents)"
        )
    if len(streets) > P["street_offices"].high:
        problems.append(
            f"communities sheet: {len(streets):,} street offices; allowed: at most "
            f"{P['street_offices'].high:,} (the parameter table's street_offices)"
        )
    for s in streets:
        n = sum(1 for c in comms if c["street_office"] == s)
        if n > P["communities_per_street"].high:
            problems.append(
                f"communities sheet: street office {s!r} has {n:,} communities; allowed: at most "
                f"{P['communities_per_street'].high:,} (the parameter table's communities_per_street)"
            )
    available = available_memory()
    if available is not None and run_bytes(total) > MEMORY_SHARE * available:
        problems.append(
            f"communities sheet: a district of {total:,} residents needs about "
            f"{run_bytes(total) / 2**30:.1f} GB of memory for one run, but "
            f"{available / 2**30:.1f} GB is available"
        )
    organisations = []
    if len(rows.organisations) > P["social_organisations"].high:
        problems.append(
            f"social organisations sheet: {len(rows.organisations):,} organisations; allowed: at most "
            f"{P['social_organisations'].high:,}"
        )
    for o in rows.organisations:
        if o.get("name") is None or o.get("specialty") is None or o.get("serves") is None:
            continue
        at = f"{o['where']}, column {SHEETS['organisations'].columns[2].header!r}"
        unknown = [n for n in o["serves"] if n not in index]
        if unknown:
            problems.append(
                f"{at}: {', '.join(repr(n) for n in unknown)} "
                f"{'is not a community' if len(unknown) == 1 else 'are not communities'} of the "
                f"communities sheet; allowed: their names, e.g. {next(iter(index))!r}"
            )
            continue
        if len(set(o["serves"])) < len(o["serves"]):
            problems.append(f"{at}: a community is listed twice; list each once")
            continue
        if len(o["serves"]) > P["communities_per_organisation"].high:
            problems.append(
                f"{at}: {len(o['serves'])} communities; allowed: at most "
                f"{P['communities_per_organisation'].high} (communities_per_organisation)"
            )
            continue
        organisations.append((o["name"], o["specialty"], [index[n] for n in o["serves"]]))
    if problems:
        return None
    prof = [PROFILES[c["profile"]] for c in comms]
    plan = _Plan(
        names=[c["name"] for c in comms],
        streets=[streets.index(c["street_office"]) for c in comms],
        street_names=streets,
        sizes=[c["residents"] for c in comms],
        profiles=[c["profile"] for c in comms],
        infrastructure=[
            p.infrastructure if c.get("infrastructure") is None else c["infrastructure"]
            for c, p in zip(comms, prof)
        ],
        trust=[p.trust if c.get("trust") is None else c["trust"] for c, p in zip(comms, prof)],
        organisations=organisations,
    )
    ties = rows.ties if check_ties else []
    g = _organisation_graph(plan, total, resolve_ties=lambda graph: _add_ties(graph, ties, problems))
    if problems:
        return None
    vulnerable = np.array(
        [
            p.vulnerable if c.get("share_vulnerable") is None else c["share_vulnerable"]
            for c, p in zip(comms, prof)
        ]
    )
    party = np.array([np.nan if c.get("share_party") is None else c["share_party"] for c in comms])
    return Structure(g, vulnerable, party, source=source)


def _refs(g: nx.Graph) -> dict[str, Any]:
    """The names a tie may give each organisation (see the ties sheet's help)."""
    out: dict[str, Any] = {}
    street_name = {d["street"]: d["name"] for _, d in g.nodes(data=True) if d["kind"] == "street_office"}
    committee_name = {d["community"]: d["name"] for _, d in g.nodes(data=True) if d["kind"] == "committee"}
    for node, d in g.nodes(data=True):
        kind = d["kind"]
        if kind == "government":
            out.update({n: node for n in FIXED["government"]})
        elif kind == "platform":
            out.update({n: node for n in FIXED["platform"]})
        elif kind == "party_committee":
            if d.get("level") == "district":
                out.update({n: node for n in FIXED["district_party"]})
            elif d.get("level") == "street":
                out[f"party:{street_name.get(d['street'], d['name'])}"] = node
            else:
                out[f"party:{committee_name.get(d['community'], d['name'])}"] = node
        else:
            out[d["name"]] = node
    return out


def _ref_of(text: str, refs: dict[str, Any]):
    text = text.strip()
    for prefix in PARTY_PREFIXES:
        if text.lower().startswith(prefix):
            return refs.get("party:" + text[len(prefix) :].strip())
    return refs.get(text, refs.get(text.lower()))


def _add_ties(g: nx.Graph, ties: list[dict], problems: list[str]) -> None:
    refs = _refs(g)
    cols = {c.key: c.header for c in SHEETS["ties"].columns}
    seen: dict[frozenset, int] = {}
    for t in ties:
        if any(t.get(k) is None for k in ("from", "to", "channel")):
            continue
        ends = []
        for key in ("from", "to"):
            node = _ref_of(t[key], refs)
            if node is None:
                problems.append(
                    f"{t['where']}, column {cols[key]!r}: {t[key]!r} names no organisation; allowed: a "
                    f"community, street office or social organisation of this district, 'district "
                    f"government', 'district party committee', 'response platform', or party:NAME for "
                    f"the party body of a community or street office"
                )
            ends.append(node)
        if None in ends:
            continue
        u, v = ends
        ch = t["channel"]
        at = f"{t['where']}, column {cols['channel']!r}"
        if u == v:
            problems.append(
                f"{t['where']}: the tie joins {t['from']!r} to itself; allowed: ties between two "
                f"different organisations"
            )
            continue
        pair = frozenset((u, v))
        if pair in seen:
            problems.append(
                f"{t['where']}: {t['from']!r} and {t['to']!r} are already tied in row {seen[pair]}; "
                f"give each tie once"
            )
            continue
        seen[pair] = t["row"]
        ku, kv = g.nodes[u]["kind"], g.nodes[v]["kind"]
        allowed = wrong_ends(ch, ku, kv)
        if allowed is not None:
            problems.append(
                f"{at}: a {ch} tie joins {allowed}; {t['from']!r} is a {ku} and {t['to']!r} a {kv}"
            )
            continue
        if g.has_edge(u, v):
            made = g.edges[u, v]["channel"]
            if made != ch:
                problems.append(
                    f"{at}: {t['from']!r} and {t['to']!r} are already tied by the builder's rules "
                    f"(channel {made}); one tie per pair: give channel {made} to set its latency, or "
                    f"leave the row out"
                )
                continue
        else:
            link = CHANNELS[ch]
            g.add_edge(u, v, link=link, channel=ch, reliability=RELIABILITY[link])
        if t.get("latency") is not None:
            g.edges[u, v]["latency"] = float(t["latency"])


# ------------------------------------------------------------------------------------------ entry points


def _key(path: Path) -> tuple:
    """What identifies a file's content for the cache: its path, size and change time (a folder's CSVs too)."""
    st = path.stat()
    parts = [str(path.resolve()), st.st_size, st.st_mtime_ns]
    if path.is_dir():
        for p in sorted(path.iterdir()):
            if p.suffix.lower() == ".csv":
                s = p.stat()
                parts += [p.name, s.st_size, s.st_mtime_ns]
    return tuple(parts)


def structure_file_problems(path: str | os.PathLike) -> tuple[list[str], Structure | None]:
    """Every problem of a district file (workbook, CSV folder or GraphML), one line each naming the
    sheet, row and column (or node and edge ids) and what is allowed; and the district if none."""
    path = Path(path)
    text = str(path)
    if path.is_dir():
        problems: list[str] = []
        raws = _read_folder(path, problems)
        if problems:
            return problems, None
        rows = _parse(raws, problems)
        return _done(problems, _structure(rows, text, problems))
    suffix = path.suffix.lower()
    if suffix in GRAPHML_SUFFIXES:
        return graphml_problems(path)
    if suffix in WORKBOOK_SUFFIXES:
        problems = []
        try:
            check_input_file(path, "district workbook", MAX_WORKBOOK_BYTES)
        except CoopError as exc:
            return [str(exc).removeprefix(f"{text}: ")], None
        raws = _read_workbook(path, problems)
        if problems:
            return problems, None
        if "communities" not in raws:
            return [
                "the workbook has no communities sheet; name a sheet 'communities 社区' (see 'coop-agents district "
                "template')"
            ], None
        rows = _parse(raws, problems)
        return _done(problems, _structure(rows, text, problems))
    if suffix == ".xls":
        return ["an .xls workbook (Excel 97-2003) cannot be read; save it as .xlsx"], None
    if not path.exists():
        return ["no such file or folder"], None
    return [
        f"not a district file ({suffix or 'no suffix'}); allowed: a .graphml file, an .xlsx workbook or a folder "
        f"of CSV files"
    ], None


def _done(problems: list[str], structure: Structure | None) -> tuple[list[str], Structure | None]:
    return (problems, None) if problems else ([], structure)


@functools.lru_cache(maxsize=4)
def _read_cached(key: tuple, path: str) -> Structure:
    problems, structure = structure_file_problems(path)
    if problems:
        raise NetworkError(f"{path}: {_summary(problems)}")
    return structure


def read_structure(path: str | os.PathLike) -> Structure:
    """A district file read and checked, once per file and change (kept for the process's later runs).

    Raises:
        NetworkError: naming the file and the first problem (and how many more there are).
    """
    path = Path(path)
    try:
        key = _key(path)
    except FileNotFoundError:
        raise NetworkError(
            f"{path}: no such file or folder; give a .graphml file, an .xlsx workbook or a folder "
            f"of CSV files"
        ) from None
    except OSError as exc:
        raise NetworkError(f"{path}: cannot read it ({exc.strerror or exc})") from None
    return _read_cached(key, str(path))


def read_table(path: str | os.PathLike) -> Structure:
    """Alias of :func:`read_structure` for workbooks and CSV folders."""
    return read_structure(path)


# ------------------------------------------------------------------------------------------ writing


def table_of(district: District | Structure) -> tuple[list[list], list[list], list[list], list[str]]:
    """A district as rows of the three sheets (communities, organisations, extra ties) and notes on
    what a workbook cannot say of it (residents listed one by one; ties the rules would not make)."""
    g = district.graph
    notes: list[str] = []
    listed = district.listed if isinstance(district, Structure) else (district if district.listed else None)
    committees = sorted((d["community"], n) for n, d in g.nodes(data=True) if d["kind"] == "committee")
    street = {d["street"]: d["name"] for _, d in g.nodes(data=True) if d["kind"] == "street_office"}
    if listed is not None:
        n = np.bincount(listed.community, minlength=len(committees))
        vul = np.bincount(
            listed.community, weights=listed.vulnerable, minlength=len(committees)
        ) / np.maximum(n, 1)
        party = np.bincount(
            listed.community, weights=listed.party_member, minlength=len(committees)
        ) / np.maximum(n, 1)
        notes.append(
            "the residents were listed one by one; the workbook gives each community's count and shares, "
            "from which every seed draws residents and contacts anew"
        )
    else:
        vul, party = district.vulnerable_share, district.party_share
    communities = []
    for c, node in committees:
        d = g.nodes[node]
        communities.append(
            [
                d["name"],
                street[d["street"]],
                int(d["residents"]),
                d.get("profile", "urban"),
                _num(vul[c]),
                _num(party[c]),
                _num(d.get("infrastructure")),
                _num(d.get("trust")),
            ]
        )
    organisations = []
    committee_name = {n: g.nodes[n]["name"] for _, n in committees}
    for node, d in g.nodes(data=True):
        if d["kind"] == "social_organisation":
            served = [committee_name[v] for v in g[node] if g.edges[node, v]["channel"] == "service"]
            organisations.append([d["name"], d.get("specialty", "care"), "; ".join(served)])
    # Extra ties: what the rules would not make from these rows, or a latency of its own.
    rows = _Rows(
        communities=[
            dict(zip(("name", "street_office", "residents", "profile"), r[:4]), row=i + 2, where="")
            for i, r in enumerate(communities)
        ],
        organisations=[
            {
                "name": r[0],
                "specialty": r[1],
                "serves": [s for s in r[2].split("; ") if s],
                "row": i + 2,
                "where": "",
            }
            for i, r in enumerate(organisations)
            if r[2]
        ],
    )
    problems: list[str] = []
    rules = _structure(rows, "", problems, check_ties=False)
    ties = []
    if rules is not None:
        mine, theirs = _named_edges(g), _named_edges(rules.graph)
        for pair, (ch, latency) in mine.items():
            if pair not in theirs or theirs[pair][0] != ch or latency is not None:
                a, b = sorted(pair)
                ties.append([a, b, ch, latency])
        missing = [p for p in theirs if p not in mine]
        if missing:
            notes.append(
                f"{len(missing)} ties the rules make are not in this district (e.g. "
                f"{' - '.join(sorted(missing[0]))}); a workbook cannot leave them out"
            )
    else:
        notes.append("the district does not follow the workbook's rules (" + "; ".join(problems[:2]) + ")")
    return communities, organisations, ties, notes


def _num(x):
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def _named_edges(g: nx.Graph) -> dict[frozenset, tuple[str, float | None]]:
    name = {node: ref for ref, node in _refs(g).items() if not ref.endswith(("区政府", "区委", "应急平台"))}
    return {
        frozenset((name[u], name[v])): (d["channel"], d.get("latency"))
        for u, v, d in g.edges(data=True)
        if u in name and v in name
    }


def _instructions(lang_rows: bool = True) -> list[tuple[str, str]]:
    out = [
        ("coop-agents district workbook", "coop-agents 辖区工作簿"),
        (
            "Fill in one row per community, per social organisation and per extra tie. Columns are named in "
            "English and Chinese; either name alone works too. Blank optional cells take the default shown.",
            "每个社区、每个社会组织、每条其他联系各填一行。列名为中英文；只写其中一种也可以。可选列留空时取所示默认值。",
        ),
        (
            "Check it:  coop-agents district check my_district.xlsx   (every problem, one line each: sheet, row, "
            "column and what is allowed)",
            "检查：coop-agents district check my_district.xlsx（逐行列出每个问题：工作表、行、列及允许的取值）",
        ),
        (
            'Use it: in a scenario file write  structure = "my_district.xlsx"  (next to the scenario file), then '
            "coop-agents run --scenario my_scenario.toml --compare siloed,full_cycle",
            '使用：在情景文件中写 structure = "my_district.xlsx"（与情景文件放在同一文件夹），然后运行 '
            "coop-agents run --scenario my_scenario.toml --compare siloed,full_cycle",
        ),
        (
            "The example rows are the default scenario's district (seed 0): replace them with your own.",
            "示例各行为默认情景的辖区（种子0）：请替换为您自己的辖区。",
        ),
        (
            "The builder's rules make the rest: the district government, party committee and response platform; a "
            "party committee per street office and a party branch per community; administrative, party, unified-"
            "command and platform ties; committees of one street as neighbouring peers in the order of their rows; "
            "social organisations contracted by the government. Residents and their daily contacts are drawn for "
            "each run from the counts and shares (the same seed gives the same residents).",
            "其余由构建规则生成：区政府、区委和应急平台；每个街道一个党工委、每个社区一个党支部；行政、党组织、统一指挥和平台联系；"
            "同一街道的社区按行的顺序互为相邻社区；社会组织由区政府购买服务。居民及其日常接触在每次运行时按人数和比例抽取"
            "（同一种子得到相同的居民）。",
        ),
        (
            "Full description of every column, unit and allowed value: docs/district.md",
            "每一列、单位及允许取值的完整说明见 docs/district.md",
        ),
    ]
    return out


def _column_help() -> list[list[str]]:
    rows = [["sheet / 工作表", "column / 列", "allowed / 允许取值", "允许取值", "meaning", "说明"]]
    for sheet in SHEETS.values():
        for col in sheet.columns:
            rows.append(
                [
                    sheet.title,
                    col.header + (" *" if col.required else ""),
                    col.allowed_en,
                    col.allowed_zh,
                    col.help_en,
                    col.help_zh,
                ]
            )
    return rows


def write_table(district: District | Structure, out: str | os.PathLike, fmt: str | None = None) -> list[str]:
    """Write a district as a workbook (``.xlsx``) or a folder of CSV files (``fmt="csv"``); return notes
    on what the table cannot say of it."""
    out = Path(out)
    communities, organisations, ties, notes = table_of(district)
    data = {"communities": communities, "organisations": organisations, "ties": ties}
    if fmt == "csv":
        out.mkdir(parents=True, exist_ok=True)
        for key, sheet in SHEETS.items():
            with open(out / sheet.file, "w", encoding="utf-8-sig", newline="") as fh:
                w = csv.writer(fh)
                w.writerow([c.header for c in sheet.columns if c.key != "notes"])
                w.writerows([["" if v is None else _cell(v) for v in r] for r in data[key]])
        lines = [f"{en}\n{zh}\n" for en, zh in _instructions()]
        lines.append("\n".join("\t".join(r) for r in _column_help()))
        (out / "README.txt").write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
        return notes
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    info = wb.active
    info.title = "instructions 说明"
    for en, zh in _instructions():
        info.append([en])
        info.append([zh])
        info.append([])
    info["A1"].font = Font(bold=True, size=14)
    info["A2"].font = Font(bold=True, size=14)
    for r in _column_help():
        info.append(r)
    header_row = info.max_row - len(_column_help()) + 1
    for cell in info[header_row]:
        cell.font = Font(bold=True)
    info.column_dimensions["A"].width = 30
    for col in "BCDEF":
        info.column_dimensions[col].width = 40
    lists = {"profile": list(PROFILES), "specialty": list(SPECIALTIES), "channel": list(TIE_CHANNELS)}
    for key, sheet in SHEETS.items():
        ws = wb.create_sheet(sheet.title)
        cols = [c for c in sheet.columns]
        ws.append([c.header for c in cols])
        for cell in ws[1]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="DDEBF7")
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for r in data[key]:
            ws.append([_cell(v) for v in r])
        ws.freeze_panes = "A2"
        for i, c in enumerate(cols):
            letter = ws.cell(row=1, column=i + 1).column_letter
            ws.column_dimensions[letter].width = max(14, min(40, len(c.header) + 4))
            if c.key in lists:
                dv = DataValidation(
                    type="list",
                    formula1='"' + ",".join(lists[c.key]) + '"',
                    allow_blank=True,
                    showErrorMessage=False,
                )
                dv.add(f"{letter}2:{letter}{max(2, MAX_TABLE_ROWS // 100)}")
                ws.add_data_validation(dv)
            if c.key.startswith("share") or c.key in ("infrastructure", "trust"):
                for row in ws.iter_rows(min_row=2, min_col=i + 1, max_col=i + 1):
                    for cell in row:
                        cell.number_format = "0.00"
    wb.active = 1
    wb.save(out)
    return notes


def _cell(v):
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return v  # keep floats floats: 0.0 is a share, not a count
    return v


def export_district(
    scenario: str | os.PathLike,
    out: str | os.PathLike,
    seed: int = 0,
    fmt: str | None = None,
    **overrides: Any,
) -> tuple[Path, District, list[str]]:
    """Write the district a scenario's runs use on ``seed`` (built, or read from its structure file)
    as GraphML (``.graphml``), a workbook (``.xlsx``) or a CSV folder (``fmt="csv"``)."""
    from coop_agents.model import resolve
    from coop_agents.network import district_for
    from coop_agents.rng import make_streams

    config, sc, _ = resolve(scenario, "siloed", **overrides)
    district = district_for(config, sc.structure, make_streams(seed)["network"])
    out = Path(out)
    if fmt == "csv":
        notes = write_table(district, out, "csv")
    elif out.suffix.lower() in GRAPHML_SUFFIXES:
        write_graphml(district, out, name=sc.name)
        notes = []
    elif out.suffix.lower() == ".xlsx":
        notes = write_table(district, out)
    else:
        raise CoopError(
            f"--out {out}: not a district file name; allowed: a .graphml or .xlsx file, or a folder "
            f"with --format csv"
        )
    return out, district, notes


def write_template(out: str | os.PathLike, fmt: str | None = None) -> list[str]:
    """The template: the default scenario's district on seed 0, with the instructions."""
    from coop_agents.model import resolve
    from coop_agents.network import district_for
    from coop_agents.rng import make_streams

    config, sc, _ = resolve("default", "siloed")
    district = district_for(config, None, make_streams(0)["network"])
    return write_table(district, out, fmt)


_ = Callable  # typing only
