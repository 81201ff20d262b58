"""What the benchmarks share: the median wall time of a function over several runs, after one warm-up."""

from __future__ import annotations

import statistics
import time


def median_ms(fn, runs: int) -> float:
    """The median of `runs` timed calls of fn, in milliseconds, after one untimed call."""
    fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000
