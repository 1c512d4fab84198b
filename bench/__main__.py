"""`python -m bench [NAME ...] [options]`: run the named benchmarks, or all of them."""

import argparse
import asyncio
import importlib
import pkgutil
import sys

import bench
from bench import REGISTRY
from bench.common import console, cpu_snapshot, others_busy

NOT_BENCHMARKS = {"common", "__main__", "http_server"}


def discover() -> None:
    """Import every module of the package, so each registers its benchmarks."""
    for module in pkgutil.iter_modules(bench.__path__):
        if module.name not in NOT_BENCHMARKS:
            importlib.import_module(f"bench.{module.name}")


def parser() -> argparse.ArgumentParser:
    """The command line: benchmark names and options."""
    p = argparse.ArgumentParser(prog="python -m bench", description="Benchmarks of csrgraph: numbers beside targets.")
    p.add_argument("names", nargs="*", metavar="NAME", help=f"benchmarks to run (default: all: {', '.join(REGISTRY)})")
    p.add_argument("--explain", action="store_true",
                   help="search: also print the SQL and plans of each kind's first input and of its totalCount")
    p.add_argument("--quick", action="store_true", help="fewer iterations: a smoke run, not numbers to quote")
    p.add_argument("--rebuild", action="store_true", help="rebuild the seeded databases under var/bench/ first")
    p.add_argument("--rows", type=int, default=None, help="import: account rows in the file (default 1,000,000)")
    p.add_argument("--size", type=int, metavar="N",
                   help="exports: customers in the exported client (default 1,000,000; --quick 20,000)")
    p.add_argument("--profile", action="store_true", help="nested: where the GraphQL time goes, by package (cProfile)")
    p.add_argument("--duration", type=float, default=None,
                   help="load: seconds the agents work (default 180; 20 with --quick)")
    p.add_argument("--engine", default=None, help="load: sqlite, postgresql or both (default: sqlite,postgresql)")
    p.add_argument("--server-code", default=None, metavar="DIR",
                   help="load: serve the code checked out in DIR (PYTHONPATH), e.g. an older commit's, for a baseline")
    return p


async def run_all(names: list[str], options: argparse.Namespace) -> dict[str, bool]:
    """Run each named benchmark in turn; name -> whether it met every target."""
    # One after another: the machine has two cores and concurrent runs would skew each other.
    results = {}
    for name in names:
        start = cpu_snapshot()
        results[name] = await REGISTRY[name](options)
        console.print(f"{name}: {others_busy(start)}")
    return results


def main(argv: list[str] | None = None) -> int:
    """Entry point of `python -m bench` and `make bench`."""
    discover()
    options = parser().parse_args(argv)
    unknown = [n for n in options.names if n not in REGISTRY]
    if unknown:
        parser().error(f"unknown benchmark {', '.join(unknown)}; known: {', '.join(REGISTRY)}")
    results = asyncio.run(run_all(options.names or list(REGISTRY), options))
    summary = ", ".join(f"{name} {'PASS' if ok else 'MISS'}" for name, ok in results.items())
    console.print(f"\n[bold]bench:[/] {summary}")
    return 0  # a report, not a test: misses are printed, never a failed build


if __name__ == "__main__":
    sys.exit(main())
