"""District files: a workbook or a folder of CSV files (communities, social organisations, extra
ties) or GraphML, read, checked and written (the format: docs/district.md).

A workbook holds the facts a street office keeps in spreadsheets: each community with its street
office, residents, profile and shares; the social organisations and whom they serve; any ties the
builder's rules do not make. The organisations and their ties follow the builder's rules
(:func:`coop_agents.network.builder._organisation_graph`); the residents are drawn per seed from each
community's counts and shares, as the builder draws them. Reading never evaluates a formula or a
macro: cells are read as the values last saved in them (openpyxl, through pandas).

This module holds the entry points (check a file, read it once per change); the steps are its
siblings: :mod:`~coop_agents.district.sheets` (the format), :mod:`~coop_agents.district.reading`
(raw sheets), :mod:`~coop_agents.district.values` (cells to values),
:mod:`~coop_agents.district.rules` (rows to a district) and :mod:`~coop_agents.district.writing`
(workbook, CSV and export).
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from coop_agents.district.reading import GRAPHML_SUFFIXES, WORKBOOK_SUFFIXES, _read_folder, _read_workbook
from coop_agents.district.rules import _structure
from coop_agents.district.sheets import SHEETS
from coop_agents.district.values import _parse
from coop_agents.district.writing import export_district, table_of, write_table, write_template
from coop_agents.errors import CoopError, NetworkError
from coop_agents.limits import MAX_WORKBOOK_BYTES, check_input_file
from coop_agents.network.checks import _summary
from coop_agents.network.graphml import graphml_problems
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
    assert structure is not None  # no problems: the district
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
