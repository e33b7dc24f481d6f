"""The four governance states of a community (design §2.4): 常态, 前转换态, 应急态, 后转换态.

A community's state is one number in :class:`coop_agents.world.CommunityArrays`; the committee's
state machine (:mod:`coop_agents.agents.committee`) and the rules (:mod:`coop_agents.governance`)
move it.
"""

from __future__ import annotations

from enum import IntEnum

__all__ = ["GovernanceState"]


class GovernanceState(IntEnum):
    """The four governance states of a community (design §2.4)."""

    NORMAL = 0  # 常态
    PRE_TRANSITION = 1  # 前转换态
    EMERGENCY = 2  # 应急态
    POST_TRANSITION = 3  # 后转换态

    @property
    def label_zh(self) -> str:
        return ("常态", "前转换态", "应急态", "后转换态")[self]
