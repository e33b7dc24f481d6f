"""One master seed per run, split into named streams (common random numbers).

Each stochastic process draws from its own stream, derived from the master seed and the stream's
position in :data:`STREAMS`. Two patterns run on the same seed therefore build the same district
and face the same hazard draws; they differ only where their governance differs. The per-day
streams move by the same amount every day whatever the pattern does (numbers nobody reads are
skipped with the bit generator's ``advance``, not left out), so that stays true for the whole
run; events of a long run draw from streams spawned from the hazard stream, one per event.
"""

from __future__ import annotations

import numpy as np

__all__ = ["STREAMS", "Streams", "make_streams"]

# Order matters: appending a name keeps earlier streams unchanged; never reorder.
STREAMS = ("network", "population", "hazard", "monitoring", "decisions", "messages", "actions", "mesa")

Streams = dict[str, np.random.Generator]


def make_streams(seed: int) -> Streams:
    """Return one independent generator per name in :data:`STREAMS` for this master seed."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed={seed!r}: expected a non-negative integer")
    children = np.random.SeedSequence(int(seed)).spawn(len(STREAMS))
    return {name: np.random.Generator(np.random.PCG64(child)) for name, child in zip(STREAMS, children)}
