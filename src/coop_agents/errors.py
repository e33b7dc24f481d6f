"""Errors that reach users as one line (the CLI turns them into exit status 2)."""

__all__ = ["CoopError", "ConfigError", "NetworkError"]


class CoopError(ValueError):
    """Bad input from a user: the message names what is wrong and what is allowed."""


class ConfigError(CoopError):
    """An unknown key, a value out of bounds, or a malformed scenario or pattern file."""


class NetworkError(CoopError):
    """A structure file (GraphML) that cannot be read or does not form a valid district."""
