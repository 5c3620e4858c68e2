"""The ``pykerasnip`` command line: demo, inspect, predict, convert.

Errors print one line on stderr and exit with the code :data:`EXIT_CODES` gives the
error's class, and warnings one line each; ``--verbose`` adds Python's traceback, where
a warning was raised, and TensorFlow's own log lines, which are otherwise kept off the
terminal.
"""
from __future__ import annotations

import argparse
import importlib.abc
import importlib.machinery
import logging
import os
import re
import sys
import tempfile
import warnings
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

from .errors import (BackendNotAvailableError, FormatError, MissingDependencyError,
                     PykerasnipError, RNotAvailableError, UnsafeWriteError, UntrustedCodeError)
from .serve import add_serve_command
from .tables import FORMAT_NAMES, check_input

EXIT_OK, EXIT_BUG, EXIT_USAGE, EXIT_INTERRUPTED, EXIT_PIPE_CLOSED = 0, 1, 2, 130, 141

#: error class -> exit code; an error's most specific class listed decides
EXIT_CODES: dict[type, int] = {
    FormatError: EXIT_USAGE,
    OSError: 3,
    PykerasnipError: 4,
    MissingDependencyError: 5, BackendNotAvailableError: 5, RNotAvailableError: 5,
    UnsafeWriteError: 6, UntrustedCodeError: 6,
}
_MEANINGS = {
    EXIT_OK: "ok",
    EXIT_BUG: "an internal error: a bug (please report it with the --verbose output)",
    EXIT_USAGE: "bad usage, or a file format pykerasnip does not read or write there",
    3: "a file is missing, unreadable or unwritable",
    4: "invalid or unsupported content",
    5: "a package the command needs is not installed",
    6: "refused for safety: an output that is an input, a symbolic link or not a regular "
       "file; R code stored in a file that was not trusted",
    EXIT_INTERRUPTED: "interrupted (Ctrl-C)",
    EXIT_PIPE_CLOSED: "stdout was closed early (a pipe into head): nothing printed",
}


def exit_code(exc: BaseException) -> int:
    """The exit code for an error (:data:`EXIT_CODES`; anything else is a bug: 1)."""
    return next((EXIT_CODES[cls] for cls in type(exc).__mro__ if cls in EXIT_CODES), EXIT_BUG)


def _exit_code_lines() -> str:
    def classes(code: int) -> str:
        names = [cls.__name__ for cls, c in EXIT_CODES.items() if c == code]
        return f" ({', '.join(names)})" if names else ""

    return "\n".join(f"  {code:<4}{text}{classes(code)}" for code, text in _MEANINGS.items())


def _message(exc: BaseException) -> str:
    """One line saying what went wrong."""
    text = " ".join(str(exc).split())
    if isinstance(exc, OSError):
        return f"{exc.filename}: {exc.strerror or text}" if exc.filename is not None else text
    if isinstance(exc, PykerasnipError):
        return f"{type(exc).__name__}: {text}"
    return f"internal error ({type(exc).__name__}: {text}); --verbose shows where, please report it"


def _warning_line(message: Warning | str, category: type[Warning], filename: str, lineno: int,
                  line: str | None = None) -> str:
    """A warning as one line saying what, without the package's file and source line."""
    return f"pykerasnip: warning: {category.__name__}: {' '.join(str(message).split())}\n"


# -- a quiet TensorFlow --------------------------------------------------------------------
#: absl's log line prefix ("I0000 00:00:1796529699.340528  2805 port.cc:153] ": before
#: absl is set up the seconds count from 1970) and its preamble
_TF_LOG_LINE = re.compile(r"[IWEF]\d{4} \d\d:\d\d:\d+\.\d+ +\d+ \S+:\d+\] |"
                          r"WARNING: All log messages before absl::InitializeLog\(\)")


@contextmanager
def _without_tensorflow_log_lines() -> Iterator[None]:
    """Run the block with file descriptor 2 captured; then pass on what TensorFlow's C++
    logging did not write. (TensorFlow logs at import before it reads
    TF_CPP_MIN_LOG_LEVEL, straight to the descriptor, past ``sys.stderr``.)"""
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as captured:
        os.dup2(captured.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            captured.seek(0)
            text = captured.read().decode("utf-8", errors="replace")
            sys.stderr.write("".join(line for line in text.splitlines(keepends=True)
                                     if not _TF_LOG_LINE.match(line)))


class _QuietTensorFlowImport(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Imports ``tensorflow`` (whenever something first does) without its start-up lines."""

    def __init__(self) -> None:
        self.loader: Any = None

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> Any:
        if name != "tensorflow":
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is not None and spec.loader is not None:
            self.loader, spec.loader = spec.loader, self
        return spec

    def create_module(self, spec: Any) -> Any:
        return self.loader.create_module(spec)

    def exec_module(self, module: Any) -> None:
        sys.meta_path.remove(self)
        module.__spec__.loader = module.__loader__ = self.loader
        with _without_tensorflow_log_lines():
            self.loader.exec_module(module)


def quiet_tensorflow() -> None:
    """Keep TensorFlow's informational logs (C++ start-up lines, absl, tf.function
    retracing) off the terminal, where the user has not configured them. For this
    process only: the command line's, never the library's."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    if "tensorflow" not in sys.modules:
        sys.meta_path.insert(0, _QuietTensorFlowImport())
    for name in ("tensorflow", "absl"):
        logger = logging.getLogger(name)
        if logger.level == logging.NOTSET:
            logger.setLevel(logging.ERROR)


# -- commands ------------------------------------------------------------------------------
def _cmd_demo(args: argparse.Namespace) -> int:
    from .demo import run_demo

    run_demo(Path(args.dir))
    return EXIT_OK


def _cmd_inspect(args: argparse.Namespace) -> int:
    from . import rds
    from .rformat import tree_str
    from .summary import describe_file

    if args.tree:
        print(tree_str(rds.load(args.file), max_depth=args.depth))
    else:
        print(describe_file(args.file))
    return EXIT_OK


def _cmd_predict(args: argparse.Namespace) -> int:
    if args.backend:
        os.environ["KERAS_BACKEND"] = args.backend  # read by Keras when it is first imported
    from .batch import predict_file

    predict_file(args.file, args.data, args.output, format=args.format,
                 follow_symlinks=args.follow_symlinks, type=args.type, level=args.level,
                 chunk_rows=args.chunk_rows, progress=not args.quiet, seed=args.seed)
    return EXIT_OK


def _cmd_convert(args: argparse.Namespace) -> int:
    from .batch import convert_file

    out = convert_file(args.file, args.to, args.output, follow_symlinks=args.follow_symlinks)
    print(out)
    return EXIT_OK


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, not {text}")
    return value


def _level(text: str) -> float:
    value = float(text)
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1 (exclusive), not {text}")
    return value


def _epilog() -> str:
    return f"""examples:
  pykerasnip inspect model.rds                    what is inside (model, recipe, versions)
  pykerasnip predict model.rds new.csv            predictions as CSV on stdout
  pykerasnip predict model.rds new.rds -o p.parquet --type pred_int --level 0.9
  cat new.csv | pykerasnip predict model.rds - -o -
  pykerasnip convert bundle.rds --to rds          an unbundled copy next to the input
  pykerasnip convert model.rds --to keras -o m.keras

Data formats (by extension, or --format): {', '.join(FORMAT_NAMES)}. '-' is stdin for the
data and stdout for the output; pipes and /dev/stdin are read whole and their format told
by the content. Output files are replaced atomically, never an input, and a symbolic link
only with --follow-symlinks. Errors print one line (--verbose: the traceback and
TensorFlow's logs).

Exit codes:
{_exit_code_lines()}"""


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS,
                        help="tracebacks, and TensorFlow's own log lines")
    parser = argparse.ArgumentParser(
        prog="pykerasnip", parents=[common],
        description="Hand fitted kerasnip models between R and Python.",
        epilog=_epilog(), formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = sub.add_parser("demo", parents=[common],
                          help="the saving-and-reloading vignette, told from Python")
    demo.add_argument("--dir", default="pykerasnip-demo",
                      help="folder for my_model.rds and my_model_bundle.rds (default: %(default)s)")
    demo.set_defaults(run=_cmd_demo)

    inspect = sub.add_parser("inspect", parents=[common], help="what is inside an .rds file")
    inspect.add_argument("file", help="an .rds file (workflow, model fit, bundle or any R object)")
    inspect.add_argument("--tree", action="store_true", help="print the raw R object tree, like str()")
    inspect.add_argument("--depth", type=int, default=4, help="depth limit for --tree (default: %(default)s)")
    inspect.set_defaults(run=_cmd_inspect)

    predict = sub.add_parser("predict", parents=[common], help="predict new data with a saved model")
    predict.add_argument("file", help="a workflow / model fit / bundle .rds, or a vetiver "
                                      "pin's .rds (- for stdin)")
    predict.add_argument("data", help=f"new data: {', '.join(FORMAT_NAMES)} (.rds: a data.frame); "
                                      "- for stdin")
    predict.add_argument("-o", "--output",
                         help="output file, its format by extension; - or none: stdout")
    predict.add_argument("--format", choices=FORMAT_NAMES,
                         help="output format (default: the output's extension; CSV on stdout)")
    predict.add_argument("--type", choices=["numeric", "class", "prob", "conf_int", "pred_int"],
                         help="prediction type (default: numeric for regression, class for classification)")
    predict.add_argument("--level", type=_level, default=0.95, help="interval level (default: %(default)s)")
    predict.add_argument("--chunk-rows", type=_positive_int, default=100_000,
                         help="rows per chunk for large inputs (default: %(default)s)")
    predict.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    predict.add_argument("--seed", type=int,
                         help="as R's keras3::set_random_seed(SEED) before predict(): the same "
                              "random draws as R (intervals, knn ties); predicts in one chunk")
    predict.add_argument("--backend", choices=["tensorflow", "jax", "torch", "numpy"],
                         help="Keras backend (default: $KERAS_BACKEND, else tensorflow, which "
                              "matches R to the bit; numpy starts faster, see docs/api.md)")
    predict.set_defaults(run=_cmd_predict)

    convert = sub.add_parser("convert", parents=[common],
                             help="extract the Keras model, rewrite, bundle or unbundle")
    convert.add_argument("file", help="a workflow / model fit / bundle .rds, or a vetiver pin's .rds")
    convert.add_argument("--to", required=True, choices=["keras", "rds", "bundle"],
                         help="keras: the .keras model; rds: an unbundled .rds; bundle: a bundled .rds")
    convert.add_argument("-o", "--output", help="output path (default: next to the input)")
    convert.set_defaults(run=_cmd_convert)
    for command in (predict, convert):
        command.add_argument("--follow-symlinks", action="store_true",
                             help="when the output is a symbolic link, write the file it points "
                                  "to (default: refuse)")
    add_serve_command(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "predict" and args.file == args.data == "-":
        parser.error("the model and the data cannot both come from stdin (-)")
    verbose = getattr(args, "verbose", False)
    if not verbose:
        quiet_tensorflow()
        warnings.formatwarning = _warning_line
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        for path in (getattr(args, name, None) for name in ("file", "data")):
            if path is not None:
                check_input(path)
        return run(args)
    except KeyboardInterrupt:
        print("pykerasnip: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # as a process killed by SIGPIPE; stdout goes nowhere so the exit flush is quiet
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_PIPE_CLOSED
    except Exception as exc:
        if verbose:
            import traceback

            traceback.print_exc()
        print(f"pykerasnip: {_message(exc)}", file=sys.stderr)
        return exit_code(exc)


if __name__ == "__main__":
    sys.exit(main())
