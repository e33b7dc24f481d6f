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

__all__ = ["STREAMS", "Streams", "make_streams", "uniform", "uniform_at"]

# Order matters: appending a name keeps earlier streams unchanged; never reorder.
STREAMS = ("network", "population", "hazard", "monitoring", "decisions", "messages", "actions", "mesa")

Streams = dict[str, np.random.Generator]


def make_streams(seed: int) -> Streams:
    """Return one independent generator per name in :data:`STREAMS` for this master seed."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed={seed!r}: expected a non-negative integer")
    children = np.random.SeedSequence(int(seed)).spawn(len(STREAMS))
    return {name: np.random.Generator(np.random.PCG64(child)) for name, child in zip(STREAMS, children)}


def uniform(rng: np.random.Generator, n: int, needed: bool) -> np.ndarray | None:
    """``rng.random(n)`` if ``needed``, else None after moving ``rng`` past those ``n`` numbers.

    Each uniform takes exactly one 64-bit output of the bit generator, so skipping with
    ``advance`` leaves the stream where drawing would have: the day's later draws, and every later
    day's, are the same either way (common random numbers). Making numbers nobody reads would cost
    as much as the rest of a day in a large district. Valid for streams that draw only float64
    uniforms, normals and Poisson numbers with a fixed count per day, as the per-day streams do
    (``advance`` drops a buffered 32-bit half).
    """
    if needed:
        return rng.random(n)
    rng.bit_generator.advance(n)
    return None


# Jumping the bit generator to a position costs about as much as drawing 600 numbers (measured:
# 1.35 us for an advance and one draw, 2.2 ns a number in a block).
JUMP_COST = 600


def uniform_at(rng: np.random.Generator, n: int, rows: np.ndarray) -> np.ndarray:
    """``rng.random(n)[rows]`` for sorted, distinct ``rows``, leaving ``rng`` where that would.

    Most days only a few residents' numbers are read (the cases not yet found, the residents in
    need). For those the generator jumps from row to row and makes only their numbers, each one
    64-bit output turned into a float as ``random`` does it, so they are the block's bit for bit.
    Where many are read, the block is drawn.
    """
    if rows.size * JUMP_COST > n:
        return rng.random(n)[rows]
    bits = rng.bit_generator
    out = np.empty(rows.size)
    at = 0
    for k, row in enumerate(rows.tolist()):
        bits.advance(row - at)
        out[k] = (bits.random_raw() >> 11) * (1.0 / 9007199254740992.0)  # numpy's next_double
        at = row + 1
    bits.advance(n - at)
    return out
