"""The ``pykerasnip`` command line: demo, inspect, predict, convert.

Exit codes: 0 success; 2 bad usage; 3 a file is missing, unreadable or unwritable;
4 the content is invalid or unsupported (a :class:`~pykerasnip.errors.PykerasnipError`).
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Callable

from .errors import PykerasnipError
from .serve import add_serve_command

EXIT_OK, EXIT_USAGE, EXIT_IO, EXIT_CONTENT = 0, 2, 3, 4


def _cmd_demo(args: argparse.Namespace) -> int:
    from .demo import run_demo

    run_demo(Path(args.dir))
    return EXIT_OK


def _cmd_inspect(args: argparse.Namespace) -> int:
    from . import rds
    from .summary import describe_file, tree_str

    if args.tree:
        print(tree_str(rds.load(args.file), max_depth=args.depth))
    else:
        print(describe_file(args.file))
    return EXIT_OK


def _cmd_predict(args: argparse.Namespace) -> int:
    if args.backend:
        os.environ["KERAS_BACKEND"] = args.backend  # read by Keras when it is first imported
    from .batch import predict_file

    predict_file(args.file, args.data, args.output, type=args.type, level=args.level,
                 chunk_rows=args.chunk_rows, progress=not args.quiet, seed=args.seed)
    return EXIT_OK


def _cmd_convert(args: argparse.Namespace) -> int:
    from .batch import convert_file

    out = convert_file(args.file, args.to, args.output)
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


_EXAMPLES = """examples:
  pykerasnip inspect model.rds                    what is inside (model, recipe, versions)
  pykerasnip predict model.rds new.csv            predictions as CSV on stdout
  pykerasnip predict model.rds new.rds -o p.parquet --type pred_int --level 0.9
  pykerasnip convert bundle.rds --to rds          an unbundled copy next to the input
  pykerasnip convert model.rds --to keras -o m.keras

Exit codes: 0 ok, 2 usage, 3 a file missing, unreadable or unwritable, 4 invalid or unsupported
content."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pykerasnip",
        description="Hand fitted kerasnip models between R and Python.",
        epilog=_EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = sub.add_parser("demo", help="the saving-and-reloading vignette, told from Python")
    demo.add_argument("--dir", default="pykerasnip-demo",
                      help="folder for my_model.rds and my_model_bundle.rds (default: %(default)s)")
    demo.set_defaults(run=_cmd_demo)

    inspect = sub.add_parser("inspect", help="what is inside an .rds file")
    inspect.add_argument("file", help="an .rds file (workflow, model fit, bundle or any R object)")
    inspect.add_argument("--tree", action="store_true", help="print the raw R object tree, like str()")
    inspect.add_argument("--depth", type=int, default=4, help="depth limit for --tree (default: %(default)s)")
    inspect.set_defaults(run=_cmd_inspect)

    predict = sub.add_parser("predict", help="predict new data with a saved model")
    predict.add_argument("file", help="a workflow / model fit / bundle .rds")
    predict.add_argument("data", help="new data: .csv, .parquet or .rds (a data.frame)")
    predict.add_argument("-o", "--output", help="output .csv or .parquet (default: CSV on stdout)")
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

    convert = sub.add_parser("convert", help="extract the Keras model, rewrite, bundle or unbundle")
    convert.add_argument("file", help="a workflow / model fit / bundle .rds")
    convert.add_argument("--to", required=True, choices=["keras", "rds", "bundle"],
                         help="keras: the .keras model; rds: an unbundled .rds; bundle: a bundled .rds")
    convert.add_argument("-o", "--output", help="output path (default: next to the input)")
    convert.set_defaults(run=_cmd_convert)
    add_serve_command(sub)
    return parser


def _missing_input(args: argparse.Namespace) -> str | None:
    """The first input path given on the command line that is not a readable file."""
    paths = [getattr(args, name, None) for name in ("file", "data")]
    return next((p for p in paths if p is not None and not Path(p).is_file()), None)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = _parser().parse_args(argv)
    run: Callable[[argparse.Namespace], int] = args.run
    missing = _missing_input(args)
    if missing is not None:
        print(f"pykerasnip: cannot read {missing}: no such file", file=sys.stderr)
        return EXIT_IO
    # TensorFlow's C++ start-up notices would drown the command's own messages on stderr
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    try:
        return run(args)
    except (FileNotFoundError, IsADirectoryError, PermissionError) as exc:
        print(f"pykerasnip: {exc.filename}: {exc.strerror}", file=sys.stderr)
        return EXIT_IO
    except PykerasnipError as exc:
        print(f"pykerasnip: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_CONTENT


if __name__ == "__main__":
    sys.exit(main())
