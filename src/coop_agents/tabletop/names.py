"""A drill's roles in words, in English and Chinese (the district's names are English)."""

from __future__ import annotations

from collections.abc import Hashable
from typing import TYPE_CHECKING

from coop_agents.decisions import DECIDER_KINDS

if TYPE_CHECKING:
    from coop_agents.tabletop.exercise import Exercise

__all__ = ["org_name", "role_name"]

_KIND_ZH = {
    "government": "基层政府",
    "street_office": "街道办事处",
    "committee": "社区居委会",
    "party_committee": "党组织",
    "social_organisation": "社会组织",
    "platform": "应急响应平台",
}
_KIND_EN = {
    "government": "District government",
    "street_office": "All street offices",
    "committee": "All community committees",
    "party_committee": "All party bodies",
    "social_organisation": "All social organisations",
    "platform": "The response platform",
}


def role_name(exercise: Exercise, role: Hashable, lang: str = "en") -> str:
    """A role in words: the organisation's name (``street office 1`` / ``街道办事处1``), or all
    organisations of a kind."""
    if role in DECIDER_KINDS:
        if role in ("government", "platform"):
            return _KIND_EN[role] if lang == "en" else _KIND_ZH[role]
        return _KIND_EN[role] if lang == "en" else f"全部{_KIND_ZH[role]}"
    org = next(o for o in exercise.model.organisations if o.node == role)
    return org_name(org.kind, org.name, lang, getattr(org, "level", ""))


def org_name(kind: str, name: str, lang: str, level: str = "") -> str:
    """An organisation's name in ``lang`` (the district's names are English; the number is kept).

    >>> org_name("committee", "community 3", "zh"), org_name("street_office", "street office 1", "en")
    ('社区3居委会', 'Street office 1')
    """
    if lang == "en":
        return name[:1].upper() + name[1:]
    digits = "".join(ch for ch in name if ch.isdigit())
    if kind == "committee":
        return f"社区{digits}居委会"
    if kind == "party_committee":
        if name.startswith("party branch"):
            return f"社区{digits}党支部"
        return f"街道{digits}党工委" if name.startswith("street") else "区委"
    return f"{_KIND_ZH.get(kind, kind)}{digits}"
