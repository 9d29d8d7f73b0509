"""From mentions to entities: merge repeated mentions and resolve pronouns.

"A stylish woman walks ... She's rocking ... Her sunglasses" is one entity, the woman.
Pronouns pick the most recent compatible mention (gender, number, person or thing),
preferring subjects, the way a reader does for short descriptions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from nodes.text import lexicon
from nodes.text.doc import Doc, Token

from .mentions import PRONOUNS, PRONOUNS_FEMALE, PRONOUNS_MALE, PRONOUNS_THING, Attr, Mention, add_attr

SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "expl"})
ROLE_SUBJECT = SUBJECT_DEPS | {"ROOT"}  # a verbless fragment's head noun is what it is about


@dataclass
class EntityInfo:
    id: str
    lemma: str
    type: str
    count: int
    sentence: int
    known: bool
    mentions: list[Mention] = field(default_factory=list)
    pronoun_mentions: int = 0
    attrs: list[Attr] = field(default_factory=list)
    place_names: list[str] = field(default_factory=list)
    subject_of: set[int] = field(default_factory=set)  # sentences where it is a subject
    object_roles: int = 0
    motions: list[dict] = field(default_factory=list)
    manner: list[str] = field(default_factory=list)
    name: str = ""  # the surface word of the first mention ("boots", "sunglasses")


@dataclass
class Resolution:
    entities: dict[str, EntityInfo]
    of_token: dict[int, str]  # token index (mention head or pronoun) -> entity id

    def entity_at(self, i: int) -> EntityInfo | None:
        eid = self.of_token.get(i)
        return self.entities[eid] if eid else None


def resolve(doc: Doc, mentions: list[Mention]) -> Resolution:
    entities: dict[str, EntityInfo] = {}
    of_token: dict[int, str] = {}
    by_lemma: dict[str, str] = {}
    queue = sorted(
        [(m.token, m) for m in mentions] + [(t.i, t) for t in doc.tokens if _is_pronoun(t)], key=lambda item: item[0]
    )
    for i, item in queue:
        if isinstance(item, Mention):
            eid = _merge_or_new(item, entities, by_lemma)
            of_token[i] = eid
            _note_role(entities[eid], doc.tokens[i])
        else:
            eid = _antecedent(doc, item, entities, of_token)
            if eid is not None:
                of_token[i] = eid
                entities[eid].pronoun_mentions += 1
                _note_role(entities[eid], item)
    return Resolution(entities=entities, of_token=of_token)


def _is_pronoun(t: Token) -> bool:
    return t.pos == "PRON" and t.text.lower() in PRONOUNS


def _merge_or_new(m: Mention, entities: dict[str, EntityInfo], by_lemma: dict[str, str]) -> str:
    key = _key(m.lemma)
    eid = by_lemma.get(key)
    if eid is not None and not _distinct(m, entities[eid]):
        e = entities[eid]
        e.mentions.append(m)
        for a in m.attrs:
            add_attr(e.attrs, a.category, a.value, a.source, a.cause)
        e.place_names += [p for p in m.place_names if p not in e.place_names]
        e.count = max(e.count, m.count) if m.plural else e.count
        m.entity = eid
        return eid
    eid = f"e{len(entities)}"
    entities[eid] = EntityInfo(
        id=eid,
        lemma=m.lemma,
        type=m.type,
        count=m.count,
        sentence=m.sentence,
        known=m.known,
        mentions=[m],
        attrs=list(m.attrs),
        place_names=list(m.place_names),
        name=m.text.lower() if m.type != "place" else m.lemma,
    )
    by_lemma[key] = eid
    m.entity = eid
    return eid


def _key(lemma: str) -> str:
    return {"people": "person", "lights": "light", "persons": "person"}.get(lemma, lemma)


def _distinct(m: Mention, e: EntityInfo) -> bool:
    """A new indefinite mention with a conflicting colour is another thing ("a red car ... a blue car")."""
    if m.definite or not m.attrs:
        return False
    mine = {a.value for a in m.attrs if a.category == "colour"}
    theirs = {a.value for a in e.attrs if a.category == "colour"}
    return bool(mine and theirs and not mine & theirs)


def _note_role(e: EntityInfo, t: Token) -> None:
    if t.dep in ROLE_SUBJECT:
        e.subject_of.add(t.sent)
    elif t.dep in ("dobj", "pobj", "attr"):
        e.object_roles += 1


def _antecedent(doc: Doc, t: Token, entities: dict[str, EntityInfo], of_token: dict[int, str]) -> str | None:
    word = t.text.lower()
    best: tuple[float, str] | None = None
    for i, eid in of_token.items():
        if i >= t.i or doc.tokens[i].sent < t.sent - 2:
            continue
        e = entities[eid]
        if not _compatible(word, e):
            continue
        ref = doc.tokens[i]
        score = -3.0 * (t.sent - ref.sent) - 0.05 * (t.i - i)
        score += 1.5 if ref.dep in SUBJECT_DEPS else 0.0
        score += 1.0 if e.type in ("person", "animal") and word not in PRONOUNS_THING else 0.0
        score += _gender_bonus(word, e)
        if doc.tokens[i].head == t.head and ref.dep in SUBJECT_DEPS and t.dep in SUBJECT_DEPS:
            score -= 5.0  # two subjects of one verb are not the same thing
        if best is None or score > best[0]:
            best = (score, eid)
    return best[1] if best else None


def _compatible(word: str, e: EntityInfo) -> bool:
    animate = e.type in ("person",)
    if word in PRONOUNS_FEMALE:
        return animate and e.lemma not in lexicon.MALE and e.count == 1
    if word in PRONOUNS_MALE:
        return animate and e.lemma not in lexicon.FEMALE and e.count == 1
    if word in PRONOUNS_THING:
        return not animate and e.count == 1 and e.type not in ("clothing",)
    return e.count > 1 or e.lemma in ("couple", "family", "crowd", "group")


def _gender_bonus(word: str, e: EntityInfo) -> float:
    if word in PRONOUNS_FEMALE and e.lemma in lexicon.FEMALE:
        return 2.0
    if word in PRONOUNS_MALE and e.lemma in lexicon.MALE:
        return 2.0
    return 0.0
