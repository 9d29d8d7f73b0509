"""Noun mentions in a ``Doc``: which words name drawable things, how many, with what attributes.

A mention is one noun phrase ("a black leather jacket") or pronoun ("she"). Pronouns are
resolved to an earlier mention; mentions with the same lemma are the same entity
("a Tokyo street" ... "The street"). Quantity phrases give counts ("Lots of people" -> the
people, 24 of them), and words that name no thing (time, weather, camera terms, "look")
are left to the scene settings.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from nodes.text import lexicon
from nodes.text.colours import MULTICOLOUR, rgb_of
from nodes.text.doc import Doc, Token

from . import vocab

PRONOUNS_FEMALE = frozenset(["she", "her", "hers", "herself"])
PRONOUNS_MALE = frozenset(["he", "him", "his", "himself"])
PRONOUNS_THING = frozenset(["it", "its", "itself"])
PRONOUNS_PLURAL = frozenset(["they", "them", "their", "theirs", "themselves"])
PRONOUNS = PRONOUNS_FEMALE | PRONOUNS_MALE | PRONOUNS_THING | PRONOUNS_PLURAL
PLURAL_DEFAULT = 8  # an unquantified plural ("flying cars") is "many"


@dataclass
class Attr:
    category: str
    value: str
    rgb: tuple[int, int, int] | None = None
    source: str = "amod"
    cause: str | None = None


@dataclass
class Mention:
    token: int
    lemma: str
    text: str
    type: str
    sentence: int
    count: int = 1
    plural: bool = False
    definite: bool = False
    known: bool = True  # in the curated vocabularies
    attrs: list[Attr] = field(default_factory=list)
    place_names: list[str] = field(default_factory=list)
    entity: str | None = None


def is_nominal(t: Token) -> bool:
    return t.pos in ("NOUN", "PROPN") and t.dep not in ("compound",)


def skipped_noun(doc: Doc, t: Token) -> bool:
    """Nouns that are settings (time, weather), camera words, place names or abstractions."""
    lemma = t.lemma.lower()
    if lemma in lexicon.TIME_WORDS or lemma in lexicon.WEATHER_NOUNS or t.text.lower() in lexicon.WEATHER_NOUNS:
        return True
    if lemma in lexicon.CAMERA_TERMS or lemma in vocab.ABSTRACT_NOUNS and lemma not in vocab.GROUP_SUBJECTS:
        return True
    if lemma in vocab.BODY_PART_Y or t.text.lower() in vocab.BODY_PART_Y:
        return True
    if t.pos == "PROPN" and (t.text in lexicon.PLACE_NAMES or t.ent == "GPE"):
        return True
    return t.pos == "PROPN" and not t.text[:1].isupper()


def quantity_of(doc: Doc, t: Token) -> tuple[Token, int] | None:
    """For "lots of people" at ``lots``: (people, 24)."""
    if t.lemma.lower() not in lexicon.QUANTITY_NOUNS and t.text.lower() not in lexicon.QUANTITY_NOUNS:
        return None
    for child in doc.children(t.i):
        if child.dep == "prep" and child.lemma == "of":
            pobj = next((c for c in doc.children(child.i) if c.dep == "pobj"), None)
            if pobj is not None and pobj.pos in ("NOUN", "PROPN"):
                n = lexicon.QUANTITY_NOUNS.get(t.lemma.lower(), lexicon.QUANTITY_NOUNS.get(t.text.lower(), 8))
                return pobj, n
    return None


def find_mentions(doc: Doc) -> list[Mention]:
    """Every noun mention in text order, with counts and attributes; pronouns excluded."""
    counts: dict[int, int] = {}
    quantity_heads: set[int] = set()
    for t in doc.tokens:
        q = quantity_of(doc, t)
        if q is not None:
            counts[q[0].i] = q[1]
            quantity_heads.add(t.i)
    out = []
    for t in doc.tokens:
        if not is_nominal(t) or t.i in quantity_heads or skipped_noun(doc, t):
            continue
        out.append(_mention(doc, t, counts.get(t.i)))
    return out


def _mention(doc: Doc, t: Token, quantity: int | None) -> Mention:
    lemma = _lemma(t)
    etype = lexicon.entity_type(lemma) or lexicon.entity_type(t.text.lower())
    group = vocab.GROUP_SUBJECTS.get(lemma)
    plural = t.tag in ("NNS", "NNPS") or lemma in ("people",) or group is not None
    m = Mention(
        token=t.i,
        lemma=lemma,
        text=t.text,
        type=etype or ("person" if group == "people" else "object"),
        sentence=t.sent,
        plural=plural,
        known=etype is not None,
    )
    children = doc.children(t.i)
    m.definite = any(c.dep == "det" and c.lemma.lower() == "the" or c.dep == "poss" for c in children)
    m.count = quantity or _count(t, children, lemma, plural, group)
    for child in children:
        _collect_modifier(doc, m, child)
    if any(a.value in ("neon", "glowing") for a in m.attrs) and m.type == "object" and lemma in ("sign", "signs"):
        m.type = "light"
    return m


def _lemma(t: Token) -> str:
    return t.text if t.pos == "PROPN" else t.lemma.lower()


def _count(t: Token, children: list[Token], lemma: str, plural: bool, group: str | None) -> int:
    for c in children:
        if c.dep == "nummod":
            word = c.text.lower()
            if word.isdigit():
                return max(1, min(int(word), 500))
            if word in lexicon.NUMBER_WORDS:
                return lexicon.NUMBER_WORDS[word]
        if c.dep in ("amod", "det") and c.text.lower() in lexicon.QUANTIFIERS and plural:
            return lexicon.QUANTIFIERS[c.text.lower()]
    if group is not None:
        return lexicon.QUANTITY_NOUNS.get(lemma, 8)
    if not plural or t.text.lower() in lexicon.PAIR_NOUNS or lexicon.entity_type(lemma) == "clothing":
        return 1
    return PLURAL_DEFAULT


def _collect_modifier(doc: Doc, m: Mention, c: Token) -> None:
    if c.dep == "amod" or (c.dep == "compound" and c.pos == "ADJ"):
        _add_adjective(m, c.text.lower(), "amod")
        for conj in doc.children(c.i):
            if conj.dep == "conj" and conj.pos in ("ADJ", "VERB"):
                _add_adjective(m, conj.text.lower(), "amod")
    elif c.dep == "compound" and c.pos == "PROPN":
        m.place_names.append(" ".join(x.text for x in doc.tokens[c.i : c.i + 1]))
    elif c.dep == "compound" and c.pos == "NOUN":
        _add_noun_modifier(m, c.text.lower(), c.lemma.lower())


def _add_adjective(m: Mention, word: str, source: str) -> None:
    if word in lexicon.QUANTIFIERS or word in lexicon.NUMBER_WORDS:
        return
    category = lexicon.attribute_category(word) or "state"
    add_attr(m.attrs, category, word, source)


def _add_noun_modifier(m: Mention, word: str, lemma: str) -> None:
    category = lexicon.attribute_category(word)
    if category is None and lemma in lexicon.TIME_WORDS:
        category = "style"
    add_attr(m.attrs, category or "style", word, "compound")


def add_attr(attrs: list[Attr], category: str, value: str, source: str, cause: str | None = None) -> None:
    if any(a.value == value for a in attrs):
        return
    rgb = rgb_of(value) if category == "colour" else None
    attrs.append(Attr(category=category, value=value, rgb=rgb, source=source, cause=cause))


def is_multicolour(value: str) -> bool:
    return value in MULTICOLOUR
