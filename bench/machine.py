"""The yardstick every bench prints next to its figures: this machine's speed right now.

The machine is shared and its speed drifts by a third within minutes, so a figure means
something only next to the time of a fixed piece of pure-Python work in the same run.
"""

from __future__ import annotations

import statistics
import time


def machine_speed() -> str:
    """Median of five runs of a fixed pure-Python loop: the yardstick for this run's figures."""
    runs = []
    for _ in range(5):
        t0 = time.perf_counter()
        total = 0
        for i in range(1_000_000):
            total += i
        runs.append(time.perf_counter() - t0)
    return f"machine speed: a fixed 1M-step Python loop takes {statistics.median(runs) * 1000:.0f} ms"
