"""A district written as a workbook or CSV folder (the rows the builder's rules would read back,
plus the ties they would not make), a scenario's district exported, and the template."""

from __future__ import annotations

import csv
import math
import os
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np

from coop_agents.district.reading import GRAPHML_SUFFIXES
from coop_agents.district.rules import _refs, _structure
from coop_agents.district.sheets import SHEETS, TIE_CHANNELS
from coop_agents.district.values import _Rows
from coop_agents.errors import CoopError
from coop_agents.limits import (
    MAX_TABLE_ROWS,
)
from coop_agents.network.district import District
from coop_agents.network.graphml_writer import write_graphml
from coop_agents.network.kinds import SPECIALTIES
from coop_agents.network.profiles import PROFILES
from coop_agents.network.structure import Structure


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
        # Residents not listed: drawn from these shares, which every such district carries.
        assert district.vulnerable_share is not None and district.party_share is not None
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
    scenario: str | Path,
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
