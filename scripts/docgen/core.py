"""The machinery of ``make docs``: marked blocks, their producers, caches and progress.

A block is the text between two marker lines in a Markdown file::

    <!-- BEGIN generated: NAME -->
    ...produced by code...
    <!-- END generated: NAME -->

Each NAME has one producer (a function registered with :func:`block`) that returns the block's
text. A *cheap* producer reads only code and tables (the outcome registry, the parameter table,
presets, a model's start); the others run the model and may take minutes, so their runs are
cached under ``results/docs/`` (keyed on the model's code, so a change of the model runs them
again).
"""

from __future__ import annotations

import hashlib
import re
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / "results" / "docs"

# The files that hold generated blocks, by the short name ``--only`` takes.
FILES = {
    "readme": "README.md",
    "odd": "docs/odd.md",
    "validation": "docs/validation.md",
    "workshop": "docs/workshop.md",
    "experiments": "experiments/README.md",
}

MARKER = re.compile(r"^<!-- (BEGIN|END) generated: ([\w.:-]+) -->[ \t]*$", re.MULTILINE)


@dataclass
class Block:
    name: str
    group: str  # a key of FILES
    cheap: bool
    produce: Callable[[Context], str]

    @property
    def path(self) -> Path:
        return ROOT / FILES[self.group]


BLOCKS: dict[str, Block] = {}


def block(group: str, name: str, cheap: bool) -> Callable:
    """Register a producer of the block ``name`` of the file ``FILES[group]``."""

    def register(fn: Callable[[Context], str]) -> Callable[[Context], str]:
        if name in BLOCKS:
            raise ValueError(f"block {name!r} is registered twice")
        BLOCKS[name] = Block(name, group, cheap, fn)
        return fn

    return register


@dataclass
class Context:
    """What producers share: options, progress output and results computed once per run."""

    workers: int = 2
    fresh: bool = False
    quiet: bool = False
    started: float = field(default_factory=time.perf_counter)
    memo: dict = field(default_factory=dict)

    def say(self, message: str) -> None:
        """A progress line on stderr, with the time since ``make docs`` started."""
        if not self.quiet:
            elapsed = time.perf_counter() - self.started
            print(
                f"[make docs {int(elapsed) // 60}:{int(elapsed) % 60:02d}] {message}",
                file=sys.stderr,
                flush=True,
            )

    def once(self, key: str, compute: Callable[[], object]) -> object:
        """``compute()`` the first time ``key`` is asked for in this run; its result afterwards."""
        if key not in self.memo:
            self.memo[key] = compute()
        return self.memo[key]

    def cache_dir(self, kind: str, *parts: str) -> Path:
        """``results/docs/<kind>-<key>``: a folder for runs of the current model code.

        Folders of the same kind made by other code are removed; with ``fresh`` this one is too.
        """
        key = hashlib.sha256("\0".join((model_fingerprint(), *parts)).encode()).hexdigest()[:12]
        folder = CACHE / f"{kind}-{key}"
        CACHE.mkdir(parents=True, exist_ok=True)
        for old in CACHE.glob(f"{kind}-*"):
            if (
                old != folder
                and old.is_dir()
                and re.fullmatch(rf"{re.escape(kind)}-[0-9a-f]{{12}}", old.name)
            ):
                shutil.rmtree(old, ignore_errors=True)
        if self.fresh and folder.exists() and folder not in self.memo.setdefault("_fresh_done", set()):
            shutil.rmtree(folder)
        self.memo.setdefault("_fresh_done", set()).add(folder)
        folder.mkdir(parents=True, exist_ok=True)
        return folder


# Parts of the package that cannot change a number the model computes: the app, the workshop's
# cards and briefs, the translations.
# Code that computes no run's outcomes: the app, briefs, words, the command line, the drill's pages and
# the exploration analyses (whose own producer keys its optimisation and calibration on them).
_NOT_MODEL = ("viz/", "workshop/", "i18n/", "cli/", "exploration/", "ema.py")


def model_fingerprint() -> str:
    """A hash of the code that computes outcomes: ``src/coop_agents`` apart from the app and briefs."""
    src = ROOT / "src" / "coop_agents"
    h = hashlib.sha256()
    for path in sorted(src.rglob("*")):
        rel = path.relative_to(src).as_posix()
        if not path.is_file() or "__pycache__" in rel or rel.startswith(_NOT_MODEL):
            continue
        if path.suffix not in (".py", ".toml", ".graphml", ".json"):
            continue
        h.update(rel.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


# ----------------------------------------------------------------------------------- the files


def read_blocks(path: Path) -> tuple[str, list[tuple[str, int, int]]]:
    """The file's text and its blocks: (name, start of the body, end of the body) in order.

    Raises:
        SystemExit: a marker without its partner, or blocks nested or repeated.
    """
    text = path.read_text(encoding="utf-8")
    found, open_name, open_end = [], None, 0
    seen = set()
    for m in MARKER.finditer(text):
        kind, name = m.group(1), m.group(2)
        line = text.count("\n", 0, m.start()) + 1
        if kind == "BEGIN":
            if open_name is not None:
                raise SystemExit(f"{path}:{line}: BEGIN {name} inside the block {open_name}")
            if name in seen:
                raise SystemExit(f"{path}:{line}: the block {name} appears twice")
            open_name, open_end = name, m.end() + 1
        else:
            if name != open_name:
                raise SystemExit(f"{path}:{line}: END {name} without its BEGIN")
            found.append((name, open_end, m.start()))
            seen.add(name)
            open_name = None
    if open_name is not None:
        raise SystemExit(f"{path}: BEGIN {open_name} without its END")
    return text, found


def normalise(body: str) -> str:
    """A block's text as it stands between its markers: ending in exactly one newline."""
    return body.strip("\n") + "\n"


def rewrite(path: Path, bodies: dict[str, str]) -> list[str]:
    """Replace the bodies of the named blocks of ``path``; return the names that changed."""
    text, found = read_blocks(path)
    changed = []
    out, pos = [], 0
    for name, start, end in found:
        if name not in bodies:
            continue
        new = normalise(bodies[name])
        if text[start:end] != new:
            changed.append(name)
        out += [text[pos:start], new]
        pos = end
    out.append(text[pos:])
    if changed:
        path.write_text("".join(out), encoding="utf-8")
    return changed


def current(path: Path) -> dict[str, str]:
    text, found = read_blocks(path)
    return {name: text[start:end] for name, start, end in found}


# --------------------------------------------------------------------------- formatting helpers


def wrap(text: str, width: int = 100) -> str:
    """Prose wrapped at ``width`` (a bullet's continuation lines indented under its text)."""
    import textwrap

    lead = len(text) - len(text.lstrip(" "))
    indent = " " * (lead + 2) if text.lstrip(" ").startswith(("- ", "* ")) else " " * lead
    # Code spans are not broken across lines.
    text = re.sub(r"`[^`\n]*`", lambda m: m.group().replace(" ", "\0"), text)
    if max((len(w) for w in text.split()), default=0) > width - len(indent):
        return text.replace("\0", " ")  # a run of Chinese (no spaces to break at) stays on one line
    return textwrap.fill(
        text, width=width, subsequent_indent=indent, break_long_words=False, break_on_hyphens=False
    ).replace("\0", " ")


def md_table(header: list[str], rows: list[list[str]]) -> str:
    """A Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


_SMALL = (
    "no",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
)


def words(n: int) -> str:
    """0–12 in words, larger numbers in digits (with grouped thousands)."""
    return _SMALL[n] if 0 <= n < len(_SMALL) else f"{n:,}"


def duration(seconds: float) -> str:
    """``about 35 s`` / ``about 2 minutes``, for how long a batch took."""
    if seconds < 90:
        return f"about {max(5, 5 * round(seconds / 5)):.0f} s"
    return f"about {round(seconds / 60)} minutes"
