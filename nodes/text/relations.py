"""Rule-based dependency relations for the offline backend, in spaCy's English label scheme.

Short descriptive prompts have a small grammar: noun phrases ("a black leather jacket"),
verb groups ("is sitting"), prepositional phrases, coordination, and a few clause types
(subordinate "while ...", relative "who ...", participle "filled with ...", "..., chasing
seagulls"). The parser works in three passes over one sentence:

1. noun phrases, right to left from each head noun (det, amod, compound, nummod, poss);
2. verb groups (aux, auxpass, neg; the last verb heads the group, a lone "be" is a copula);
3. a left-to-right pass over those units with a stack of open clauses, attaching subjects,
   objects, prepositions, particles, conjuncts and linking each clause to its parent.

It returns, per token, a head index and a label (nsubj, dobj, prep, pobj, amod, compound,
conj, cc, acomp, attr, advcl, relcl, acl, xcomp, prt, mark, ...), the same labels the
installed spaCy pipelines produce, so the scene-graph builder reads both alike.
"""

from __future__ import annotations

from collections.abc import Sequence

from .attach import Attacher
from .chunks import SentenceParser, Tok

__all__ = ["Tok", "parse_sentence"]


def parse_sentence(toks: Sequence[Tok]) -> tuple[list[int], list[str]]:
    """Heads (sentence-relative) and dependency labels for one tagged sentence."""
    parser = SentenceParser(toks)
    if not parser.toks:
        return [], []
    Attacher(parser, parser.chunk()).run()
    return parser.heads, parser.deps
