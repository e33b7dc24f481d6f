"""Organisations: the governance actors that decide, as Mesa agents (design §2.1).

Organisations are few (tens to hundreds), so their decision logic is ordinary Python. They act
through narrow collaborators, never the model: the pattern's rules (:class:`coop_agents.governance.
Governance`: who approves, who supplies, messages, state changes), their decider (every choice
goes through :mod:`coop_agents.decisions`) and, for a committee, its community's row of
:class:`coop_agents.world.CommunityArrays`.
"""

from __future__ import annotations

from dataclasses import dataclass

from coop_agents.agents.authorities import Authority, Government, StreetOffice
from coop_agents.agents.committee import EXPERT_HOLD, LEND_KEEP, CommunityCommittee
from coop_agents.agents.organisation import (
    Organisation,
    PartyBranch,
    ResponsePlatform,
    SocialOrganisation,
)

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
