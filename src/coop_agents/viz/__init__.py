"""The browser app (``coop-agents app``), built on Solara; nothing in the model imports it.

- :mod:`~coop_agents.viz.session`: a session's settings, runs and ensembles (no Solara).
- :mod:`~coop_agents.viz.layout`: the district's fixed drawing layout.
- :mod:`~coop_agents.viz.figures`: the actor network and its legend (matplotlib).
- :mod:`~coop_agents.viz.svg`: figures as SVG for the browser, in fonts with Chinese glyphs.
- :mod:`~coop_agents.viz.charts`: governance states (by street office at district scale) and
  outcomes over time (ECharts); :mod:`~coop_agents.viz.outcome_table`: the live outcome table.
- :mod:`~coop_agents.viz.components`, :mod:`~coop_agents.viz.app`: the Solara components and pages;
  :mod:`~coop_agents.viz.workshop`, :mod:`~coop_agents.viz.tabletop`, :mod:`~coop_agents.viz.explore`:
  the workshop, drill and exploration pages.
- :mod:`~coop_agents.viz.headless`: the chromium the browser tests and benchmarks start.
- :mod:`~coop_agents.viz.server`: serving it offline.
"""

__all__: list[str] = []
