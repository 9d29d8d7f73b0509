"""Who does what to whom: relations, motions and predicate attributes from the dependencies.

Reads spaCy-style labels (nsubj, dobj, prep/pobj, acomp, conj, acl, relcl, advcl, poss),
which both text backends produce. Each verb yields its subjects (through conjunction,
relative and participle clauses), objects and prepositional targets; from those come
``wear``/``possession``/``action``/``spatial``/``cause`` relations and, for verbs of motion,
a motion on the subject with speed class, direction and path.
"""

from __future__ import annotations

from dataclasses import dataclass

from nodes.text import lexicon
from nodes.text.doc import Doc, Token

from . import vocab
from .entities import EntityInfo, Resolution
from .mentions import add_attr, quantity_of

MOVERS = frozenset({"person", "animal", "bird", "vehicle", "light", "object", "plant"})
SIMILE_MARKS = frozenset({"like", "as"})


@dataclass(frozen=True)
class Relation:
    source: str
    target: str
    kind: str
    verb: str | None
    prep: str | None
    sentence: int
    confidence: float


class FactFinder:
    def __init__(self, doc: Doc, res: Resolution) -> None:
        self.doc = doc
        self.res = res
        self.relations: list[Relation] = []
        self._seen: set[tuple] = set()

    def run(self) -> list[Relation]:
        for t in self.doc.tokens:
            if self._is_predicate(t):
                self._predicate(t)
        for t in self.doc.tokens:
            if t.i in self.res.of_token and t.pos != "PRON":
                self._noun_preps(t)
                self._possessor(t)
                self._participle_motions(t)
        return self.relations

    # -- helpers over the dependency tree ----------------------------------------------------
    def children(self, t: Token, *deps: str) -> list[Token]:
        return [c for c in self.doc.children(t.i) if c.dep in deps]

    def with_conjuncts(self, tokens: list[Token]) -> list[Token]:
        out = []
        for t in tokens:
            out.append(t)
            out += self.with_conjuncts(self.children(t, "conj"))
        return out

    def entities_of(self, tokens: list[Token]) -> list[EntityInfo]:
        out = []
        for t in self.with_conjuncts(tokens):
            e = self.res.entity_at(t.i)
            if e is None and (q := quantity_of(self.doc, t)) is not None:
                e = self.res.entity_at(q[0].i)  # "lots of people" stands for the people
            if e is not None and e not in out:
                out.append(e)
        return out

    def _is_predicate(self, t: Token) -> bool:
        if t.pos == "VERB":
            return True
        return t.pos == "AUX" and bool(self.children(t, "nsubj", "nsubjpass", "acomp", "attr", "expl"))

    def subjects(self, v: Token, depth: int = 0) -> list[EntityInfo]:
        if depth > 6:
            return []
        subj = self.children(v, "nsubj", "nsubjpass")
        rel = [s for s in subj if s.tag in ("WDT", "WP") or s.text.lower() == "that"] if subj else []
        if subj and not rel:
            return self.entities_of(subj)
        head = self.doc.tokens[v.head]
        if v.dep in ("acl", "relcl") or rel:
            e = self.res.entity_at(head.i)
            return [e] if e else []
        if v.dep in ("conj", "xcomp", "advcl") and head.i != v.i and not self.children(v, "mark"):
            return self.subjects(head, depth + 1)
        return []

    def confidence(self, v: Token) -> float:
        marks = {m.lemma.lower() for m in self.children(v, "mark")}
        return 0.5 if marks & SIMILE_MARKS and v.dep == "advcl" else 0.9

    def add(
        self, s: EntityInfo, o: EntityInfo, kind: str, verb: str | None, prep: str | None, sent: int, conf: float
    ) -> None:
        if s.id == o.id:
            return
        key = (s.id, o.id, kind, verb, prep)
        if key not in self._seen:
            self._seen.add(key)
            self.relations.append(Relation(s.id, o.id, kind, verb, prep, sent, round(conf, 2)))

    # -- verbs -------------------------------------------------------------------------------
    def _predicate(self, v: Token) -> None:
        subjects = self.subjects(v)
        verb = v.lemma.lower()
        conf = self.confidence(v)
        objects = self.entities_of(self.children(v, "dobj", "attr")) if not self.children(v, "expl") else []
        preps = self._preps(v)
        if verb in vocab.WEAR_VERBS:  # "a grey suit, sporting a red hat": the suit's wearer sports it
            subjects = [self.wearer(s) or s if s.type == "clothing" else s for s in subjects]
        for s in subjects:
            for o in objects:
                self.add(s, o, self._object_kind(verb, s, o), verb, None, v.sent, conf)
            for prep, targets in preps:
                for o in targets:
                    kind = (
                        "wear" if prep in ("in", "with") and o.type == "clothing" and s.type == "person" else "spatial"
                    )
                    if prep in vocab.SPATIAL_PREPS or kind == "wear":
                        self.add(s, o, kind, verb, prep, v.sent, conf * 0.95)
            if v.pos == "VERB" and verb in vocab.MOTION_SPEED and s.type in MOVERS:
                self._motion(s, v, verb, preps, objects)
            if verb in vocab.COMPANION_VERBS:
                self._companions(s, objects, verb, v.sent)
        self._predicate_attributes(v, subjects)

    def _object_kind(self, verb: str, s: EntityInfo, o: EntityInfo) -> str:
        if verb in vocab.WEAR_VERBS and o.type == "clothing":
            return "wear"
        if verb in vocab.POSSESSION_VERBS:
            return "possession"
        return "action"

    def _preps(self, head: Token) -> list[tuple[str, list[EntityInfo]]]:
        out = []
        for p in self.children(head, "prep", "agent"):
            pobj = self.children(p, "pobj")
            out.append((p.lemma.lower(), self.entities_of(pobj)))
        return out

    def wearer(self, item: EntityInfo) -> EntityInfo | None:
        """The person who wears ``item`` (already related), else the most recent person before it."""
        for r in self.relations:
            if r.target == item.id and r.kind == "wear":
                return self.res.entities[r.source]
        people = [e for e in self.res.entities.values() if e.type == "person" and e.mentions]
        before = [e for e in people if e.mentions[0].token < item.mentions[0].token] if item.mentions else []
        return before[-1] if before else None

    def _companions(self, s: EntityInfo, objects: list[EntityInfo], verb: str, sent: int) -> None:
        """ "walks his dog": the dog walks along; "flies a kite": the kite flies above its holder."""
        for o in objects:
            if o.type not in ("animal", "object", "vehicle", "bird", "light") or o.motions:
                continue
            own = verb if verb in vocab.MOTION_SPEED and o.type != "object" else None
            if verb in vocab.MOVES_ITS_OBJECT:
                own = verb
            if own is None:
                continue
            follow = next((dict(m) for m in s.motions if m.get("sentence") == sent), None) or {}
            o.motions.append(
                {
                    "verb": own,
                    "speed": vocab.MOTION_SPEED.get(own, follow.get("speed", "slow")),
                    "direction": follow.get("direction"),
                    "path_prep": follow.get("path_prep"),
                    "path_target": follow.get("path_target"),
                    "sentence": sent,
                    "manner": [],
                    "companion_of": s.id,
                }
            )

    def _motion(
        self,
        s: EntityInfo,
        v: Token,
        verb: str,
        preps: list[tuple[str, list[EntityInfo]]],
        objects: list[EntityInfo] = (),  # type: ignore[assignment]
    ) -> None:
        adverbs = [a.text.lower() for a in self.children(v, "advmod")]
        # "flies a kite": the boy strolls while his kite flies; the motion keeps its verb, moves like ``gait_verb``
        gait_verb = vocab.MOVES_ITS_OBJECT.get(verb) if objects else None
        speed = vocab.MOTION_SPEED[gait_verb or verb]
        if any(a in vocab.FAST_ADVERBS for a in adverbs) and speed in ("slow", "walk"):
            speed = "run" if speed == "walk" else "walk"
        if any(a in vocab.SLOW_ADVERBS for a in adverbs) and speed in ("walk", "run", "fast"):
            speed = {"walk": "slow", "run": "walk", "fast": "run"}[speed]
        direction, path_prep, target = vocab.VERTICAL_VERBS.get(verb), None, None
        for prep, targets in preps:
            if prep in vocab.DIRECTION_OF_PREP or prep in vocab.SPATIAL_PREPS and prep not in ("with", "of", "like"):
                path_prep, target = prep, (targets[0].id if targets else None)
                direction = direction or vocab.DIRECTION_OF_PREP.get(prep)
                break
        direction = self._left_right(v) or direction
        motion = {
            "verb": verb,
            "speed": speed,
            "direction": direction,
            "path_prep": path_prep,
            "path_target": target,
            "sentence": v.sent,
            "manner": [a for a in adverbs if a.endswith("ly")],
        }
        if gait_verb:
            motion["gait_verb"] = gait_verb
        same = next((m for m in s.motions if m["verb"] == verb), None)
        if same is None:
            s.motions.append(motion)
        else:  # "walks down a street ... walks confidently": one motion, details merged
            for key in ("direction", "path_prep", "path_target"):
                same[key] = same[key] or motion[key]
            same["manner"] = list(dict.fromkeys(same["manner"] + motion["manner"]))
        s.manner += [a for a in adverbs if a.endswith("ly") and a not in s.manner]

    def _left_right(self, v: Token) -> str | None:
        words = [t.text.lower() for t in self.doc.sentence_tokens(v.sent)]
        text = " ".join(words)
        if "left to right" in text or "to the right" in text:
            return "right"
        if "right to left" in text or "to the left" in text:
            return "left"
        return None

    def _predicate_attributes(self, v: Token, subjects: list[EntityInfo]) -> None:
        for adj in self.with_conjuncts(self.children(v, "acomp")):
            word = adj.text.lower()
            cause = self._cause(adj, subjects, v.sent, word)
            for s in subjects:
                category = lexicon.attribute_category(word) or "state"
                add_attr(s.attrs, category, word, "predicate", cause)
        if self._out_and_about(v):
            for s in subjects:
                if not s.motions:
                    s.motions.append(
                        {
                            "verb": "stroll",
                            "speed": "walk",
                            "direction": "around",
                            "path_prep": None,
                            "path_target": None,
                            "sentence": v.sent,
                            "manner": [],
                        }
                    )

    def _cause(self, adj: Token, subjects: list[EntityInfo], sent: int, word: str) -> str | None:
        for p in self.children(adj, "prep"):
            if p.lemma.lower() not in ("from", "with", "because"):
                continue
            for pobj in self.children(p, "pobj"):
                weather = lexicon.WEATHER_NOUNS.get(pobj.lemma.lower())
                if weather:
                    return weather
                for cause in self.entities_of([pobj]):
                    for s in subjects:
                        self.add(cause, s, "cause", word, p.lemma.lower(), sent, 0.8)
        return None

    def _out_and_about(self, v: Token) -> bool:
        words = {c.text.lower() for c in self.doc.children(v.i)} | {
            g.text.lower() for c in self.doc.children(v.i) for g in self.doc.children(c.i)
        }
        return {"out", "about"} <= words

    # -- nouns -------------------------------------------------------------------------------
    def _noun_preps(self, t: Token) -> None:
        s = self.res.entity_at(t.i)
        if s is None:
            return
        for prep, targets in self._preps(t):
            for o in targets:
                if prep in ("in", "with") and o.type == "clothing" and s.type == "person":
                    self.add(s, o, "wear", None, prep, t.sent, 0.8)
                elif prep in vocab.SPATIAL_PREPS:
                    self.add(s, o, "spatial", None, prep, t.sent, 0.7)

    def _possessor(self, t: Token) -> None:
        """ "her sunglasses and red lipstick": the owner of the first conjunct owns the bare ones too."""
        owners = self.children(t, "poss")
        if not owners:
            return
        shared = [c for c in self.with_conjuncts([t]) if c.i == t.i or not self.children(c, "det", "poss")]
        for p in owners:
            owner = self.res.entity_at(p.i)
            for owned in self.entities_of(shared):
                if owner is None or owned is None:
                    continue
                if owned.type == "clothing" and owner.type in ("person", "animal"):
                    self.add(owner, owned, "wear", None, None, t.sent, 0.8)
                else:
                    self.add(owner, owned, "possession", None, None, t.sent, 0.7)

    def _participle_motions(self, t: Token) -> None:
        e = self.res.entity_at(t.i)
        if e is None or e.type not in MOVERS:
            return
        for a in self.children(t, "amod"):
            verb = a.lemma.lower()
            if a.pos == "VERB" and verb in vocab.MOTION_SPEED and not any(m["verb"] == verb for m in e.motions):
                e.motions.append(
                    {
                        "verb": verb,
                        "speed": vocab.MOTION_SPEED[verb],
                        "direction": None,
                        "path_prep": None,
                        "path_target": None,
                        "sentence": t.sent,
                        "manner": [],
                    }
                )
