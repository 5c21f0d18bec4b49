"""Timing helpers shared by the bench scripts (same-run medians)."""
import re
import statistics
import time

# What compiled executables print for --bench N.
LATENCY = re.compile(r"latency: median ([0-9.]+) ms")


def median_ms(call, runs, warmup=3):
    """Median wall time of `call()` in milliseconds over `runs` calls after `warmup`."""
    for _ in range(warmup):
        call()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)
