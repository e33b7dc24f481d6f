"""The residents of a district as arrays: vulnerability and party membership drawn by each
community's shares, and their contacts (clustered within a community, a few to the next one) as a
sparse matrix in canonical form."""

from __future__ import annotations

import networkx as nx
import numpy as np
import scipy.sparse as sp


def _synthesise(
    sizes: np.ndarray,
    vulnerable_share: np.ndarray,
    party_share: np.ndarray,
    contacts: np.ndarray,
    cross_share: float,
    rng: np.random.Generator,
):
    """Residents of communities of ``sizes``: vulnerable and party members drawn by each community's
    share, contacts by its density (see :func:`_contact_edges`); returns (community, vulnerable,
    party member, contact matrix, boundary)."""
    n = int(sizes.sum())
    community = np.repeat(np.arange(sizes.size, dtype=np.int32), sizes)
    vulnerable = rng.random(n) < np.asarray(vulnerable_share, dtype=float)[community]
    party = rng.random(n) < np.asarray(party_share, dtype=float)[community]
    lo, hi = _contact_edges(sizes, contacts, cross_share, rng)
    crossing = community[lo] != community[hi]
    boundary = np.zeros(n, dtype=bool)
    boundary[lo[crossing]] = True
    boundary[hi[crossing]] = True
    return community, vulnerable, party, _contacts_csr(lo, hi, n), boundary


def _contact_edges(sizes, contacts, cross_share, rng) -> tuple[np.ndarray, np.ndarray]:
    """Clustered contacts within each community, a few ties to the neighbouring community.

    A small-world ring per community (each resident tied to the ``k/2`` next ones, ``k`` the
    community's ``contacts``), each tie rewired at random within the community with chance 0.1, or
    to the next community with chance ``cross_share``. Vectorised per community; duplicate ties and
    self-ties are dropped. Returns the distinct pairs ``lo < hi``, sorted.
    """
    offsets = np.concatenate([[0], np.cumsum(sizes)])
    n_comm = len(sizes)
    row_parts: list[np.ndarray] = []
    col_parts: list[np.ndarray] = []
    for c in range(n_comm):
        n = int(sizes[c])
        half = max(1, min(int(contacts[c]), n - 1) // 2)
        base = np.arange(n)
        src = np.repeat(base, half)
        dst = (src + np.tile(np.arange(1, half + 1), n)) % n
        u = rng.random(src.size)
        within = u < 0.1
        dst[within] = rng.integers(0, n, within.sum())
        src = src + offsets[c]
        dst = dst + offsets[c]
        if n_comm > 1:
            cross = u > 1.0 - cross_share
            nb = (c + 1) % n_comm
            dst[cross] = offsets[nb] + rng.integers(0, sizes[nb], cross.sum())
        row_parts.append(src)
        col_parts.append(dst)
    rows, cols = np.concatenate(row_parts), np.concatenate(col_parts)
    del row_parts, col_parts  # a million residents' pieces: free them before the next copies
    keep = rows != cols
    lo, hi = np.minimum(rows[keep], cols[keep]), np.maximum(rows[keep], cols[keep])
    del rows, cols, keep
    # Sorted distinct pairs. Sorting and dropping repeats is what ``np.unique`` returns, at a tenth
    # of its time here (numpy 2.3+ takes a hash-based path that is slower for this input).
    total = int(offsets[-1])
    pairs = lo.astype(np.int64) * total + hi
    del lo, hi
    pairs.sort()
    pairs = pairs[np.r_[True, pairs[1:] != pairs[:-1]]]
    return pairs // total, pairs % total


def _contacts_csr(lo: np.ndarray, hi: np.ndarray, n: int) -> sp.csr_array:
    """The symmetric 0/1 matrix of the distinct pairs ``lo < hi`` (sorted), in canonical form
    (each row's contacts ascending, as :func:`contact_matrix` returns).

    scipy's conversion places entries row by row in the order given (a counting sort); given first
    every pair as (hi, lo), then every pair as (lo, hi), both in the pairs' order, each row comes
    out with its contacts below it, then those above it, each ascending: sorted, with no sort.
    """
    index = np.int32 if max(2 * lo.size, n) < 2**31 - 1 else np.int64
    rows = np.concatenate([hi, lo]).astype(index, copy=False)
    cols = np.concatenate([lo, hi]).astype(index, copy=False)
    out = sp.coo_array((np.ones(rows.size), (rows, cols)), shape=(n, n)).tocsr()
    out.sum_duplicates()  # a check only: there are none
    return out


def contact_matrix(g: nx.Graph, n_residents: int) -> sp.csr_array:
    """The resident contact network of a graph (residents as nodes) as a symmetric 0/1 CSR matrix
    (row i: i's contacts), in canonical form: each row's contacts in ascending order, no duplicates.
    """
    edges = [(u, v) for u, v, ch in g.edges(data="channel") if ch == "contact"]
    if not edges:
        return sp.csr_array((n_residents, n_residents), dtype=np.float64)
    e = np.asarray(edges, dtype=np.int64)
    data = np.ones(2 * len(e))
    m = sp.coo_array(
        (data, (np.r_[e[:, 0], e[:, 1]], np.r_[e[:, 1], e[:, 0]])), shape=(n_residents, n_residents)
    ).tocsr()
    m.sum_duplicates()
    m.data[:] = 1.0
    return m
