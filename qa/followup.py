"""Follow-up questions ("그 출장은 며칠이었어?"): detect them and find what they refer to.

Offline, a follow-up is answered from the documents the previous answer cited. With an
LLM, the question is also rewritten into a standalone one (qa.generate.condense_question).
"""

from __future__ import annotations

import re

from .korean import question_nouns

# Demonstratives and connectives that lean on the previous turn.
_REFERS_BACK = re.compile(
    r"(^|\s)(그|이|저|해당|위|앞의|앞에서)\s*(출장|보고서|행사|회의|회의에서|세미나|도시|나라|곳|기관|사람|분|때|기간|일정)"
    r"|거기|그곳|그때|그 때|이곳|저기|그럼|그러면|그리고|또\s|또는 뭘|^또|다른 건|나머지|그 밖|그밖"
)
_MORE = re.compile(r"(^|\s)또|다른\s*(건|것|일|내용)|나머지|그\s*밖|그밖|더\s*(있|알려)")
# Words every question about a trip uses: on their own they do not say which trip.
_GENERIC_NOUNS = frozenset({"출장", "보고서", "기간", "일정", "목적", "내용", "결과", "성과", "장소", "일자", "날짜", "인원", "비용"})


def is_follow_up(question: str) -> bool:
    """True when the question points back (그 출장, 거기서, 또) or names nothing specific."""
    if _REFERS_BACK.search(question):
        return True
    return not (question_nouns(question) - _GENERIC_NOUNS)


def asks_for_more(question: str) -> bool:
    """"또 뭘 했어?", "다른 건?": the user wants what the previous answers did not say."""
    return bool(_MORE.search(question))


def previous_sources(history: list[dict]) -> list[str]:
    """Documents cited by the latest answered turn, most relevant first."""
    for turn in reversed(history):
        if not turn.get("abstained") and turn.get("citations"):
            return list(dict.fromkeys(c["source"] for c in turn["citations"]))
    return []


_POINTERS = re.compile(r"거기(?:에서|서|에)?|그곳(?:에서|에)?|이곳(?:에서)?|그때|그 때|그럼|그러면|그리고|또(?:는)?(?=\s)|^또")
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9&-]+")


def offline_standalone(question: str, history: list[dict]) -> str:
    """The question with its pointers replaced by the previous question's subject (no LLM needed).

    "거기서 또 뭘 했어?" after "서울시가 ASCC에서 무엇을 발표했나?" searches as
    "서울시 ASCC 뭘 했어?".
    """
    if question_nouns(question) - _GENERIC_NOUNS:
        return question
    for turn in reversed(history):
        prev = turn["question"]
        subject = (question_nouns(prev) - _GENERIC_NOUNS) | set(_LATIN_WORD.findall(prev))
        if subject:
            rest = re.sub(r"\s+", " ", _POINTERS.sub(" ", question)).strip()
            return " ".join(sorted(subject, key=prev.find)) + " " + rest
    return question
