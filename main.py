"""Reelgraph command line: `python main.py run|validate|nodes|serve` (see README.md)."""

import sys

from server.cli import main

if __name__ == "__main__":
    sys.exit(main())
