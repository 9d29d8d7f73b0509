"""Pass 3 of the offline dependency relations: attach units with a stack of open clauses.

Subjects, objects, prepositions, particles, conjuncts and predicate adjectives are attached
to the clause being read; subordinate ("while ..."), relative ("who ..."), participle
("filled with ...", "..., chasing seagulls") and coordinated clauses are opened on a stack and
finally linked to their parent (advcl, relcl, acl, conj). See ``relations.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .chunks import SentenceParser, Unit


@dataclass
class Clause:
    kind: str  # main advcl relcl acl conj xcomp
    anchor: int | None = None  # token the clause attaches to (its parent), None for main
    pred: int | None = None
    subj: int | None = None
    obj: int | None = None
    acomp: int | None = None
    last_np: int | None = None
    last_np_end: int = -1
    mark: int | None = None
    pending: list[int] = field(default_factory=list)  # tokens waiting for the predicate (advmod, prep)
    copula: bool = False
    passive: bool = False


class Attacher:
    """Pass 3: attach units to each other with a stack of open clauses."""

    def __init__(self, parser: SentenceParser, units: list[Unit]) -> None:
        self.p = parser
        self.units = units
        self.stack: list[Clause] = [Clause("main")]
        self.closed: list[Clause] = []
        self.pending_prep: int | None = None
        self.pending_cc: int | None = None
        self.coord_first: int | None = None

    @property
    def c(self) -> Clause:
        return self.stack[-1]

    def peek(self, k: int, offset: int = 1) -> Unit | None:
        return self.units[k + offset] if 0 <= k + offset < len(self.units) else None

    def run(self) -> None:
        for k, unit in enumerate(self.units):
            handler = getattr(self, f"on_{unit.kind.lower()}", self.on_other)
            handler(k, unit)
        self.closed.extend(reversed(self.stack))
        self.finish()

    # -- unit handlers ------------------------------------------------------------------------
    def on_np(self, k: int, u: Unit) -> None:
        c = self.c
        if self.pending_prep is not None:
            self.p.link(u.head, self.pending_prep, "pobj")
            self.pending_prep = None
        elif self.pending_cc is not None and self.coord_first is not None:
            self.p.link(u.head, self.coord_first, "conj")
            self.pending_cc = None
        elif u.expl:
            c.pending.append(u.head)
            self.p.deps[u.head] = "expl"
        elif c.pred is None and c.subj is None:
            c.subj = u.head
        elif c.pred is None:
            self.p.link(u.head, c.subj, "appos")  # type: ignore[arg-type]
        elif c.obj is None:
            c.obj = u.head
            self.p.link(u.head, c.pred, "attr" if c.copula else "dobj")
        else:
            self.p.link(u.head, c.pred, "npadvmod")
        c.last_np, c.last_np_end = u.head, u.end
        if self.coord_first is None or self.p.deps[u.head] != "conj":
            self.coord_first = u.head

    def on_vg(self, k: int, u: Unit) -> None:
        c = self.c
        prev = self.peek(k, -1)
        if (
            u.participle
            and prev is not None
            and prev.kind == "NP"
            and c.last_np == prev.head
            and (c.pred is not None or c.subj != prev.head or self._finite_ahead(k))
        ):
            self.open(Clause("acl", anchor=prev.head, pred=u.head))
            return
        before = self.p.toks[u.start - 1] if u.start > 0 else None
        if before is not None and before.lower == "to" and before.pos == "PART" and c.pred is not None:
            self.p.link(u.start - 1, u.head, "aux")
            self.p.link(u.head, c.pred, "xcomp")
            return
        while c.pred is not None and c.kind in ("acl", "relcl") and u.finite and len(self.stack) > 1:
            self.close()
            c = self.c
        if c.pred is None:
            self.set_pred(c, u)
        elif prev is not None and prev.kind == "VG":
            self.p.link(u.head, prev.head, "xcomp")
            c.pred = u.head if not u.finite else c.pred
        else:
            self.open(Clause("conj", anchor=c.pred, subj=None))
            self.set_pred(self.c, u)

    def on_adp(self, k: int, u: Unit) -> None:
        nxt = self.peek(k)
        c = self.c
        if nxt is None or nxt.kind != "NP":
            if c.pred is not None and self.p.toks[u.head].tag in ("RP", "IN"):
                self.p.link(u.head, c.pred, "prt")
            elif c.pred is not None:
                self.p.link(u.head, c.pred, "advmod")
            else:
                c.pending.append(u.head)
                self.p.deps[u.head] = "prt"
            return
        self.p.link(u.head, self.prep_anchor(u), "prep")
        if self.p.heads[u.head] == u.head:
            c.pending.append(u.head)
            self.p.deps[u.head] = "prep"
        self.pending_prep = u.head

    def prep_anchor(self, u: Unit) -> int:
        c = self.c
        lemma = self.p.toks[u.head].lemma
        right_after_np = c.last_np is not None and c.last_np_end == u.start
        if lemma == "of" and right_after_np:
            return c.last_np  # type: ignore[return-value]
        if c.acomp is not None and c.acomp == u.start - 1:
            return c.acomp
        if c.pred is None:
            # "a shot of a waterfall in a jungle": after an of-phrase, the nearest noun;
            # "a skyline with flying cars at sunset": otherwise the phrase's head
            of_phrase = right_after_np and self.p.toks[self.p.heads[c.last_np]].lemma == "of"  # type: ignore[index]
            if of_phrase:
                return c.last_np  # type: ignore[return-value]
            return c.subj if c.subj is not None else u.head
        if right_after_np and c.last_np not in (c.subj, c.obj) and lemma in ("with", "of", "for"):
            return c.last_np  # type: ignore[return-value]
        return c.pred

    def on_sc(self, k: int, u: Unit) -> None:
        self.close_finished()
        anchor = self.c.pred
        self.open(Clause("advcl", anchor=anchor, mark=u.head))

    def on_rel(self, k: int, u: Unit) -> None:
        anchor = self.c.last_np
        self.open(Clause("relcl", anchor=anchor, subj=u.head))

    def on_cc(self, k: int, u: Unit) -> None:
        nxt, after = self.peek(k), self.peek(k, 2)
        c = self.c
        clause_follows = nxt is not None and (
            (nxt.kind == "VG" and c.pred is not None)
            or (nxt.kind == "NP" and after is not None and after.kind == "VG" and c.pred is not None)
        )
        if clause_follows:
            self.close_finished(keep_main=True)
            base = self.c.pred if self.c.pred is not None else self.c.subj
            self.open(Clause("conj", anchor=base))
            self.p.link(u.head, base if base is not None else u.head, "cc")
            return
        if nxt is not None and nxt.kind == "ADJ" and c.acomp is not None:
            self.p.link(u.head, c.acomp, "cc")
            self.pending_cc = u.head
            return
        first = self.coord_first if self.coord_first is not None else c.pred
        self.p.link(u.head, first if first is not None else u.head, "cc")
        self.pending_cc = u.head

    def on_comma(self, k: int, u: Unit) -> None:
        nxt, after = self.peek(k), self.peek(k, 2)
        c = self.c
        head = c.pred if c.pred is not None else c.subj
        self.p.link(u.head, head if head is not None else u.head, "punct")
        if nxt is None:
            return
        if nxt.kind == "NP" and after is not None and after.kind in ("COMMA", "CC") and self.coord_first is not None:
            self.pending_cc = u.head  # a list: "a jacket, a dress, and boots"
            return
        if nxt.kind == "VG" and nxt.participle:
            self.close_finished(keep_main=True)
            self.open(Clause("advcl", anchor=self.c.pred))
            return
        if nxt.kind == "NP" and after is not None and after.kind == "VG" and after.participle:
            self.close_finished(keep_main=True)
            self.open(Clause("advcl", anchor=self.c.pred))
            return
        if c.kind != "main" and c.pred is not None and nxt.kind != "CC":
            self.close()

    def on_semi(self, k: int, u: Unit) -> None:
        """'... from a tower; the castle burns': a new clause beside the first one."""
        self.stack[0].pending.append(u.head)
        self.p.deps[u.head] = "punct"
        while len(self.stack) > 1:
            self.close()
        main = self.c
        self.pending_cc = None
        if main.pred is not None:
            self.open(Clause("conj", anchor=main.pred))

    def on_adj(self, k: int, u: Unit) -> None:
        c = self.c
        if self.pending_cc is not None and c.acomp is not None:
            self.p.link(u.head, c.acomp, "conj")
            self.pending_cc = None
        elif c.pred is not None and c.acomp is None and c.obj is None:
            c.acomp = u.head
            self.p.link(u.head, c.pred, "acomp")
        elif c.last_np is not None and c.last_np_end == u.start:
            self.p.link(u.head, c.last_np, "amod")
            c.acomp = u.head
        elif c.pred is not None:
            self.p.link(u.head, c.pred, "advmod")
        else:
            c.pending.append(u.head)
            self.p.deps[u.head] = "amod"

    def on_adv(self, k: int, u: Unit) -> None:
        c = self.c
        if self.pending_cc is not None and c.pred is not None and self.p.deps[self.pending_cc] == "cc":
            prev_adv = next((j for j in range(u.head - 1, -1, -1) if self.p.deps[j] == "advmod"), None)
            if prev_adv is not None:
                self.p.link(u.head, prev_adv, "conj")
                self.pending_cc = None
                return
        dep = "neg" if self.p.toks[u.head].lower in ("not", "n't") else "advmod"
        if c.pred is not None:
            self.p.link(u.head, c.pred, dep)
        else:
            c.pending.append(u.head)
            self.p.deps[u.head] = dep

    def on_punct(self, k: int, u: Unit) -> None:
        self.stack[0].pending.append(u.head)
        self.p.deps[u.head] = "punct"

    def on_other(self, k: int, u: Unit) -> None:
        self.c.pending.append(u.head)
        self.p.deps[u.head] = "dep"

    # -- clause bookkeeping -------------------------------------------------------------------
    def _finite_ahead(self, k: int) -> bool:
        """Is there a finite verb group later in the sentence before a clause boundary?"""
        for unit in self.units[k + 1 :]:
            if unit.kind in ("SC", "REL", "CC", "COMMA"):
                return False
            if unit.kind == "VG" and unit.finite:
                return True
        return False

    def set_pred(self, c: Clause, u: Unit) -> None:
        c.pred, c.copula, c.passive = u.head, u.copula, u.passive
        if c.subj is not None:
            dep = "nsubjpass" if u.passive else "nsubj"
            self.p.link(c.subj, u.head, dep)
        for j in c.pending:
            self.p.link(j, u.head, self.p.deps[j])
        c.pending.clear()

    def open(self, clause: Clause) -> None:
        self.stack.append(clause)
        self.pending_prep = None

    def close(self) -> None:
        self.closed.append(self.stack.pop())

    def close_finished(self, keep_main: bool = False) -> None:
        """Close open subordinate clauses that already have their predicate."""
        while len(self.stack) > 1 and self.c.pred is not None and self.c.kind in ("acl", "relcl", "advcl", "conj"):
            if keep_main and self.c.kind == "conj":
                break
            self.close()

    def finish(self) -> None:
        main = next(c for c in self.closed if c.kind == "main")
        root = self._clause_head(main)
        if root is None:
            root = next((u.head for u in self.units if u.kind not in ("PUNCT", "COMMA")), self.units[0].head)
        self.p.link(root, root, "ROOT")
        for c in self.closed:
            self._attach_clause(c, main, root)
        for i, dep in enumerate(self.p.deps):
            if self.p.heads[i] == i and i != root:
                self.p.link(i, root, dep if dep != "ROOT" else "dep")
        self._break_cycles(root)

    def _attach_clause(self, c: Clause, main: Clause, root: int) -> None:
        anchor = c.anchor if c.anchor is not None else root
        if c.pred is None and c.subj is not None and c.mark is not None:
            # "as a child": a subordinator without a verb is a preposition
            self.p.link(c.mark, anchor, "prep")
            self.p.link(c.subj, c.mark, "pobj")
            for j in c.pending:
                self.p.link(j, c.subj, self.p.deps[j])
            return
        head = self._clause_head(c)
        for j in c.pending:
            self.p.link(j, head if head is not None else root, self.p.deps[j])
        if head is None:
            return
        if c.mark is not None:
            self.p.link(c.mark, head, "mark")
        if c is not main and head != root:
            self.p.link(head, anchor, c.kind)

    def _clause_head(self, c: Clause) -> int | None:
        return c.pred if c.pred is not None else c.subj

    def _break_cycles(self, root: int) -> None:
        """Guarantee a tree: any token whose head chain does not reach the root hangs on it."""
        heads = self.p.heads
        for i in range(len(heads)):
            seen = {i}
            j = i
            while j != root:
                j = heads[j]
                if j in seen:
                    self.p.link(i, root, "dep")
                    break
                seen.add(j)
