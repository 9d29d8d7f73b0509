"""Closed-class English words: their possible Penn Treebank tags and lemmas.

The open classes (nouns, verbs, adjectives, adverbs) come from the WordNet-derived tables in
spacy-lookups-data; these few hundred function words are listed here by hand because the
tagger cannot guess them and they decide most of the syntax. A word may have several
readings; ``prior`` (a log-score, 0 = the usual reading) lets context choose.

Internal tags are Penn Treebank tags plus ``SC`` (a subordinating conjunction, which the
treebank files under ``IN``) so that prepositions and subordinators get different UPOS.
"""

from __future__ import annotations

Reading = tuple[str, str, float]  # (tag, lemma, prior)


def _same(tag: str, words: str, prior: float = 0.0) -> dict[str, list[Reading]]:
    return {w: [(tag, w, prior)] for w in words.split()}


def _merge(*tables: dict[str, list[Reading]]) -> dict[str, list[Reading]]:
    out: dict[str, list[Reading]] = {}
    for table in tables:
        for word, readings in table.items():
            out.setdefault(word, []).extend(readings)
    return out


_PRONOUNS = {
    "i": "I",
    "me": "I",
    "you": "you",
    "he": "he",
    "him": "he",
    "she": "she",
    "it": "it",
    "we": "we",
    "us": "we",
    "they": "they",
    "them": "they",
    "myself": "myself",
    "yourself": "yourself",
    "himself": "himself",
    "herself": "herself",
    "itself": "itself",
    "ourselves": "ourselves",
    "themselves": "themselves",
    "mine": "mine",
    "yours": "yours",
    "hers": "hers",
    "ours": "ours",
    "theirs": "theirs",
    "something": "something",
    "someone": "someone",
    "somebody": "somebody",
    "everything": "everything",
    "everyone": "everyone",
    "everybody": "everybody",
    "nothing": "nothing",
    "nobody": "nobody",
    "anyone": "anyone",
    "anything": "anything",
    "anybody": "anybody",
}
_NOMINATIVE = frozenset({"i", "he", "she", "we", "they"})
_POSSESSIVES = {"my": "my", "your": "your", "his": "his", "its": "its", "our": "our", "their": "their"}

_BE = {
    "is": "VBZ",
    "are": "VBP",
    "am": "VBP",
    "was": "VBD",
    "were": "VBD",
    "be": "VB",
    "been": "VBN",
    "being": "VBG",
    "'re": "VBP",
    "'m": "VBP",
}
_HAVE = {"has": "VBZ", "have": "VBP", "had": "VBD", "having": "VBG", "'ve": "VBP"}
_DO = {"does": "VBZ", "do": "VBP", "did": "VBD"}
_MODALS = {
    "can": "can",
    "could": "could",
    "will": "will",
    "would": "would",
    "shall": "shall",
    "should": "should",
    "may": "may",
    "might": "might",
    "must": "must",
    "'ll": "will",
    "'d": "would",
    "ca": "can",
    "wo": "will",
}

# Prepositions; those marked ``particle`` may also be a verb particle (walks *out*, zooms *in*).
_PREPOSITIONS = """of in on at by for with from into onto upon over under above below beneath beside
besides between among amid amidst through throughout across along alongside around about against
toward towards behind near past inside outside within without beyond underneath up down off out via
during despite except unlike atop per amongst aboard near round"""
_PARTICLES = "in on up down out off over away back around about along across through by"
_SUBORDINATORS = """while because although though whereas unless until whether if since once"""
_ADVERBS = """very too also just so still always never often even again away back together forward
forwards ahead quite really almost only rather far soon already yet ever perhaps maybe here there now
then later home downstairs upstairs overhead nearby everywhere somewhere anywhere meanwhile once
twice instead else otherwise thus therefore however indeed sometimes how when where why abroad
aside apart alone outdoors indoors tomorrow today tonight yesterday moreover furthermore nonetheless
nevertheless much more most less least well fast hard straight"""

CLOSED: dict[str, list[Reading]] = _merge(
    {"a": [("DT", "a", 0.0)], "an": [("DT", "an", 0.0)], "the": [("DT", "the", 0.0)]},
    _same("DT", "every each another no any all both either neither these those"),
    {"this": [("DT", "this", 0.0), ("PRP", "this", -1.0)]},
    {"some": [("DT", "some", 0.0)], "such": [("JJ", "such", 0.0)]},
    {w: [("PRPS" if w in _NOMINATIVE else "PRP", lemma, 0.0)] for w, lemma in _PRONOUNS.items()},
    {w: [("PRP$", lemma, 0.0)] for w, lemma in _POSSESSIVES.items()},
    {"her": [("PRP$", "she", 0.0), ("PRP", "she", -0.5)]},
    {"who": [("WP", "who", 0.0)], "whom": [("WP", "whom", 0.0)], "whose": [("WP$", "whose", 0.0)]},
    {"which": [("WDT", "which", 0.0)], "what": [("WP", "what", 0.0)]},
    {"that": [("WDT", "that", -0.3), ("DT", "that", 0.0), ("SC", "that", -0.5)]},
    {"there": [("EX", "there", 0.0), ("RB", "there", -0.5)]},
    {w: [(t, "be", 0.0)] for w, t in _BE.items()},
    {w: [(t, "have", 0.0)] for w, t in _HAVE.items()},
    {w: [(t, "do", 0.0)] for w, t in _DO.items()},
    {w: [("MD", lemma, 0.0)] for w, lemma in _MODALS.items()},
    {"'s": [("VBZ", "be", 0.0), ("POS", "'s", 0.0)], "'": [("POS", "'", 0.0)]},
    {"not": [("RB", "not", 0.0)], "n't": [("RB", "not", 0.0)], "never": [("RB", "never", 0.0)]},
    {"to": [("TO", "to", 0.0), ("IN", "to", 0.0)]},
    _same("CC", "and or but nor &"),
    {"yet": [("CC", "yet", -0.5), ("RB", "yet", 0.0)]},
    {"so": [("RB", "so", 0.0), ("SC", "so", -0.7)]},
    _same("SC", _SUBORDINATORS),
    {"as": [("SC", "as", 0.0), ("IN", "as", -0.3), ("RB", "as", -1.0)]},
    {"like": [("IN", "like", 0.0), ("SC", "like", -0.5), ("VBP", "like", -0.5), ("VB", "like", -0.5)]},
    {"than": [("IN", "than", 0.0)], "after": [("IN", "after", 0.0), ("SC", "after", -0.5)]},
    {"before": [("IN", "before", 0.0), ("SC", "before", -0.5)], "till": [("IN", "till", 0.0)]},
    {"when": [("WRB", "when", 0.0)], "where": [("WRB", "where", 0.0)], "why": [("WRB", "why", 0.0)]},
    {"how": [("WRB", "how", 0.0)], "whenever": [("WRB", "whenever", 0.0)]},
    _same("IN", _PREPOSITIONS),
    {w: [("RP", w, -0.3)] for w in _PARTICLES.split()},
    _same("RB", _ADVERBS, -0.2),
    _same("UH", "oh wow hey hello yes no please ah oops"),
    {"lots": [("NNS", "lot", 0.0)], "lot": [("NN", "lot", 0.0)]},
    _same("JJ", "many few several much more most other same own last next"),
)
# "no" is a determiner first; "yes"/"hello" interjections; fix readings that the merge duplicated.
CLOSED["no"] = [("DT", "no", 0.0), ("UH", "no", -1.0)]
CLOSED["more"] = [("JJR", "more", 0.0), ("RBR", "more", -0.3)]
CLOSED["most"] = [("JJS", "most", 0.0), ("RBS", "most", -0.3)]
CLOSED["much"] = [("JJ", "much", 0.0), ("RB", "much", -0.3)]
CLOSED["out"] = [("RB", "out", 0.0), ("RP", "out", -0.2), ("IN", "out", -0.5)]
CLOSED["about"] = [("IN", "about", 0.0), ("RB", "about", -0.2), ("RP", "about", -0.5)]
CLOSED["well"] = [("RB", "well", 0.0), ("UH", "well", -2.0)]
CLOSED["fast"] = [("RB", "fast", 0.0), ("JJ", "fast", 0.0)]
CLOSED["hard"] = [("RB", "hard", -0.3), ("JJ", "hard", 0.0)]
CLOSED["straight"] = [("RB", "straight", 0.0), ("JJ", "straight", -0.2)]
CLOSED["home"] = [("NN", "home", 0.0), ("RB", "home", -0.3)]
CLOSED["once"] = [("RB", "once", 0.0), ("SC", "once", -0.3)]
CLOSED["past"] = [("IN", "past", 0.0), ("RB", "past", -0.3)]
CLOSED["since"] = [("SC", "since", 0.0), ("IN", "since", -0.2)]

NUMBER_WORDS = frozenset(
    [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
        "twenty",
        "thirty",
        "forty",
        "fifty",
        "sixty",
        "seventy",
        "eighty",
        "ninety",
        "hundred",
        "thousand",
        "million",
        "billion",
        "dozen",
    ]
)

AUXILIARY_LEMMAS = frozenset({"be", "have", "do"})
