"""``pykerasnip serve``: the CLI subcommand (registering it imports nothing optional)."""
from __future__ import annotations

import argparse
from typing import Any

from .errors import MissingDependencyError

#: the largest request body (MiB) a server takes by default: about 600,000 rows of ten
#: numbers, which take some 1.5 GB while they are parsed and checked
MAX_BODY_MB = 64


def _serve(args: argparse.Namespace) -> int:
    try:
        from .deploy.serve import serve
    except ImportError as exc:
        raise MissingDependencyError(f"pykerasnip serve needs the vetiver extra ({exc.name} is "
                                       "missing): pip install 'pykerasnip[vetiver]'") from None
    limit = None if args.max_body_mb == 0 else int(args.max_body_mb * 2**20)
    serve(args.target, host=args.host, port=args.port, type=args.type, level=args.level,
          max_body_bytes=limit)
    return 0


def _megabytes(text: str) -> float:
    value = float(text)
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"must be a number of MiB, 0 or more, not {text}")
    return value


def add_serve_command(subparsers: Any) -> None:
    """Add ``serve TARGET [--host --port --type --level]`` to the CLI's subparsers."""
    p = subparsers.add_parser("serve", help="serve a vetiver pin or an .rds model over HTTP "
                              "(FastAPI; needs pykerasnip[vetiver])")
    p.add_argument("target", help="a pin folder (<board>/<name>), one of its version folders, "
                                  "or an .rds file (workflow, its bundle, vetiver pin)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    p.add_argument("--port", type=int, default=8000, help="port (default: %(default)s)")
    p.add_argument("--type", choices=["numeric", "class", "prob", "conf_int", "pred_int"],
                   help="default prediction type of /predict (a request's ?type= overrides it)")
    p.add_argument("--level", type=float, default=0.95, help="default interval level (default: %(default)s)")
    p.add_argument("--max-body-mb", type=_megabytes, default=MAX_BODY_MB,
                   help="largest request body in MiB; a larger one gets a 413 (0: no limit; "
                        "default: %(default)s)")
    p.set_defaults(run=_serve)
