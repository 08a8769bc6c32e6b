"""What evaluating one constraint on a log gives: which cases break it, where, and its activations."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from guifan.engine.process.log import Bools, EventLog, Ints, merge


@dataclass(frozen=True)
class Judgement:
    """One constraint on every case.

    ``event`` is, per case, the index (into the log) of the event at which the case broke the constraint,
    or -1 for a violation that no single event shows (an activity that never happens). Activations are the
    events (or, for templates about the whole case, the cases) that make the constraint apply; ``fulfilled``
    of them are satisfied. ``pending`` counts activations that cannot be judged yet (a time limit still running).
    """

    violated: Bools
    event: Ints
    activations: int
    fulfilled: int
    pending: int = 0

    @property
    def fulfilment(self) -> float | None:
        """Fulfilled activations over activations; None when nothing activated the constraint."""
        return self.fulfilled / self.activations if self.activations else None


def by_activation(log: EventLog, activations: int, *bad: Ints) -> Judgement:
    """A judgement from the number of activations and the positions of the violated ones (each ascending)."""
    violated = merge(*bad)
    first = log.first_per_case(violated)
    return Judgement(first >= 0, first, activations, activations - len(violated))


def by_case(log: EventLog, violated: Bools, event: Ints) -> Judgement:
    """A judgement on whole cases: each case is one activation."""
    event = np.where(violated, event, -1)
    n_bad = int(np.count_nonzero(violated))
    return Judgement(violated, event, log.n_cases, log.n_cases - n_bad)
