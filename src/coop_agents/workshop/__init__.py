"""The policy workshop kit (研讨会): scenario and pattern cards, and the brief.

>>> from coop_agents.workshop import library, pattern_card, scenario_card
>>> scenario_card(library()[0], "zh").title
'混合型辖区的疫情'
"""

from coop_agents.workshop.cards import PatternCard, ScenarioCard, library, pattern_card, scenario_card

__all__ = ["ScenarioCard", "PatternCard", "scenario_card", "pattern_card", "library"]
