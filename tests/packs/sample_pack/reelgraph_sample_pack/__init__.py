"""A sample node pack: a TALLY socket type of its own and two nodes that use it.

Reelgraph imports this package through the ``reelgraph.nodes`` entry point, then every module
in it that imports the ``node`` decorator (here :mod:`.nodes`)."""

from .tally import Tally as Tally
