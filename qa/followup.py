"""Follow-up questions ("그 출장은 며칠이었어?"): what they refer to.

Whether a question points back is decided once, by the query analysis (`Query.refers_back`:
a pointer such as 그 출장, 거기서, 그때, 또, or a question that names nothing of its own).
Offline, a follow-up is answered from the documents the previous answer cited, with the
previous question's subject added to the search. With an LLM the question is also rewritten
into a standalone one (qa.generate.condense_question). Nothing carries over from a refusal.
"""

from __future__ import annotations

import re

from .korean import question_nouns
from .query import GENERIC_TERMS, Query

_POINTERS = re.compile(r"거기(?:에서|서|에)?|그곳(?:에서|에)?|이곳(?:에서)?|그때|그 때|그럼|그러면|그리고|또(?:는)?(?=\s)|^또")
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9&-]+")


def _answered(history: list[dict]) -> list[dict]:
    return [t for t in history if not t.get("abstained") and t.get("citations")]


def previous_sources(history: list[dict]) -> list[str]:
    """Documents cited by the latest answered turn, most relevant first."""
    answered = _answered(history)
    return list(dict.fromkeys(c["source"] for c in answered[-1]["citations"])) if answered else []


def said_before(history: list[dict]) -> frozenset[str]:
    """Sentences the last answered turns already gave ("또 뭘 했어?" wants something else)."""
    return frozenset(s["text"].strip() for t in _answered(history)[-3:] for s in t.get("segments", []) if s.get("citations"))


def offline_standalone(query: Query, history: list[dict]) -> str:
    """The question with its pointers replaced by the previous answered question's subject.

    "거기서 또 뭘 했어?" after "서울시가 ASCC에서 무엇을 발표했나?" searches as
    "서울시 ASCC 뭘 했어?".
    """
    if query.topic_terms and not _POINTERS.search(query.text):
        return query.text
    for turn in reversed(_answered(history)):
        prev = turn["question"]
        subject = (question_nouns(prev) - GENERIC_TERMS) | set(_LATIN_WORD.findall(prev))
        if subject:
            rest = re.sub(r"\s+", " ", _POINTERS.sub(" ", query.text)).strip()
            return " ".join(sorted(subject, key=prev.find)) + " " + rest
    return query.text
