"""LLM answers through LangChain's chat-model seam, checked sentence by sentence.

The model sees the question and the numbered passages, delimited as data (prompts/).
What it writes is trusted only as far as it can be verified: markers that point to no
passage are dropped, and each sentence must be supported by the passage it cites
(content-morpheme overlap and sentence-embedding similarity). Unsupported sentences are
removed; when none is left, the caller falls back to the extractive answer.
"""

from __future__ import annotations

import html
import queue
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage

from .answer import Answer, Citation, Segment, make_citation, not_found, weighted_share
from .korean import content_morphemes
from .prompts import load_prompt
from .retrieve import Hit, Retrieval, Searcher
from .settings import Settings

_MARKERS = re.compile(r"\[\s*(\d+(?:\s*[,，]\s*\d+)*)\s*\]")
_SENTENCE_BREAK = re.compile(r"(?<=[.!?。])\s+|(?<=\])\s+(?!\[)|\n+")
QUARANTINED_PASSAGE = "(AI에게 지시하는 문장이 있어 뺀 구절입니다)"
_NOT_FOUND_HINTS = ("찾을 수 없", "포함되어 있지 않", "나와 있지 않", "언급되어 있지 않")


class LLMConfigError(Exception):
    """The endpoint refuses us for a reason retrying cannot fix (key, model name, URL)."""


class LLMUnavailable(Exception):
    """The endpoint is down, too slow, or overloaded (after the bounded retries)."""


def make_chat_model(settings: Settings) -> BaseChatModel:
    """An OpenAI-compatible chat model (OpenAI, Ollama, vLLM, llama.cpp server, LM Studio)."""
    if not settings.llm_configured:
        raise LLMConfigError("LLM이 설정되지 않았습니다. QA_LLM_BASE_URL과 QA_LLM_MODEL을 지정하세요.")
    try:
        from langchain_openai import ChatOpenAI
    except ImportError as exc:  # pragma: no cover - it is a core dependency
        raise LLMConfigError("langchain-openai가 필요합니다: pip install langchain-openai") from exc
    key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else "not-needed"
    return ChatOpenAI(
        model=settings.llm_model,
        base_url=settings.llm_base_url,
        api_key=key,
        timeout=min(settings.llm_timeout, settings.llm_deadline),
        max_retries=settings.llm_max_retries,  # the openai client backs off exponentially
        temperature=settings.llm_temperature,
    )


def _translate_error(exc: Exception, settings: Settings) -> Exception:
    import openai

    if isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
        return LLMConfigError(f"LLM 서버가 API 키를 거부했습니다 (QA_LLM_API_KEY 확인): {settings.llm_base_url}")
    if isinstance(exc, openai.NotFoundError):
        return LLMConfigError(
            f"LLM 서버에 모델 '{settings.llm_model}'이(가) 없거나 주소가 틀렸습니다 "
            f"(QA_LLM_MODEL, QA_LLM_BASE_URL 확인): {settings.llm_base_url}"
        )
    if isinstance(exc, openai.BadRequestError):
        return LLMConfigError(f"LLM 서버가 요청을 거부했습니다: {exc}")
    if isinstance(exc, openai.APITimeoutError):
        return LLMUnavailable(f"LLM 서버가 {settings.llm_timeout:g}초 안에 응답하지 않았습니다")
    if isinstance(exc, openai.APIConnectionError):
        return LLMUnavailable(f"LLM 서버에 연결할 수 없습니다: {settings.llm_base_url}")
    if isinstance(exc, openai.APIStatusError):
        return LLMUnavailable(f"LLM 서버 오류 (HTTP {exc.status_code})")
    # Anything else is a reply we could not read (not JSON, not a stream, a broken stream).
    return LLMUnavailable(f"LLM 서버의 답을 읽을 수 없습니다 ({exc.__class__.__name__})")


# --------------------------------------------------------------------------- prompt


def _attr(value: str) -> str:
    return html.escape(value, quote=True)


def as_data(text: str) -> str:
    """Document text cannot open or close a passage block."""
    return re.sub(r"<(/?)(passages?)\b", r"‹\1\2", text, flags=re.IGNORECASE)


def format_passages(hits: list[Hit], searcher: Searcher) -> str:
    blocks = []
    for n, hit in enumerate(hits, 1):
        doc = searcher.index.documents.get(hit.chunk.source)
        where = f"{hit.chunk.page}쪽" if hit.chunk.page else hit.chunk.section
        title = doc.facts.title if doc else ""
        # A passage that talks to an AI is not shown to the model at all.
        text = QUARANTINED_PASSAGE if hit.row in searcher.quarantined else as_data(hit.chunk.text)
        blocks.append(
            f'<passage n="{n}" source="{_attr(hit.chunk.source)}" location="{_attr(where)}" title="{_attr(title)}">\n'
            f"{text}\n</passage>"
        )
    return "\n".join(blocks)


def answer_messages(question: str, hits: list[Hit], searcher: Searcher) -> list[BaseMessage]:
    system = load_prompt("system").text.format(not_found=load_prompt("not_found").text)
    user = load_prompt("answer").format(question=as_data(question), passages=format_passages(hits, searcher))
    return [SystemMessage(system), HumanMessage(user)]


def condense_messages(history: list[dict], question: str) -> list[BaseMessage]:
    lines = []
    for turn in history[-3:]:
        lines.append(f"사용자: {turn['question']}")
        lines.append(f"도우미: {' '.join(seg['text'] for seg in turn.get('segments', [])).strip()}")
    text = load_prompt("condense").format(history=as_data("\n".join(lines)), question=as_data(question))
    return [HumanMessage(text)]


# --------------------------------------------------------------------------- calling


def _bounded(produce: Callable[[Callable[[str], None]], None], settings: Settings) -> Iterator[str]:
    """The pieces `produce` emits, read from a worker thread: the whole reply must arrive within
    `llm_deadline` seconds and stay under `llm_max_reply_chars`, however the server behaves
    (a hang, one piece every 20 s, a 10 MB body). Errors become LLMConfigError / LLMUnavailable.
    An abandoned worker ends with its own request timeout; its pieces are dropped."""
    pieces: queue.Queue = queue.Queue()
    stop = threading.Event()

    def work() -> None:
        try:
            produce(lambda piece: None if stop.is_set() else pieces.put(("piece", piece)))
            pieces.put(("end", None))
        except BaseException as exc:  # noqa: BLE001 - handed to the reader
            pieces.put(("error", exc))

    threading.Thread(target=work, daemon=True, name="llm-reply").start()
    deadline = time.monotonic() + settings.llm_deadline
    size = 0
    try:
        while True:
            try:
                kind, value = pieces.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise LLMUnavailable(f"LLM 답변이 {settings.llm_deadline:g}초 안에 끝나지 않았습니다") from None
            if kind == "end":
                return
            if kind == "error":
                if isinstance(value, LLMConfigError | LLMUnavailable):
                    raise value
                raise _translate_error(value, settings) from value
            size += len(value)
            if size > settings.llm_max_reply_chars:
                raise LLMUnavailable(f"LLM 답변이 너무 깁니다 ({settings.llm_max_reply_chars:,}자 초과)")
            yield value
    finally:
        stop.set()


def stream_text(model: BaseChatModel, messages: list[BaseMessage], settings: Settings) -> Iterator[str]:
    """The model's reply, piece by piece, within the deadline and size limit (see `_bounded`)."""

    def produce(emit: Callable[[str], None]) -> None:
        for chunk in model.stream(messages):
            if chunk.content:
                emit(chunk.content if isinstance(chunk.content, str) else str(chunk.content))

    return _bounded(produce, settings)


def condense_question(model: BaseChatModel, history: list[dict], question: str, settings: Settings) -> str:
    """A standalone version of a follow-up question (first line of the model's reply; not streamed)."""

    def produce(emit: Callable[[str], None]) -> None:
        reply = model.invoke(condense_messages(history, question)).content
        emit(reply if isinstance(reply, str) else "")

    text = "".join(_bounded(produce, settings)).strip()
    line = text.splitlines()[0].strip().strip('"“”') if text else ""
    return line if 2 <= len(line) <= 300 else question


# --------------------------------------------------------------------------- verification


@dataclass(frozen=True)
class CheckedSentence:
    text: str  # without markers
    cited: tuple[int, ...]  # valid passage numbers it cites (after checking)
    supported: bool
    overlap: float
    similarity: float
    spans: tuple[tuple[int, int], ...]  # document offsets of the passage sentences that support it


def split_marked_sentences(text: str) -> list[tuple[str, list[int]]]:
    """(sentence without markers, the numbers it cites) for each sentence of a model reply."""
    out: list[tuple[str, list[int]]] = []
    for piece in _SENTENCE_BREAK.split(text.strip()):
        numbers = [int(n) for group in _MARKERS.findall(piece) for n in re.split(r"[,，]", group)]
        body = re.sub(r"\s+([.!?。])", r"\1", _MARKERS.sub("", piece)).strip()
        if not body and numbers and out:  # markers on their own: they belong to the sentence before
            out[-1][1].extend(numbers)
        elif body:
            out.append((body, numbers))
    return out


def check_sentence(
    text: str, numbers: list[int], hits: list[Hit], searcher: Searcher, settings: Settings
) -> CheckedSentence:
    terms = set(content_morphemes(text))
    valid = [n for n in dict.fromkeys(numbers) if 1 <= n <= len(hits)]
    # A sentence without a usable marker may still be supported by some passage; never by one
    # that talks to an AI (qa.injection).
    candidates = [n for n in valid or range(1, len(hits) + 1) if hits[n - 1].row not in searcher.quarantined]
    vector = searcher.embedder.embed_passages([text])[0] if terms else None
    best: CheckedSentence | None = None
    supporting: list[tuple[int, tuple[tuple[int, int], ...], float, float]] = []
    for n in candidates:
        hit = hits[n - 1]
        overlap = weighted_share(terms, searcher.terms_of(hit.row), searcher)
        rows = searcher.index.sentence_rows[hit.row]
        sims = searcher.index.sentence_vectors[rows].astype(np.float32) @ vector if rows and vector is not None else []
        sim = float(max(sims)) if len(sims) else 0.0
        spans = ()
        if len(sims):
            s, e = hit.chunk.sentences[int(np.argmax(sims))]
            spans = ((hit.chunk.start + s, hit.chunk.start + e),)
        ok = overlap >= settings.support_min_overlap or (
            overlap >= 0.5 * settings.support_min_overlap and sim >= settings.support_min_similarity
        )
        if ok:
            supporting.append((n, spans, overlap, sim))
        if best is None or overlap + sim > best.overlap + best.similarity:
            best = CheckedSentence(text, (), False, overlap, sim, spans)
    if not terms or not supporting:
        return best or CheckedSentence(text, (), False, 0.0, 0.0, ())
    if not valid:
        supporting = [max(supporting, key=lambda x: x[2] + x[3])]
    return CheckedSentence(
        text,
        tuple(n for n, *_ in supporting),
        True,
        max(x[2] for x in supporting),
        max(x[3] for x in supporting),
        tuple(sp for _, spans, *_ in supporting for sp in spans),
    )


def says_not_found(text: str) -> bool:
    return any(h in text for h in _NOT_FOUND_HINTS) or load_prompt("not_found").text in text


def verified_answer(reply: str, retrieval: Retrieval, searcher: Searcher, settings: Settings) -> Answer | None:
    """The model's reply as a cited Answer, keeping only supported sentences.

    Returns an abstaining Answer when the model says the passages hold no answer, and None
    when nothing it wrote could be verified (the caller falls back to the extractive answer).
    """
    hits = retrieval.hits
    checked = [check_sentence(t, nums, hits, searcher, settings) for t, nums in split_marked_sentences(reply)]
    kept = [c for c in checked if c.supported and not says_not_found(c.text)]
    if not kept:
        if says_not_found(reply):
            answer = not_found(retrieval, searcher)
            answer.mode = "llm"
            return answer
        return None

    numbers: dict[int, int] = {}  # passage number in the prompt -> citation number shown
    spans: dict[int, list[tuple[int, int]]] = {}
    segments = []
    for c in kept:
        shown = []
        for n in c.cited:
            if n not in numbers:
                numbers[n] = len(numbers) + 1
                spans[n] = []
            shown.append(numbers[n])
            chunk = hits[n - 1].chunk
            spans[n].extend(sp for sp in c.spans if chunk.start <= sp[0] < chunk.end and sp not in spans[n])
        segments.append(Segment(c.text, tuple(shown)))
    citations: list[Citation] = [make_citation(m, hits[n - 1], spans[n], searcher) for n, m in numbers.items()]
    removed = len(checked) - len(kept)
    notice = f"근거를 확인할 수 없는 문장 {removed}개를 답에서 뺐습니다." if removed else ""
    return Answer(
        question=retrieval.question,
        segments=segments,
        abstained=False,
        citations=citations,
        mode="llm",
        notice=notice,
    )
