"""A drill's codes: a room code, one code per role, the facilitator's; and the seat a role's code
opens. Codes are compared in constant time, ignoring case and spaces."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Hashable
from dataclasses import dataclass

__all__ = [
    "CODE_ALPHABET",
    "FACILITATOR_CODE_LEN",
    "ROLE_CODE_LEN",
    "ROOM_CODE_LEN",
    "Seat",
    "new_code",
    "same_code",
]

# Codes are read aloud and typed on phones: no 0/O, 1/I/L.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
ROOM_CODE_LEN, ROLE_CODE_LEN, FACILITATOR_CODE_LEN = 6, 6, 10


def new_code(n: int) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(n))


def same_code(a: str, b: str) -> bool:
    return hmac.compare_digest(a.strip().upper().encode(), b.strip().upper().encode())


@dataclass
class Seat:
    """One role played by people: its code, who joined, whether they submitted this turn."""

    role: Hashable
    code: str
    player: str | None = None
    submitted: bool = False
