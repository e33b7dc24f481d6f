"""The app at district scale: an overview by street office, one street office in detail, and a
district file given on the command line (`coop-agents app --district FILE`)."""

from __future__ import annotations

import os

import numpy as np
import pytest

from coop_agents.cli import main
from coop_agents.errors import NetworkError
from coop_agents.scenarios import DISTRICT_ENV, preset_scenarios
from coop_agents.viz.figures import network_figure, svg
from coop_agents.viz.layout import OVERVIEW_MIN, district_overview, street_layout
from coop_agents.viz.session import Ensemble, Run, RunSettings

BIG = dict(
    residents=156 * 120, street_offices=13, communities_per_street=12, outbreak_sites=4, initial_cases=20
)


@pytest.fixture(scope="module")
def big() -> Run:
    run = Run("default", "full_cycle", 0, **BIG)
    for _ in range(12):
        run.step()
    return run


def test_a_large_district_is_drawn_by_street_office(big):
    ov = district_overview(big.model.graph)
    assert len(ov.boxes) == 13 and ov.community_xy.shape == (156, 2)
    for c in big.model.committees:  # every community's disc inside its street office's box
        x, y, w, h = ov.boxes[c.street]
        cx, cy = ov.community_xy[c.community]
        assert x < cx < x + w and y < cy < y + h
    groups = {(a, b) for a, b, _, _ in ov.ties}
    assert ("district", ("street", 0)) in groups or (("street", 0), "district") in groups
    assert len(ov.ties) < 150  # instead of ~1,500 ties between organisations
    picture = svg(network_figure(big))
    assert picture.startswith(b"<?xml") and len(picture) < 100_000
    assert len(svg(network_figure(big, "state"))) < 100_000


def test_one_street_office_in_detail(big):
    lay = street_layout(big.model.graph, 4)
    committees = [n for n, k in lay.kinds.items() if k == "committee"]
    assert len(committees) == 12 and all(big.model.graph.nodes[n]["street"] == 4 for n in committees)
    assert "government" in lay.kinds.values() and "platform" in lay.kinds.values()
    assert svg(network_figure(big, street=4)).startswith(b"<?xml")


def test_a_small_district_keeps_its_detailed_drawing():
    run = Run("default", "siloed", 0, residents=1200)
    assert run.model.n_communities < OVERVIEW_MIN
    assert run.layout.dots and svg(network_figure(run)).startswith(b"<?xml")


@pytest.fixture
def offered(tmp_path):
    """A district offered to the app, withdrawn again after the test."""
    before = dict(preset_scenarios())
    assert main(["district", "template", "--out", str(tmp_path / "our_street.xlsx")]) == 0
    yield tmp_path / "our_street.xlsx"
    os.environ.pop(DISTRICT_ENV, None)
    presets = preset_scenarios()
    for name in set(presets) - set(before):
        del presets[name]


def test_the_app_offers_a_district_given_on_its_command_line(offered, tmp_path):
    from coop_agents.district.cli import use_in_app

    name = use_in_app(str(offered))
    sc = preset_scenarios()[name]
    assert (
        name == "our_street"
        and sc.structure == offered.resolve()
        and sc.title_zh == "本辖区（our_street.xlsx）"
    )
    assert os.environ[DISTRICT_ENV] == str(offered.resolve())
    ensemble = Ensemble.single(RunSettings(scenario=name))
    ensemble.step()
    assert ensemble.runs[0].model.world.residents.n == 4800
    assert np.isfinite(ensemble.runs[0].series("prevalence")).all()
    (tmp_path / "broken.csv").mkdir()
    (tmp_path / "broken.csv" / "communities.csv").write_text(
        "name,street office,residents,profile\nA,S,five,urban\n"
    )
    with pytest.raises(NetworkError, match="row 2, column 'residents / 居民人数'"):
        use_in_app(str(tmp_path / "broken.csv"))
    assert main(["app", "--district", str(tmp_path / "broken.csv"), "--port", "0"]) == 2
