"""Korean morphology shared by chunking, keyword search and answer scoring.

Kiwi's model takes about a second to load, so one instance serves the process.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache

from bm25s.stopwords import STOPWORDS_EN_PLUS
from kiwipiepy import Kiwi

# Content morphemes: on a public Korean retrieval benchmark, indexing only these
# beat indexing every morpheme (particles and endings only add noise).
CONTENT_TAGS = frozenset({"NNG", "NNP", "NNB", "NR", "NP", "VV", "VA", "XR", "SL", "SN", "SH", "MAG"})
# Words that carry no topic in a question ("무엇을 발표했나?" -> only 발표 matters; "무슨 얘기 나왔어":
# what was said, which a report never calls 얘기).
QUESTION_WORDS = frozenset(
    {"무엇", "뭐", "뭘", "어디", "언제", "누구", "며칠", "동안", "각각", "얼마", "얼마나", "내용", "얘기", "이야기", "어떻", "어떤", "어느", "얼마", "몇", "왜", "어찌", "무슨", "하", "되", "있", "없", "것", "수", "등", "이", "그", "저"}
)

# English function words, for questions asked in English.
# English function words (bm25s's list, NLTK's; it has the possessive's s, which Kiwi splits off:
# "Busan's" -> Busan ' s), and the question words it leaves out.
ENGLISH_STOPWORDS = frozenset(STOPWORDS_EN_PLUS) | {"much", "many", "held", "one"}  # "which one"
NOUN_TAGS = frozenset({"NNG", "NNP"})

_lock = threading.Lock()
_kiwi: Kiwi | None = None


def kiwi() -> Kiwi:
    global _kiwi
    with _lock:
        if _kiwi is None:
            _kiwi = Kiwi()
        return _kiwi


def _normalise_token(form: str, tag: str) -> str:
    # Verbs and adjectives are stems in Kiwi ("발표하" is split already); lower-case Latin.
    return form.lower() if tag in ("SL", "SH") else form


@lru_cache(maxsize=4096)
def tagged_content_morphemes(text: str) -> tuple[tuple[str, str], ...]:
    tokens = kiwi().tokenize(text)
    return tuple((_normalise_token(t.form, t.tag), t.tag) for t in tokens if t.tag in CONTENT_TAGS)


def content_morphemes(text: str) -> list[str]:
    """Content morphemes of `text`, in order, Latin lower-cased."""
    if len(text) > 2000:  # long texts are indexed once; don't fill the cache with them
        tokens = kiwi().tokenize(text)
        return [_normalise_token(t.form, t.tag) for t in tokens if t.tag in CONTENT_TAGS]
    return [form for form, _ in tagged_content_morphemes(text)]


def names_in(text: str) -> set[str]:
    """The proper nouns and Latin-letter words of `text` (겐트대학교, 알란다, WeGo): what names things."""
    return {form for form, tag in tagged_content_morphemes(text) if tag in ("NNP", "SL")}


def content_morphemes_batch(texts: list[str]) -> list[list[str]]:
    """Same as `content_morphemes` for many texts, using Kiwi's multi-threaded path."""
    out = []
    for tokens in kiwi().tokenize(texts):
        out.append([_normalise_token(t.form, t.tag) for t in tokens if t.tag in CONTENT_TAGS])
    return out


@lru_cache(maxsize=1024)
def question_nouns(text: str) -> frozenset[str]:
    """Korean nouns of a question (at least two syllables): the things it asks about."""
    return frozenset(
        t.form for t in kiwi().tokenize(text) if t.tag in NOUN_TAGS and len(t.form) >= 2 and t.form not in QUESTION_WORDS
    )


def is_proper_noun(word: str) -> bool:
    """Kiwi reads `word` as one proper noun (요코하마, 광저우), not a common noun (기업, 정부)."""
    tokens = kiwi().tokenize(word)
    return len(tokens) == 1 and tokens[0].tag == "NNP"


_LINE_SPLIT = re.compile(r"\n+")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of `text`.

    Lines are hard boundaries (report layouts put one item per line); within a
    line Kiwi's sentence splitter decides. Spans exclude surrounding blanks.
    """
    spans: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        start_of_line = pos
        pos += len(line) + 1
        if not line.strip():
            continue
        if len(line) < 40:
            lead = len(line) - len(line.lstrip())
            spans.append((start_of_line + lead, start_of_line + len(line.rstrip())))
            continue
        for sent in kiwi().split_into_sents(line):
            s, e = sent.start, sent.end
            while s < e and line[s].isspace():
                s += 1
            while e > s and line[e - 1].isspace():
                e -= 1
            if e > s:
                spans.append((start_of_line + s, start_of_line + e))
    return spans
