"""The small interface every hazard implements, and the registry users add their own to."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import numpy as np

from coop_agents.errors import ConfigError

if TYPE_CHECKING:
    from coop_agents.rng import DayDraws
    from coop_agents.world import World

__all__ = ["Hazard", "HAZARDS", "register_hazard", "make_hazard"]


class Hazard:
    """A risk process acting on residents' true state, vectorised over residents.

    Subclasses set :attr:`name` and implement the methods below. The model calls them in the
    documented step order (see :meth:`coop_agents.model.CoordinationModel.step`). A hazard sees
    the world (:class:`coop_agents.world.World`: configuration, residents, contacts, communities),
    never the model, and reads what governance does to residents only through the resident
    arrays (``world.residents.protection``, ``.isolated``, ``.safe``, ``.care_share()``).

    To keep common random numbers, :meth:`advance` receives the day's keyed uniforms of a stream
    of its own (:class:`coop_agents.rng.DayDraws`: index it with the residents whose numbers it
    reads); a resident's number depends only on the stream, the day and the resident, whatever
    the pattern does or who else draws.

    Attributes:
        active: residents currently affected (counted in prevalence).
        detectable: residents whose condition monitoring can detect now.
        affected: residents ever affected (the ``harm`` outcome counts them).
        severe: residents who suffered severe harm.
        onset_step: first step the hazard was present at all (for delays).
    """

    name: ClassVar[str] = ""

    def __init__(self, world: World) -> None:
        self.world = world
        n = world.residents.n
        self.active = np.zeros(n, dtype=bool)
        self.detectable = np.zeros(n, dtype=bool)
        self.affected = np.zeros(n, dtype=bool)
        self.severe = np.zeros(n, dtype=bool)
        self.onset_step: int | None = None

    def begin_on(self, day: int) -> None:
        """Make this hazard an event that begins on ``day`` (before :meth:`start`)."""
        self.begin_day = day

    begin_day: int = 0
    current: int = 0  # the event under way (several events: its index; one hazard: 0)

    @property
    def n_active(self) -> int:
        """How many residents are affected now (``active``): the day's prevalence counts them."""
        return int(np.count_nonzero(self.active))

    def start_due(self, step: int) -> None:
        """Start the events due by ``step`` (several events, :class:`coop_agents.events.HazardSet`);
        a single hazard has none to start."""

    def start(self, rng: np.random.Generator, prevention: float) -> None:
        """Place the hazard (index cases, footprint) using the hazard stream.

        Args:
            rng: the hazard stream.
            prevention: strength of screening in normal times, 0..1 (0 when prevention is off).
        """
        raise NotImplementedError

    def advance(self, step: int, u: DayDraws) -> None:
        """Move the true state one step, given the day's uniforms (``u[rows]``)."""
        raise NotImplementedError

    def true_risk(self, step: int) -> np.ndarray:
        """Per community: the true risk as a multiple of the critical point (1.0 = critical)."""
        raise NotImplementedError

    # Whether :meth:`observe` reads ``notice``. A hazard that is seen only through the residents
    # monitoring has detected says False, and monitoring then works the chance out only on days it
    # has residents to detect.
    reads_notice = True

    def observe(self, detected: np.ndarray, notice: np.ndarray, u: np.ndarray, step: int) -> np.ndarray:
        """Per community: the risk monitoring can see, as a multiple of the critical point.

        Args:
            detected: residents detected so far (bool per resident).
            notice: per community, the chance today that monitoring notices a precursor.
            u: one uniform number per community (monitoring stream).
            step: the current step.
        """
        raise NotImplementedError

    def resync(self) -> None:
        """Derive again whatever the hazard keeps from day to day from its public arrays, after
        someone wrote them directly (a drill's inject); a hazard that keeps nothing does nothing."""

    def contained(self, step: int) -> bool:
        """True once the hazard can cause no more harm without a new event."""
        raise NotImplementedError

    def needs(self, step: int) -> np.ndarray:
        """Residents who need help today because of the hazard (care, supplies, evacuation).

        Read only: the array may be the hazard's own (callers copy before changing it).
        """
        raise NotImplementedError

    def warn(self, effect: np.ndarray, u: DayDraws, information: float) -> None:
        """Warnings reach residents where measures are on (``effect`` per community, 0..1).

        Args:
            effect: per community, the strength of measures today (0 where none).
            u: the day's warning uniforms, by resident (``u[rows]``).
            information: the information-integration pillar (how far warnings reach).
        """

    def serve(self, served: np.ndarray) -> None:
        """Apply the help given today to the residents in ``served`` (bool per resident)."""


HAZARDS: dict[str, type[Hazard]] = {}


def register_hazard(cls: type[Hazard]) -> type[Hazard]:
    """Class decorator: make a hazard available by its ``name`` (scenario key ``hazard``, which is
    checked against this registry when a configuration is made)."""
    if not cls.name:
        raise ValueError(f"{cls.__name__} needs a non-empty name")
    HAZARDS[cls.name] = cls
    return cls


def make_hazard(name: str, world: World) -> Hazard:
    """Create the registered hazard ``name`` in ``world``.

    Raises:
        ConfigError: no hazard of that name is registered.
    """
    try:
        cls = HAZARDS[name]
    except KeyError:
        raise ConfigError(f"hazard={name!r}: unknown; allowed: {', '.join(sorted(HAZARDS))}") from None
    return cls(world)
