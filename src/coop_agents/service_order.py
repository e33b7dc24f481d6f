"""The order of service (design §2.5, needs and help 需求保障): where more residents are known to
need help than a community can help today, who of them is served.

Positions refer to the residents known to be in need today (in resident order); ``where`` holds
each one's community and ``quota`` each community's help today (whole residents).
"""

from __future__ import annotations

import numpy as np

__all__ = ["take", "care_first"]


def take(where: np.ndarray, rows: np.ndarray | None, key: np.ndarray, quota: np.ndarray) -> np.ndarray:
    """Of positions ``rows`` (all when None) of residents in communities ``where``, the first
    ``quota[c]`` of each community ``c`` by ``key`` (positions, in the order taken)."""
    if rows is not None:
        where, key = where[rows], key[rows]
    order = np.lexsort((key, where))
    comm_sorted = where[order]
    starts = comm_sorted.searchsorted(comm_sorted)  # where each one's community begins
    rank = np.arange(order.size) - starts
    taken = order[rank < quota[comm_sorted]]
    return taken if rows is None else rows[taken]


def care_first(
    where: np.ndarray,
    vulnerable: np.ndarray,
    priority: np.ndarray,
    key: np.ndarray,
    quota: np.ndarray,
    care_quota: np.ndarray,
) -> np.ndarray:
    """Care organisations' help (``care_quota``, part of ``quota``) goes to the vulnerable
    (positions ``vulnerable``) first, by ``priority``; what it leaves, and everyone else's help,
    is shared by ``key`` as usual (positions served, in order)."""
    first = take(where, vulnerable, priority, care_quota)
    used = np.bincount(where[first], minlength=quota.size)
    left = np.ones(where.size, dtype=bool)
    left[first] = False
    rest = left.nonzero()[0]
    return np.sort(np.concatenate([first, take(where, rest, key, quota - used)]))
