"""The typed declaration of :class:`coop_agents.config.Config`, generated from the parameter table.

Do not edit: run ``python scripts/config_class.py`` after changing ``config.PARAMETERS``. At run time
``Config`` is built from the table itself; this declaration lets a reader and a type checker see
every field (``cfg.vertical_latency`` resolves), and tests/test_config.py checks it against the table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["Config"]


@dataclass(frozen=True, slots=True)
class Config:
    """A complete, validated setting of every parameter (frozen)."""

    hazard: str  # scenario: Hazard
    residents: int  # scenario: Residents [residents]
    street_offices: int  # scenario: Street offices
    communities_per_street: int  # scenario: Communities per street
    profile: str  # scenario: Community profile
    social_organisations: int  # scenario: Social organisations
    communities_per_organisation: int  # scenario: Communities served per organisation
    cross_community_ties: float  # scenario: Cross-community contacts [share]
    party_member_share: float  # scenario: Party members [share]
    steps: int  # scenario: Most days simulated [days]
    run_until: str  # scenario: Run until
    transmission: float  # scenario: Transmission per contact [per contact-day]
    latent_days: float  # scenario: Latent period [days]
    infectious_days: float  # scenario: Infectious period [days]
    severe_share: float  # scenario: Severe share [share]
    vulnerable_severity: float  # scenario: Vulnerable severity multiplier [x]
    initial_cases: int  # scenario: Initial cases [residents]
    outbreak_sites: int  # scenario: Outbreak sites [communities]
    critical_prevalence: float  # scenario: Critical point (prevalence) [share]
    shock_sites: int  # scenario: Shock footprint [communities]
    shock_onset: int  # scenario: Precursor onset [day]
    shock_lead: int  # scenario: Lead time [days]
    shock_duration: int  # scenario: Duration at peak [days]
    shock_intensity: float  # scenario: Peak harm rate [per day]
    critical_intensity: float  # scenario: Critical point (intensity) [share]
    arrival: str  # scenario: Event arrivals
    arrival_rate: float  # scenario: Events per year [per year]
    false_signal_rate: float  # scenario: False signals [per 1,000 residents per day]
    cry_wolf_penalty: float  # scenario: Trust lost per false alarm [trust]
    missed_penalty: float  # scenario: Trust lost per missed event [trust]
    trust_recovery: float  # scenario: Trust recovery [per year]
    readiness_decay: float  # scenario: Readiness decay [per year]
    monitoring: bool  # lever: Monitoring
    preparation: bool  # lever: Preparation
    prevention: bool  # lever: Prevention
    mitigation: bool  # lever: Mitigation
    response: bool  # lever: Response
    recovery: bool  # lever: Recovery
    learning: bool  # lever: Learning
    technology: float  # lever: Technology empowerment [level]
    information: float  # lever: Information integration [level]
    coordination: float  # lever: Organisational coordination [level]
    resources: float  # lever: Resource guarantee [level]
    intellect: float  # lever: Intellectual support [level]
    responsibility_lists: float  # lever: Responsibility lists [clarity]
    evaluation: float  # lever: Evaluation and rewards [level]
    training: float  # lever: Training [level]
    participation: float  # lever: Resident participation [level]
    vulnerable_registry: bool  # lever: Vulnerable registry
    privacy: bool  # lever: Privacy of needs data
    specialties: str  # lever: Social organisations' specialties
    territorial_load: float  # lever: Load pushed down (属地管理) [level]
    lateral_sharing: bool  # lever: Lateral resource sharing
    authority: str  # lever: Who may declare a state
    delegated_emergency_powers: bool  # lever: Delegated emergency powers
    span_of_control: float  # lever: Span of control [decisions/day]
    local_autonomy: str  # lever: Local autonomy under command
    response_level: str  # lever: District response level
    level_floor: float  # lever: Measures floor at level I [share]
    alert_rule: str  # lever: Alerting rule
    alert_quorum: int  # lever: Alert quorum [communities]
    deescalation: str  # lever: De-escalation
    deescalation_stages: int  # lever: De-escalation stages [stages]
    stage_days: int  # lever: Days per stage [days]
    alert_threshold: float  # lever: Alert threshold [x critical point]
    emergency_threshold: float  # lever: Emergency threshold [x critical point]
    clear_days: int  # lever: Days to clear [days]
    mitigation_level: float  # lever: Mitigation strength [share]
    peacetime_budget: float  # lever: Peacetime budget [share]
    learning_rate: float  # lever: Learning rate [share]
    vertical_latency: float  # lever: Vertical latency [days/hop]
    horizontal_latency: float  # lever: Horizontal latency [days/hop]
    platform_latency: float  # lever: Platform latency [days/hop]
    horizontal_links: float  # lever: Horizontal links active [share]
    platform: bool  # lever: Response platform
    party_overlay: bool  # lever: Party overlay (大党委)
    command: bool  # lever: Unified command
    resource_pooling: str  # lever: Resource pooling
    monitoring_coverage: float  # lever: Grid coverage [share]
    org_capacity: float  # lever: Processing capacity [messages/day]

    def as_dict(self) -> dict[str, Any]: ...  # type: ignore[empty-body]
