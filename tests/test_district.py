"""Your own district: the template, checks one line per problem, structure files in scenarios,
export and the exact round trip (export -> load -> run gives the same outcomes on the same seed)."""

from __future__ import annotations

import math
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from coop_agents import CoordinationModel, run_once
from coop_agents.cli import main
from coop_agents.district.files import (
    SHEETS,
    export_district,
    read_structure,
    structure_file_problems,
    table_of,
)
from coop_agents.errors import ConfigError, NetworkError
from coop_agents.network import (
    PROFILES,
    DistrictSpec,
    build_district,
    make_district,
    read_graphml,
    write_graphml,
)
from coop_agents.rng import make_streams

PARAMS = (
    '[parameters]\nhazard = "contagion"\nresidents = 4800\nstreet_offices = 2\ncommunities_per_street = 6\n'
)
SHORT = dict(steps=40, run_until="steps")


def same(a: dict, b: dict) -> bool:
    return set(a) == set(b) and all(a[k] == b[k] or (math.isnan(a[k]) and math.isnan(b[k])) for k in a)


def scenario(folder: Path, structure: str, params: str = PARAMS, name: str = "mine") -> str:
    path = folder / f"{name}.toml"
    path.write_text(f'name = "{name}"\nstructure = "{structure}"\n{params}', encoding="utf-8")
    return str(path)


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("district")
    assert main(["district", "template", "--out", str(folder / "template.xlsx")]) == 0
    assert main(["district", "template", "--out", str(folder / "csv"), "--format", "csv"]) == 0
    assert (
        main(["district", "export", "--scenario", "default", "--out", str(folder / "default.graphml")]) == 0
    )
    return folder


# ------------------------------------------------------------------------------ template and round trip


def test_the_template_is_the_default_district_and_checks_clean(files, capsys):
    for name in ("template.xlsx", "csv", "default.graphml"):
        assert main(["district", "check", str(files / name)]) == 0
        out = capsys.readouterr().out
        assert "a valid district" in out and "4,800 residents in 12 communities under 2 street offices" in out
    assert {p.name for p in (files / "csv").iterdir()} == {
        "communities.csv",
        "organisations.csv",
        "ties.csv",
        "README.txt",
    }
    header = (files / "csv" / "communities.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.startswith("name / 社区名称,street office / 所属街道,residents / 居民人数")


@pytest.mark.parametrize("structure", ["template.xlsx", "csv", "default.graphml"])
@pytest.mark.parametrize("pattern", ["siloed", "full_cycle"])
def test_export_load_run_gives_the_same_outcomes_on_the_same_seed(files, structure, pattern):
    mine = scenario(files, structure)
    assert same(run_once("default", pattern, seed=0, **SHORT), run_once(mine, pattern, seed=0, **SHORT))


def test_a_loaded_district_is_the_built_one_resident_for_resident(files):
    built = CoordinationModel("default", "siloed", 0)
    for structure in ("template.xlsx", "default.graphml"):
        loaded = CoordinationModel(scenario(files, structure), "siloed", 0)
        a, b = built.world, loaded.world
        assert np.array_equal(a.residents.vulnerable, b.residents.vulnerable)
        assert np.array_equal(a.residents.party_member, b.residents.party_member)
        assert (a.contacts != b.contacts).nnz == 0
        assert [(n, d) for n, d in a.graph.nodes(data=True)] == [(n, d) for n, d in b.graph.nodes(data=True)]
        assert [list(a.graph.adj[n]) for n in a.graph] == [list(b.graph.adj[n]) for n in b.graph]
        assert sorted(a.graph.edges(data="rank")) == sorted(b.graph.edges(data="rank"))


def test_exporting_a_scenario_with_a_structure_file_writes_the_same_district(files, tmp_path):
    mine = scenario(files, "template.xlsx")
    for out in ("again.xlsx", "again.graphml"):
        export_district(mine, tmp_path / out, seed=3)
        again = scenario(tmp_path, out, name=Path(out).stem)
        assert same(run_once(mine, "platform", seed=3, **SHORT), run_once(again, "platform", seed=3, **SHORT))


def test_other_seeds_draw_other_residents_from_the_same_counts(files):
    mine = scenario(files, "template.xlsx")
    a, b = CoordinationModel(mine, "siloed", 1), CoordinationModel(mine, "siloed", 2)
    assert np.array_equal(a.world.residents.community, b.world.residents.community)
    assert not np.array_equal(a.world.residents.vulnerable, b.world.residents.vulnerable)
    # The social organisations serve what the file says, whatever the seed.
    served = lambda m: sorted(
        (
            d["name"],
            sorted(
                m.graph.nodes[v]["name"]
                for v in m.graph[n]  # noqa: E731
                if m.graph.edges[n, v]["channel"] == "service"
            ),
        )
        for n, d in m.graph.nodes(data=True)
        if d["kind"] == "social_organisation"
    )
    assert served(a) == served(b)


def test_a_graphml_of_listed_residents_round_trips(tmp_path):
    g = build_district(
        DistrictSpec(residents=900, street_offices=2, communities_per_street=3), np.random.default_rng(4)
    )
    for _, _, d in g.edges(data=True):
        d.pop("rank", None)
    nx.write_graphml(g, tmp_path / "listed.graphml")
    first = scenario(tmp_path, "listed.graphml", params="[parameters]\nsteps = 30\n", name="first")
    assert read_structure(tmp_path / "listed.graphml").population == "listed"
    export_district(first, tmp_path / "again.graphml", seed=9)
    again = scenario(tmp_path, "again.graphml", params="[parameters]\nsteps = 30\n", name="again")
    assert read_structure(tmp_path / "again.graphml").population == "listed"
    for seed in (0, 5):
        assert same(run_once(first, "full_cycle", seed=seed), run_once(again, "full_cycle", seed=seed))
    # A workbook of it gives each community's counts and shares (and says so).
    *_, notes = table_of(read_structure(tmp_path / "listed.graphml"))
    assert any("listed one by one" in n for n in notes)


# ------------------------------------------------------------------------------ sizes, latencies, shares


def test_sizes_come_from_the_file_and_other_sizes_are_refused(files, tmp_path):
    mine = scenario(files, "template.xlsx", params="[parameters]\nsteps = 20\n", name="sizes")
    m = CoordinationModel(mine, "siloed", 0)
    assert (m.config.residents, m.config.street_offices, m.config.communities_per_street) == (4800, 2, 6)
    with pytest.raises(ConfigError, match=r"residents=9000: .*has residents=4800.*leave residents out"):
        CoordinationModel(mine, "siloed", 0, residents=9000)
    CoordinationModel(mine, "siloed", 0, residents=4800)  # matching is fine
    with pytest.raises(ConfigError, match="street_offices=3"):
        scenario(files, "template.xlsx", params="[parameters]\nstreet_offices = 3\n", name="bad")
        CoordinationModel(str(files / "bad.toml"), "siloed", 0)
    assert main(["run", "--scenario", mine, "--set", "residents=1200", "--steps", "2"]) == 2


def test_latency_levers_act_on_loaded_districts_and_a_tie_can_override(files, tmp_path):
    mine = scenario(files, "template.xlsx")
    m = CoordinationModel(mine, "siloed", 0, vertical_latency=10.0)
    assert {d["latency"] for *_, d in m.active.edges(data=True) if d["link"] == "vertical"} == {10.0}
    # A tie of the ties sheet with a latency of its own, and an extra tie between two streets.
    (tmp_path / "csv").mkdir()
    for name in ("communities.csv", "organisations.csv"):
        (tmp_path / "csv" / name).write_bytes((files / "csv" / name).read_bytes())
    (tmp_path / "csv" / "ties.csv").write_text(
        "from / 起点,to / 终点,channel / 渠道,latency (days) / 时延（天）\n"
        "street office 1,community 2,admin,7\ncommunity 2,community 9,peer,\n",
        encoding="utf-8",
    )
    m = CoordinationModel(scenario(tmp_path, "csv"), "co_governance", 0, horizontal_links=1.0)
    node = {d["name"]: n for n, d in m.graph.nodes(data=True)}
    assert m.active.edges[node["street office 1"], node["community 2"]]["latency"] == 7.0
    assert m.graph.edges[node["community 2"], node["community 9"]]["channel"] == "peer"
    assert m.active.edges[node["community 2"], node["community 9"]]["latency"] == m.config.horizontal_latency


def test_shares_are_drawn_per_community_and_blank_cells_take_the_defaults(tmp_path):
    (tmp_path / "communities.csv").write_text(
        "社区名称,所属街道,居民人数,社区类型,弱势群体比例,党员比例\n"
        "幸福社区,和平街道,6000,老旧小区,50%,\n"
        "光明村,和平街道,6000,农村社区,,0.3\n",
        encoding="gb18030",
    )
    structure = read_structure(tmp_path)
    d = structure.realise(make_streams(0)["network"], party_member_share=0.1)
    rows = [d.community == c for c in range(2)]
    assert abs(d.vulnerable[rows[0]].mean() - 0.5) < 0.03
    assert abs(d.vulnerable[rows[1]].mean() - PROFILES["rural"].vulnerable) < 0.03
    assert abs(d.party_member[rows[0]].mean() - 0.1) < 0.02  # blank: the scenario's party_member_share
    assert abs(d.party_member[rows[1]].mean() - 0.3) < 0.03
    names = {dd["name"] for _, dd in d.graph.nodes(data=True)}
    assert {"幸福社区", "光明村", "和平街道"} <= names


# ------------------------------------------------------------------------------ checks


def write_csvs(folder: Path, communities: str, organisations: str = "", ties: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "communities.csv").write_text(communities, encoding="utf-8")
    if organisations:
        (folder / "organisations.csv").write_text(organisations, encoding="utf-8")
    if ties:
        (folder / "ties.csv").write_text(ties, encoding="utf-8")
    return folder


GOOD = "name,street office,residents,profile\nA,S1,500,urban\nB,S1,500,rural\nC,S2,500,old_urban\n"


def test_every_problem_is_one_line_naming_sheet_row_and_column(tmp_path, capsys):
    folder = write_csvs(
        tmp_path / "bad",
        "name,street office,residents,profile,share vulnerable,trust\n"
        "A,S1,lots,urban,,\n"
        "B,S1,500,suburban,1.5,\n"
        "C,,500,rural,,0.4\n",
        "name,specialty,communities served\nhelpers,care,A; Z\nfixers,plumbing,B\n",
        "from,to,channel,latency\nA,nowhere,peer,\nA,B,peer,99\n",
    )
    assert main(["district", "check", str(folder)]) == 2
    lines = capsys.readouterr().out.strip().splitlines()
    expected = [
        ("communities.csv, row 2, column 'residents / 居民人数'", "'lots'", f"at least {10}"),
        ("communities.csv, row 3, column 'profile / 社区类型'", "'suburban'", "urban, old_urban or rural"),
        ("communities.csv, row 3, column 'share vulnerable / 弱势群体比例'", "'1.5'", "0 to 1"),
        ("communities.csv, row 4, column 'street office / 所属街道'", "empty", "text"),
        ("organisations.csv, row 3, column 'specialty / 专长'", "'plumbing'", "care, logistics"),
        ("ties.csv, row 3, column 'latency (days) / 时延（天）'", "'99'", "0 to 30 days"),
    ]
    for where, what, allowed in expected:
        assert any(where in line and what in line and allowed in line for line in lines), (where, lines)
    assert all(line.startswith(str(folder)) for line in lines)


def test_names_that_do_not_resolve_are_named(tmp_path):
    folder = write_csvs(tmp_path / "refs", GOOD, "name,specialty,communities served\nhelpers,care,A; Z\n")
    problems, _ = structure_file_problems(folder)
    assert problems == [
        "organisations.csv, row 2, column 'communities served / 服务社区': 'Z' is not a community "
        "of the communities sheet; allowed: their names, e.g. 'A'"
    ]
    folder = write_csvs(
        tmp_path / "ties",
        GOOD,
        ties="from,to,channel\nA,nowhere,peer\nA,B,platform\nS1,S1,peer\n"
        "A,party:A,admin\nA,C,peer\nC,A,peer\n",
    )
    problems, _ = structure_file_problems(folder)
    assert len(problems) == 5, problems
    assert "ties.csv, row 2, column 'to / 终点': 'nowhere' names no organisation" in problems[0]
    assert (
        "row 3" in problems[1] and "a platform tie joins" in problems[1] and "'B' a committee" in problems[1]
    )
    assert "row 4" in problems[2] and "joins 'S1' to itself" in problems[2]
    assert "row 5" in problems[3] and "already tied by the builder's rules (channel branch)" in problems[3]
    assert "row 7" in problems[4] and "already tied in row 6" in problems[4]


def test_sizes_outside_the_parameter_table_are_refused(tmp_path):
    rows = "name,street office,residents,profile\n" + "".join(f"C{i},S1,10,urban\n" for i in range(101))
    problems, _ = structure_file_problems(write_csvs(tmp_path / "big", rows))
    assert any("street office 'S1' has 101 communities; allowed: at most 100" in p for p in problems)
    problems, _ = structure_file_problems(
        write_csvs(tmp_path / "few", "name,street office,residents,profile\nA,S,9,urban\n")
    )
    assert problems and "'9' is not allowed" in problems[0]


def test_a_workbook_is_read_without_evaluating_anything(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "communities 社区"
    ws.append(["社区名称", "所属街道", "居民人数", "社区类型"])
    ws.append(["A", "S", "=200+300", "城市社区"])  # a formula: never computed, so no value
    ws.append(["B", "S", 400, "rural"])
    wb.save(tmp_path / "f.xlsx")
    problems, _ = structure_file_problems(tmp_path / "f.xlsx")
    assert problems == [
        "communities 社区 sheet, row 2, column 'residents / 居民人数': empty; allowed: whole number, "
        "at least 10"
    ]
    ws["C2"] = 500
    wb.save(tmp_path / "f.xlsx")
    assert read_structure(tmp_path / "f.xlsx").n_residents == 900


def test_files_that_are_not_districts_are_refused_in_one_line(tmp_path, capsys):
    (tmp_path / "x.xlsx").write_bytes(b"not a zip")
    (tmp_path / "x.xls").write_bytes(b"old")
    (tmp_path / "x.txt").write_text("hello")
    for name, text in (
        ("x.xlsx", "not readable as an .xlsx workbook"),
        ("x.xls", "save it as .xlsx"),
        ("x.txt", "not a district file"),
        ("missing.xlsx", "no such file"),
    ):
        assert main(["district", "check", str(tmp_path / name)]) == 2
        out = capsys.readouterr().out.strip().splitlines()
        assert len(out) == 1 and text in out[0]
    with pytest.raises(NetworkError, match="x.xlsx: not readable"):
        read_structure(tmp_path / "x.xlsx")


def test_a_hand_made_graphml_without_vulnerable_residents_is_refused(tmp_path):
    g = build_district(
        DistrictSpec(residents=120, street_offices=1, communities_per_street=2), np.random.default_rng(0)
    )
    for i in range(120):
        del g.nodes[i]["vulnerable"]
    nx.write_graphml(g, tmp_path / "hand.graphml")
    problems, _ = structure_file_problems(tmp_path / "hand.graphml")
    assert problems == [
        "120 nodes (resident) have no vulnerable ('0', '1', '2' and 117 more); a resident needs "
        "community and vulnerable and party_member"
    ]


def test_a_synthetic_graphml_checks_counts_and_shares(files, tmp_path):
    text = (files / "default.graphml").read_text(encoding="utf-8")
    assert "population" in text and "share_vulnerable" in text and "r0" not in text
    broken = text.replace(">400<", ">4<", 1).replace(">0.12<", ">1.7<", 1)
    (tmp_path / "b.graphml").write_text(broken, encoding="utf-8")
    problems, _ = structure_file_problems(tmp_path / "b.graphml")
    assert any("has residents=4; allowed: an integer of at least 10" in p for p in problems)
    assert any("share_vulnerable=1.7; allowed: a number from 0 to 1" in p for p in problems)


# ------------------------------------------------------------------------------ scale


def test_a_district_of_156_communities_from_a_workbook(tmp_path):
    rows = ["name,street office,residents,profile"]
    for s in range(13):
        for c in range(12):
            rows.append(
                f"社区{s + 1}-{c + 1},街道{s + 1},{3000 + 7 * c},{('urban', 'old_urban', 'rural')[c % 3]}"
            )
    folder = write_csvs(
        tmp_path / "big",
        "\n".join(rows) + "\n",
        "name,specialty,communities served\n"
        + "".join(f"org{k},care,社区{k + 1}-1、社区{k + 1}-2\n" for k in range(13)),
    )
    structure = read_structure(folder)
    assert structure.sizes() == {
        "residents": 13 * sum(3000 + 7 * c for c in range(12)),
        "street_offices": 13,
        "communities_per_street": 12,
        "social_organisations": 13,
        "communities_per_organisation": 2,
        "profile": "mixed",
    }
    d = structure.realise(make_streams(0)["network"])
    assert d.n_communities == 156 and d.contacts.shape[0] == structure.n_residents
    out = run_once(
        scenario(tmp_path, "big", params='[parameters]\nsteps = 5\nrun_until = "steps"\n'), "full_cycle", 0
    )
    assert out["harm"] >= 0


def test_make_district_is_the_graph_builder_in_arrays():
    spec = DistrictSpec(residents=1500, street_offices=3, communities_per_street=2, social_organisations=3)
    d = make_district(spec, np.random.default_rng(1))
    g = build_district(spec, np.random.default_rng(1))
    assert d.n_residents == 1500 and np.array_equal(
        d.community, [g.nodes[i]["community"] for i in range(1500)]
    )
    assert (
        d.contacts
        != nx.to_scipy_sparse_array(
            nx.subgraph_view(g, filter_edge=lambda u, v: g.edges[u, v]["channel"] == "contact"),
            nodelist=range(1500),
        )
    ).nnz == 0
    with pytest.raises(ValueError):
        d.vulnerable[0] = True  # shared between runs: read-only


def test_template_and_export_refuse_bad_output_names(tmp_path):
    assert main(["district", "template", "--out", str(tmp_path / "nowhere" / "t.xlsx")]) == 2
    assert main(["district", "template", "--out", str(tmp_path / "t.txt")]) == 2
    assert main(["district", "export", "--scenario", "default", "--out", str(tmp_path / "d.csv")]) == 2
    assert main(["district", "export", "--scenario", "nope", "--out", str(tmp_path / "d.xlsx")]) == 2


def test_the_sheets_are_documented():
    doc = (Path(__file__).parents[1] / "docs" / "district.md").read_text(encoding="utf-8")
    for sheet in SHEETS.values():
        for col in sheet.columns:
            assert col.header in doc, col.header
    _ = write_graphml, read_graphml  # the GraphML format is documented there too
    for key in (
        "population",
        "share_vulnerable",
        "share_party",
        "residents",
        "latency",
        "vulnerable",
        "party_member",
    ):
        assert f"`{key}`" in doc
