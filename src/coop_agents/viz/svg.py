"""Figures as SVG for the browser: text stays text, set in fonts that have Chinese glyphs.

The browser draws an SVG's text with its own fonts, so Chinese shows even where the server has no
Chinese font; the server only lays the words out, in :func:`font_family` (inside :func:`fonts`).
"""

from __future__ import annotations

import contextlib
import functools
import io
import re
import warnings
from pathlib import Path

import matplotlib
from matplotlib import font_manager
from matplotlib.figure import Figure

__all__ = ["CJK_FONTS", "font_family", "fonts", "svg"]

# Fonts with Chinese glyphs, best first: Linux packages, then macOS and Windows system fonts.
CJK_FONTS = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "PingFang SC",
    "Heiti SC",
    "Microsoft YaHei",
    "SimHei",
)
CJK_FILES = re.compile(r"notosanscjk|sourcehansans|wqy|pingfang|stheiti|msyh|simhei")


@functools.cache
def font_family() -> tuple[str, ...]:
    """Latin text in DejaVu Sans, Chinese glyphs from the first CJK font found (matplotlib falls
    back glyph by glyph along the list)."""

    def found() -> list[str]:
        names = {f.name for f in font_manager.fontManager.ttflist}
        return [n for n in CJK_FONTS if n in names]

    if not found():
        # Matplotlib lists the system's fonts once and caches the list; a font installed since
        # (make setup installs one) is missing from it until added.
        for path in font_manager.findSystemFonts():
            if CJK_FILES.search(Path(path).name.lower()):
                font_manager.fontManager.addfont(path)
    cjk = found()
    if not cjk:
        warnings.warn(
            "no font with Chinese glyphs found: Chinese labels in the app's charts show as "
            "boxes; install one (Debian: apt-get install fonts-wqy-microhei)",
            stacklevel=2,
        )
    return ("DejaVu Sans", *cjk[:1])


def svg(fig: Figure) -> bytes:
    """The figure as SVG bytes with text as text, as the app sends it to the browser."""
    buf = io.BytesIO()
    with warnings.catch_warnings(), matplotlib.rc_context({"svg.fonttype": "none"}):
        # Without a Chinese font on the server only the layout is approximate: the browser draws
        # the glyphs with its own fonts.
        warnings.filterwarnings("ignore", r"Glyph \d+ .* missing from font")
        fig.savefig(buf, format="svg")
    return buf.getvalue()


def fonts() -> contextlib.AbstractContextManager:
    """Matplotlib's settings for a figure with words: :func:`font_family` at 9 points."""
    return matplotlib.rc_context({"font.family": list(font_family()), "font.size": 9})
