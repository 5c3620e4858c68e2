"""Differential check of the RDS decoder against R's own ``readRDS`` (R 4.2.2).

The decoder fuzzer (:mod:`.fuzz_rds`) checks that bad input gives a typed error; this
checks that pykerasnip accepts what R accepts and reads it as R reads it. Candidates are
the R-made seeds of tests/data/decoder_diff/seeds (tests/r/make_differential_seeds.R)
changed by one of :data:`.rds_mutators.MUTATORS` (a flags bit, a type code, a length or
its long-vector form, a string's encoding or bytes, the header's format, version or
native encoding, bytes, another format), sometimes in a (damaged) container, and
streams drawn from a grammar of valid ones (:mod:`.rds_grammar`). For each batch:

1. pykerasnip decodes each candidate in a worker process (``rds.loads``, default
   budget; timed, watched for memory, a crash costs one input) and writes its tree back
   twice: as read (``rds.dumps``) and as version-3 XDR;
2. one ``Rscript`` (tests/r/differential_judge.R) reads each candidate with
   ``readRDS``, saves its canonical form (``saveRDS(version = 3, compress = FALSE)``) and
   reads pykerasnip's two files, comparing them to its own read (``serialize()`` bytes,
   else ``identical()``); a crash or hang of R costs one input;
3. where both read, pykerasnip's tree is compared with R's canonical form as pykerasnip
   decodes it (:func:`.rds_compare.differences`): a value read differently is found even
   when pykerasnip writes the stream back unchanged.

Each input ends in one of :data:`CLASSES`; a disagreement either matches one of the
documented :data:`DIVERGENCES` (a deliberate difference, with its reason) or is
unexplained: a bug to fix. The long run::

    nice -n 10 python3 -m tests.fuzz.differential --inputs 15000 --report diff.json --keep /tmp/diff

``--show I`` prints input I's verdict with its details.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from pykerasnip import rds
from pykerasnip.errors import PykerasnipError
from pykerasnip.rds import nodes as n

from . import rds_grammar, rds_mutators
from .fuzz_rds import children
from .rds_compare import differences

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "decoder_diff"
SEEDS = DATA / "seeds"
JUDGE = ROOT / "tests" / "r" / "differential_judge.R"
BASE_SEED = 0x5EED_D1FF
#: share of candidates drawn from the grammar, and wrapped in a container
GRAMMAR_SHARE, CONTAINER_SHARE = 0.25, 0.08
#: a worker's wall-clock allowance per input; how long R may go without a verdict
PY_TIMEOUT, R_STALL = 30.0, 15.0
#: an input whose decode raises the worker's peak memory by more than this is flagged
MEMORY_FLAG = 256 << 20
#: R's address space (R refuses a vector it cannot allocate, as it does on a small machine)
R_ADDRESS_SPACE = 4 << 30

BOTH_REFUSE, SAME = "both refuse", "both read, same"
R_ONLY, PY_ONLY = "R reads, pykerasnip refuses", "pykerasnip reads, R refuses"
SAME_IDENTICAL = "both read, identical() but not byte-equal"
DIFFER = "both read, differ"
PY_FAILS, R_FAILS = "pykerasnip fails (untyped error, crash, hang, memory)", "R crashes or hangs"
CLASSES = (BOTH_REFUSE, SAME, SAME_IDENTICAL, R_ONLY, PY_ONLY, DIFFER, PY_FAILS, R_FAILS)
#: classes that are disagreements unless a documented divergence explains them (R's
#: identical() is the criterion; where only it holds, samples are kept all the same)
DISAGREEMENTS = (R_ONLY, PY_ONLY, DIFFER, PY_FAILS)


@dataclass(frozen=True)
class Divergence:
    """A documented difference between pykerasnip and R: inputs of the classes ``kinds``
    whose details match ``pattern`` (a regular expression) differ for ``reason``."""

    kinds: "str | tuple[str, ...]"
    pattern: str
    reason: str

    def explains(self, kind: str, detail: str) -> bool:
        kinds = (self.kinds,) if isinstance(self.kinds, str) else self.kinds
        return kind in kinds and re.search(self.pattern, detail) is not None


#: deliberate differences, by name (see docs/security.md)
DIVERGENCES: dict[str, Divergence] = {
    "damaged container": Divergence(
        (R_ONLY, DIFFER), r"pykerasnip: RDSError: (corrupt|truncated) (gzip|bzip2|xz|lzma) data|"
                          r"\| R: .*(lzma decoder corrupt data|invalid or incomplete compressed)",
        "pykerasnip inflates the whole container and checks its end (checksums, lengths); "
        "R stops once it has the object, so damage after it passes with a warning at most "
        "(and an xz stream followed by other bytes gives R stale bytes of its buffer)"),
    "string as an object": Divergence(
        R_ONLY, r"a string element \(CHARSXP\) where an object belongs",
        "R's reader takes a CHARSXP anywhere, making an object no R code can use"),
    "sequence state": Divergence(
        R_ONLY, r"compact integer sequence .* leaves R's integer range|"
                r"(invalid|malformed) compact sequence state",
        "R makes the sequence its state's numbers say without checking them (wrapping "
        "integers, truncating doubles, reading integers as doubles); pykerasnip refuses "
        "states R's writer never makes"),
    "dangling reference": Divergence(
        R_ONLY, r"reference to entry \d+ of a table of \d+",
        "R's reference table gives NULL for an index past its entries but inside its "
        "allocation (128 slots, doubling); pykerasnip refuses the index"),
    "shared bytecode cells": Divergence(
        R_ONLY, r"shared bytecode cell \d+ outside R's table|bytecode cell of unexpected type",
        "R stores a shared byte-code cell at an index past the table it made for them "
        "(memory it does not own) and makes a cell of any type it is given; pykerasnip "
        "refuses both"),
    "primitive name lengths": Divergence(
        R_ONLY, r"negative length -?\d+ of a primitive's name",
        "in ASCII R reads nothing for a negative length and names the primitive with "
        "uninitialised memory; pykerasnip refuses the length"),
    "largest double in ASCII": Divergence(
        DIFFER, r"1\.7976931348623157e\+308|1\.79769313486232e\+308",
        "R writes the largest doubles in ASCII as a token that rounds up, so its reader "
        "makes them infinite; pykerasnip reads the finite value R wrote"),
    "another package's ALTREP class": Divergence(
        DIFFER,
        r"(cannot expand|cannot write its \w+ stream): UnsupportedObjectError: ALTREP class",
        "R loads the package of an ALTREP class it does not know (failing that, it warns "
        "and makes a zero-length vector); pykerasnip runs no package's code: it keeps the "
        "object and refuses to expand it"),
    "another package's ALTREP state": Divergence(
        PY_ONLY, r"cannot unserialize this ALTREP object",
        "the package of an ALTREP class refuses a state; pykerasnip, which runs no "
        "package's code, keeps the object (and refuses to expand it)"),
    "ALTREP budget": Divergence(
        DIFFER, r"cannot expand: RDSError: ALTREP .* over Limits\.max_altrep_bytes",
        "an ALTREP object is expanded within Limits.max_altrep_bytes"),
    "package environments": Divergence(
        (DIFFER, PY_ONLY), r"Package\(.* vs R's _Singleton GlobalEnv|"
                          r"pykerasnip read .*Package\(",
        "R looks a package environment up when reading, running R code that gives the "
        "global environment for a package not attached and fails on a name it cannot "
        "use; pykerasnip keeps the reference by name"),
    "namespaces": Divergence(
        (PY_ONLY, DIFFER), r"there is no package called|namespace|"
                           r"Namespace\(.* vs R's _Singleton GlobalEnv",
        "R loads a namespace a stream refers to (refusing one it cannot load); pykerasnip "
        "keeps the reference by name"),
    "promises": Divergence(
        (DIFFER, SAME_IDENTICAL), r"value: [^|]*Promise[^|]* vs R's|\| R: promise\b",
        "R's evaluator forces a promise that readRDS returns as a value, so R's judge "
        "sees its value; pykerasnip keeps the promise as data"),
    "primitives": Divergence(
        (DIFFER, R_ONLY), r"Builtin\(.* vs R's NULL|not a Builtin.*unrecognized internal function",
        "pykerasnip keeps a primitive by its name without R's table of them; R makes NULL "
        "of a name it does not know, with a warning"),
    "byte-code instructions": Divergence(
        PY_ONLY, r"R: unknown instruction code",
        "pykerasnip keeps byte code as data without R's table of instructions; R refuses "
        "code of its own version with an instruction it does not have"),
    "ALTREP class information": Divergence(
        R_ONLY, r"malformed ALTREP class information",
        "R reads an ALTREP object's class, package and type through whatever cells hold "
        "them (a closure, an improper list) without checking; pykerasnip wants the "
        "pairlist R writes"),
    "primitive kinds": Divergence(
        PY_ONLY, r"requested primitive type is not consistent with cached value",
        "pykerasnip keeps a primitive by its name without R's table of them; R refuses "
        "a builtin written as a special or the reverse"),
}


@dataclass
class Candidate:
    name: str
    how: str
    data: bytes


@dataclass
class Verdict:
    """What happened to one candidate on both sides."""

    candidate: Candidate
    python: dict
    r: dict
    value: "str | None" = None
    kind: str = ""
    detail: str = ""
    explained_by: "str | None" = None


# ------------------------------------------------------------------------------ candidates
@lru_cache(maxsize=1)
def seeds() -> "list[tuple[str, bytes, rds_mutators.Layout]]":
    """The R-made seed streams with their layouts. Missing seeds are an error: the check
    has nothing to stand on."""
    files = sorted(SEEDS.glob("*.rds"))
    if not files:
        raise FileNotFoundError(f"no seed streams under {SEEDS}; run "
                                "tests/r/make_differential_seeds.R")
    return [(path.stem, data, rds_mutators.layout(data))
            for path in files for data in [path.read_bytes()]]


def candidate(index: int, base: int = BASE_SEED) -> Candidate:
    """Candidate number ``index`` (deterministic for ``base``)."""
    rng = random.Random(base * 1_000_003 + index)
    if rng.random() < GRAMMAR_SHARE:
        how, data = rds_grammar.generate(rng)
        how = f"grammar ({how})"
    else:
        pool = seeds()
        name, data, where = pool[rng.randrange(len(pool))]
        mutator = rng.choices(list(rds_mutators.WEIGHTS), list(rds_mutators.WEIGHTS.values()))[0]
        data = rds_mutators.MUTATORS[mutator](rng, data, where)
        how = f"{mutator} of {name}"
    if rng.random() < CONTAINER_SHARE:
        kind, data = rds_mutators.container(rng, data)
        how += f" in {kind}"
    return Candidate(f"c{index:07d}", how, data)


# ------------------------------------------------------------------------------ python side
def _all_subclasses(cls: type) -> "list[type]":
    found, stack = [], [cls]
    while stack:
        for sub in stack.pop().__subclasses__():
            found.append(sub)
            stack.append(sub)
    return found


def _error(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:400]


def python_decode(data: bytes) -> "tuple[dict, dict[str, bytes]]":
    """pykerasnip's outcome for ``data`` and the streams it writes from its tree."""
    began = time.process_time()
    try:
        tree = rds.loads(data)
    except PykerasnipError as exc:
        return {"outcome": "typed", "error": _error(exc), "cpu": time.process_time() - began}, {}
    except Exception as exc:  # noqa: BLE001 -- an escape is what is looked for
        return {"outcome": "untyped", "error": _error(exc),
                "trace": traceback.format_exc()[-1500:], "cpu": time.process_time() - began}, {}
    result: dict = {"outcome": "read", "cpu": time.process_time() - began, "writer": {},
                    "version": getattr(getattr(tree, "_header", None), "version", None),
                    "altrep": holds_altrep(tree)}
    try:
        result["shown"] = repr(tree)[:160]
    except Exception as exc:  # noqa: BLE001
        result["repr"] = _error(exc)
    written = {}
    for key, options in WRITES.items():
        try:
            written[key] = rds.dumps(tree, **options)
        except Exception as exc:  # noqa: BLE001
            result["writer"][key] = _error(exc)
    return result, written


def holds_altrep(tree: Any) -> bool:
    """Does the tree hold an ALTREP object (which a version-2 stream writes expanded)?"""
    stack, seen = [tree], set()
    while stack:
        node = stack.pop()
        if isinstance(node, n.AltRep):
            return True
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.extend(children(node))
    return False


#: the streams pykerasnip writes from its tree: as read, and as version-3 XDR
WRITES: dict[str, dict] = {"rewrite": {}, "xdr3": {"version": 3, "format": "xdr"}}


def python_compare(pair: "tuple[bytes, bytes]") -> "str | None":
    """Where pykerasnip's tree of a candidate differs from R's canonical form of it."""
    data, canonical = pair
    try:
        theirs = rds.loads(canonical)
    except Exception as exc:  # noqa: BLE001
        return f"pykerasnip cannot read R's canonical form: {_error(exc)}"
    try:
        return differences(rds.loads(data), theirs)
    except Exception as exc:  # noqa: BLE001
        return f"comparison failed: {_error(exc)}"


def _serve(task: Callable, items: list, conn: Any) -> None:
    for i, item in enumerate(items):
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        result = task(item)
        grew = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) * 1024
        conn.send((i, result, grew))


def in_worker(task: Callable[[Any], Any], items: list, timeout: float = PY_TIMEOUT) -> list:
    """``task`` of each item, run in a forked worker: an item that kills the worker gives
    ``{"outcome": "crash"}``, one that takes longer than ``timeout`` seconds
    ``{"outcome": "hang"}``, and the worker restarts after it. Each result comes as
    ``(result, bytes the worker's peak memory grew by)``."""
    results: list = [None] * len(items)
    ctx = mp.get_context("fork")
    position = 0
    while position < len(items):
        parent, child = ctx.Pipe(duplex=False)
        worker = ctx.Process(target=_serve, args=(task, items[position:], child))
        worker.start()
        child.close()
        received, failure = 0, "crash"
        while position + received < len(items):
            if not parent.poll(timeout):
                failure = "hang"
                worker.kill()
                break
            try:
                i, result, grew = parent.recv()
            except EOFError:
                break
            results[position + i] = (result, grew)
            received = i + 1
        worker.join()
        parent.close()
        position += received
        if position < len(items):
            results[position] = ({"outcome": failure}, 0)
            position += 1
    return results


# ------------------------------------------------------------------------------ R side
def _limit_r() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (R_ADDRESS_SPACE, R_ADDRESS_SPACE))
    os.nice(10)


def _judge_once(job_file: Path, results: Path) -> str:
    """Run the judge on ``job_file``: "done", or "crash" / "hang" when it died or wrote
    no verdict for ``R_STALL`` seconds (the file it was reading is the culprit)."""
    with subprocess.Popen(["Rscript", "--vanilla", JUDGE, job_file, results],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                          preexec_fn=_limit_r, env={**os.environ, "TZ": "UTC"}) as proc:
        size, progress = -1, time.time()
        while proc.poll() is None:
            time.sleep(0.1)
            now = results.stat().st_size if results.exists() else 0
            if now != size:
                size, progress = now, time.time()
            elif time.time() - progress > R_STALL:
                proc.kill()
                proc.wait()
                return "hang"
        return "done" if proc.returncode == 0 else "crash"


def r_judge(jobs: "list[list[Path]]", folder: Path) -> "dict[str, dict]":
    """R's verdicts on the candidates of ``jobs`` (name, candidate, canonical output,
    pykerasnip's files): one Rscript for all, restarted after a crash or hang (which
    costs the file it was reading)."""
    verdicts: dict[str, dict] = {}
    pending = jobs
    while pending:
        job_file, results = folder / "jobs.tsv", folder / "results.tsv"
        job_file.write_text("".join("\t".join(map(str, job)) + "\n" for job in pending))
        results.unlink(missing_ok=True)
        failure = _judge_once(job_file, results)
        # lines end in "\n" only: R's messages may hold other characters Python breaks at
        text = results.read_text(errors="replace") if results.exists() else ""
        lines = text.split("\n")[:-1]
        for line in lines:
            name, status, message, warnings, *compared = line.split("\t")
            verdicts[name] = {"status": status, "message": message, "warnings": warnings,
                              "compared": dict(zip(WRITES, compared))}
        done = len(lines)
        if done < len(pending):
            verdicts[str(pending[done][0])] = {"status": failure, "message": f"R: {failure}",
                                               "warnings": "", "compared": {}}
            done += 1
        pending = pending[done:]
    return verdicts


# ------------------------------------------------------------------------------ verdicts
def _untyped(message: str) -> bool:
    return not any(message.startswith(f"{cls}:") for cls in TYPED)


#: names of pykerasnip's typed errors (what a message starts with)
TYPED = {cls.__name__ for cls in (PykerasnipError, *_all_subclasses(PykerasnipError))}


def _agrees(key: str, verdict: str, version: "int | None") -> bool:
    """Is R's comparison of its read with pykerasnip's ``key`` stream an agreement? A
    version-2 stream cannot hold ALTREP objects: it agrees once they are expanded."""
    return verdict == "same" or (verdict == "same in version 2" and key == "rewrite"
                                 and version == 2)


def classify(verdict: Verdict) -> None:
    """Set the verdict's class, its details and the divergence that explains it."""
    py, r = verdict.python, verdict.r
    outcome, status = py.get("outcome"), r.get("status")
    writer = py.get("writer") or {}
    failures = [f"writer: {m}" for m in writer.values() if _untyped(m)]
    failures += [f"repr: {py['repr']}"] if py.get("repr") else []
    if py.get("grew", 0) > MEMORY_FLAG:
        failures.append(f"peak memory grew by {py['grew'] >> 20} MiB")
    if outcome in ("untyped", "crash", "hang") or failures:
        kind = PY_FAILS
        detail = f"pykerasnip {outcome}: {py.get('error', '')} {'; '.join(failures)}"
    elif status not in ("ok", "error"):
        kind = R_FAILS
        detail = f"R {status} {r['message']}; pykerasnip {outcome}: {py.get('error', 'read')}"
    elif outcome == "typed" and status == "error":
        kind, detail = BOTH_REFUSE, f"pykerasnip: {py['error']} | R: {r['message']}"
    elif outcome == "typed":
        kind, detail = R_ONLY, f"pykerasnip: {py['error']} | R read {r['message']} {r['warnings']}"
    elif status == "error":
        kind = PY_ONLY
        detail = f"R: {r['message']} {r['warnings']} | pykerasnip read {py.get('shown', '')}"
    else:
        compared = r["compared"]
        off = {k: v for k, v in compared.items() if not _agrees(k, v, py.get("version"))}
        problems = [f"pykerasnip cannot write its {k} stream: {m}" for k, m in writer.items()]
        problems += [f"R reads pykerasnip's {k} stream: {v}" for k, v in off.items()
                     if v != "identical" and k not in writer]
        problems += [f"value: {verdict.value}"] if verdict.value else []
        if problems:
            kind, detail = DIFFER, "; ".join(problems) + f" | R: {r['message']} {r['warnings']}"
        elif off:
            kind = SAME_IDENTICAL
            detail = f"only identical() holds for {sorted(off)} | R: {r['message']} {r['warnings']}"
        else:
            kind, detail = SAME, ""
    verdict.kind, verdict.detail = kind, detail
    verdict.explained_by = next((key for key, d in DIVERGENCES.items()
                                 if d.explains(kind, detail)), None)


def run_batch(batch: "list[Candidate]", folder: Path) -> "list[Verdict]":
    """Judge one batch on both sides (files under ``folder``)."""
    folder.mkdir(parents=True, exist_ok=True)
    decoded = in_worker(python_decode, [c.data for c in batch])
    verdicts, jobs = [], []
    for cand, (outcome, grew) in zip(batch, decoded):
        result, written = outcome if isinstance(outcome, tuple) else (outcome, {})
        result["grew"] = grew
        path = folder / f"{cand.name}.rds"
        path.write_bytes(cand.data)
        job = [cand.name, path, folder / f"{cand.name}.canonical"]
        for key, data in written.items():
            out = folder / f"{cand.name}.{key}"
            out.write_bytes(data)
            job.append(out)
        jobs.append(job)
        verdicts.append(Verdict(cand, result, {}))
    judged = r_judge(jobs, folder)
    for verdict in verdicts:
        verdict.r = judged[verdict.candidate.name]
    both = [v for v in verdicts if v.python["outcome"] == "read" and v.r["status"] == "ok"
            and "canonical form failed" not in v.r["message"]]
    compared = in_worker(python_compare, [
        (v.candidate.data, (folder / f"{v.candidate.name}.canonical").read_bytes()) for v in both])
    for verdict, (value, _) in zip(both, compared):
        verdict.value = value if not isinstance(value, dict) else f"comparison {value['outcome']}"
    for verdict in verdicts:
        classify(verdict)
    return verdicts


def run(inputs: int, start: int = 0, batch: int = 400, base: int = BASE_SEED,
        keep: "Path | None" = None, progress: bool = False) -> dict:
    """Judge candidates ``start .. start + inputs``; the counts by class and by
    divergence, with samples of each disagreement (their files copied to ``keep``)."""
    counts: Counter = Counter()
    explained: Counter = Counter()
    samples: dict[str, list[dict]] = {}
    unexplained = 0
    began = time.time()
    with tempfile.TemporaryDirectory(prefix="rds_differential_") as tmp:
        for first in range(start, start + inputs, batch):
            last = min(first + batch, start + inputs)
            verdicts = run_batch([candidate(i, base) for i in range(first, last)],
                                 Path(tmp) / f"batch{first}")
            for v in verdicts:
                counts[v.kind] += 1
                if v.explained_by:
                    explained[f"{v.kind} / {v.explained_by}"] += 1
                elif v.kind in DISAGREEMENTS + (SAME_IDENTICAL,):
                    samples.setdefault(v.kind, []).append(
                        {"input": int(v.candidate.name[1:]), "how": v.candidate.how,
                         "detail": v.detail})
                    unexplained += v.kind in DISAGREEMENTS
                    if keep is not None:
                        keep.mkdir(parents=True, exist_ok=True)
                        (keep / f"{v.candidate.name}.rds").write_bytes(v.candidate.data)
            shutil.rmtree(Path(tmp) / f"batch{first}", ignore_errors=True)
            if progress:
                print(f"{last - start:,} inputs ({time.time() - began:.0f} s): "
                      + ", ".join(f"{k} {c}" for k, c in counts.most_common()), flush=True)
    return {"inputs": inputs, "start": start, "base_seed": base, "seconds": time.time() - began,
            "classes": dict(counts), "explained": dict(explained), "unexplained": unexplained,
            "samples": samples}


def show(index: int, base: int = BASE_SEED) -> Verdict:
    """Candidate ``index`` judged alone."""
    with tempfile.TemporaryDirectory(prefix="rds_differential_") as tmp:
        return run_batch([candidate(index, base)], Path(tmp))[0]


def main(argv: "list[str] | None" = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inputs", type=int, default=2000)
    parser.add_argument("--start", type=int, default=0)
    parser.add_argument("--batch", type=int, default=400)
    parser.add_argument("--base", type=lambda s: int(s, 0), default=BASE_SEED)
    parser.add_argument("--report", type=Path, help="write the totals and samples as JSON")
    parser.add_argument("--keep", type=Path, help="copy unexplained disagreements here")
    parser.add_argument("--show", type=int, help="judge one input and print its verdict")
    args = parser.parse_args(argv)
    if args.show is not None:
        v = show(args.show, args.base)
        print(f"input {args.show}: {v.candidate.how}, {len(v.candidate.data)} bytes\n"
              f"class: {v.kind} (explained by {v.explained_by})\ndetail: {v.detail}\n"
              f"pykerasnip: {v.python}\nR: {v.r}\nvalue: {v.value}")
        return 0
    report = run(args.inputs, args.start, args.batch, args.base, args.keep, progress=True)
    if args.report:
        args.report.write_text(json.dumps(report, indent=1))
    print(json.dumps({k: report[k] for k in ("classes", "explained", "unexplained", "seconds")},
                     indent=1))
    for kind, items in report["samples"].items():
        for item in items[:8]:
            print(f"[{kind}] #{item['input']} {item['how']}: {item['detail'][:300]}")
    return 1 if report["unexplained"] else 0


if __name__ == "__main__":
    sys.exit(main())
