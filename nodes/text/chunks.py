"""Passes 1 and 2 of the offline dependency relations: noun phrases and verb groups.

See ``relations.py`` for the whole parser. A ``SentenceParser`` holds one sentence's tokens
and the heads/labels being built; ``chunk()`` links the words inside each noun phrase
(det, amod, compound, nummod, poss) and verb group (aux, auxpass, neg) and returns the
sentence as a sequence of units (NP, VG, ADP, SC, REL, CC, COMMA, ADV, ADJ, PUNCT, OTHER).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Tok:
    text: str
    lower: str
    lemma: str
    tag: str
    pos: str


@dataclass
class Unit:
    kind: str  # NP VG ADP SC REL CC COMMA ADV ADJ PUNCT OTHER
    start: int
    end: int  # exclusive
    head: int
    finite: bool = False
    participle: bool = False
    copula: bool = False
    passive: bool = False
    expl: bool = False


NOMINAL_POS = frozenset({"NOUN", "PROPN"})
VERBISH = frozenset({"VERB", "AUX"})
PRENOMINAL_LEFT = frozenset({"DET", "ADJ", "NUM", "ADP", "CCONJ", "PRON", "NOUN", "PROPN"})


class SentenceParser:
    """Parse one sentence; ``heads`` are sentence-relative indices (a root is its own head)."""

    def __init__(self, toks: Sequence[Tok]) -> None:
        self.toks = list(toks)
        n = len(self.toks)
        self.heads = list(range(n))
        self.deps = ["dep"] * n
        self.used = [False] * n

    def chunk(self) -> list[Unit]:
        """Passes 1 and 2: noun phrases and verb groups linked inside, as a unit sequence."""
        return self._units()

    def link(self, child: int, head: int, dep: str) -> None:
        if child != head:
            self.heads[child] = head
        self.deps[child] = dep

    # -- pass 1 and 2: noun phrases and verb groups ------------------------------------------
    def _units(self) -> list[Unit]:
        nps = self._noun_phrases()
        vgs = self._verb_groups()
        spans = {u.start: u for u in nps + vgs}
        units: list[Unit] = []
        i = 0
        while i < len(self.toks):
            if i in spans:
                units.append(spans[i])
                i = spans[i].end
                continue
            units.append(Unit(self._single_kind(i), i, i + 1, i))
            i += 1
        return units

    def _single_kind(self, i: int) -> str:
        t = self.toks[i]
        if t.tag in ("WDT", "WP") or (t.lower == "that" and t.pos == "PRON"):
            return "REL"
        if t.text == ",":
            return "COMMA"
        if t.text in (";", ":", "—", "–"):
            return "SEMI"
        return {
            "ADP": "ADP",
            "SCONJ": "SC",
            "CCONJ": "CC",
            "ADV": "ADV",
            "ADJ": "ADJ",
            "PUNCT": "PUNCT",
            "PART": "ADV",
        }.get(t.pos, "OTHER")

    def _is_nominal(self, i: int) -> bool:
        t = self.toks[i]
        if t.pos in NOMINAL_POS:
            return True
        if t.pos == "PRON" and t.tag not in ("PRP$", "WDT", "WP", "WP$"):
            return True
        return t.pos == "NUM" and (i + 1 >= len(self.toks) or self.toks[i + 1].pos not in NOMINAL_POS | {"ADJ"})

    def _noun_phrases(self) -> list[Unit]:
        out: list[Unit] = []
        i = len(self.toks) - 1
        while i >= 0:
            if self.used[i] or not self._is_nominal(i) or self._continues_np(i):
                i -= 1
                continue
            start = self._np_modifiers(i)
            unit = Unit("NP", start, i + 1, i, expl=self.toks[i].tag == "EX")
            for j in range(start, i + 1):
                self.used[j] = True
            out.append(unit)
            i = start - 1
        return sorted(out, key=lambda u: u.start)

    def _continues_np(self, i: int) -> bool:
        """A noun followed by another noun (or a possessive 's) is a modifier, not a head."""
        if self.toks[i].pos == "PRON" or i + 1 >= len(self.toks):
            return False
        nxt = self.toks[i + 1]
        return (nxt.pos in NOMINAL_POS and self.toks[i].pos in NOMINAL_POS) or nxt.tag == "POS"

    def _np_modifiers(self, head: int) -> int:
        """Attach the modifiers left of ``head``; return the first token of the phrase."""
        if self.toks[head].pos == "PRON":
            return head
        j = head - 1
        first = head
        last_adj: int | None = None
        while j >= 0 and not self.used[j]:
            t = self.toks[j]
            if t.tag == "POS" and j - 1 >= 0 and self._is_nominal_like(j - 1):
                owner = j - 1
                self.link(j, owner, "case")
                self.link(owner, head, "poss")
                self.used[j] = self.used[owner] = True
                first = self._np_modifiers(owner)
                break
            dep = self._modifier_dep(j, head)
            if dep is None:
                break
            if dep == "amod_cc":  # "black and white": linked when the left adjective is reached
                first = j
                j -= 1
                continue
            if dep == "amod" and last_adj is not None and self.toks[j + 1].pos == "CCONJ":
                self.link(j + 1, j, "cc")
                self.link(last_adj, j, "conj")
            if dep == "advmod" and last_adj is not None:
                self.link(j, last_adj, "advmod")
            else:
                self.link(j, head, dep)
            if dep == "amod":
                last_adj = j
            first = j
            if dep in ("det", "poss"):
                j -= 1
                if j >= 0 and self.toks[j].lower in ("all", "both", "half") and not self.used[j]:
                    self.link(j, head, "predet")
                    first = j
                break
            j -= 1
        return first

    def _is_nominal_like(self, i: int) -> bool:
        return self.toks[i].pos in NOMINAL_POS or self.toks[i].pos == "PRON"

    def _modifier_dep(self, j: int, head: int) -> str | None:
        t = self.toks[j]
        if t.pos == "DET":
            return "det"
        if t.tag == "PRP$":
            return "poss"
        if t.pos == "NUM":
            return "nummod"
        if t.pos == "ADJ":
            return "amod"
        if t.pos == "VERB" and t.tag in ("VBG", "VBN") and (j == 0 or self.toks[j - 1].pos in PRENOMINAL_LEFT):
            return "amod"  # "a glowing sign", "with flying cars"; not ", sending spray" (a clause)
        if t.pos in NOMINAL_POS:
            return "compound"
        if t.pos == "ADV" and j + 1 < head and self.toks[j + 1].pos in ("ADJ", "VERB"):
            return "advmod"
        if t.pos == "CCONJ" and j - 1 >= 0 and self.toks[j - 1].pos == "ADJ" and self.toks[j + 1].pos == "ADJ":
            return "amod_cc"
        if t.pos == "PUNCT" and t.text in ("-", "–") and j - 1 >= 0:
            return "punct"
        return None

    def _verb_groups(self) -> list[Unit]:
        out: list[Unit] = []
        i = 0
        n = len(self.toks)
        while i < n:
            if self.used[i] or self.toks[i].pos not in VERBISH:
                i += 1
                continue
            j = i
            members = []
            while (
                j < n
                and not self.used[j]
                and (
                    self.toks[j].pos in VERBISH
                    or (self.toks[j].lower in ("not", "n't", "to") and members)
                    or (self.toks[j].pos == "ADV" and members and j + 1 < n and self.toks[j + 1].pos in VERBISH)
                )
            ):
                members.append(j)
                if self.toks[j].pos == "VERB":
                    j += 1
                    break
                j += 1
            out.append(self._verb_group(members))
            for k in members:
                self.used[k] = True
            i = j
        return out

    def _verb_group(self, members: list[int]) -> Unit:
        verbs = [k for k in members if self.toks[k].pos == "VERB"]
        head = verbs[-1] if verbs else [k for k in members if self.toks[k].pos == "AUX"][-1]
        copula = not verbs and self.toks[head].lemma == "be"
        passive = False
        for k in members:
            if k == head:
                continue
            t = self.toks[k]
            if t.lower in ("not", "n't"):
                self.link(k, head, "neg")
            elif t.pos == "ADV":
                self.link(k, head, "advmod")
            elif t.lemma == "be" and self.toks[head].tag == "VBN":
                self.link(k, head, "auxpass")
                passive = True
            else:
                self.link(k, head, "aux")
        tags = {self.toks[k].tag for k in members}
        finite = bool(tags & {"VBZ", "VBP", "VBD", "MD"})
        participle = not finite and len(members) == 1 and self.toks[head].tag in ("VBG", "VBN")
        return Unit(
            "VG",
            members[0],
            members[-1] + 1,
            head,
            finite=finite,
            participle=participle,
            copula=copula,
            passive=passive,
        )
