"""An EMA Workbench adapter: coop-agents as an EMA ``Model``.

:func:`model` returns an :class:`ema_workbench.Model` whose uncertainties and levers are rows of
the parameter table (:data:`coop_agents.config.PARAMETERS`: ``scenario`` rows are uncertainties,
``lever`` rows levers; the coordination ``pattern`` a categorical lever) and whose outcomes are
the outcome registry's, each a :class:`~ema_workbench.ScalarOutcome` that is minimised,
maximised or only reported as the registry's better direction says. EMA users run
``perform_experiments``, its optimisation and their own analyses on it::

    from ema_workbench import perform_experiments, SequentialEvaluator
    from coop_agents import ema

    m = ema.model("default", "siloed", residents=1200, replicates=3)
    with SequentialEvaluator(m) as evaluator:
        experiments, outcomes = perform_experiments(m, scenarios=50, policies=4, evaluator=evaluator)

Each experiment runs the model on ``replicates`` seeds (replicates 0..K-1 of ``seed``, as
``coop-agents batch`` gives them: the same seeds in every experiment, so experiments differ by
their inputs only) and returns the mean of each outcome. The function is a module-level
callable object, so EMA's ``MultiprocessingEvaluator`` can ship it to its workers.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Mapping
from typing import Any

from coop_agents.errors import CoopError

__all__ = ["DEFAULT_LEVERS", "DEFAULT_UNCERTAINTIES", "ModelFunction", "model"]

# Uncertainties sampled by default, with ranges a study usually explores (the parameter table's
# bounds are what the model accepts, far wider than what is plausible).
DEFAULT_UNCERTAINTIES: dict[str, tuple[float, float]] = {
    "transmission": (0.03, 0.12),
    "initial_cases": (1, 20),
    "cross_community_ties": (0.0, 0.1),
    "latent_days": (2.0, 8.0),
}
DEFAULT_LEVERS: tuple[str, ...] = ("technology", "information", "coordination", "resources", "intellect")


class ModelFunction:
    """What EMA calls for one experiment: keyword arguments in, mean outcomes out."""

    def __init__(
        self, scenario: str, pattern: str, seeds: list[int], outcomes: list[str], fixed: dict
    ) -> None:
        self.scenario, self.pattern, self.seeds = scenario, pattern, seeds
        self.outcomes, self.fixed = outcomes, fixed

    def __call__(self, **inputs: Any) -> dict[str, float]:
        from coop_agents.model import run_once

        inputs = {k: _plain(v) for k, v in inputs.items()}
        pattern = inputs.pop("pattern", self.pattern)
        runs = [run_once(self.scenario, pattern, seed, **{**self.fixed, **inputs}) for seed in self.seeds]
        out = {}
        for o in self.outcomes:
            vals = [r[o] for r in runs if not (isinstance(r[o], float) and math.isnan(r[o]))]
            out[o] = sum(vals) / len(vals) if vals else math.nan
        return out


def _plain(v: Any) -> Any:
    """numpy scalars as Python's (the parameter table checks Python types)."""
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):
        return v.item()
    return v


def _parameter(name: str, spec: Any, role: str):
    """An EMA parameter for row ``name`` of the parameter table (``spec``: a range, choices or None)."""
    import ema_workbench as ew

    from coop_agents.config import PARAMETERS

    if name == "pattern":
        if role != "lever":
            raise CoopError("pattern is a lever (the coordination pattern), not an uncertainty")
        from coop_agents.patterns import preset_names

        choices = list(spec) if spec else list(preset_names())
        for c in choices:
            if c not in preset_names():
                raise CoopError(f"pattern {c!r}: not a preset; allowed: {', '.join(preset_names())}")
        return ew.CategoricalParameter("pattern", choices)
    p = PARAMETERS.get(name)
    expected = "scenario" if role == "uncertainty" else "lever"
    if p is None:
        raise CoopError(f"{name!r} is not a parameter; see 'coop-agents params'")
    if p.role != expected:
        raise CoopError(
            f"{name!r} is a {'lever' if p.role == 'lever' else 'scenario parameter (an uncertainty)'}, "
            f"not {'an uncertainty' if role == 'uncertainty' else 'a lever'}; see "
            f"'coop-agents params --role {expected}'"
        )
    if p.type == "bool":
        return ew.BooleanParameter(name)
    if p.type == "choice":
        choices = list(spec) if spec else list(p.choices)
        for c in choices:
            p.coerce(c, name)
        return ew.CategoricalParameter(name, choices)
    low, high = (p.low, p.high) if spec is None else spec
    low, high = p.coerce(low, name), p.coerce(high, name)
    if not low < high:
        raise CoopError(f"{name}: the range low={low} must be below high={high}")
    if p.type == "int":
        return ew.IntegerParameter(name, int(low), int(high))
    return ew.RealParameter(name, float(low), float(high))


def _specs(
    given: Iterable[str] | Mapping[str, Any] | None, default: Mapping[str, Any] | Iterable[str]
) -> dict:
    if given is None:
        given = default
    if isinstance(given, Mapping):
        return dict(given)
    return {name: (DEFAULT_UNCERTAINTIES.get(name)) for name in given}


def model(
    scenario: str = "default",
    pattern: str = "siloed",
    *,
    uncertainties: Iterable[str] | Mapping[str, Any] | None = None,
    levers: Iterable[str] | Mapping[str, Any] | None = None,
    outcomes: Iterable[str] | None = None,
    replicates: int = 1,
    seed: int = 0,
    residents: int | None = None,
    name: str = "coop_agents",
    **fixed: Any,
):
    """An EMA Workbench ``Model`` of coop-agents.

    Args:
        scenario: a preset or scenario file: the values of every uncertainty not sampled.
        pattern: a preset or pattern file: the values of every lever not sampled.
        uncertainties: scenario parameters to sample: names (their range from
            :data:`DEFAULT_UNCERTAINTIES` or else the parameter table) or ``{name: (low, high)}``
            (``{name: [choices]}`` for a choice); default :data:`DEFAULT_UNCERTAINTIES`.
        levers: levers to sample, the same way (``"pattern"`` for the presets); default
            :data:`DEFAULT_LEVERS` over their full range.
        outcomes: registry outcomes to return (default: every one).
        replicates: seeds each experiment is averaged over (the same for every experiment).
        seed: master seed of those seeds.
        residents: residents of the district (default: the scenario's).
        **fixed: any other parameter-table values held fixed, e.g. ``street_offices=1``.

    Raises:
        CoopError: a name that is not a parameter, an uncertainty given as a lever or the other
            way round, an unknown outcome, a bad range.
    """
    from coop_agents.config import validate_overrides
    from coop_agents.experiments.design import replicate_seeds
    from coop_agents.model import resolve
    from coop_agents.outcome_registry import OUTCOMES

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import ema_workbench as ew

    if residents is not None:
        fixed["residents"] = residents
    fixed = validate_overrides(fixed, "fixed values") if fixed else {}
    resolve(scenario, pattern, **fixed)  # bad names and values now, not in the first experiment
    unc = _specs(uncertainties, DEFAULT_UNCERTAINTIES)
    lev = _specs(levers, dict.fromkeys(DEFAULT_LEVERS))
    both = set(unc) & set(lev)
    if both:
        raise CoopError(f"{', '.join(sorted(both))}: given both as an uncertainty and as a lever")
    clash = (set(unc) | set(lev)) & set(fixed)
    if clash:
        raise CoopError(f"{', '.join(sorted(clash))}: sampled and held fixed at once")
    names = list(outcomes) if outcomes is not None else list(OUTCOMES)
    for o in names:
        if o not in OUTCOMES:
            raise CoopError(f"outcome {o!r}: not in the outcome registry; allowed: {', '.join(OUTCOMES)}")
    if isinstance(replicates, bool) or not isinstance(replicates, int) or replicates < 1:
        raise CoopError(f"replicates={replicates!r}: expected a whole number of at least 1")
    m = ew.Model(
        name,
        function=ModelFunction(str(scenario), str(pattern), replicate_seeds(seed, replicates), names, fixed),
    )
    m.uncertainties = [_parameter(k, v, "uncertainty") for k, v in unc.items()]
    m.levers = [_parameter(k, v, "lever") for k, v in lev.items()]
    kinds = {
        "lower": ew.ScalarOutcome.MINIMIZE,
        "higher": ew.ScalarOutcome.MAXIMIZE,
        "neither": ew.ScalarOutcome.INFO,
    }
    m.outcomes = [ew.ScalarOutcome(o, kind=kinds[OUTCOMES[o].better]) for o in names]
    return m
