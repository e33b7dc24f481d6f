"""The producers of the generated blocks of the docs (see scripts/make_docs.py).

Each module here (besides ``core`` and ``wording``) registers the blocks it produces with
:func:`docgen.core.block`; a new module is picked up by :func:`load_all` without further wiring.
"""

from __future__ import annotations

import importlib
import pkgutil

# Made first, in this order (cheap tables, then the runs the later blocks reuse); any other
# module after them, by name.
_FIRST = ("odd", "readme", "validation_doc", "workshop", "experiments")
_HELPERS = {"core", "wording"}


def load_all() -> None:
    """Import every producer module, which registers its blocks."""
    found = {m.name for m in pkgutil.iter_modules(__path__)} - _HELPERS
    for name in [*(n for n in _FIRST if n in found), *sorted(found - set(_FIRST))]:
        importlib.import_module(f"docgen.{name}")
