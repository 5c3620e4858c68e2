"""A long fuzz campaign over ``read + repr + predict`` of mutated fixtures.

    nice python -m tests.fuzz.campaign --inputs 100000 --seed 1 --report fuzz.json

Prints and writes: inputs run, outcomes by status, escapes and silent changes (with
the mutation that made them), the slowest input (wall clock, and CPU time, which a
busy or paused machine does not inflate) and the peak resident memory, also as the
most any input added to the peak of the warmed-up process (TensorFlow and the seed
files loaded).

The seed files' own unchanged ``.keras`` archives load once per process for the
unseeded predict types (``--fresh-models`` loads every archive every time). With
``--report``, the figures so far are also written there at every ``--progress`` step, so
a run killed outright still leaves its count.
"""
from __future__ import annotations

import argparse
import json
import random
import resource
import signal
import sys
import time
from collections import Counter
from contextlib import nullcontext
from typing import Callable

from pykerasnip.atomic import write_atomically

from .harness import KINDS, SEEDS, Mutation, run, seed_models_reused, warm_up


def _next_mutation(rng: random.Random) -> Mutation:
    return Mutation(rng.randrange(len(SEEDS)), rng.randrange(10**6), rng.choice(KINDS),
                    rng.randrange(10**6))


def campaign(inputs: int, seed: int, progress: int = 0, start: int = 0,
             checkpoint: Callable[[dict], None] | None = None) -> dict:
    """Run inputs ``start`` to ``start + inputs`` of seed ``seed``'s sequence; each escape
    or silent change is also printed to stderr when it is found, and every ``progress``
    inputs the figures so far go to stderr and to ``checkpoint``. Interrupted (Ctrl-C or
    SIGTERM), it stops after the last whole input and reports what it ran."""
    rng = random.Random(seed)
    for _ in range(start):
        _next_mutation(rng)
    counts: Counter = Counter()
    problems: list[dict] = []
    slowest = (0.0, "")
    slowest_cpu = (0.0, "")
    errors: Counter = Counter()
    warm_up()
    warm_rss = _peak_rss_mb()
    began = time.perf_counter()
    done = 0

    def figures() -> dict:
        return {"inputs": done, "interrupted": done < inputs, "seed": seed, "start": start,
                "outcomes": dict(counts), "typed_errors": dict(errors), "problems": problems,
                "slowest_seconds": round(slowest[0], 3), "slowest": slowest[1],
                "slowest_cpu_seconds": round(slowest_cpu[0], 3), "slowest_cpu": slowest_cpu[1],
                "peak_rss_mb": _peak_rss_mb(), "warm_peak_rss_mb": warm_rss,
                "most_memory_any_input_added_mb": round(_peak_rss_mb() - warm_rss, 1),
                "wall_seconds": round(time.perf_counter() - began, 1)}

    for i in range(inputs):
        mutation = _next_mutation(rng)
        try:
            outcome = run(mutation)
        except KeyboardInterrupt:
            break
        done += 1
        counts[outcome.status] += 1
        if outcome.status == "typed":
            errors[outcome.error.split(":")[0]] += 1
        if outcome.status in ("escape", "changed"):
            problems.append({"status": outcome.status, "what": outcome.what, "error": outcome.error,
                             "mutation": vars(mutation), "input": start + i})
            print(json.dumps(problems[-1]), file=sys.stderr, flush=True)
        slowest = max(slowest, (outcome.seconds, outcome.what))
        slowest_cpu = max(slowest_cpu, (outcome.cpu_seconds, outcome.what))
        if progress and (i + 1) % progress == 0:
            print(f"{i + 1} inputs, {dict(counts)}", file=sys.stderr, flush=True)
            if checkpoint is not None:
                checkpoint(figures())

    return figures()


def _write_report(path: str, figures: dict) -> None:
    write_atomically(path, [json.dumps(figures, indent=1).encode()])


def _peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--start", type=int, default=0, help="skip this many inputs of the seed's sequence")
    parser.add_argument("--report", help="write the figures as JSON here")
    parser.add_argument("--progress", type=int, default=100)
    parser.add_argument("--fresh-models", action="store_true",
                        help="load every .keras archive afresh, the seeds' own unchanged ones included")
    args = parser.parse_args(argv)
    import warnings

    warnings.simplefilter("ignore")
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    write = (lambda figures: _write_report(args.report, figures)) if args.report else None
    with nullcontext() if args.fresh_models else seed_models_reused():
        result = campaign(args.inputs, args.seed, args.progress, args.start, write)
    if write is not None:
        write(result)
    print(json.dumps(result, indent=1))
    return 1 if result["problems"] else 0


if __name__ == "__main__":
    sys.exit(main())
