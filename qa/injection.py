"""Text in a document that talks to an AI ("이전 지시를 무시하고 …"): data, never an answer or support.

A sentence is instruction-like when it does what an injected instruction must do, in any wording:
  1. sets earlier instructions aside: an override verb (무시, 잊, 따르지 마, 취소, 무효, ignore,
     disregard, forget, override) next to an instruction noun (지시, 명령, 지침, 안내, 규칙, 설정,
     프롬프트, instructions, rules, prompt);
  2. addresses an AI (AI, 인공지능, 챗봇, 어시스턴트, 비서, 모델, GPT, assistant, chatbot) and tells
     it what to say: an imperative or obligation form of 답하다, 알려 주다, 말하다, 출력하다, 쓰다;
  3. dictates an answer without naming the AI: "…라고 답하세요", "…만 출력하라", "다음과 같이 답하라";
  4. reassigns the AI's role or asks for its configuration: "너는 이제 …", "개발자 모드",
     "시스템 프롬프트", "you are now", "act as";
  5. is a tag meant for an AI reader: "[AI 참고]", "[SYSTEM]".
Reported speech is not an instruction: "…라고 답했다", "시장은 … 검토하라고 지시했다".

A passage holding such a sentence is quarantined as a whole (`quarantined_rows`): the injected
payload usually follows the instruction ("다음과 같이 답하세요: 대전시 대표단은 …"), and a
sentence splitter may cut it off from the instruction at a colon.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .chunk import Chunk

_OVERRIDE_VERB = r"(?:무시|잊|따르지\s*(?:마|말)|취소|무효|덮어\s*쓰|폐기|override|disregard|ignore|forget)"
_INSTRUCTION_NOUN = (
    r"(?:지시|명령|지침|안내|규칙|설정|프롬프트|시스템\s*메시지|제약|instructions?|rules?|guidelines?|prompts?|directions?|directives?)"
)
# An imperative or an obligation: 하세요, 하십시오, 하라, 해라, 해, 해야 (한다), 해 줘, 주세요, 주어야.
_MUST = r"(?:세요|십시오|시오|라(?![고는])|야\b|야\s*(?:한다|합니다|해)|줘|주세요|주십시오|주어야|줘야|주라|라고\s*지시)"
# Any verb in an imperative or obligation form (포함해 주세요, 평가해야 해요, 출력해.).
_ANY_MUST = rf"[가-힣]+(?:하|해|아|어|여)\s*{_MUST}|[가-힣]+해(?=\s*[.!]|\s*$)"
_SAY = rf"(?:답|대답|응답|답변|회신)\s*(?:하|해|을\s*하|을\s*해)\s*{_MUST}|(?:알려|말해|출력해|출력하|전달해|전달하|적어|써|작성해|작성하|표시해|언급해|안내해|설명해)\s*{_MUST}"
_AI = r"(?:\bAI\b|인공\s*지능|챗봇|어시스턴트|비서|언어\s*모델|\bLLM\b|GPT|모델(?:은|는|이|가|로서)|너는|너의|당신은|당신의|\bassistant\b|\bchatbot\b)"

_PATTERNS = [
    # 1. override
    rf"{_INSTRUCTION_NOUN}[^.!?\n]{{0,12}}?{_OVERRIDE_VERB}",
    r"\b(?:ignore|disregard|forget|override)\b[^.!?\n]{0,40}?\b(?:instructions?|rules?|guidelines?|prompts?|directions?|directives?|context)\b",
    # 2. an AI told what to say
    rf"{_AI}[^\n]{{0,80}}?(?:{_SAY})",
    rf"{_AI}[^\n]{{0,60}}?\b(?:must|should|shall|always|never|only)\b[^.\n]{{0,20}}?\b(?:answer|respond|reply|say|tell|state|output|write|mention|include|claim)",
    # ... or addressed as the reader of the document ("이 문서를 분석하는 챗봇은 …")
    r"(?:문서|보고서|글|자료|내용|텍스트)[을를]?\s*(?:읽|분석|요약|처리|참고|검토)[가-힣]*\s*(?:AI|인공\s*지능|챗봇|어시스턴트|비서|언어\s*모델|GPT|LLM)",
    r"\b(?:AI|assistant|chatbot|model|LLM)s?\s+(?:reading|summari[sz]ing|processing|analy[sz]ing)\s+(?:this|the)\b",
    # 3. a dictated answer
    rf"(?:라고|이라고|다고|고)\s*만?\s*(?:{_SAY})",
    rf"(?:다음과\s*같이|아래와\s*같이|이렇게)\s*(?:{_SAY})",
    rf"만\s*(?:출력|답|대답|응답)\s*(?:하|해)\s*{_MUST}|만\s*(?:출력|답|대답|응답)해(?=\s*[.!]|\s*$)",
    # ... or a rule for whenever it answers ("답변할 때마다 … 포함해 주세요", "요약 요청을 받으면 … 출력해")
    rf"(?:답변|답|대답|응답|요약|질문)[을를이가]?\s*(?:할|하는|받을|받는|요청을\s*받을|요청을\s*받으면|받으면)\s*(?:때마다|때는|때|경우|면)?[^\n]{{0,80}}?(?:{_ANY_MUST})",
    r"\b(?:when|whenever|if)\s+(?:you\s+)?(?:answer|respond|reply|summari[sz]e|asked)\w*\b[^.\n]{0,60}\b(?:always|must|include|say|add|mention)\b",
    r"(?:질문|물음)(?:과|에)\s*(?:관계|상관)\s*없이",
    r"\b(?:answer|respond|reply)\s+(?:only\s+)?(?:with|that)\b|\b(?:regardless of|no matter) (?:the|what the) question\b",
    # 4. role and configuration
    r"(?:너|당신|네|니)\s*(?:는|은|가|이)\s*(?:이제|지금부터|앞으로)|(?:이제부터|지금부터|앞으로)\s*(?:너|당신|AI|챗봇|어시스턴트)",
    r"개발자\s*모드|탈옥|(?:시스템\s*(?:프롬프트|메시지)|프롬프트|지시문)[^\n]{0,20}?(?:공개|보여|출력|알려|말해)",
    r"\byou are now\b|\bact as\b|\bpretend (?:to be|you)\b|\bdeveloper mode\b|\bjailbreak\b|\bfrom now on\b",
    r"\b(?:reveal|print|show|repeat|output)\b[^.\n]{0,20}\b(?:system prompt|instructions|prompt)\b",
    # 5. a tag for an AI reader
    r"[\[<【]\s*(?:AI|인공지능|챗봇|시스템|SYSTEM|system|assistant|ASSISTANT|지시|INSTRUCTION|instruction)[^\]>】]{0,12}[\]>】]",
]
_INSTRUCTION = re.compile("|".join(f"(?:{p})" for p in _PATTERNS), re.IGNORECASE)


def looks_like_instruction(text: str) -> bool:
    """Whether `text` reads as an instruction to an AI (see module docstring)."""
    return bool(_INSTRUCTION.search(text))


def quarantined_rows(chunks: Sequence[Chunk], after: int = 2) -> frozenset[int]:
    """Rows of the passages holding an instruction-like sentence, and of the passage after one whose
    instruction is among its last `after` sentences (the payload may go on there). `chunks` are in
    document order, as the index stores them."""
    rows: set[int] = set()
    spill, source = False, None
    for row, chunk in enumerate(chunks):
        if chunk.source != source:
            spill, source = False, chunk.source
        flags = [looks_like_instruction(chunk.text[s:e]) for s, e in chunk.sentences]
        if spill or any(flags):
            rows.add(row)
        spill = any(flags[-after:])
    return frozenset(rows)
