"""Checks of the files and folders a command is given, before any work starts.

A name that is empty, holds a NUL or is not UTF-8; an input file that is a folder, a device, a
pipe or too large; an output folder or file that cannot be created or written; a results folder
that holds other files: each is refused in one line naming the path and what to give instead.
Re-exported by :mod:`coop_agents.limits`, the import path the rest of the package uses.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from coop_agents.errors import ConfigError, CoopError

__all__ = [
    "check_input_file",
    "check_name",
    "check_output_dir",
    "check_output_file",
    "check_results_dir",
]


def check_name(name: str | os.PathLike, what: str) -> str:
    """Refuse a file or folder name that is empty, holds a NUL or is not valid UTF-8; return it as text."""
    text = os.fspath(name)
    if isinstance(text, bytes):
        text = os.fsdecode(text)
    if not text:
        raise ConfigError(f"{what}: the name is empty; give a file or folder name")
    if "\0" in text:
        raise ConfigError(f"{what} {text!r}: the name holds a NUL character; give a name without it")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        shown = text.encode("utf-8", "backslashreplace").decode("ascii", "backslashreplace")
        raise ConfigError(
            f"{what} {shown}: the name is not valid UTF-8; use a name in UTF-8 "
            f"(results record their file names as text)"
        ) from None
    return text


def check_input_file(path: str | os.PathLike, what: str, limit: int) -> os.stat_result:
    """Check that ``path`` names a regular, readable file of at most ``limit`` bytes; return its stat.

    Devices, pipes and folders are refused before they are opened (``/dev/zero`` would never end,
    a FIFO would block).
    """
    text = check_name(path, f"the {what} file")
    try:
        st = os.stat(text)
    except FileNotFoundError:
        raise ConfigError(f"{text}: no such file; give the path of an existing {what} file") from None
    except OSError as exc:
        raise ConfigError(f"{text}: cannot read the {what} file ({exc.strerror or exc})") from None
    if stat.S_ISDIR(st.st_mode):
        raise ConfigError(f"{text}: is a folder, not a {what} file; give the path of a file")
    if not stat.S_ISREG(st.st_mode):
        raise ConfigError(
            f"{text}: not a regular file (a device, pipe or socket); give the path of a {what} file"
        )
    if st.st_size > limit:
        raise ConfigError(f"{text}: the {what} file has {st.st_size:,} bytes, above the limit of {limit:,}")
    return st


def _stat(path: Path, what: str, shown: str) -> os.stat_result | None:
    """``os.stat`` of an output path: None if it does not exist yet; a name the system refuses
    (too long, a file where a folder should be) raises :class:`CoopError`."""
    try:
        return path.stat()
    except FileNotFoundError:
        return None
    except NotADirectoryError:
        raise CoopError(
            f"{what} {shown}: a part of the path is a file, not a folder; give a path of folders"
        ) from None
    except OSError as exc:
        raise CoopError(
            f"{what} {shown}: not usable as a path ({exc.strerror or exc}); give another name"
        ) from None


def _probe(folder: Path, what: str, shown: str) -> None:
    try:
        fd, name = tempfile.mkstemp(prefix=".coop-write-test-", dir=folder)
    except OSError as exc:
        raise CoopError(
            f"{what} {shown}: cannot write in {folder} ({exc.strerror or exc}); "
            f"give a folder this user can write to"
        ) from None
    os.close(fd)
    os.unlink(name)


def check_output_dir(
    path: str | os.PathLike, what: str, files: tuple[str, ...] = (), create: bool = True
) -> Path:
    """Check (and create) an output folder before the work starts: a valid name, writable.

    Args:
        path: the folder.
        what: how the message names it, e.g. ``--out``.
        files: names of files that will be written in it; each must be a valid name there.
        create: create the folder (and its parents) now; otherwise only the nearest existing
            folder above it is checked.

    Returns:
        The folder as a :class:`Path`.
    """
    text = check_name(path, what)
    folder = Path(text)
    st = _stat(folder, what, text)
    if st is not None and not stat.S_ISDIR(st.st_mode):
        raise CoopError(f"{what} {text}: exists and is not a folder; give a folder name")
    if create:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CoopError(
                f"{what} {text}: cannot create the folder ({exc.strerror or exc}); "
                f"give a folder this user can write to"
            ) from None
        _probe(folder, what, text)
    else:
        existing = next((p for p in (folder, *folder.absolute().parents) if _stat(p, what, text)), None)
        if existing is None or not existing.is_dir():
            raise CoopError(f"{what} {text}: no folder to create it in; give a folder this user can write to")
        _probe(existing, what, text)
    for name in files:
        check_name(name, f"{what} {text}: the output file")
        target = folder / name
        if len(os.fsencode(name)) > 255:
            raise CoopError(
                f"{what} {text}: the output file name {name!r} is longer than 255 bytes; "
                f"use shorter pattern or file names"
            )
        st = _stat(target, what, text)
        if st is not None and stat.S_ISDIR(st.st_mode):
            raise CoopError(f"{what} {text}: {name} is a folder there; it would be overwritten by a file")
        if st is not None and not os.access(target, os.W_OK):
            raise CoopError(f"{what} {text}: {name} exists and cannot be overwritten by this user")
    return folder


def check_output_file(path: str | os.PathLike, what: str) -> Path:
    """Check that a file can be written at ``path`` (its folder exists and is writable) before the work."""
    text = check_name(path, what)
    out = Path(text)
    if len(os.fsencode(out.name)) > 255:
        raise CoopError(f"{what} {text}: the file name is longer than 255 bytes; use a shorter name")
    parent = out.parent
    st = _stat(parent, what, text)
    if st is None or not stat.S_ISDIR(st.st_mode):
        raise CoopError(
            f"{what} {text}: the folder {parent} does not exist; give a file name in an existing folder"
        )
    st = _stat(out, what, text)
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise CoopError(
            f"{what} {text}: is a folder; give a file name in an existing folder, e.g. brief.html"
        )
    if st is not None and not stat.S_ISREG(st.st_mode):
        raise CoopError(
            f"{what} {text}: exists and is not a regular file (a device or pipe); give a file name"
        )
    if st is not None and not os.access(out, os.W_OK):
        raise CoopError(f"{what} {text}: exists and cannot be overwritten by this user")
    _probe(parent, what, text)
    return out


def check_results_dir(path: str | os.PathLike, what: str = "--out") -> Path:
    """Check a batch's results folder before the batch: new, empty, or a results folder already.

    A folder holding other files (and no ``experiment.json``) is refused, so a batch never mixes
    its results into, say, a home folder; whether a results folder holds the *same* experiment
    is checked when the batch opens it.
    """
    text = check_name(path, what)
    folder = Path(text)
    st = _stat(folder, what, text)
    if st is not None:
        if not stat.S_ISDIR(st.st_mode):
            raise CoopError(f"{what} {text}: exists and is not a folder; give a new or empty folder")
        try:
            entries = [p.name for p in folder.iterdir()]
        except OSError as exc:
            raise CoopError(f"{what} {text}: cannot list the folder ({exc.strerror or exc})") from None
        if entries and "experiment.json" not in entries:
            raise CoopError(
                f"{what} {text}: the folder holds other files and is not a results folder "
                f"(no experiment.json); give a new or empty folder, or the results folder of "
                f"this experiment to resume it"
            )
    return check_output_dir(folder, what)
