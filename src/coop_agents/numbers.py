"""One way to write numbers, for every table, chart label, brief and headline.

A row of a table (one outcome across patterns or runs) uses one number of decimals, so ``92``
never stands beside ``4.46``: the outcome's ``decimals`` from the registry, or none when every
value of the row is whole. Numbers never switch to scientific notation, thousands are grouped,
and an interval is written ``[low, high]`` so negative bounds stay readable.

Examples:
    >>> format_number(1440.0, 1)
    '1,440.0'
    >>> format_row([92.0, 4.4567], 2)
    ['92.00', '4.46']
    >>> format_row([92.0, 5.0], 2)
    ['92', '5']
    >>> format_interval(-95.24, -85.4, 1)
    '[-95.2, -85.4]'
    >>> format_number(float("nan"))
    'n/a'
    >>> format_number(4.17e-05)
    '0.0000417'
"""

from __future__ import annotations

import math
from collections.abc import Iterable

__all__ = ["format_number", "format_row", "format_interval", "decimals_for", "NA"]

NA = "n/a"


def _whole(x: float) -> bool:
    return math.isfinite(x) and float(x).is_integer()


def decimals_for(values: Iterable[float], decimals: int) -> int:
    """The decimals a row of ``values`` is written with: none if every value is whole."""
    vals = [float(v) for v in values if v is not None and not math.isnan(float(v))]
    return 0 if vals and all(_whole(v) for v in vals) else decimals


def format_number(x: float | None, decimals: int | None = None, na: str = NA) -> str:
    """``x`` with ``decimals`` decimals and grouped thousands; ``na`` for None or NaN.

    Without ``decimals``: whole numbers without any, others with three significant figures
    (never fewer than the number needs to show its first significant digit).
    """
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return na
    x = float(x)
    if math.isinf(x):
        return "∞" if x > 0 else "-∞"
    if decimals is None:
        if _whole(x):
            decimals = 0
        else:
            magnitude = math.floor(math.log10(abs(x)))
            decimals = max(0, 2 - magnitude)
    text = f"{x:,.{decimals}f}"
    return "0" + text[2:] if text.startswith("-0") and float(text.replace(",", "")) == 0 else text


def format_row(values: Iterable[float | None], decimals: int, na: str = NA) -> list[str]:
    """One row of a table: every value with the same decimals (none if all are whole)."""
    values = list(values)
    d = decimals_for([v for v in values if v is not None], decimals)
    return [format_number(v, d, na) for v in values]


def format_interval(low: float | None, high: float | None, decimals: int | None = None, na: str = NA) -> str:
    """A confidence interval, ``[low, high]``; ``na`` if either bound is missing."""
    if low is None or high is None or math.isnan(low) or math.isnan(high):
        return na
    return f"[{format_number(low, decimals)}, {format_number(high, decimals)}]"
