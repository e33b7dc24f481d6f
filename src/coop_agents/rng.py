"""One master seed per run, split into named streams (common random numbers).

Two kinds of randomness derive from the master seed:

- **Keyed draws** (:class:`Draws`): a resident's number on a day is a hash of (stream, day,
  resident), in the manner of Starsim's per-agent uniforms. It never depends on who else drew, or
  on how many: two patterns that touch different residents stay paired on every resident, a
  pattern may read only the residents it needs, and nothing has to skip ahead. Every per-resident
  draw of a day (infection, detection, boundary bounces, warnings, need reports, priority) is one.
- **Sequential generators** (:func:`make_streams`, numpy ``Generator`` by name) for what is drawn
  once (the district, the population, the hazard's index cases) or a fixed number of times a day
  (one number per community), and for each community's decisions (approvals, misjudgement).

The keyed uniform is SplitMix64's output function applied to ``day_key + (i + 1) * γ`` (γ the
golden-ratio increment), where ``day_key`` mixes the stream's key and the day: for a fixed day
and stream, the residents' numbers are a SplitMix64 sequence, a generator that passes BigCrush.
"""

from __future__ import annotations

import hashlib

import numpy as np

__all__ = ["STREAMS", "Streams", "make_streams", "Draws", "stream_key"]

# Order matters: appending a name keeps earlier streams unchanged; never reorder.
STREAMS = ("network", "population", "hazard", "monitoring", "decisions", "messages", "actions", "mesa")

Streams = dict[str, np.random.Generator]

_M64 = (1 << 64) - 1
_GAMMA = 0x9E3779B97F4A7C15
_TO_UNIT = 1.0 / 9007199254740992.0  # 2**-53: the top 53 bits of a 64-bit word as a float in [0, 1)


def make_streams(seed: int) -> Streams:
    """Return one independent generator per name in :data:`STREAMS` for this master seed."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed={seed!r}: expected a non-negative integer")
    children = np.random.SeedSequence(int(seed)).spawn(len(STREAMS))
    return {name: np.random.Generator(np.random.PCG64(child)) for name, child in zip(STREAMS, children)}


def stream_key(seed: int | np.random.Generator, name: str) -> int:
    """A 64-bit key for the keyed draws called ``name`` under a master seed (or a generator's seed)."""
    if isinstance(seed, np.random.Generator):
        seed = int(seed.bit_generator.seed_seq.generate_state(2, np.uint64)[1])
    digest = hashlib.blake2b(f"{int(seed)}/{name}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little")


def _mix(z: int) -> int:
    """SplitMix64's output function on a Python integer."""
    z &= _M64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _M64
    return z ^ (z >> 31)


# The constants of the keyed draws as 0-d arrays, not numpy scalars: an array operand skips the
# scalar's conversion on every call (measured ~30% less per call on tens of residents).
_U11, _U27, _U30, _U31 = (np.array(k, dtype=np.uint64) for k in (11, 27, 30, 31))
_UGAMMA, _UM1, _UM2 = (np.array(k, dtype=np.uint64) for k in (_GAMMA, 0xBF58476D1CE4E5B9, 0x94D049BB133111EB))
_INTP = np.dtype(np.intp)
_UNIT = np.array(_TO_UNIT)  # (a 0-d float64: the words' conversion to floats skips a scalar's)


def _mix_array(z: np.ndarray) -> np.ndarray:
    """SplitMix64's output function on an array of unsigned 64-bit words (wrapping arithmetic)."""
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


# The days whose keys are worked out together, in one pass over their words: a day's key on Python
# integers (two mixes and a 0-d array) costs about 1.5 us, and each stream starts a new day about
# once a day, where a block of days costs about as much as eight of them.
DAY_BLOCK = 128


def _day_bases(key: int, first: int, count: int) -> list[int]:
    """The keys plus γ of days ``first`` to ``first + count - 1`` under ``key``: the same words as
    ``(_mix(key ^ _mix(day * γ + γ)) + γ) mod 2**64`` (wrapping arithmetic on the same bits)."""
    z = np.arange(first, first + count, dtype=np.uint64)
    z *= _UGAMMA
    z += _UGAMMA
    z = _mix_array(z)
    z ^= np.uint64(key)
    z = _mix_array(z)
    z += _UGAMMA
    return z.tolist()


# The ufuncs called with their output as a positional argument: an in-place operator or ``out=``
# goes through more of numpy's argument handling (measured ~8% less for the ten calls below).
_shr, _xor, _mul, _add = np.right_shift, np.bitwise_xor, np.multiply, np.add


def _times_gamma(rows: np.ndarray) -> np.ndarray:
    """``rows * γ`` as fresh words (wrapping)."""
    # Index rows (nearly always) already hold the words' bits: a view instead of a cast.
    if isinstance(rows, np.ndarray) and rows.dtype == _INTP:
        return _mul(rows.view(np.uint64), _UGAMMA)
    return np.multiply(rows, _UGAMMA, dtype=np.uint64, casting="unsafe")


def _to_unit(z: np.ndarray) -> np.ndarray:
    """SplitMix64's output function on ``z`` (changed in place), as uniforms in [0, 1): the words'
    top 53 bits. In place with one scratch array: the same words as :func:`_mix_array` with fewer
    numpy calls and temporaries (these calls are many and mostly small, so each counts)."""
    shifted = _shr(z, _U30)
    _xor(z, shifted, z)
    _mul(z, _UM1, z)
    _shr(z, _U27, shifted)
    _xor(z, shifted, z)
    _mul(z, _UM2, z)
    _shr(z, _U31, shifted)
    _xor(z, shifted, z)
    _shr(z, _U11, z)
    return _mul(z, _UNIT)


# Up to this many residents, their numbers are worked out on Python integers: a dozen numpy calls
# cost more than the arithmetic on a few words (measured: cheaper up to about 7 of them).
FEW_ROWS = 6


def _few_units(base: int, rows: list[int]) -> np.ndarray:
    """``_to_unit(rows * γ + base)`` on Python integers, bit for bit: the same wrapping words, and
    the top 53 bits (exact as a float) times the same power of two."""
    out = []
    for i in rows:
        z = (base + i * _GAMMA) & _M64
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _M64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _M64
        out.append(((z ^ (z >> 31)) >> 11) * _TO_UNIT)
    return np.array(out)


class Draws:
    """The keyed uniforms of one stream: ``draws.day(t)[rows]`` or ``draws.at(t, rows)``.

    Examples:
        >>> d = Draws(stream_key(0, "hazard"))
        >>> a = d.at(3, np.array([5, 9]))
        >>> b = d.at(3, np.array([9]))  # resident 9's number does not depend on who else drew
        >>> bool(a[1] == b[0]), bool(d.at(4, np.array([9]))[0] != b[0])
        (True, True)
    """

    def __init__(self, key: int) -> None:
        self.key = key & _M64
        # The day whose key ``_base`` is (a day's draws come in several calls); ``_base`` holds the
        # day's key plus γ, so that ``(i + 1) * γ + key`` is ``i * γ + _base`` (mod 2**64).
        self._day: int | None = None
        self._base: np.ndarray | None = None  # (made on the day's first read of many residents)
        self._base_int = 0  # the same, as a Python integer (for a few residents' numbers)
        # The keys plus γ of the days from ``_first`` on, worked out together (see DAY_BLOCK).
        self._first = 0
        self._bases: list[int] = []

    def _day_int(self, day: int) -> int:
        """The day's key plus γ as a Python integer (kept for the day: a day's draws come in
        several calls, and the days' keys come in blocks)."""
        if day != self._day:
            k = day - self._first
            if not 0 <= k < len(self._bases):
                if day < 0:  # (no block of words starts before day 0)
                    self._day, self._base = day, None
                    self._base_int = (_mix(self.key ^ _mix(int(day) * _GAMMA + _GAMMA)) + _GAMMA) & _M64
                    return self._base_int
                self._first, self._bases, k = int(day), _day_bases(self.key, int(day), DAY_BLOCK), 0
            self._base_int = self._bases[k]
            self._base = None
            self._day = day
        return self._base_int

    def _day_base(self, day: int) -> np.ndarray:
        """The day's key plus γ as a 0-d array of words (an operand numpy takes without converting)."""
        base_int = self._day_int(day)
        if self._base is None:
            self._base = np.array(base_int, np.uint64)
        return self._base

    def at(self, day: int, rows: np.ndarray) -> np.ndarray:
        """The uniforms in [0, 1) of residents ``rows`` (indices) on ``day``."""
        n = len(rows)
        if not n:  # about a third of the calls of a run: nobody to draw for
            return np.empty(0)
        if n <= FEW_ROWS:  # (a detection or a boundary task on a quiet day: one or two residents)
            few = rows.tolist() if isinstance(rows, np.ndarray) else list(rows)
            return _few_units(self._day_int(day), few)
        z = _times_gamma(rows)
        _add(z, self._day_base(day), z)
        return _to_unit(z)

    def at_two(self, other: Draws, day: int, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(self.at(day, rows), other.at(day, rows))``, the same numbers bit for bit, in one pass
        over both streams' words: about half the numpy calls of two reads (each counts on tens of
        residents)."""
        n = len(rows)
        if not n:
            return np.empty(0), np.empty(0)
        if n <= FEW_ROWS:
            few = rows.tolist() if isinstance(rows, np.ndarray) else list(rows)
            return _few_units(self._day_int(day), few), _few_units(other._day_int(day), few)
        # Both streams' words in one broadcast sum, a row each (the two days' keys as a column): one
        # numpy call where an empty array, two slices and two sums took five.
        keys = np.array(((self._day_int(day),), (other._day_int(day),)), np.uint64)
        u = _to_unit(_add(_times_gamma(rows), keys))
        return u[0], u[1]

    def day(self, day: int, n: int) -> DayDraws:
        """The day's uniforms of ``n`` residents, computed for the rows that are read."""
        return DayDraws(self, day, n)


class DayDraws:
    """One stream's uniforms for one day, by resident: index it with rows (indices or a mask)."""

    def __init__(self, draws: Draws, day: int, n: int) -> None:
        self.draws, self.day_, self.size = draws, day, n

    def __getitem__(self, rows: np.ndarray) -> np.ndarray:
        rows = np.asarray(rows)
        if rows.dtype == bool:
            rows = rows.nonzero()[0]
        return self.draws.at(self.day_, rows)

    def all(self) -> np.ndarray:
        return self.draws.at(self.day_, np.arange(self.size))
