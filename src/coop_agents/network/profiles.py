"""Community types (profiles) and the sizes a district is built from (:class:`DistrictSpec`)."""

from __future__ import annotations

from dataclasses import dataclass

from coop_agents.errors import NetworkError


@dataclass(frozen=True)
class Profile:
    """What distinguishes a community type (design §2.2; domain brief §1.6)."""

    contacts: int  # mean daily contacts per resident (density)
    vulnerable: float  # share of vulnerable residents (老弱病残)
    infrastructure: float  # technology level of the community, 0..1
    trust: float  # residents' trust in the committee, 0..1


PROFILES: dict[str, Profile] = {
    "urban": Profile(contacts=8, vulnerable=0.12, infrastructure=0.75, trust=0.70),
    "old_urban": Profile(contacts=10, vulnerable=0.28, infrastructure=0.35, trust=0.45),
    "rural": Profile(contacts=6, vulnerable=0.22, infrastructure=0.20, trust=0.65),
}
MIN_COMMUNITY = 10  # residents a community needs at least


@dataclass(frozen=True)
class DistrictSpec:
    """The sizes a district is built from; made from a config by :meth:`from_config`."""

    residents: int = 4800
    street_offices: int = 2
    communities_per_street: int = 6
    profile: str = "mixed"
    social_organisations: int = 4
    communities_per_organisation: int = 4
    cross_community_ties: float = 0.03
    party_member_share: float = 0.08

    @classmethod
    def from_config(cls, config) -> DistrictSpec:
        """Take the fields of this spec from a :class:`coop_agents.config.Config`."""
        return cls(**{f: getattr(config, f) for f in cls.__dataclass_fields__})

    @property
    def communities(self) -> int:
        return self.street_offices * self.communities_per_street

    def community_profiles(self) -> list[str]:
        names = list(PROFILES) if self.profile == "mixed" else [self.profile]
        return [names[c % len(names)] for c in range(self.communities)]


def check_spec(spec: DistrictSpec) -> None:
    """Refuse sizes a district cannot be built from (before any run starts); raise :class:`NetworkError`."""
    n_comm = spec.communities
    if spec.residents < MIN_COMMUNITY * n_comm:
        raise NetworkError(
            f"residents={spec.residents} is too few for {n_comm} communities "
            f"({spec.street_offices} street offices x {spec.communities_per_street}); "
            f"allowed: at least {MIN_COMMUNITY} per community ({MIN_COMMUNITY * n_comm})"
        )
