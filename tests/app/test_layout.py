"""The district's drawing layout: fixed, hierarchical, blocks side by side."""

from __future__ import annotations

import numpy as np

from coop_agents.model import CoordinationModel
from coop_agents.viz.layout import BLOCK, RESIDENT_DOTS_MAX, district_layout, resident_dots


def model(pattern="siloed", **overrides):
    return CoordinationModel("default", pattern, 3, residents=1200, **overrides)


def test_lines_run_top_to_bottom_and_blocks_sit_side_by_side():
    m = model()
    lay = district_layout(m.graph)
    y = {k: {lay.pos[n][1] for n, kind in lay.kinds.items() if kind == k} for k in set(lay.kinds.values())}
    assert max(y["government"]) > max(y["street_office"]) > max(y["committee"]) > lay.community_xy[0, 1]
    committees = {c.community: lay.pos[c.node][0] for c in m.committees}
    xs = [committees[c] for c in sorted(committees)]
    assert xs == sorted(xs)  # communities in order, street by street
    gaps = np.diff(xs)
    assert gaps.max() > gaps.min()  # a wider gap between the blocks of two streets
    for office in m.roster.street_offices.values():  # each street office above the middle of its communities
        members = [committees[c.community] for c in m.committees if c.street == office.street]
        assert lay.pos[office.node][0] == np.mean(members)
    right = max(xs)
    social = [lay.pos[o.node][0] for o in m.roster.social]
    assert min(social) > right  # social organisations beside the district
    for c in m.committees:  # each party branch just below and right of its committee
        bx, by = lay.pos[m.roster.branches[c.community].node]
        cx, cy = lay.pos[c.node]
        assert bx > cx and by < cy


def test_the_layout_is_fixed_the_same_for_every_pattern_and_every_call():
    first = district_layout(model("siloed").graph)
    again = district_layout(model("full_cycle").graph)
    assert first.pos == again.pos
    assert np.array_equal(first.community_xy, again.community_xy)


def test_residents_are_dots_in_their_block_up_to_the_limit_then_discs():
    small = district_layout(model().graph)
    assert small.dots
    xy = resident_dots(small, aspect=0.4)
    centres = small.community_xy[small.resident_community]
    assert np.all(np.abs(xy[:, 0] - centres[:, 0]) <= BLOCK[0] / 2)
    assert np.all(np.abs(xy[:, 1] - centres[:, 1]) <= BLOCK[1] / 2)
    assert len({tuple(p) for p in xy.round(9)}) == xy.shape[0]  # no two residents on one spot
    big = district_layout(CoordinationModel("default", "siloed", 3, residents=RESIDENT_DOTS_MAX + 400).graph)
    assert not big.dots
    assert big.community_size.sum() == RESIDENT_DOTS_MAX + 400
