"""A district as a structure file gives it (:class:`Structure`: residents listed, or each
community's counts and shares to draw from), and :func:`district_for`, the district of a run from
whichever source it has."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import numpy as np

from coop_agents.network.builder import _draw_ranks, make_district
from coop_agents.network.district import District, _copy_into
from coop_agents.network.profiles import PROFILES, DistrictSpec
from coop_agents.network.residents import _synthesise


@dataclass(eq=False)
class Structure:
    """A district as a structure file gives it, checked; :meth:`realise` makes a run's district.

    Either the residents are *listed* one by one (a GraphML file with resident nodes: ``listed``
    is the district, the same for every seed), or they are *synthetic*: each community's count and
    shares are given (a workbook, CSV folder, or GraphML file with ``population = "synthetic"``)
    and every seed draws its own residents and contacts, as the builder does.

    Attributes:
        graph: the organisations and their ties in canonical form (nodes from the residents'
            count); committees carry their community's ``residents``.
        vulnerable_share, party_share: per community (synthetic); a NaN party share takes the
            scenario's ``party_member_share``.
        listed: the district, when its residents are listed.
        source: the file, for messages.
    """

    graph: nx.Graph
    vulnerable_share: np.ndarray | None = None
    party_share: np.ndarray | None = None
    listed: District | None = None
    source: str = ""

    @property
    def population(self) -> str:
        return "listed" if self.listed is not None else "synthetic"

    @property
    def n_residents(self) -> int:
        if self.listed is not None:
            return self.listed.n_residents
        return sum(d["residents"] for _, d in self.graph.nodes(data=True) if d["kind"] == "committee")

    def sizes(self) -> dict:
        """The parameter-table sizes of this district: residents, street offices, the most
        communities under one street office, social organisations, the most communities one serves
        and the profile (``mixed`` unless every community has the same)."""
        g = self.graph
        kinds = [d["kind"] for _, d in g.nodes(data=True)]
        committees = [d for _, d in g.nodes(data=True) if d["kind"] == "committee"]
        per_street: dict[int, int] = {}
        for d in committees:
            per_street[d["street"]] = per_street.get(d["street"], 0) + 1
        served = [
            sum(1 for v in g[n] if g.edges[n, v]["channel"] == "service")
            for n, d in g.nodes(data=True)
            if d["kind"] == "social_organisation"
        ]
        profiles = {d.get("profile", "urban") for d in committees}
        return {
            "residents": self.n_residents,
            "street_offices": kinds.count("street_office"),
            "communities_per_street": max(per_street.values(), default=1),
            "social_organisations": kinds.count("social_organisation"),
            "communities_per_organisation": max([1, *served]),
            "profile": profiles.pop() if len(profiles) == 1 else "mixed",
        }

    def realise(
        self, rng: np.random.Generator, cross_community_ties: float = 0.03, party_member_share: float = 0.08
    ) -> District:
        """The district of a run on the ``network`` stream ``rng`` (see :mod:`coop_agents.network` for the
        draws); a listed district is the same for every seed (no draws)."""
        if self.listed is not None:
            return self.listed
        vulnerable_share, party_share = self.vulnerable_share, self.party_share
        assert vulnerable_share is not None and party_share is not None  # synthetic: shares per community
        g = nx.Graph(name=self.graph.graph.get("name", "district"))
        _copy_into(self.graph, g)
        committees = sorted((d["community"], d) for _, d in g.nodes(data=True) if d["kind"] == "committee")
        sizes = np.array([d["residents"] for _, d in committees], dtype=np.int64)
        contacts = np.array([PROFILES[d.get("profile", "urban")].contacts for _, d in committees])
        party = np.where(np.isnan(party_share), party_member_share, party_share)
        community, vulnerable, members, matrix, boundary = _synthesise(
            sizes, vulnerable_share, party, contacts, cross_community_ties, rng
        )
        for _ in range(sum(1 for _, k in g.nodes(data="kind") if k == "social_organisation")):
            rng.integers(sizes.size)  # the builder's draw of where the organisation works: here the file says
        _draw_ranks(g, rng)
        return District(
            g,
            community,
            vulnerable,
            members,
            matrix,
            vulnerable_share=vulnerable_share.copy(),
            party_share=party,
            source=self.source,
            cross=boundary,
        )


def district_for(config, source, rng: np.random.Generator) -> District:
    """The district of a run.

    Args:
        config: the run's configuration (sizes, and the shares a synthetic population is drawn with).
        source: ``None`` (build from the configuration's sizes), a :class:`District` (as it is: a
            batch shares one between the arms of a replicate), a :class:`Structure`, a graph in
            canonical form with residents as nodes, or the path of a structure file (GraphML,
            workbook or CSV folder).
        rng: the run's ``network`` stream.
    """
    if source is None:
        return make_district(DistrictSpec.from_config(config), rng)
    if isinstance(source, District):
        return source
    if isinstance(source, nx.Graph):
        return District.from_graph(source)
    if isinstance(source, (str, Path)):
        from coop_agents.district.files import read_structure

        source = read_structure(source)
    if isinstance(source, Structure):
        return source.realise(rng, config.cross_community_ties, config.party_member_share)
    raise TypeError(
        f"a district's source must be None, a District, a Structure, a graph or a path; "
        f"got {type(source).__name__}"
    )
