"""The actors: organisations that decide, and residents whose state lives in arrays."""

from coop_agents.agents.organisations import (
    CommunityCommittee,
    Government,
    Organisation,
    PartyBranch,
    ResponsePlatform,
    SocialOrganisation,
    StreetOffice,
)
from coop_agents.agents.residents import Resident, ResidentArrays

__all__ = [
    "Organisation",
    "Government",
    "StreetOffice",
    "CommunityCommittee",
    "PartyBranch",
    "SocialOrganisation",
    "ResponsePlatform",
    "Resident",
    "ResidentArrays",
]
