"""Reading a district workbook or CSV folder as raw sheets: each sheet's header and rows with their
spreadsheet row numbers, nothing evaluated (a formula's or macro's last saved value is read)."""

from __future__ import annotations

import csv
import io
import math
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coop_agents.district.sheets import SHEETS, Sheet, _sheet_of
from coop_agents.errors import CoopError
from coop_agents.limits import (
    MAX_TABLE_ROWS,
    MAX_WORKBOOK_BYTES,
    MAX_WORKBOOK_UNPACKED,
    check_input_file,
)

GRAPHML_SUFFIXES = (".graphml", ".xml")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


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
