"""The workshop page (研讨会): choose, predict, reveal, export the brief.

A facilitator's round: choose a scenario from the workshop library and two to four patterns
(one the baseline); participants predict which pattern will harm the fewest residents and which
will respond fastest; Reveal runs the paired replicates in the background (a progress bar counts
the runs) and shows who was right against the result and its 95% confidence intervals; the brief
of that same batch downloads as one self-contained HTML page.

A round's choices, predictions and (after Reveal) result are kept in the browser session and
written, as they change, to one JSON file per round in the workshop folder
(``coop-agents app --workshop-dir DIR``, passed here in :data:`WORKSHOP_DIR_ENV`); a file is
replaced atomically, so a crash never leaves half a file. Every change goes through
:func:`change_round`, which writes the file before the page shows the change, one change at a
time: what the page shows of a round is on disk. After Reveal the round is fixed; New round
starts the next one, in a new file.starts the next one, in a new file.

The parts: :mod:`.rounds` (a round: its choices, predictions, file and Reveal), :mod:`.page`
(the page and its choose, predict and reveal steps) and :mod:`.results` (who was right, the
means, the brief's export).
"""

from __future__ import annotations

from coop_agents.viz.workshop.page import WorkshopView
from coop_agents.viz.workshop.rounds import (
    QUESTIONS,
    WORKSHOP_DIR_ENV,
    Prediction,
    WorkshopChoice,
    change_round,
    choice,
    current_choice,
    new_round,
    predictions,
    predictions_by_question,
    progress,
    result,
    reveal,
    round_id,
    round_record,
    save_round,
    saved,
    set_choice,
    verdicts,
    with_prediction,
    workshop_dir,
)

# The session's round (choice, predictions, round_id, result, progress, saved) is the same
# reactive values here as in .rounds: the page's tests set and read them through this module.
__all__ = [
    "WORKSHOP_DIR_ENV",
    "QUESTIONS",
    "WorkshopChoice",
    "Prediction",
    "predictions_by_question",
    "verdicts",
    "round_record",
    "save_round",
    "change_round",
    "WorkshopView",
    "choice",
    "current_choice",
    "new_round",
    "predictions",
    "progress",
    "result",
    "reveal",
    "round_id",
    "saved",
    "set_choice",
    "with_prediction",
    "workshop_dir",
]
