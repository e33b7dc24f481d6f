"""The district graph: builder, views, contact matrix, validation and GraphML loading."""

from __future__ import annotations

from collections import Counter

import networkx as nx
import numpy as np
import pytest

from coop_agents import CoordinationModel
from coop_agents.errors import NetworkError
from coop_agents.network import (
    CHANNELS,
    KINDS,
    LINKS,
    PROFILES,
    RELIABILITY,
    DistrictSpec,
    build_district,
    channel_view,
    contact_matrix,
    link_view,
    load_graphml,
    organisation_view,
    validate_district,
)

SPEC = DistrictSpec(
    residents=1200,
    street_offices=2,
    communities_per_street=3,
    social_organisations=5,
    communities_per_organisation=2,
)


def build(spec: DistrictSpec = SPEC, seed: int = 0) -> nx.Graph:
    return build_district(spec, np.random.default_rng(seed))


@pytest.fixture(scope="module")
def district() -> nx.Graph:
    return build()


def kinds(g: nx.Graph) -> Counter:
    return Counter(k for _, k in g.nodes(data="kind"))


def contact_edges(g: nx.Graph) -> set[tuple[int, int]]:
    return {(min(u, v), max(u, v)) for u, v, ch in g.edges(data="channel") if ch == "contact"}


def cross_share(g: nx.Graph) -> float:
    edges = contact_edges(g)
    cross = sum(g.nodes[u]["community"] != g.nodes[v]["community"] for u, v in edges)
    return cross / len(edges)


def one_line(exc: pytest.ExceptionInfo) -> str:
    msg = str(exc.value)
    assert msg and "\n" not in msg, f"not one line: {msg!r}"
    return msg


# ------------------------------------------------------------------------------- builder


def test_same_seed_gives_an_identical_graph():
    a, b = build(seed=7), build(seed=7)
    assert nx.utils.graphs_equal(a, b)
    assert sorted(a.edges(data=True)) == sorted(b.edges(data=True))
    assert list(a.nodes(data=True)) == list(b.nodes(data=True))


def test_different_seeds_give_different_contacts_but_the_same_organisations():
    a, b = build(seed=1), build(seed=2)
    assert contact_edges(a) != contact_edges(b)
    assert kinds(a) == kinds(b)
    assert a.number_of_nodes() == b.number_of_nodes()


def test_builder_does_not_depend_on_global_random_state():
    np.random.seed(1)
    a = build(seed=3)
    np.random.seed(99)
    b = build(seed=3)
    assert nx.utils.graphs_equal(a, b)


@pytest.mark.parametrize("streets, per_street, orgs", [(1, 1, 0), (1, 4, 2), (2, 3, 5), (3, 2, 1)])
def test_counts_of_each_kind(streets, per_street, orgs):
    spec = DistrictSpec(
        residents=600, street_offices=streets, communities_per_street=per_street, social_organisations=orgs
    )
    g = build(spec)
    c = kinds(g)
    n_comm = streets * per_street
    assert c["government"] == 1
    assert c["street_office"] == streets
    assert c["committee"] == n_comm
    assert c["social_organisation"] == orgs
    assert c["platform"] == 1
    assert c["resident"] == 600
    # district party committee + one per street + one branch per community
    assert c["party_committee"] == 1 + streets + n_comm
    branches = [
        d for _, d in g.nodes(data=True) if d["kind"] == "party_committee" and d["level"] == "community"
    ]
    assert sorted(d["community"] for d in branches) == list(range(n_comm))
    assert set(c) <= set(KINDS)


def test_residents_are_the_first_nodes_grouped_by_community(district):
    n = SPEC.residents
    residents = [node for node, k in district.nodes(data="kind") if k == "resident"]
    assert sorted(residents) == list(range(n))
    assert all(k != "resident" for node, k in district.nodes(data="kind") if node >= n)
    comm = np.array([district.nodes[i]["community"] for i in range(n)])
    assert np.all(np.diff(comm) >= 0), "residents are not grouped by community"
    sizes = np.bincount(comm)
    assert len(sizes) == SPEC.communities
    assert sizes.max() - sizes.min() <= 1
    committees = {d["community"]: d for _, d in district.nodes(data=True) if d["kind"] == "committee"}
    assert sorted(committees) == list(range(SPEC.communities))
    for c, d in committees.items():
        assert d["residents"] == sizes[c]
        assert d["street"] == c // SPEC.communities_per_street


def test_every_resident_has_a_grid_tie_to_its_own_committee(district):
    committee_of = {d["community"]: node for node, d in district.nodes(data=True) if d["kind"] == "committee"}
    for i in range(SPEC.residents):
        cc = committee_of[district.nodes[i]["community"]]
        assert district.edges[cc, i]["channel"] == "grid"


def test_party_members_have_a_party_tie_to_their_branch(district):
    branch_of = {
        d["community"]: node
        for node, d in district.nodes(data=True)
        if d["kind"] == "party_committee" and d["level"] == "community"
    }
    members = [i for i in range(SPEC.residents) if district.nodes[i]["party_member"]]
    share = len(members) / SPEC.residents
    assert abs(share - SPEC.party_member_share) < 4 * np.sqrt(0.08 * 0.92 / SPEC.residents)
    for i in members:
        assert district.edges[branch_of[district.nodes[i]["community"]], i]["channel"] == "party"


def test_every_edge_has_a_consistent_link_channel_and_reliability_and_no_latency(district):
    """Latencies are the pattern's levers, applied by the message bus: a built district has none."""
    seen = set()
    for _u, _v, d in district.edges(data=True):
        assert d["link"] in LINKS
        assert d["channel"] in CHANNELS
        assert CHANNELS[d["channel"]] == d["link"]
        assert "latency" not in d
        assert d["reliability"] == (1.0 if d["channel"] == "contact" else RELIABILITY[d["link"]])
        seen.add(d["channel"])
    assert seen == set(CHANNELS), f"channels never built: {set(CHANNELS) - seen}"


def test_link_latencies_are_the_levers_and_a_tie_of_its_own_overrides_them():
    levers = dict(vertical_latency=2.5, horizontal_latency=0.7, platform_latency=0.0)
    m = CoordinationModel(
        "default", "full_cycle", 0, residents=300, street_offices=1, communities_per_street=3, **levers
    )
    expected = {"vertical": 2.5, "horizontal": 0.7, "platform": 0.0}
    assert m.active.number_of_edges() > 0
    for _, _, d in m.active.edges(data=True):
        assert d["latency"] == expected[d["link"]]
    # The district itself is untouched (several runs with other levers may share it).
    assert all("latency" not in d for *_, d in m.graph.edges(data=True))
    # A district whose tie carries a latency of its own (a structure file's override).
    g = build(DistrictSpec(residents=300, street_offices=1, communities_per_street=3))
    u, v = next((u, v) for u, v, ch in g.edges(data="channel") if ch == "admin")
    g.edges[u, v]["latency"] = 9.0
    m = CoordinationModel("default", "full_cycle", 0, graph=g, residents=300, **levers)
    assert m.active.edges[u, v]["latency"] == 9.0
    assert sorted({d["latency"] for a, b, d in m.active.edges(data=True) if {a, b} != {u, v}}) == [
        0.0,
        0.7,
        2.5,
    ]


def test_no_self_loops_and_no_resident_resident_tie_other_than_contact(district):
    assert nx.number_of_selfloops(district) == 0
    for u, v, ch in district.edges(data="channel"):
        if district.nodes[u]["kind"] == "resident" and district.nodes[v]["kind"] == "resident":
            assert ch == "contact"


def test_contacts_are_mostly_within_the_community(district):
    share = cross_share(district)
    assert 0 < share < 3 * SPEC.cross_community_ties


def test_no_cross_contacts_without_cross_community_ties():
    g = build(
        DistrictSpec(residents=600, street_offices=1, communities_per_street=4, cross_community_ties=0.0)
    )
    assert cross_share(g) == 0


def test_more_cross_community_ties_give_more_cross_contacts():
    low = cross_share(build(DistrictSpec(residents=1200, cross_community_ties=0.02)))
    high = cross_share(build(DistrictSpec(residents=1200, cross_community_ties=0.3)))
    assert high > 4 * low
    assert 0.15 < high < 0.45


def test_old_urban_has_more_contacts_per_resident_than_urban_than_rural():
    degree = {}
    for p in ("old_urban", "urban", "rural"):
        g = build(DistrictSpec(residents=1200, street_offices=1, communities_per_street=4, profile=p))
        m = contact_matrix(g, 1200)
        degree[p] = m.sum() / 1200
        assert abs(degree[p] - PROFILES[p].contacts) < 1.0
    assert degree["old_urban"] > degree["urban"] > degree["rural"]


@pytest.mark.parametrize("profile", list(PROFILES))
def test_vulnerable_share_follows_the_profile(profile):
    n = 1200
    g = build(DistrictSpec(residents=n, street_offices=1, communities_per_street=4, profile=profile), seed=5)
    share = np.mean([g.nodes[i]["vulnerable"] for i in range(n)])
    p = PROFILES[profile].vulnerable
    assert abs(share - p) < 4 * np.sqrt(p * (1 - p) / n)


def test_mixed_profile_cycles_through_all_profiles_and_committees_carry_them(district):
    profiles = {
        d["community"]: d["profile"] for _, d in district.nodes(data=True) if d["kind"] == "committee"
    }
    assert [profiles[c] for c in range(SPEC.communities)] == SPEC.community_profiles()
    assert set(profiles.values()) == set(PROFILES)
    for _, d in district.nodes(data=True):
        if d["kind"] == "committee":
            assert d["trust"] == PROFILES[d["profile"]].trust
            assert d["infrastructure"] == PROFILES[d["profile"]].infrastructure


def test_social_organisations_serve_the_configured_number_of_communities(district):
    for node, d in district.nodes(data=True):
        if d["kind"] == "social_organisation":
            served = [nb for nb in district[node] if district.edges[node, nb]["channel"] == "service"]
            assert len(served) == SPEC.communities_per_organisation
            assert all(district.nodes[nb]["kind"] == "committee" for nb in served)
            assert (
                district.edges[node, next(n for n, k in district.nodes(data="kind") if k == "government")][
                    "channel"
                ]
                == "contract"
            )


def test_too_few_residents_is_refused():
    with pytest.raises(NetworkError) as exc:
        build(DistrictSpec(residents=50, street_offices=2, communities_per_street=3))
    msg = one_line(exc)
    assert "residents=50" in msg and "60" in msg


def test_from_config_takes_the_spec_fields():
    from coop_agents.config import make_config

    cfg = make_config({"residents": 900, "street_offices": 3, "profile": "rural", "vertical_latency": 2.0})
    spec = DistrictSpec.from_config(cfg)
    assert (spec.residents, spec.street_offices, spec.profile) == (900, 3, "rural")
    assert not hasattr(spec, "vertical_latency")  # levers are not part of the district
    assert spec.communities == 3 * cfg.communities_per_street


# ------------------------------------------------------------------------------- views and matrix


def test_link_view_keeps_only_one_link_type_and_all_nodes(district):
    total = 0
    for link in LINKS:
        view = link_view(district, link)
        assert view.number_of_nodes() == district.number_of_nodes()
        assert all(d == link for _, _, d in view.edges(data="link"))
        total += view.number_of_edges()
    assert total == district.number_of_edges()


def test_link_view_rejects_unknown_link(district):
    with pytest.raises(NetworkError) as exc:
        link_view(district, "diagonal")
    assert "'diagonal'" in one_line(exc)


def test_views_are_read_only_views_not_copies():
    g = build(DistrictSpec(residents=300, street_offices=1, communities_per_street=3))
    vertical = link_view(g, "vertical")
    admin = channel_view(g, {"admin"})
    orgs = organisation_view(g)
    for view in (vertical, admin, orgs):
        assert nx.is_frozen(view)
        with pytest.raises(nx.NetworkXError):
            view.add_edge(0, 1)
    a, b = next(iter(nx.non_edges(orgs)))
    assert not vertical.has_edge(a, b) and not admin.has_edge(a, b) and not orgs.has_edge(a, b)
    g.add_edge(a, b, link="vertical", channel="admin", latency=1.0, reliability=0.9)
    assert vertical.has_edge(a, b) and admin.has_edge(a, b) and orgs.has_edge(a, b)
    g.add_node(10**6, kind="committee")
    assert 10**6 in orgs


def test_channel_view_filters_by_channel(district):
    view = channel_view(district, frozenset({"admin", "command"}))
    counts = Counter(ch for _, _, ch in view.edges(data="channel"))
    assert set(counts) == {"admin", "command"}
    assert counts["command"] == SPEC.communities
    assert counts["admin"] == SPEC.street_offices + SPEC.communities
    assert channel_view(district, set()).number_of_edges() == 0


def test_organisation_view_has_no_residents(district):
    orgs = organisation_view(district)
    assert orgs.number_of_nodes() == district.number_of_nodes() - SPEC.residents
    assert all(k != "resident" for _, k in orgs.nodes(data="kind"))
    assert all(ch not in ("contact", "grid") for _, _, ch in orgs.edges(data="channel"))


def test_contact_matrix_is_symmetric_binary_with_zero_diagonal(district):
    n = SPEC.residents
    m = contact_matrix(district, n)
    assert m.shape == (n, n)
    assert (m != m.T).nnz == 0
    assert np.all(m.diagonal() == 0)
    assert set(np.unique(m.data)) == {1.0}
    assert m.nnz == 2 * len(contact_edges(district))
    degrees = np.asarray(m.sum(axis=1)).ravel()
    i = int(np.argmax(degrees))
    assert degrees[i] == sum(1 for nb in district[i] if district.edges[i, nb]["channel"] == "contact")


def test_contact_matrix_of_a_graph_without_contacts_is_empty():
    g = nx.Graph()
    g.add_nodes_from(range(5), kind="resident")
    m = contact_matrix(g, 5)
    assert m.shape == (5, 5) and m.nnz == 0


# ------------------------------------------------------------------------------- validation and GraphML


def test_a_built_district_is_valid():
    validate_district(build(DistrictSpec(residents=300, street_offices=1, communities_per_street=3)))
    validate_district(build(SPEC))


def test_validate_district_refuses_a_graph_without_government():
    g = build(DistrictSpec(residents=300, street_offices=1, communities_per_street=3))
    g.remove_node(next(n for n, k in g.nodes(data="kind") if k == "government"))
    with pytest.raises(NetworkError) as exc:
        validate_district(g)
    assert "government" in one_line(exc)


def test_validate_district_refuses_an_empty_graph():
    with pytest.raises(NetworkError) as exc:
        validate_district(nx.Graph())
    assert "no nodes" in one_line(exc)


def test_validate_district_refuses_a_mislabelled_link():
    g = build(DistrictSpec(residents=300, street_offices=1, communities_per_street=3))
    u, v = next((u, v) for u, v, ch in g.edges(data="channel") if ch == "admin")
    g.edges[u, v]["link"] = "horizontal"
    with pytest.raises(NetworkError) as exc:
        validate_district(g)
    msg = one_line(exc)
    assert "link='horizontal'" in msg and "'admin'" in msg


def test_validate_district_refuses_a_detached_organisation():
    g = build(DistrictSpec(residents=300, street_offices=1, communities_per_street=3))
    so = next(n for n, k in g.nodes(data="kind") if k == "social_organisation")
    gov = next(n for n, k in g.nodes(data="kind") if k == "government")
    g.remove_edge(gov, so)  # its contract tie was its only administrative line
    with pytest.raises(NetworkError) as exc:
        validate_district(g)
    assert "connect" in one_line(exc)


@pytest.fixture
def small() -> nx.Graph:
    return build(DistrictSpec(residents=600, street_offices=2, communities_per_street=3), seed=4)


def write(g: nx.Graph, path) -> str:
    nx.write_graphml(g, path)
    return str(path)


def test_graphml_round_trip_keeps_the_structure(small, tmp_path):
    loaded = load_graphml(write(small, tmp_path / "d.graphml"))
    assert loaded.number_of_nodes() == small.number_of_nodes()
    assert loaded.number_of_edges() == small.number_of_edges()
    assert kinds(loaded) == kinds(small)
    assert Counter(ch for *_, ch in loaded.edges(data="channel")) == Counter(
        ch for *_, ch in small.edges(data="channel")
    )
    # canonical form: residents 0..n-1 grouped by community
    comm = [loaded.nodes[i]["community"] for i in range(600)]
    assert all(loaded.nodes[i]["kind"] == "resident" for i in range(600))
    assert comm == sorted(comm)
    assert sum(loaded.nodes[i]["vulnerable"] for i in range(600)) == sum(
        small.nodes[i]["vulnerable"] for i in range(600)
    )
    assert nx.is_isomorphic(organisation_view(loaded), organisation_view(small))
    validate_district(loaded)


def test_model_runs_on_a_loaded_district(small, tmp_path):
    path = write(small, tmp_path / "d.graphml")
    from_path = CoordinationModel(graph=path, residents=600, steps=5)
    out = from_path.run()
    assert from_path.steps == 5
    assert from_path.n_communities == 6
    assert out["harm"] >= 0
    loaded = load_graphml(path)
    from_graph = CoordinationModel(graph=loaded, residents=600, steps=5)
    assert from_graph.run(5) == pytest.approx(out, nan_ok=True)


def test_loader_fills_missing_edge_and_committee_attributes(tmp_path):
    g = build(DistrictSpec(residents=300, street_offices=1, communities_per_street=3))
    for _, _, d in g.edges(data=True):
        del d["link"], d["reliability"]
    for _, d in g.nodes(data=True):
        if d["kind"] == "committee":
            del d["profile"], d["trust"], d["infrastructure"]
    loaded = load_graphml(write(g, tmp_path / "bare.graphml"))
    for _, _, d in loaded.edges(data=True):
        assert d["link"] == CHANNELS[d["channel"]]
        assert d["reliability"] == (1.0 if d["channel"] == "contact" else RELIABILITY[d["link"]])
        assert "latency" not in d  # the pattern's levers decide
    for _, d in loaded.nodes(data=True):
        if d["kind"] == "committee":
            assert d["profile"] == "urban" and d["trust"] == PROFILES["urban"].trust
            assert d["residents"] == 100


def test_garbage_file_raises_network_error(tmp_path):
    path = tmp_path / "bad.graphml"
    path.write_text("this is not <graphml at all\n\nsecond line\n")
    with pytest.raises(NetworkError) as exc:
        load_graphml(path)
    msg = one_line(exc)
    assert str(path) in msg and "GraphML" in msg


def test_missing_file_raises_network_error(tmp_path):
    path = tmp_path / "nowhere.graphml"
    with pytest.raises(NetworkError) as exc:
        load_graphml(path)
    msg = one_line(exc)
    assert str(path) in msg and "no such file" in msg


def _load_broken(g: nx.Graph, tmp_path) -> str:
    with pytest.raises(NetworkError) as exc:
        load_graphml(write(g, tmp_path / "broken.graphml"))
    msg = one_line(exc)
    assert "broken.graphml" in msg
    return msg


def test_node_with_unknown_kind_is_refused(small, tmp_path):
    small.nodes[610]["kind"] = "alien"
    msg = _load_broken(small, tmp_path)
    assert "kind='alien'" in msg and "'610'" in msg


def test_edge_with_unknown_channel_is_refused(small, tmp_path):
    u, v = next((u, v) for u, v, ch in small.edges(data="channel") if ch == "peer")
    small.edges[u, v]["channel"] = "telepathy"
    msg = _load_broken(small, tmp_path)
    assert "channel='telepathy'" in msg


def test_graph_without_government_is_refused(small, tmp_path):
    small.remove_node(next(n for n, k in small.nodes(data="kind") if k == "government"))
    msg = _load_broken(small, tmp_path)
    assert "'government'" in msg


def test_resident_whose_community_has_no_committee_is_refused(small, tmp_path):
    small.nodes[0]["community"] = 42
    msg = _load_broken(small, tmp_path)
    assert "community=42" in msg and "resident" in msg


def test_community_whose_committee_was_removed_is_refused(small, tmp_path):
    last = next(n for n, d in small.nodes(data=True) if d["kind"] == "committee" and d["community"] == 5)
    small.remove_node(last)
    msg = _load_broken(small, tmp_path)
    assert "community=5" in msg


def test_unknown_committee_profile_is_refused(small, tmp_path):
    cc = next(n for n, k in small.nodes(data="kind") if k == "committee")
    small.nodes[cc]["profile"] = "suburban"
    msg = _load_broken(small, tmp_path)
    assert "profile='suburban'" in msg


def test_non_numeric_edge_latency_is_refused(small, tmp_path):
    for _, _, d in small.edges(data=True):
        d["latency"] = "1.0"  # written as a string attribute
    u, v = next((u, v) for u, v, ch in small.edges(data="channel") if ch == "admin")
    small.edges[u, v]["latency"] = "fast"
    msg = _load_broken(small, tmp_path)
    assert "latency='fast'" in msg


def test_non_numeric_community_is_refused(small, tmp_path):
    for _, d in small.nodes(data=True):
        d["community"] = str(d["community"])
    small.nodes[3]["community"] = "north"
    msg = _load_broken(small, tmp_path)
    assert "community='north'" in msg
