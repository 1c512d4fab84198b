"""Benchmarks of csrgraph: `python -m bench [NAME ...]` runs them and prints tables with targets.

A benchmark is an async function `run(options) -> bool` (True when every target is met) in a
module of this package, registered with `@benchmark("name")`; `__main__` imports every module
here, so adding one is adding a file.
"""

import argparse
from collections.abc import Awaitable, Callable

Benchmark = Callable[[argparse.Namespace], Awaitable[bool]]
REGISTRY: dict[str, Benchmark] = {}


def benchmark(name: str) -> Callable[[Benchmark], Benchmark]:
    """Register `run` under `name` for `python -m bench name`."""

    def register(run: Benchmark) -> Benchmark:
        if name in REGISTRY:
            raise ValueError(f"benchmark {name!r} registered twice")
        REGISTRY[name] = run
        return run

    return register
