"""``python -m server.app [--host H] [--port P] [--token T] [--data-dir D] [--output-dir O]``:
the server without the rest of the CLI (``python main.py serve`` is the usual way)."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from . import Config, serve


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m server.app", description="Reelgraph's HTTP/WebSocket server.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8188)
    parser.add_argument("--token", default=None)
    parser.add_argument("--data-dir", default="data")
    parser.add_argument("--output-dir", default="output")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    serve(
        Config(
            host=args.host,
            port=args.port,
            token=args.token,
            data_dir=Path(args.data_dir),
            output_dir=Path(args.output_dir),
        )
    )


if __name__ == "__main__":
    main()
