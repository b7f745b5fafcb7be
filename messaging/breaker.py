"""A circuit breaker for OpenAI: during an outage, stop waiting for it.

Without it every turn of an outage waited for the model's timeouts and retries (51 s
each), one after another. With it, after ``failures`` consecutive failures or timeouts
within ``window`` seconds the breaker *opens*: for ``cooldown`` seconds nobody calls
OpenAI and the rule engine answers at once. Then exactly one turn is let through as a
*probe*; its success closes the breaker, its failure opens it for another cool-down.
Any success resets the count (failures must be consecutive).

One breaker serves a whole process: every turn on its event loop (the concurrent
consumer runs up to 64), and the Huey threads too. State changes are a few assignments
under a ``threading.Lock`` with no ``await`` inside, so they are atomic for coroutines
and threads alike. A caller gets a :class:`Permit` and reports on it exactly once;
a permit dropped without a verdict (a cancelled turn, a failure that was not OpenAI's)
is :meth:`Permit.release`-d so a probe slot is never lost.

Time is a monotonic seconds function passed in (``time.monotonic`` by default): this
measures waits, not the business's calendar, and tests step it by hand.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger("parlo.conversation")


@dataclass(frozen=True, slots=True)
class BreakerPolicy:
    failures: int = 3
    window: float = 120.0
    cooldown: float = 60.0


class Permit:
    """Leave to call OpenAI once; report how it went with one of the three methods."""

    __slots__ = ("breaker", "probe", "_done")

    def __init__(self, breaker: "CircuitBreaker", probe: bool) -> None:
        self.breaker = breaker
        self.probe = probe
        self._done = False

    def succeeded(self) -> None:
        if not self._done:
            self._done = True
            self.breaker._succeeded(self)

    def failed(self) -> None:
        if not self._done:
            self._done = True
            self.breaker._failed(self)

    def release(self) -> None:
        """No verdict on OpenAI (the turn was cancelled, or failed before reaching it)."""
        if not self._done:
            self._done = True
            self.breaker._released(self)


class CircuitBreaker:
    def __init__(self, policy: BreakerPolicy = BreakerPolicy(), *, clock: Callable[[], float] = time.monotonic,
                 name: str = "OpenAI") -> None:
        if policy.failures < 1:
            raise ValueError("the breaker needs at least one failure to open")
        self.policy = policy
        self.clock = clock
        self.name = name
        self._lock = threading.Lock()
        self._failures: deque[float] = deque()
        self._open_until: float | None = None
        self._probing = False
        #: How often it opened, and how many calls it spared (for logs, /health and tests).
        self.openings = 0
        self.skipped = 0

    @property
    def state(self) -> str:
        with self._lock:
            if self._open_until is None:
                return "closed"
            if self.clock() < self._open_until:
                return "open"
            return "probing" if self._probing else "half_open"

    def acquire(self) -> Permit | None:
        """A permit to call OpenAI now, or None: skip it (open, or another turn is probing)."""
        with self._lock:
            if self._open_until is None:
                return Permit(self, probe=False)
            if self.clock() < self._open_until or self._probing:
                self.skipped += 1
                return None
            self._probing = True
            return Permit(self, probe=True)

    def _succeeded(self, permit: Permit) -> None:
        with self._lock:
            self._failures.clear()
            if permit.probe:
                self._probing = False
            if self._open_until is not None:
                self._open_until = None
                log.warning("%s answers again: the circuit breaker closed", self.name)

    def _failed(self, permit: Permit) -> None:
        now = self.clock()
        with self._lock:
            if permit.probe:
                self._probing = False
                self._open(now, "the probe failed")
                return
            if self._open_until is not None:
                return  # already open: a call that started before is no news
            self._failures.append(now)
            while self._failures and self._failures[0] < now - self.policy.window:
                self._failures.popleft()
            if len(self._failures) >= self.policy.failures:
                self._open(now, f"{len(self._failures)} failures in a row")

    def _released(self, permit: Permit) -> None:
        if permit.probe:
            with self._lock:
                self._probing = False

    def _open(self, now: float, why: str) -> None:
        self._open_until = now + self.policy.cooldown
        self._failures.clear()
        self.openings += 1
        log.warning("%s circuit breaker open for %.0f s (%s): the rule engine answers meanwhile",
                    self.name, self.policy.cooldown, why)
