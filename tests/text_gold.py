"""The hand-tagged prompt sets (tests/data/pos_*.txt) and how to turn them back into prompts.

Shared by the accuracy tests and bench/understand.py, so both measure the same thing."""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).parent / "data"
TOKYO = (
    "A stylish woman walks down a Tokyo street filled with warm glowing neon signs. She's rocking a black leather "
    "jacket, a long red dress, and black boots. Her sunglasses and red lipstick add to her chic look. She walks "
    "confidently, like she owns the city. The street is wet from rain, and it reflects the colorful lights. Lots "
    "of people are out and about."
)


def load_gold(name: str) -> list[list[tuple[str, str]]]:
    """Sentences as (word, UPOS) pairs; one sentence a line, `word/TAG` items, `#` comments."""
    sentences = []
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            sentences.append([tuple(item.rsplit("/", 1)) for item in line.split()])
    return sentences


def detokenize(words: list[str]) -> str:
    """The prompt as typed: no space before punctuation, clitics or around hyphens."""
    text = ""
    for w in words:
        if text and not (w in ",.;:!?" or w.startswith("'") or w == "-" or text.endswith("-")):
            text += " "
        text += w
    return text
