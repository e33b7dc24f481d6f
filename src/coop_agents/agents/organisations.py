"""Organisations: the governance actors that decide, as Mesa agents (design §2.1).

Organisations are few (tens to hundreds), so their decision logic is ordinary Python. They act
through narrow collaborators, never the model: the pattern's rules (:class:`coop_agents.governance.
Governance`: who approves, who supplies, messages, state changes), their decider (every choice
goes through :mod:`coop_agents.decisions`) and, for a committee, its community's row of
:class:`coop_agents.world.CommunityArrays`.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from operator import attrgetter
from typing import TYPE_CHECKING

import mesa
import networkx as nx

from coop_agents.agents.authorities import Authority, Government, StreetOffice
from coop_agents.agents.committee import EXPERT_HOLD, LEND_KEEP, CommunityCommittee
from coop_agents.agents.organisation import (
    Organisation,
    PartyBranch,
    ResponsePlatform,
    SocialOrganisation,
)

if TYPE_CHECKING:
    from coop_agents.effects import Effects
    from coop_agents.messaging import Message
    from coop_agents.world import CommunityArrays

__all__ = [
    "Organisation",
    "Government",
    "StreetOffice",
    "CommunityCommittee",
    "PartyBranch",
    "SocialOrganisation",
    "ResponsePlatform",
    "ORGANISATION_KINDS",
    "Roster",
    "Authority",
    "LEND_KEEP",
    "EXPERT_HOLD",
]

_ROSTER_INDEX = attrgetter("index")  # an organisation's position in the roster (and bus index)

ORGANISATION_KINDS: dict[str, type[Organisation]] = {
    "government": Government,
    "street_office": StreetOffice,
    "committee": CommunityCommittee,
    "party_committee": PartyBranch,
    "social_organisation": SocialOrganisation,
    "platform": ResponsePlatform,
}


@dataclass
class Roster:
    """The organisations of a district, by role (committees in community order)."""

    organisations: list[Organisation]
    committees: list[CommunityCommittee]
    government: Government
    platform_hub: ResponsePlatform | None
    street_offices: dict[int, StreetOffice]
    branches: dict[int, PartyBranch]
    social: list[SocialOrganisation]

    def __post_init__(self) -> None:
        # Which organisations have duties of their own besides mail and debts (a class that
        # overrides ``busy``, such as the district grading its response level).
        self._with_duties = [o for o in self.organisations if type(o).busy is not Organisation.busy]
        # Who may have mail or debts (roster indices): those sent mail since the last look, and
        # those that had work then (their debts, if any, are still theirs). Nobody else can: mail
        # comes only through ``deliver`` and debts only through an organisation's own mail.
        self._mailed: set[int] = set()
        self._had_work: list[int] = []

    def deliver(self, messages: list[Message]) -> None:
        """Put the messages delivered today in their targets' inboxes, in order."""
        orgs, mailed = self.organisations, self._mailed
        for msg in messages:
            orgs[msg.target].inbox.append(msg)
            mailed.add(msg.target)

    def with_work(self) -> list[Organisation]:
        """The organisations with work today, in roster order: mail in the inbox, something still
        owed, or a duty of their own (``busy``). Most days most have none.

        All are judged before any steps, as each would be at its turn: one organisation's step gives
        no other work the same day (mail is delivered in the message phase, debts are run up by an
        organisation's own mail, ``busy`` looks at its own queue). Only those that may have mail or
        debts are looked at (see ``deliver``), not every organisation of the district.
        """
        orgs = self.organisations
        if self._mailed or self._had_work:
            maybe = self._mailed.union(self._had_work)
            self._mailed = set()
            work = [orgs[i] for i in sorted(maybe) if orgs[i].inbox or orgs[i].owed]
            self._had_work = [o.index for o in work]
        else:
            work = []  # no mail since the last look, nobody had work then (a quiet day)
        for org in self._with_duties:  # (few: put in their place, by roster index)
            if org.busy and not (org.inbox or org.owed):
                bisect.insort(work, org, key=_ROSTER_INDEX)
        return work

    @classmethod
    def of(cls, organisations: list[Organisation]) -> Roster:
        return cls(
            organisations=organisations,
            committees=sorted(
                (o for o in organisations if isinstance(o, CommunityCommittee)), key=lambda o: o.community
            ),
            government=next(o for o in organisations if isinstance(o, Government)),
            platform_hub=next((o for o in organisations if isinstance(o, ResponsePlatform)), None),
            street_offices={o.street: o for o in organisations if isinstance(o, StreetOffice)},
            branches={
                o.community: o for o in organisations if isinstance(o, PartyBranch) and o.level == "community"
            },
            social=[o for o in organisations if isinstance(o, SocialOrganisation)],
        )

    @classmethod
    def build(cls, model: mesa.Model, graph: nx.Graph, communities: CommunityArrays) -> tuple[Roster, dict]:
        """One organisation (a Mesa agent of ``model``) per organisation node of ``graph``, in node
        order, committees attached to their rows of ``communities``; also node -> index."""
        organisations: list[Organisation] = []
        node_index = {}
        for node in sorted(n for n, k in graph.nodes(data="kind") if k != "resident"):
            attrs = graph.nodes[node]
            org = ORGANISATION_KINDS[attrs["kind"]](model, node, attrs)
            org.index = len(organisations)
            node_index[node] = org.index
            organisations.append(org)
        roster = cls.of(organisations)
        for c in roster.committees:
            c.attach_community(communities)
        return roster, node_index

    def give_stocks(self, effects: Effects) -> None:
        """Each organisation's initial stock, as the levers set it (:mod:`coop_agents.effects`)."""
        for c in self.committees:
            c.stock = effects.committee_stock[c.community]
        for s, office in self.street_offices.items():
            office.stock = effects.street_stock[s]
        self.government.stock = effects.district_stock
        for index, stock in effects.organisation_stock.items():  # logistics organisations' stock
            self.organisations[index].stock = stock

    def total_stock(self) -> float:
        """What every organisation holds, in all."""
        return float(sum([o.stock for o in self.organisations]))  # (a list sums faster than a generator)
