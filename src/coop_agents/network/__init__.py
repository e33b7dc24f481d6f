"""The district: its organisations and their ties as a networkx graph, its residents as arrays.

A district (:class:`District`) has two parts:

- **the organisations and their ties**, one networkx graph: every actor is a node with a
  ``kind``; every tie is an edge with ``link`` (``vertical`` 条, ``horizontal`` 块 or
  ``platform``), ``channel`` (which line or block it belongs to, see :data:`CHANNELS`) and
  ``reliability`` (chance a message crosses it). How long a message takes to cross a tie is a
  lever of the pattern (``vertical_latency``, ``horizontal_latency``, ``platform_latency``),
  applied by the message bus (:func:`coop_agents.messaging.active_org_graph`); a tie carries a
  ``latency`` of its own only where a structure file gives one (a per-tie override).
  Committees stand for their communities and carry their facts (``residents``, ``profile``,
  ``infrastructure``, ``trust``).
- **the residents**, as arrays (community, vulnerable, party member: one row each) and their
  contacts as a sparse matrix. Each resident's grid tie to its committee and a party member's tie
  to its branch are implied by its community; they are graph edges only in the full form
  (:meth:`District.to_graph`), which small districts and GraphML files of listed residents use.

The district is built from the scenario only, never from the pattern: every tie a pattern *could*
use is present, and the pattern decides which channels are active (see
:func:`coop_agents.messaging.active_channels`). Two patterns on one seed thus share one district,
which is why a batch builds it once per seed (:mod:`coop_agents.experiments.worker`).

Canonical form (what builders return and loaders produce): residents are rows ``0 .. n-1``,
grouped by community; organisations are the nodes ``n, n+1, ...`` in the order the builder makes
them; communities and street offices are numbered from 0.

Where the numbers come from (the ``network`` stream of a run's master seed), in this order, the
same for a district built from the scenario's sizes and for one synthesised from a file's counts
and shares: each resident's vulnerability (one uniform each), party membership (one each), the
contacts (community by community), one integer per social organisation (its first community
when the builder chooses; drawn and not used when a file lists the communities it serves), then
one rank per horizontal tie (which ties are among the share ``horizontal_links`` that is active).
A district written to a file and read back is thus the same district, resident for resident.

The package, in the order data flows (each module imports only those above it):

- :mod:`~coop_agents.network.kinds`: kinds of node, channels and link types, which kinds a channel
  joins, views of a graph by link or channel;
- :mod:`~coop_agents.network.profiles`: community profiles and :class:`DistrictSpec`;
- :mod:`~coop_agents.network.residents`: residents drawn as arrays, their contact matrix;
- :mod:`~coop_agents.network.district`: :class:`District`;
- :mod:`~coop_agents.network.builder`: the builder's rules, :func:`make_district`;
- :mod:`~coop_agents.network.structure`: :class:`Structure` (a district from a file) and
  :func:`district_for`;
- :mod:`~coop_agents.network.checks`: the rules a district graph obeys, every problem one line each;
- :mod:`~coop_agents.network.graphml` and :mod:`~coop_agents.network.graphml_writer`: GraphML in and out.
"""

from coop_agents.network.builder import build_district, make_district
from coop_agents.network.checks import (
    REQUIRED,
    SHARES,
    check_structure,
    structure_problems,
    validate_district,
)
from coop_agents.network.district import District, as_district
from coop_agents.network.graphml import graphml_problems, load_graphml, read_graphml
from coop_agents.network.graphml_writer import write_graphml
from coop_agents.network.kinds import (
    CHANNELS,
    HORIZONTAL,
    KINDS,
    LEVELS,
    LINKS,
    MAX_LATENCY,
    ORG,
    RELIABILITY,
    SPECIALTIES,
    channel_view,
    link_view,
    organisation_view,
)
from coop_agents.network.profiles import MIN_COMMUNITY, PROFILES, DistrictSpec, Profile, check_spec
from coop_agents.network.residents import contact_matrix
from coop_agents.network.structure import Structure, district_for

__all__ = [
    "PROFILES",
    "CHANNELS",
    "KINDS",
    "LINKS",
    "HORIZONTAL",
    "RELIABILITY",
    "SPECIALTIES",
    "Profile",
    "DistrictSpec",
    "District",
    "Structure",
    "make_district",
    "build_district",
    "as_district",
    "district_for",
    "check_spec",
    "check_structure",
    "structure_problems",
    "load_graphml",
    "read_graphml",
    "write_graphml",
    "validate_district",
    "contact_matrix",
    "link_view",
    "channel_view",
    "organisation_view",
    "graphml_problems",
    "MIN_COMMUNITY",
    "MAX_LATENCY",
    "LEVELS",
    "ORG",
    "REQUIRED",
    "SHARES",
]
