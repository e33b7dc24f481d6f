"""Words for numbers: the phrases the findings use, chosen from the numbers themselves.

A claim such as "acts in half that time" or "lower in every paired replicate" is only written
when the numbers say so; otherwise the phrase says what the numbers do say.
"""

from __future__ import annotations

import math

from docgen.core import words

_FRACTIONS = (
    (1 / 4, "a quarter of"),
    (1 / 3, "a third of"),
    (1 / 2, "half"),
    (2 / 3, "two thirds of"),
    (3 / 4, "three quarters of"),
)


def fraction(r: float, tolerance: float = 0.06) -> str | None:
    """``half`` for 0.51, ``a third of`` for 0.35; None when no simple fraction is near."""
    for value, text in _FRACTIONS:
        if abs(r - value) <= tolerance:
            return text
    return None


def one_in(r: float) -> str:
    """A ratio below one as "one in N" (0.149 → "one in seven")."""
    return f"one in {words(round(1 / r))}"


def weeks(days: float) -> str:
    """A delay in plain words: "12 days", "more than three weeks", "about two weeks"."""
    if days < 13.5:
        return f"{round(days)} day{'s' if round(days) != 1 else ''}"
    w = days / 7
    whole = math.floor(w)
    if w - whole < 0.15:
        return f"about {words(whole)} weeks"
    if w - whole > 0.85:
        return f"almost {words(whole + 1)} weeks"
    return f"more than {words(whole)} week{'s' if whole != 1 else ''}"


def times(r: float) -> str:
    """A ratio above one: "twice", "three times", "1.6 times"."""
    if abs(r - 2) < 0.15:
        return "twice"
    if r >= 2.5:
        return f"{words(round(r))} times"
    return f"{r:.1f} times"


def share_words(k: int, n: int) -> str:
    """How many of ``n`` paired replicates: "every one of the 20", "18 of the 20", "none of the 20"."""
    if k == n:
        return f"all {n}" if n > 2 else "both"
    if k == 0:
        return f"none of the {n}"
    return f"{k} of the {n}"


def sign(low: float, high: float) -> int:
    """+1 / -1 when a 95% interval lies above / below 0, 0 when it contains 0 (or is missing)."""
    if math.isnan(low) or math.isnan(high):
        return 0
    return 1 if low > 0 else -1 if high < 0 else 0


def num(x) -> str:
    """A parameter's value as written in a file: 0.25, 4, 0.09."""
    if isinstance(x, float):
        return f"{x:g}"
    return str(x)


def fmt(x: float, decimals: int | None = None) -> str:
    from coop_agents.numbers import format_number

    return format_number(x, decimals)


def fmt_ci(low: float, high: float, decimals: int | None = None) -> str:
    from coop_agents.numbers import format_interval

    return format_interval(low, high, decimals)


def decimals(outcome: str, default: int = 1) -> int:
    """The registry's decimals for ``outcome`` (``default`` for one it does not know)."""
    from coop_agents.outcome_registry import OUTCOMES

    o = OUTCOMES.get(outcome)
    return o.decimals if o is not None else default


def label(outcome: str, lang: str = "en", hazard: str | None = None) -> str:
    from coop_agents.outcome_registry import OUTCOMES, outcome_label

    return outcome_label(outcome, lang, hazard) if outcome in OUTCOMES else outcome
