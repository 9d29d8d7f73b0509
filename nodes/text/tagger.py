"""The offline part-of-speech tagger: lexicon readings + hand-set context scores + Viterbi.

For each word the lexicon (closed-class table, WordNet forms from spacy-lookups-data, the
curated scene vocabularies) proposes Penn tags with a prior; ``transitions`` scores each
tag pair; Viterbi picks the best-scoring sequence per sentence. Penn tags are then mapped to
Universal POS tags with a few rules that need the whole sentence (is "be" an auxiliary or
an existential verb? is "that" a relative pronoun?). No trained model is involved.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from . import lexicon
from .closed_class import AUXILIARY_LEMMAS, CLOSED, NUMBER_WORDS
from .transitions import ending, transition
from .vocab import Vocab, load_vocab

# -ing words that are adjectives in their own right (UD tags prenominal participles VERB).
ING_ADJECTIVES = frozenset(
    [
        "amazing",
        "stunning",
        "interesting",
        "charming",
        "breathtaking",
        "boring",
        "exciting",
        "inviting",
        "striking",
        "fascinating",
        "terrifying",
        "frightening",
        "relaxing",
        "soothing",
        "surprising",
        "astonishing",
        "captivating",
        "mesmerizing",
        "mesmerising",
        "enchanting",
        "haunting",
        "loving",
        "caring",
        "outstanding",
        "promising",
        "appealing",
        "disturbing",
        "overwhelming",
        "calming",
        "refreshing",
        "welcoming",
        "towering",
        "dazzling",
    ]
)
# Nouns that in a video prompt almost always name a shot ("drone shot of", not "shot a deer").
CAMERA_NOUNS = frozenset({"shot", "shots", "footage", "closeup", "timelapse", "close-up"})
# Verbs that open an imperative camera instruction ("Zoom in on...", "Pan across...").
CAMERA_VERBS = frozenset(
    [
        "zoom",
        "pan",
        "tilt",
        "dolly",
        "track",
        "follow",
        "show",
        "film",
        "capture",
        "orbit",
        "cut",
        "fade",
        "push",
        "pull",
    ]
)

_PUNCT_TAGS = {",": ",", ".": ".", "!": ".", "?": ".", "...": ".", "…": ".", ";": ":", ":": ":"}
_HYPHENS = {"-", "–", "—"}
_QUOTES = {'"': "``", "“": "``", "”": "''", "'": "''", "`": "``", "‘": "``", "’": "''"}
_BRACKETS = {"(": "-LRB-", "[": "-LRB-", "{": "-LRB-", ")": "-RRB-", "]": "-RRB-", "}": "-RRB-"}
_NUMBER = re.compile(r"^[+-]?(\d+([.,:]\d+)*|\d+(st|nd|rd|th|s|am|pm|k|m|mm|fps)?)$", re.IGNORECASE)
_ADJ_SUFFIXES = ("ous", "ful", "ive", "ic", "al", "able", "ible", "less", "ish", "ary", "esque", "y")
_NOUN_SUFFIXES = ("tion", "sion", "ness", "ment", "ity", "ism", "ist", "er", "or", "ship", "ance", "ence")

Reading = tuple[str, str, float]  # (Penn tag, lemma, prior)


@dataclass(frozen=True)
class Tagged:
    tag: str
    pos: str
    lemma: str  # "" when the lemmatizer should decide


def readings(word: str, *, first: bool, vocab: Vocab) -> list[Reading]:
    """Every plausible (tag, lemma, prior) for one word; ``first``: it opens the sentence."""
    lower = word.lower()
    special = _special_readings(word)
    if special:
        return special
    if lower in CLOSED:
        return list(CLOSED[lower])
    if lower in NUMBER_WORDS:
        return [("CD", lower, 0.0), ("NN", lower, -1.0), ("NNS", lower, -1.0)]
    proper = word[:1].isupper() and (not first or lower in _PLACE_NAMES_LOWER)
    out = [(tag, lemma, _prior(tag, lemma, lower)) for tag, lemma in vocab.analyses(lower)]
    if not out:
        out = _guess(lower)
    if proper:
        out = [(t, lemma, p - 1.5) for t, lemma, p in out] + [("NNP", word, 0.0)]
    if first and lower in CAMERA_VERBS:
        out = [(t, lemma, p + (1.2 if t == "VB" else 0.0)) for t, lemma, p in out]
    return out


_PLACE_NAMES_LOWER = frozenset(n.lower() for n in lexicon.PLACE_NAMES)
COMPOUND_NOUNS = frozenset(
    w
    for vocab in (
        lexicon.PEOPLE,
        lexicon.PLACES,
        lexicon.STRUCTURES,
        lexicon.PLANTS,
        lexicon.LIGHTS,
        lexicon.OBJECTS,
        lexicon.VEHICLES,
        lexicon.CLOTHING,
    )
    for w in vocab
    if " " in w
)
_ADJECTIVE_WORDS = (
    lexicon.SIZES
    | lexicon.STYLE_WORDS
    | lexicon.LIGHT_WORDS
    | lexicon.SHAPE_WORDS
    | frozenset(lexicon.WEATHER_ADJECTIVES)
)


def _special_readings(word: str) -> list[Reading]:
    if word in _PUNCT_TAGS:
        return [(_PUNCT_TAGS[word], word, 0.0)]
    if word in _HYPHENS:
        return [("HYPH", word, 0.0)]
    if word in _QUOTES and word not in ("'",):
        return [(_QUOTES[word], word, 0.0)]
    if word in _BRACKETS:
        return [(_BRACKETS[word], word, 0.0)]
    if _NUMBER.match(word):
        return [("CD", word, 0.0)]
    if not any(ch.isalnum() for ch in word) and word not in ("'s", "'", "&"):
        return [("SYM", word, 0.0)]
    return []


def _prior(tag: str, lemma: str, word: str) -> float:
    """Lexical preferences from the scene vocabularies (colours are adjectives, ...)."""
    score = 0.0
    if tag.startswith("NN") and lexicon.entity_type(lemma):
        score += 0.5
    if word in lexicon.ENTITY_TYPE_OF and tag in ("VB", "VBP", "VBZ", "VBD", "VBN"):
        score -= 0.5
    if word in CAMERA_NOUNS and tag.startswith("NN"):
        score += 2.0
    if tag == "NN" and word.endswith("ing") and not lexicon.entity_type(word):
        score -= 0.7  # a gerund noun is rarer than the participle
    if word in lexicon.COLOURS:
        score += {"JJ": 1.0, "NN": -1.0, "NNS": -1.0}.get(tag, -2.0)
    elif tag == "JJ" and word.endswith("ing") and word not in ING_ADJECTIVES:
        score -= 3.0
    elif tag == "JJ" and word in _ADJECTIVE_WORDS:
        score += 0.5
    if word in lexicon.MATERIALS and tag == "NN":
        score += 0.3
    if tag == "VBG":
        score += 0.3
    if tag == "JJ":
        score += 0.2
    if tag == "RB" and not word.endswith("ly"):
        score -= 0.8  # "full", "long", "warm" are adjectives first
    return score


def _guess(word: str) -> list[Reading]:
    """Readings for a word no table knows, from its shape."""
    if word in _ADJECTIVE_WORDS:
        return [("JJ", word, 0.0), ("NN", word, -0.5)]
    if word.endswith("ly"):
        return [("RB", word, 0.0), ("JJ", word, -1.0)]
    if word.endswith("ing"):
        return [("VBG", word, 0.0), ("NN", word, -0.7)]
    if word.endswith("ed"):
        return [("VBN", word, 0.0), ("VBD", word, -0.3), ("JJ", word, -0.3)]
    if word.endswith(_ADJ_SUFFIXES):
        return [("JJ", word, 0.0), ("NN", word, -0.5)]
    if word.endswith("s") and not word.endswith("ss"):
        return [("NNS", word[:-1], 0.0), ("VBZ", word[:-1], -0.7), ("NN", word, -0.5)]
    if word.endswith(_NOUN_SUFFIXES):
        return [("NN", word, 0.0)]
    return [("NN", word, 0.0), ("JJ", word, -1.0)]


FINITE = frozenset({"VBZ", "VBP", "VBD", "MD"})
CLAUSE_BREAKS = frozenset({"CC", "SC", "WDT", "WP", "WRB", ",", ":", "``", "''", "-LRB-", "-RRB-"})
DOUBLE_FINITE = -1.5  # a second finite verb in one clause ("as the lights change" needs a clause)
NO_VERB = -1.0  # a sentence without any finite verb (fragments exist, so only a nudge)
PARALLEL_VERB = 0.8  # "opens the door and steps into": coordinated verbs share their form

# (tag, the current clause has a finite verb, last finite tag or "", a relative clause opened
# inside a subject still owes the main clause its verb: "A man who walks his dog | waits")
State = tuple[str, bool, str, bool]
RELATIVES = frozenset({"WDT", "WP"})


def _step(state: State, tag: str) -> tuple[State, float]:
    """Next state and the clause-level score of reading ``tag`` after ``state``."""
    prev, clause_finite, last_finite, owed = state
    score = transition(prev, tag)
    if tag in FINITE:
        if clause_finite and prev not in FINITE:
            if owed:
                owed = False  # the relative clause is over; this is the main verb
            else:
                score += DOUBLE_FINITE
        if prev == "CC" and tag == last_finite:
            score += PARALLEL_VERB
        return (tag, True, tag, owed), score
    if tag in RELATIVES and not last_finite:
        owed = True
    return (tag, clause_finite and tag not in CLAUSE_BREAKS, last_finite, owed), score


def _prefer_compounds(options: list[list[Reading]], words: Sequence[str]) -> None:
    """The first word of a known compound noun ("living room", "ice cream") is a noun."""
    for i in range(len(words) - 1):
        if f"{words[i].lower()} {words[i + 1].lower()}" in COMPOUND_NOUNS:
            word = words[i].lower()
            nouns = [(t, lemma, p + 1.5) for t, lemma, p in options[i] if t == "NN"] or [("NN", word, 1.5)]
            options[i] = nouns + [r for r in options[i] if r[0] != "NN"]


def viterbi(options: Sequence[list[Reading]]) -> list[Reading]:
    """The best-scoring reading per position: reading priors + tag transitions + two clause
    constraints (one finite verb per clause, some finite verb per sentence)."""
    if not options:
        return []
    columns: list[dict[State, tuple[float, int, State | None]]] = []
    start: State = ("BOS", False, "", False)
    column: dict[State, tuple[float, int, State | None]] = {}
    for k, (tag, _lemma, prior) in enumerate(options[0]):
        state, score = _step(start, tag)
        if state not in column or score + prior > column[state][0]:
            column[state] = (score + prior, k, None)
    columns.append(column)
    for pos in range(1, len(options)):
        column = {}
        for prev_state, (prev_score, _, _) in columns[-1].items():
            for k, (tag, _lemma, prior) in enumerate(options[pos]):
                state, score = _step(prev_state, tag)
                total = prev_score + score + prior
                if state not in column or total > column[state][0]:
                    column[state] = (total, k, prev_state)
        columns.append(column)

    def final(state: State) -> float:
        return columns[-1][state][0] + ending(state[0]) + (0.0 if state[2] else NO_VERB)

    state: State | None = max(columns[-1], key=final)
    path: list[Reading] = []
    for pos in range(len(options) - 1, -1, -1):
        assert state is not None
        _, k, prev = columns[pos][state]
        path.append(options[pos][k])
        state = prev
    return path[::-1]


def tag_sentence(words: Sequence[str], vocab: Vocab | None = None) -> list[Tagged]:
    """Tag one sentence: Penn tag, UPOS and (for closed-class words) lemma per word."""
    vocab = vocab or load_vocab()
    options = [readings(w, first=i == 0 or words[i - 1] in ('"', "“", "("), vocab=vocab) for i, w in enumerate(words)]
    _prefer_compounds(options, words)
    path = viterbi(options)
    tags = [tag for tag, _, _ in path]
    out = []
    for i, (tag, lemma, _) in enumerate(path):
        pos = upos(tags, i, words, lemma)
        closed = words[i].lower() in CLOSED or tag in ("CD", "SYM", "NNP") or not tag[:1].isalpha()
        if not closed and tag in ("VBG", "VBD", "VBN"):
            lemma, closed = _silent_e(words[i].lower(), lemma, vocab)
        out.append(Tagged(tag=_penn(tag), pos=pos, lemma=lemma if closed else ""))
    return out


_CVC = re.compile(r"^[^aeiou]*[aeiou][^aeiouwxy]$")


def _silent_e(word: str, lemma: str, vocab: Vocab) -> tuple[str, bool]:
    """ "shining" is shine, not shin: a one-syllable verb ending consonant-vowel-consonant
    doubles its last letter before -ing/-ed (shin -> shinning), so an undoubled form is the
    silent-e verb. Returns (lemma, True) when that rule decides, else (lemma, False)."""
    for suffix in ("ing", "ed"):
        if word.endswith(suffix):
            stem = word[: -len(suffix)]
            if _CVC.match(stem) and stem + "e" in vocab.index["verb"]:
                return stem + "e", True
    return lemma, False


def _penn(tag: str) -> str:
    return {"SC": "IN", "PRPS": "PRP"}.get(tag, tag)


_UPOS = {
    "DT": "DET",
    "PRP": "PRON",
    "PRPS": "PRON",
    "PRP$": "PRON",
    "WP": "PRON",
    "WP$": "PRON",
    "WDT": "PRON",
    "EX": "PRON",
    "NN": "NOUN",
    "NNS": "NOUN",
    "NNP": "PROPN",
    "NNPS": "PROPN",
    "JJ": "ADJ",
    "JJR": "ADJ",
    "JJS": "ADJ",
    "RB": "ADV",
    "RBR": "ADV",
    "RBS": "ADV",
    "WRB": "ADV",
    "MD": "AUX",
    "IN": "ADP",
    "SC": "SCONJ",
    "RP": "ADP",
    "TO": "PART",
    "CC": "CCONJ",
    "CD": "NUM",
    "POS": "PART",
    "UH": "INTJ",
    "SYM": "SYM",
}


def upos(tags: Sequence[str], i: int, words: Sequence[str], lemma: str) -> str:
    """Universal POS of ``tags[i]``, deciding auxiliaries and a few function words from context."""
    tag = tags[i]
    if tag.startswith("VB"):
        return _verb_upos(tags, i, words, lemma)
    if tag == "RB" and lemma == "not":
        return "PART"
    if tag in _UPOS:
        return _UPOS[tag]
    return "PUNCT"


def _verb_upos(tags: Sequence[str], i: int, words: Sequence[str], lemma: str) -> str:
    if lemma not in AUXILIARY_LEMMAS:
        return "VERB"
    prev = next((tags[j] for j in range(i - 1, -1, -1) if tags[j] not in ("RB",)), "BOS")
    if lemma == "be":
        return "VERB" if prev == "EX" else "AUX"
    # have/do: auxiliary when a verb follows before any noun phrase ("has walked", "does not")
    for j in range(i + 1, min(len(tags), i + 4)):
        if tags[j] in ("VBN", "VB", "VBD", "VBG") or words[j].lower() in ("not", "n't"):
            return "AUX"
        if tags[j] not in ("RB",):
            break
    return "VERB"
