"""Analysis of a batch's results: per-arm means with CIs, paired differences, sensitivity indices.

Every function takes the results DataFrame (see :func:`load_results`) and returns a DataFrame,
so the same numbers feed the Markdown summary, the figures, briefs and a user's own notebook.

Confidence intervals are **percentile bootstrap** intervals (:func:`scipy.stats.bootstrap`,
``method="percentile"``, :data:`BOOTSTRAP_RESAMPLES` resamples drawn from a fixed seed, so the
same results always give the same intervals): for an arm's mean the arm's runs are resampled,
for a paired difference (and a relative difference) the pairs of runs. A percentile interval
only holds means the resamples can reach, so the interval of a count or a share is never
negative and a relative difference's never below -100%; it needs no assumption of normality
(harm and delays are skewed, with many zeros).

What an outcome is called, its unit, its better direction, its family and its decimals come
from :mod:`coop_agents.outcome_registry`; :data:`DERIVED_OUTCOMES` adds the outcomes computed
from stored ones, in the same form, and :func:`find_outcome` looks up either.

    >>> outcome_label("unmet_need_days_others", "zh")
    '其他居民未满足需求天数'
    >>> outcome_label("peak_prevalence", "en", hazard="shock")
    'Peak share exposed'
"""

# Names other modules import from here; BOOTSTRAP_SEED, CI_LEVEL, MAX_COLUMNS and the two private
# helpers (used by coop_agents.exploration) stay where they always were.
from coop_agents.experiments.analysis.arms import arm_names
from coop_agents.experiments.analysis.bootstrap import (
    BOOTSTRAP_RESAMPLES,
    CI_METHOD,
)
from coop_agents.experiments.analysis.bootstrap import (
    BOOTSTRAP_SEED as BOOTSTRAP_SEED,
)
from coop_agents.experiments.analysis.bootstrap import (
    CI_LEVEL as CI_LEVEL,
)
from coop_agents.experiments.analysis.comparisons import paired_differences
from coop_agents.experiments.analysis.outcomes import (
    DERIVED_OUTCOMES,
    derive_outcomes,
    find_outcome,
    outcome_label,
    outcome_meaning,
    outcome_unit,
)
from coop_agents.experiments.analysis.outcomes import (
    _factor_columns as _factor_columns,
)
from coop_agents.experiments.analysis.outcomes import (
    _is_outcome as _is_outcome,
)
from coop_agents.experiments.analysis.report import analyse
from coop_agents.experiments.analysis.results import load_definition, load_results
from coop_agents.experiments.analysis.sensitivity_indices import sensitivity
from coop_agents.experiments.analysis.summaries import series_bands, summarise
from coop_agents.experiments.analysis.summary_md import MAX_COLUMNS as MAX_COLUMNS

__all__ = [
    "load_results",
    "load_definition",
    "summarise",
    "paired_differences",
    "series_bands",
    "derive_outcomes",
    "DERIVED_OUTCOMES",
    "find_outcome",
    "outcome_label",
    "outcome_unit",
    "outcome_meaning",
    "arm_names",
    "sensitivity",
    "analyse",
    "CI_METHOD",
    "BOOTSTRAP_RESAMPLES",
]
