"""The producers of the generated blocks of the docs (see scripts/make_docs.py)."""

from __future__ import annotations


def load_all() -> None:
    """Import every producer module, which registers its blocks."""
    from docgen import experiments, odd, readme, validation_doc, workshop  # noqa: F401
