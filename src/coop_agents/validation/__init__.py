"""The stylised facts of design §2.10 as numbers: paired differences with 95% confidence intervals.

Each ``fact*`` function runs the arms of one fact on the same seeds (common random numbers) and
returns a :class:`Fact`: its comparisons (the paired difference of one outcome between two arms,
with its t interval and the direction the fact expects) and any other checks it makes. The tests
(``tests/test_stylised_facts.py``) assert on these results, and ``make docs`` writes the very
same numbers into ``docs/validation.md``, so the document shows exactly what the tests check.

    >>> from coop_agents.validation import paired_ci
    >>> [round(x, 2) for x in paired_ci([1.0, 2.0, 3.0], [2.0, 3.5, 4.0])]
    [1.17, 0.45, 1.88]
"""

from coop_agents.validation.facts import (
    FACTS,
    fact1_vertical_latency,
    fact2_horizontal_links,
    fact4_approval_rules,
    fact4_responsibility_lists,
    fact5_mitigation,
    fact6_deescalation,
    fact7_vulnerable_registry,
    fact8_infrastructure_and_technology,
)
from coop_agents.validation.paired import SMALL, Check, Comparison, Fact, compare, paired_ci, paired_runs
from coop_agents.validation.plain_seir import fact10_plain_seir, reference_seir

__all__ = [
    "SMALL",
    "Comparison",
    "Check",
    "Fact",
    "paired_runs",
    "paired_ci",
    "compare",
    "reference_seir",
    "FACTS",
    "fact1_vertical_latency",
    "fact2_horizontal_links",
    "fact4_responsibility_lists",
    "fact4_approval_rules",
    "fact5_mitigation",
    "fact6_deescalation",
    "fact7_vulnerable_registry",
    "fact8_infrastructure_and_technology",
    "fact10_plain_seir",
]
