"""Exploration beyond the averages: scenario discovery, robustness, lever optimisation, calibration.

Four analyses on top of the batch runner and its results store, each with kept libraries:

- :func:`discover` (``coop-agents discover``): under which conditions does an outcome turn bad?
  PRIM boxes from the EMA Workbench and a CART tree from scikit-learn, with the chosen box's
  limits in plain words (English and Chinese).
- :func:`robustness` (``coop-agents robust``): which pattern holds up across sampled scenarios?
  Regret against the best pattern of each scenario (paired by replicate), its distribution,
  satisficing shares and a ranking with bootstrap intervals.
- :func:`optimise` (``coop-agents optimise``): which levers to buy first under a budget? NSGA-II
  from Platypus over lever settings priced by an editable cost model (:mod:`.costs`), every
  candidate averaged over the same paired seeds; resumable.
- :func:`calibrate` (``coop-agents calibrate``): which uncertain parameters reproduce observed
  daily counts? ABC-SMC from pyabc, with posterior intervals, posterior-predictive bands and a
  fitted scenario file; resumable by generation.

Names are loaded on first use (PEP 562), so importing this package imports none of the
libraries above.
"""

from __future__ import annotations

import importlib
from typing import Any

# Each name and the module that defines it. The subpackages are named by nouns (``discovery``,
# ``optimisation``, ``calibration``), never by a function's name: importing a submodule sets the
# package's attribute of that name to the module, which would then hide the function.
_WHERE = {
    "discover": "discovery",
    "Discovery": "discovery",
    "robustness": "robust",
    "Robustness": "robust",
    "optimise": "optimisation",
    "Optimisation": "optimisation",
    "load_costs": "costs",
    "CostModel": "costs",
    "calibrate": "calibration",
    "Calibration": "calibration",
    "read_observations": "calibration",
    "simulate_observations": "calibration",
}

__all__ = list(_WHERE)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_WHERE])
