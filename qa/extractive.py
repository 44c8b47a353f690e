"""The offline extractive answer: the best sentences of the retrieved passages, cited.

Every sentence of the top passages gets features against the analysed question: IDF-weighted
overlap with the question's content terms (those the document header does not already
explain apart), embedding similarity (sentence vectors are computed at index time), the
passage's retrieval score and rank, whether it holds what the answer type asks for (a date
for "언제", a place for "어디", a number for "몇"), and whether it is a bare label or cut off.
A logistic model fitted on the tune split (`qa calibrate`, `qa/models/sentences.json`)
turns them into the probability that the sentence holds the answer. Up to three sentences of the
best document make the answer (chosen on the tune split: the third, when likely enough, often holds the
detail that an overview sentence ranked above it only announces). Another document's sentences join
only when the question asks about several things; a question about two trips gets each trip's best.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace

import numpy as np

from .answer import Answer, AnswerContext, Segment, make_citation, not_found, weighted_share
from .facts import is_field_line
from .lexicon import ANY_DATE, COUNTRIES, FOREIGN_CITIES, GENERIC_TITLES, REGIONS, city_country, places_named
from .korean import content_morphemes, names_in, tagged_content_morphemes
from .query import MET, NATIVE_NUMERAL, PERSON_TITLES, is_english
from .retrieve import Hit

# Someone by name: a name before a title (이재용 연구위원, 박상수 삼척시장) or after it (의장 김미옥), or
# a name in Latin letters (Angels Rius). A Korean name is three syllables led by a surname; a place or
# body before a title (부산 시장, 한난시 시장, 협의회 회장) is no name.
_SURNAMES = "김이박최정강조윤장임한오서신권황안송류유전홍고문양손배백허남심노하곽성차주우구민진지엄채원천방공현함변염여추도소석선설마길연위표명기반왕금옥육인맹제모탁국어은편용예경봉사부가복태목형피두감"
# A name before a title does not end as a place, a body or a word with its particle does (광주시,
# 방문단은); one after a title is no word with its particle (시장 선점을).
_PARTICLE_END = "(?<![은는을를의에와과로만])"
_PERSON = (rf"(?<![가-힣])[{_SURNAMES}][가-힣]{{2}}(?<![시군구도국주현청부원회단팀과실처소관교은는을를의에와과로만가한된던할될])\**\s*,?\s*(?:[가-힣]{{0,6}}?)(?:{PERSON_TITLES})"
           rf"|(?:{PERSON_TITLES})\s+[{_SURNAMES}][가-힣]{{2}}{_PARTICLE_END}(?![가-힣])|[A-Z][a-z]+\s+[A-Z][a-z]+"
           # Names listed before the title they share (최기영·주순일·손혜진 총 7명의 의원이).
           rf"|(?<![가-힣])[{_SURNAMES}][가-힣]{{2}}(?:\s*·\s*[{_SURNAMES}][가-힣]{{2}})+(?![가-힣])[^.\n]{{0,12}}?(?:{PERSON_TITLES})")
PERSON = re.compile(_PERSON + r"|출장자|성명")
# A sentence proposing what to do at home, for a question asking what was proposed.
PROPOSED = re.compile(r"제안|건의|제언|도입|적용|접목|반영|활성화|방안|시사점|추진|검토|개선|필요(?:가|성|하|합)|해야|할\s*(?:것|계획)|계획")
# A sentence telling of a meeting, for a question asking whom the trip met ("누구 만났대?": 교수진과의
# 자문회의, 부시장 면담); naming someone or something is not enough.
MEETING = re.compile(MET.pattern + r"|만남|간담회|자문\s*회의|회의|환담|협의|미팅|예방|회담|회동|대담|인터뷰", re.I)
# A sentence giving a purpose or a reason, for a question asking why.
PURPOSE = re.compile(r"목적|위해|위한|위하여|취지|때문|하고자|이유|계기|목표")
# A number counted in native Korean words ("세 가지 세션", "다섯 곳", "두 차례"; not 번: "다시 한번").
NATIVE_COUNT = rf"{NATIVE_NUMERAL}\s*(?:명|곳|개|가지|군데|차례)(?!\s*째|월)"
# A news article dates what happened by the day of the month alone ("5일 … 세미나를 개최했다", "지난 10일부터").
NEWS_DAY = r"(?<![\d.])(?:지난\s*)?\d{1,2}일(?!\s*(?:간|동안))\s*(?:\([^)]{1,6}\)\s*)?(?:부터|오전|오후|[^.]{0,40}?(?:개최|열었|열린|열렸|출발|방문|참석|진행))"
# What a sentence answering each answer type contains.
TYPE_EVIDENCE = {
    # (A place's name ends in 시 or 국, not the common nouns 도시 and 각국.)
    "where": re.compile(r"장\s*소|출장지|개최지|에서\s*(?:열|개최|진행)|(?:시|도|국|캠퍼스|본부|센터|대학교?)에서|[가-힣]+(?<!도)(?<!각)(?:시|국)\s"),
    # A length as reports write it: 3박 4일, 5일간, 12일 이내 (a length is also asked as a limit: "며칠 안에").
    "duration": re.compile(r"\d+\s*박\s*\d+\s*일|\d+\s*일\s*(?:간|동안|이내|안에|만에)|부터.{0,30}까지|[~∼]"),
    "when": re.compile(r"\d{4}\s*[.년]|\d+\s*박\s*\d+\s*일|출발일|도착일|일\s*자|" + ANY_DATE.pattern + "|" + NEWS_DAY),
    "count": re.compile(r"\d+\s*(?:여\s*)?(?:명|개|곳|건|번|개국|회|점|종|권)|인원|총\s*\d|" + NATIVE_COUNT),
    # A person: a title after a name, someone met, or a name in Latin letters (Angels Rius, Hongseok Lee).
    "who": re.compile(r"출장자|성명|면담|만나|만났|" + _PERSON + r"|[가-힣]+(?:시|군|구|도|청|부|원|회)\s*(?:는|은|이|가)\s"),
    "cost": re.compile(r"\d[\d,.]*\s*(?:[십백천만]\s*)*(?:원|억|달러|유로|엔)|예산|경비|비용"),
    "score": re.compile(r"\d+\s*(?:대|:)\s*\d+|무승부|승리|이겼|졌다|우승"),
}


# A time of day as reports write it: "(12:20)", "10:00~14:00", "오후 3시" (not 3시간, 시청).
TIME_OF_DAY = re.compile(r"(?<![\d:])(?:[01]?\d|2[0-3]):[0-5]\d(?!:?\d)|(?:오전|오후|새벽|밤|아침|저녁)\s*\d{1,2}\s*시|(?<![\d.])\d{1,2}\s*시(?:\s*\d{1,2}\s*분|\s*반|쯤|경|에|부터|까지)")
# An edition or round as reports write it: 제3차, 제15회, 15회째, 39기, "3차 OECD Roundtable" (not 3차례).
ORDINAL = re.compile(r"제\s*\d+\s*(?:차|회|기|대|번째)|\d+\s*(?:번|회|차|기|대)\s*째|(?<![\d.])\d+\s*[차기](?![가-힣])")


def type_evidence(query, table: dict[str, re.Pattern] = TYPE_EVIDENCE) -> re.Pattern | None:
    """What a sentence answering the query's type contains; a count also in the unit the question
    counts in ("몇 분마다" is answered by "5분 간격", "몇 층" by "20층"), an edition as an ordinal
    ("몇 번째였어?" by "제3차", not by "7명"), a time of day as one ("몇 시에" by "(12:20)", not by a date)."""
    pattern = table.get(query.answer_type)
    if query.asks_time:
        return TIME_OF_DAY
    if pattern is None or query.answer_type != "count":
        return pattern
    if query.asks_ordinal:
        return ORDINAL
    if not query.counter:
        return pattern
    return re.compile(rf"{pattern.pattern}|\d[\d,.]*\s*(?:여\s*)?{re.escape(query.counter)}", re.I)


def asked_act(query) -> re.Pattern | None:
    """"뭐 발표했어?", "무엇을 논의했나": what was done is asked through its verb, so the sentence
    answering it says that verb (발표하며), not merely the place or the people it names. Said as a
    verb, or closing a report's terse line ("- 한국의 스마트시티 인덱스와 시범적용 사례 소개"); not inside
    a noun phrase ("패널발표 자료", "소개서")."""
    if query.answer_type != "what" or not query.asked_act:
        return None
    return re.compile(rf"{re.escape(query.asked_act)}\s*(?:하|했|함|한|할|되|됐|된|됨|$)")


# Answer types a value answers (a date, a length, a number, an amount), not a place or a name.
VALUE_TYPES = ("when", "duration", "count", "cost")
# The value itself that answers a typed question (an amount for "얼마", a date for "언제"): a report
# with none anywhere cannot answer it, however well it matches the rest of the question.
TYPE_VALUE = {
    "duration": re.compile(r"\d+\s*박\s*\d+\s*일|\d+\s*일\s*(?:간|동안|이내|안에|만에)|\d{1,2}\s*[.월]\s*\d{1,2}\s*일?\s*[~∼-]"),
    "when": re.compile(r"(?:19|20)\d{2}\s*[.년-]|" + ANY_DATE.pattern),
    "count": re.compile(r"\d+\s*(?:여\s*)?(?:명|개|곳|건|번|개국|회|점)|" + NATIVE_COUNT),
    # An amount as reports write it: 829억, 3,000만 원, 1백만원, 50 달러.
    "cost": re.compile(r"\d[\d,.]*\s*(?:[십백천만]\s*)*(?:원|억|달러|유로|엔|위안|USD|EUR|KRW)", re.I),
    "who": re.compile(_PERSON),
    "score": re.compile(r"\d+\s*(?:대|:)\s*\d+"),
}
_PREDICATE_END = re.compile(r"(?:다|요|음|함|임|됨|[가-힣]+(?:소개|강조|설명|제시|발표|논의|참석|추진|필요|공유|개최))[.!?…]*$")
_SENTENCE_END = re.compile(r"[.!?…。\"”’)]$|(?:다|요|음|함|임|됨)$")
_BULLET = re.compile(r"^[•\-–○◦·▪*]\s*")
# Connectives that point back to a sentence the reader of the answer does not see.
_LEADING_CONNECTIVE = re.compile(r"^(?:특히|또한|아울러|한편|더불어|이와 함께|그리고)\s*,?\s+")
# A sentence that ends in a plan ("… 체결을 추진할 계획이라고 전했다", "… 의결될 예정이다").
PLANNED = re.compile(r"(?:계획|예정|방침|전망|추진할|할\s*것|하기로)\S*(?:\s+\S+)?$")
# "이 보고서는 … 결과입니다": a sentence about the report itself, not about what happened.
_ABOUT_THE_REPORT = re.compile(r"^(?:이|본)\s*(?:해외\s*)?(?:출장\s*)?(?:보고서|문서|자료)[는은]")


@dataclass(frozen=True)
class Candidate:
    hit_rank: int
    hit: Hit
    span: tuple[int, int]
    text: str
    lexical: float
    semantic: float
    typed: float
    score: float
    label: bool = False  # a bare label or table row, not a sentence
    trip_purpose: bool = False  # states the purpose the trip's record holds, and the question names no part of the trip


def display(text: str) -> str:
    return _LEADING_CONNECTIVE.sub("", _BULLET.sub("", text.strip()))


def header_terms(hit: Hit) -> set[str]:
    return set(content_morphemes(hit.chunk.header + "\n" + hit.chunk.section))


SENTENCE_FEATURES = (
    "focus_own", "focus_near", "terms_own", "no_focus", "similarity", "passage_score", "passage_rank",
    "passage_match", "type_met", "type_unmet", "label_only", "label_only_what", "report_sentence_what", "cut",
    "length", "rarest_focus", "novelty", "position", "number", "english_sentence_for_english",
    "local_focus_own", "local_focus_near", "similarity_gap", "focus_gap", "local_focus_gap",
)
EMBEDDING_FEATURES = ("similarity",)


def sentence_features(ctx: AnswerContext) -> list[tuple[Candidate, dict[str, float]]]:
    """Every usable sentence of the retrieved passages with its features (see module docstring)."""
    query, retrieval, searcher = ctx.query, ctx.retrieval, ctx.searcher
    index = searcher.index
    q = retrieval.query_vector
    # Someone asked for is answered by a name, not by an organisation doing something.
    evidence = (PERSON if query.asks_person else MEETING if query.asks_whom_met else PROPOSED if query.asks_proposal
                else PURPOSE if query.asks_purpose else type_evidence(query) or asked_act(query))
    within = query.within_countries
    # Read once, not for every sentence: the title of someone asked for, the thing whose name is asked.
    person_title = query.asked_title if query.asks_person else ""
    names_asked, thing = query.asks_thing_name, query.named_thing
    asks_what = query.answer_type == "what"
    about_report = bool(re.search(r"보고서|문서|자료", query.text))
    english = query.language == "en"
    # An English question's own words match the corpus's English sentences, not the answer; the
    # names it gives as the reports write them (Astana -> 아스타나, ASCC) do match.
    terms = list(query.native_terms)
    topic = [t for t in query.topic_terms if t in query.native_terms]
    out: list[tuple[Candidate, dict[str, float]]] = []
    owns: list[tuple[set[str], set[str], list[str]]] = []
    # A question about several trips names each of them: the words naming another trip are not
    # what this trip's sentence must say ("울산 … 와 광명시 … 의 방문 도시": 울산 is no focus in 광명's report).
    naming = set(query.names).union(*(header_terms(h) for h in retrieval.hits)) if query.several else set()
    for rank, hit in enumerate(retrieval.hits):
        if hit.row in searcher.quarantined:
            continue
        doc = index.documents.get(hit.chunk.source)
        title = doc.facts.title if doc else ""
        doc_end = len(doc.text) if doc else -1
        # The trip's stated purpose (not its title, which a formal report may give as its purpose).
        trip_purpose = doc.facts.purpose[:30] if doc and query.asks_purpose and doc.facts.purpose != doc.facts.title else ""
        context = header_terms(hit)
        # Terms the document header already explains (the trip's name) are the topic;
        # the rest are what the question is really about.
        focus = [t for t in topic if t not in context and t not in naming]
        # The question's most specific word (시부야, 몬세라트, 1일차): the answer sentence usually has it.
        rarest = max(focus, key=searcher.idf) if focus else ""
        asked = set(terms) | context
        # How much of the question this passage (with its document header) covers at all:
        # a sentence from the wrong trip must not win on a shared word like 기간.
        passage_match = weighted_share(terms, searcher.terms_of(hit.row), searcher)
        rows = index.sentence_rows[hit.row]
        sims = index.sentence_vectors[rows] @ q if rows else np.zeros(0)
        previous: list[set[str]] = []
        for (s, e), sim in zip(hit.chunk.sentences, sims):
            text = hit.chunk.text[s:e]
            own = set(content_morphemes(text))
            # A question word inside a name counts (대학 in 홍콩과학기술대학교, 박람회 in 섬박람회), as it does
            # in the refusal's document coverage.
            if missing := [t for t in terms if len(t) >= 2 and t not in own]:
                named = names_in(text)
                own |= {t for t in missing if any(t in n and t != n for n in named)}
                # So does a body written as news writes it ("서울시" of "서울의 스마트시티 통합 플랫폼").
                own |= {t for t in missing if searcher.stats.names_organisation(t) and searcher.stats.names_written_in(t, text)}
            near = own.union(*previous[-2:]) if previous else own
            previous.append(own)
            # The title restates the topic, unless it is all the document says (a one-line note).
            is_title = text == title and len(hit.chunk.sentences) > 1
            # A line the trip record's fields are read from (the organisation, country or 출발일 line)
            # is a trip fact, which the facts answer, never what happened or whom they met ("부산광역시
            # 수영구" for "수영구 이태리 가서 뭐함"), nor where ("프랑스" for "스페인 가서 어디 어디 갔어?": the
            # destination is the facts', and the line names no place visited). Only a date, length or
            # count asked may be read there.
            field_line = (doc is not None and query.answer_type not in ("when", "duration", "count")
                          and is_field_line(text, doc.facts))
            if not own or is_title or field_line or text in GENERIC_TITLES or display(text) in ctx.exclude:
                continue
            typed = 1.0 if evidence is not None and evidence.search(text) else 0.0
            if typed and person_title:
                # "델리 주총리 누구": someone named beside that title, not the mayor the question names.
                typed = float(person_title.lower() in re.sub(r"\s+", "", text.lower()))  # 당대표: 당 대표
            if within:
                typed = float(_names_place_within(text, within, set(query.topic_terms), context))
            elif names_asked:
                typed = float(bool(names_beyond(text, asked, searcher.stats.df, thing)))
            elif query.answer_type in ("where", "who") and not typed and not query.asks_person and not query.asks_whom_met:
                # A place or a name the question did not give (퀸스타운 for "뉴질랜드 어디 갔어?",
                # 알란다 공항 for "스톡홀름에서 어디 갔어?") answers "where" and "who".
                typed = float(bool(places_named(text) - set(query.topic_terms) or names_in(text) - asked))
            # A bare label ("Hongseok Lee, 친환경건축팀장 (서울시)") names someone but says nothing they did.
            label_only = float(len(text) < 60 and not _PREDICATE_END.search(text) and ":" not in text)
            f = {
                "focus_own": weighted_share(focus, own, searcher),
                "focus_near": weighted_share(focus, near, searcher),
                "terms_own": weighted_share(terms, own, searcher),
                "no_focus": float(not focus),
                "similarity": float(sim),
                "passage_score": hit.score,
                "passage_rank": rank / max(1, len(retrieval.hits)),
                "passage_match": passage_match,
                "type_met": typed,
                "type_unmet": float(evidence is not None and not typed),
                "label_only": label_only,
                "label_only_what": label_only * asks_what,
                "report_sentence_what": float(asks_what and not about_report and bool(_ABOUT_THE_REPORT.match(text))),
                # The excerpt ends mid-sentence: a cut sentence is a poor answer.
                "cut": float(hit.chunk.start + e >= doc_end and not _SENTENCE_END.search(text)),
                "length": min(len(text) / 200, 1.0),
                "rarest_focus": float(bool(rarest) and rarest in own),
                # An answer tells something the question did not: how specific its new words are.
                "novelty": _mean_idf(own - asked, searcher),
                # Reports open with an overview; the specifics come later.
                "position": (hit.chunk.start + s) / max(1, doc_end),
                "number": float(bool(_NUMBER.search(text))),
                # The embedding favours a sentence in the question's own language over the answer.
                "english_sentence_for_english": float(english and is_english(text)),
            }
            # A table row, or a label that is not merely a sentence the document breaks off in.
            label = "|" in text or bool(label_only and not f["cut"])
            c = Candidate(rank, hit, (s, e), text, f["focus_own"], float(sim), typed, 0.0, label,
                          trip_purpose=bool(trip_purpose) and not focus and trip_purpose in text)
            out.append((c, f))
            owns.append((own, near, focus))
    _relative_features(out, owns)
    return out


# A name quoted or bracketed (‘서울-인도 경제교류센터’, 「Walk21」).
_QUOTED = re.compile(r"[‘“「『'\"]([^’”」』'\"]{2,40})[’”」』'\"]")
# A noun in at most this many passages is as good as a name (mascots, dishes, programme names).
RARE_PASSAGES = 2


def names_beyond(text: str, asked: set[str], df: dict[str, int], thing: str = "") -> set[str]:
    """The names `text` gives that the question (or the report's header, `asked`) does not: proper
    nouns, Latin-letter words (not a lone letter: "A 부지사" is no name), quoted titles, and a noun the
    corpus hardly uses right before the `thing` named ("뭉초 인형": Kiwi knows few new names as
    names). Not places."""
    known = {a.lower() for a in asked} | places_named(text)

    def names_thing(w: str) -> bool:
        rare = df.get(w, 0) <= RARE_PASSAGES
        return bool(thing) and rare and re.search(rf"{re.escape(w)}\s?{re.escape(thing)}", text) is not None

    names = {w for w, tag in tagged_content_morphemes(text)
             if len(w) > 1 and w.lower() not in known and w not in COUNTRIES and w not in REGIONS
             and (tag in ("NNP", "SL") or tag == "NNG" and names_thing(w))}
    return names | {q for q in _QUOTED.findall(text) if q.lower() not in known}


# A foreign municipality written with its suffix (삼문협시, 고토우라정, 나키진촌, 히로시마현).
_TOWN = ("시", "정", "촌", "현")
TOWN_AFTER = r"(?:시|정|촌|현)(?![가-힣])"


def _names_place_within(text: str, within: tuple[str, ...], asked: set[str], header: set[str]) -> bool:
    """"크로아티아에선 어느 도시": a city of those countries, or a town too small for the gazetteer
    written as one (고토우라정, 삼문협시: a proper noun with a municipal suffix, not a word of the
    question or of the trip's header); never the trip's other countries or their cities."""
    if any(name in FOREIGN_CITIES and city_country(name, within) in within for name in places_named(text) - asked):
        return True
    known_places = (asked, header, FOREIGN_CITIES, COUNTRIES, REGIONS)
    return any(not any(name in k for k in known_places) for name in towns_named(text))


def towns_named(text: str) -> set[str]:
    """Proper nouns `text` writes as a municipality (고토우라정, 삼문협시, 나키진촌)."""
    return {name for name in names_in(text) if not name.isascii()
            and (name.endswith(_TOWN) or re.search(re.escape(name) + TOWN_AFTER, text))}


def _relative_features(out: list[tuple[Candidate, dict[str, float]]], owns: list[tuple[set, set, list]]) -> None:
    """Features that compare a sentence with the other candidates of the same question.

    A question term most sentences of a report share (대중교통 in a transport trip's report) names
    the topic; one few of them have (프랑크푸르트) is what the question is really after. So focus
    terms are weighted by their rarity among the report's candidate sentences, and a sentence's
    scores are also taken relative to the best of this question (raw similarities and overlaps
    shift from question to question; the gap to the best does not).
    """
    by_doc: dict[str, list[int]] = {}
    for i, (c, _) in enumerate(out):
        by_doc.setdefault(c.hit.chunk.source, []).append(i)
    for rows in by_doc.values():
        n = len(rows)
        counts: dict[str, int] = {}
        for i in rows:
            for t in owns[i][0]:
                counts[t] = counts.get(t, 0) + 1
        for i in rows:
            own, near, focus = owns[i]
            weight = {t: math.log((n + 1) / (counts.get(t, 0) + 0.5)) for t in focus}
            total = sum(weight.values())
            f = out[i][1]
            f["local_focus_own"] = (sum(w for t, w in weight.items() if t in own) / total if total else 0.0)
            f["local_focus_near"] = (sum(w for t, w in weight.items() if t in near) / total if total else 0.0)
    if not out:
        return
    best = {k: max(f[k] for _, f in out) for k in ("similarity", "focus_own", "local_focus_own")}
    for _, f in out:
        f["similarity_gap"] = f["similarity"] - best["similarity"]
        f["focus_gap"] = f["focus_own"] - best["focus_own"]
        f["local_focus_gap"] = f["local_focus_own"] - best["local_focus_own"]


_NUMBER = re.compile(r"\d")
# A second sentence of the same report joins when it is at least this likely, relative to the best.
SECOND_SENTENCE_RATIO = 0.3
# Two sentences sharing more than this share of their terms say the same (the overview, restated).
REDUNDANT = 0.4
# Sentences of one report in an answer that is not a list.
SENTENCES_PER_REPORT = 3
# A sentence continuing one of the answer joins it when at least this likely, relative to the best,
# and it starts within this many characters of that one's end (0.3 and 0.5 equal on the tune files,
# 0.7 loses every gain).
CONTINUATION_RATIO = 0.5
CONTINUATION_GAP = 40
# A list question's sentence listing the most items joins when it lists at least this many (of at
# most this many characters each) and is at least this likely, relative to the best.
LIST_MIN_ITEMS = 3
LIST_ITEM_CHARS = 15
LIST_SENTENCE_RATIO = 0.1
# An answer asked for every item ("목록", "어디어디") takes up to this many more sentences, each naming
# at least this many things it does not give yet.
LIST_MORE_SENTENCES = 2
LIST_MIN_NEW = 2
# The model's best sentence opens the answer when it is at least this many times as likely as the next.
LEAD_MARGIN = 1.5
# A second trip's sentence joins an answer about several trips when at least this likely, relative to the best.
SECOND_TRIP_RATIO = 0.2


def _mean_idf(terms: set[str], searcher) -> float:
    if not terms:
        return 0.0
    return sum(searcher.idf(t) for t in terms) / len(terms) / searcher.stats.max_idf


def candidates(ctx: AnswerContext) -> list[Candidate]:
    """Every usable sentence, scored by the sentence model: the probability that it holds the answer."""
    return [replace(c, score=ctx.sentence_model.probability(f)) for c, f in sentence_features(ctx)]


def _redundant(c: Candidate, chosen: list[Candidate]) -> bool:
    terms = set(content_morphemes(c.text))
    for other in chosen:
        t = set(content_morphemes(other.text))
        if len(terms & t) / max(1, len(terms | t)) > REDUNDANT:
            return True
    return False


def _identifying(ctx: AnswerContext, hit: Hit) -> set[str]:
    """The question's topic terms that say which trip this document is: its header's, and its stated
    purpose's (a disclosure page without a title line says what the trip was for only there)."""
    record = ctx.searcher.index.catalogue.get(hit.chunk.source) if ctx.searcher.index.catalogue else None
    purpose = set(content_morphemes(record.purpose)) if record is not None and record.purpose else set()
    return {t for t in ctx.query.topic_terms if t in header_terms(hit) or t in purpose}


def _where(c: Candidate) -> tuple[int, int]:
    """The sentence's place in its document (a sentence can be in two overlapping passages)."""
    return c.hit.chunk.start + c.span[0], c.hit.chunk.start + c.span[1]


def _follows(c: Candidate, before: Candidate) -> bool:
    """`c` starts right after `before` ends, in the same document."""
    return c.hit.chunk.source == before.hit.chunk.source and 0 <= _where(c)[0] - _where(before)[1] <= CONTINUATION_GAP


def _continuation(ranked: list[Candidate], c: Candidate, best: Candidate) -> Candidate | None:
    """The sentence right after `c` in its document, when it is a usable sentence at least
    CONTINUATION_RATIO as likely as `best`."""
    nearest = min((o for o in ranked if not o.label and _follows(o, c)), key=lambda o: _where(o)[0], default=None)
    return nearest if nearest is not None and nearest.score >= CONTINUATION_RATIO * best.score else None


def _best_of_report(ranked: list[Candidate], first: Candidate, limit: int) -> list[Candidate]:
    """`first` and up to `limit - 1` more sentences of its report, each at least SECOND_SENTENCE_RATIO as
    likely; then, beyond `limit`, the sentence that continues one of them (`first`'s before the others'):
    the answer is read as a passage, and "둘째 날에는 친목 활동이 이루어졌습니다" says what they did only
    with the sentence after it."""
    chosen = [first]
    for c in ranked:
        if len(chosen) >= limit or c.score < SECOND_SENTENCE_RATIO * first.score:
            break
        # A label or table row may be the answer itself ("장소: OECD 본부"), never an addition to it.
        if c is not first and c.hit.chunk.source == first.hit.chunk.source and not c.label and not _redundant(c, chosen):
            chosen.append(c)
    taken = {_where(c) for c in chosen}
    following = [(c is first, f.score, f) for c in chosen
                 if (f := _continuation(ranked, c, first)) is not None and _where(f) not in taken]
    if following:
        chosen.append(max(following, key=lambda t: t[:2])[2])
    return chosen


def choose(ctx: AnswerContext, ranked: list[Candidate]) -> list[Candidate]:
    """The sentences of the answer, best first."""
    query = ctx.query
    best = ranked[0]
    per_report = ctx.max_sentences if query.wants_list else min(SENTENCES_PER_REPORT, ctx.max_sentences)
    if query.several:
        # The best sentence's report is the first trip; the second is the report, of those naming
        # something the first did not, that names most of the question (the first of equals: the
        # best ranked): "A시 호주 출장과 일본 출장" shares A시 between the two trips,
        # so A시's Japan trip, not another organisation's whose sentence ranks above it.
        covered = _identifying(ctx, best.hit)
        others: dict[str, tuple[Candidate, set[str]]] = {}
        for c in ranked[1:]:
            if c.score < SECOND_TRIP_RATIO * best.score:
                break
            if c.hit.chunk.source != best.hit.chunk.source and c.hit.chunk.source not in others:
                others[c.hit.chunk.source] = (c, _identifying(ctx, c.hit))
        named = [o for o in others.values() if o[1] - covered]
        if named:
            second = max(named, key=lambda o: len(o[1]))[0]
            return [c for first in (best, second) for c in _best_of_report(ranked, first, per_report)]
    # Another report joins only when the question asks about several.
    chosen = _best_of_report(ranked, best, per_report)
    if query.wants_list or query.lists_places:
        # "어떤 정원들 갔어?", "어디어디 들렀대": the report's sentence listing the most items (the list
        # itself) joins, should the likeliest sentences only describe them.
        same = [c for c in ranked if c.hit.chunk.source == best.hit.chunk.source and not c.label
                and c.score >= LIST_SENTENCE_RATIO * best.score]
        asked = {t.lower() for t in query.terms} | header_terms(best.hit)

        def listed(c: Candidate) -> int:
            return items_listed(c.text, asked)

        richest = max(same, key=listed, default=None)
        if richest is not None and listed(richest) >= LIST_MIN_ITEMS and richest not in chosen \
                and listed(richest) > max(listed(c) for c in chosen):
            chosen.append(richest)
    return chosen


def more_items(ctx: AnswerContext, ranked: list[Candidate], chosen: list[Candidate]) -> list[Candidate]:
    """For a question asking for every item ("방문기관 목록", "어디어디"), which reports spread over
    sentences: the likeliest sentences of the answer's first report naming at least two things the
    answer does not give yet (after the answer, which keeps its lead)."""
    if not ctx.query.enumerates:
        return []
    best = chosen[0]
    given = {t.lower() for t in ctx.query.terms} | header_terms(best.hit) | {n.lower() for c in chosen for n in names_in(c.text)}
    more = []
    for c in ranked:
        if len(more) == LIST_MORE_SENTENCES or c.score < SECOND_SENTENCE_RATIO * ranked[0].score:
            break
        new = {n.lower() for n in names_in(c.text)} - given
        if c.hit.chunk.source == best.hit.chunk.source and not c.label and c not in chosen and len(new) >= LIST_MIN_NEW:
            more.append(c)
            given |= new
    return more


def _labelled(text: str, label: str) -> bool:
    """Whether `text` is a "label: value" line labelled `label` ("- 주제: …", "○ 장소: …")."""
    return re.match(rf"[-•○◦*·\s]*{re.escape(label)}\s*[:：]\s*\S", text) is not None


_ITEM_SEPARATOR = re.compile(r"[,·、]|\s및\s")


def _items(text: str) -> int:
    """How many short items a sentence lists ("시치쿠 가든, 토가치 힐즈, 마나베 정원, 우에노팜 …": 4 and
    more); clauses joined by commas are no items. (Names count too, by `listed`: Kiwi reads some
    items as common nouns, 가든, 언덕.)"""
    return sum(2 <= len(part.strip()) <= LIST_ITEM_CHARS for part in _ITEM_SEPARATOR.split(text))


def items_listed(text: str, asked: set[str]) -> int:
    """How many things a sentence lists: short items, or names the question (`asked`, lower case) does not give."""
    return max(_items(text), len({n for n in names_in(text) if n.lower() not in asked}))


def _shown(c: Candidate, searcher) -> str:
    """The sentence as the answer shows it: one the document itself breaks off in ("… 직접 체험하", a
    page whose summary is cut short) marked as cut."""
    doc = searcher.index.documents.get(c.hit.chunk.source)
    text = display(c.text)
    if doc is not None and _where(c)[1] >= len(doc.text.rstrip()) and not _SENTENCE_END.search(text.rstrip()):
        return text.rstrip() + "…"
    return text


def reading_order(chosen: list[Candidate], lead: Candidate | None = None, lead_first: bool = True) -> list[Candidate]:
    """Passages in retrieval order, sentences within one in document order, and a sentence that
    continues another right after it (the best-retrieved passage, not the sentence model's first
    choice, leads: "서울시가 ASCC에서 무엇을 발표했나?" opens with the 2050 탄소중립 sentence).
    The passage of `lead` goes first, and with `lead_first` `lead` itself before the rest of it: the date,
    length, number or amount asked for opens the answer, not the overview sentence before it."""
    first_sentence = lead if lead_first else None
    continuing = {id(c): p for c in chosen for p in chosen if p is not c and c is not first_sentence and _follows(c, p)}
    first = lead.hit_rank if lead is not None else None
    out = sorted((c for c in chosen if id(c) not in continuing),
                 key=lambda c: (c is not first_sentence, c.hit_rank != first, c.hit_rank, c.span[0]))
    # In document order, so the sentence a continuation follows is placed before it is looked for.
    for c in sorted((c for c in chosen if id(c) in continuing), key=_where):
        out.insert(next(i for i, o in enumerate(out) if o is continuing[id(c)]) + 1, c)
    return out


def part_of_trip(query, doc) -> tuple[str, ...]:
    """The country of a trip to several that a question asks within ("부산 싱가포르·말레이시아 출장,
    말레이시아에선 어디 갔어?": the noun it asks about); () otherwise, or when it names a city."""
    asked = query.asked_about[0]
    # ("일본 가서 어디 갔어?" names a country, not a trip to several.)
    if (doc is None or query.several or asked not in COUNTRIES or query.answer_type in VALUE_TYPES
            or any(t in FOREIGN_CITIES for t in query.topic_terms) or set(query.names) <= {asked}):
        return ()
    countries = set(doc.facts.countries)
    return (COUNTRIES[asked],) if COUNTRIES[asked] in countries and len(countries) > 1 else ()


def _about_part(text: str, part: tuple[str, ...], countries: list[str]) -> bool:
    """Whether a sentence tells of those countries of the trip: it names a city there, or one of them
    and not every country of the trip (which an overview does)."""
    places = places_named(text)
    if any(city_country(p, countries) in part for p in places if p in FOREIGN_CITIES):
        return True
    named = {COUNTRIES[p] for p in places if p in COUNTRIES}
    return bool(named & set(part)) and not set(countries) <= named


def _missing(ctx: AnswerContext, ranked: list[Candidate]) -> str:
    """What the question asks for that no candidate sentence gives, said in one line; '' when
    nothing checkable is missing."""
    if ctx.query.asks_outcome and PLANNED.search(display(ranked[0].text).rstrip(" .\"'”’")):
        # "MOU 실제로 체결했나?" and the report says only that it is planned ("체결을 추진할 계획이다").
        return "찾은 보고서에는 계획만 나와 있고, 실제로 어떻게 되었는지는 나와 있지 않습니다."
    source = ranked[0].hit.chunk.source
    doc = ctx.searcher.index.documents.get(source)
    own = [c for c in ranked if c.hit.chunk.source == source]  # the found report's sentences
    part = part_of_trip(ctx.query, doc)
    if part and not any(_about_part(c.text, part, doc.facts.countries) for c in own):
        # "부산 싱가포르·말레이시아 출장, 말레이시아에선 어디 갔어?" and the report tells only of Singapore.
        return f"찾은 보고서에 {part[0]}에서의 일정은 나와 있지 않습니다."
    value = type_evidence(ctx.query, TYPE_VALUE) if ctx.query.answer_type in ("count", "cost") else None
    if value is not None:
        asked = "수는" if ctx.query.answer_type == "count" else "금액은"
        if doc is not None and not value.search(doc.text):
            # "메달 몇 개 땄어?", "기금 얼마 전달했대?" and the report found holds no such number anywhere.
            return f"찾은 보고서에 그 {asked} 나와 있지 않습니다."
        if not any(c.typed for c in own[:SENTENCES_PER_REPORT]):
            # "실제로 관광객 몇 명 오기로 됐어?": the report has numbers, but none of its sentences that
            # answer best gives one.
            return f"찾은 보고서 구절에 그 {asked} 나와 있지 않습니다."
    if ctx.query.asks_someones_name and not any(c.typed for c in own):
        # "트립닷컴 CEO 이름": the report found names no one, only the title.
        return "찾은 보고서 구절에 그 사람의 이름은 나와 있지 않습니다."
    if ctx.query.asks_thing_name:
        # "국제 박람회 이름이 뭐야?" and the report says only that a fair was visited: no sentence about
        # the thing named (박람회), nor any of the best ones, gives a name the question did not.
        thing = ctx.query.named_thing
        about = [c for c in own if thing and thing in c.text] or own[:3]
        if not any(c.typed for c in about):
            return "찾은 보고서 구절에 그 이름은 나와 있지 않습니다."
    return ""


class ExtractiveAnswerer:
    """Quotes the best sentences of the retrieved passages."""

    mode = "extractive"

    def answer(self, ctx: AnswerContext) -> Answer | None:
        ranked = sorted(candidates(ctx), key=lambda c: -c.score)
        if not ranked:
            return None
        asked = ctx.query.asked_about[0]
        labelled = [c for c in ranked if _labelled(c.text, asked)] if len(asked) >= 2 else []
        if not labelled and ctx.query.asks_purpose:
            # "광명시 자카르타 출장 목적이 뭐야": the sentence stating the purpose the trip's record holds, not
            # the purpose of one visit on it ("박물관 방문은 … 벤치마킹하는 것이 주된 목적이었습니다").
            labelled = [c for c in ranked if c.trip_purpose]
        if labelled:
            # "회의 주제 뭐였어" and the report's "- 주제: How can Smart Cities …": the line the report
            # labels with what is asked is the answer.
            ranked = labelled + [c for c in ranked if c not in labelled]
        elif ctx.query.answer_type == "when" and len(asked) >= 2 and not (ranked[0].typed and asked in ranked[0].text):
            # "한중일 세미나 언제 열렸어": the date of the thing asked about (the sentence holding a date and
            # 세미나), not the likeliest sentence holding some date (the organiser's founding in 2011).
            dated = next((c for c in ranked if c.typed and asked in c.text), None)
            if dated is not None:
                ranked = [dated] + [c for c in ranked if c is not dated]
        organisations = ctx.searcher.stats.organisations_named(ctx.query.names) \
            if ctx.query.about_trip and not ctx.query.several else set()
        if organisations:
            # "포천 공무원들 일본 가서 뭐 봤어?": the sentences of the named organisation's reports come
            # first, as their passages do (`Searcher._named_first`); an article about officials' trips in
            # general may score higher on 공무원.
            documents = ctx.searcher.index.documents
            own = {s: (d := documents.get(s)) is not None and d.facts.organisation in organisations
                   for s in {c.hit.chunk.source for c in ranked}}
            ranked = sorted(ranked, key=lambda c: not own[c.hit.chunk.source])
        places = [p for p in ctx.query.proper_nouns if p in FOREIGN_CITIES]
        if places and not ctx.query.several:
            # "울산 트램 연수 파리에서 뭐 봤어": the sentences of a report naming 파리 come first, as its
            # passages do (`Searcher._named_first`); another 울산 trip's may score higher, but never went there.
            naming = {s: ctx.searcher.names_places(s, places) for s in {c.hit.chunk.source for c in ranked}}
            ranked = sorted(ranked, key=lambda c: not naming[c.hit.chunk.source])
        if left_out := [t.lower() for t in ctx.query.left_out]:
            # "파리에서 IEA 말고 어디 또 갔어?": the part of a report headed by what is left out ("2. 대표단-IEA
            # 업무협의"), or a table row or label naming it (the schedule's IEA row), is not the answer
            # (unless it is all there is). A sentence naming it may still be: "서울, 도쿄, 베이징 사례" for
            # "서울 말고 어느 도시".
            def about_left_out(c: Candidate) -> bool:
                return any(t in c.hit.chunk.section.lower() or c.label and t in c.text.lower() for t in left_out)

            ranked = [c for c in ranked if not about_left_out(c)] or ranked
        if missing := _missing(ctx, ranked):
            # The value asked for is in no passage found: say so rather than quote another sentence.
            refusal = not_found(ctx.retrieval, ctx.searcher, text=missing)
            refusal.mode = self.mode
            return refusal
        # A question for a date, a length, a number or an amount opens with the best sentence holding one
        # (a place or a name is less surely told apart: "OECD 회의 어디서" is not the IEA meeting's 파리).
        # ... and so does the line labelled with what is asked, and the one naming someone by the title
        # asked ("델리 주총리 누구").
        # ... and so does the model's first choice when it is far likelier than the next ("방문한 초등학교":
        # the 미나토미라이초등학교 sentence, not the seminar sentence before it in the report).
        sure = len(ranked) > 1 and ranked[0].score >= LEAD_MARGIN * ranked[1].score
        lead = ranked[0] if sure or labelled or ranked[0].typed and (
            ctx.query.answer_type in VALUE_TYPES or ctx.query.asked_title and ctx.query.asks_person) else None
        # The sentence itself leads for a value or a labelled line; of the sentences naming someone by the
        # title asked, the model's first choice is less sure than the passage's order.
        chosen = choose(ctx, ranked)
        chosen = reading_order(chosen, lead, lead_first=sure or bool(labelled) or ctx.query.answer_type in VALUE_TYPES) \
            + more_items(ctx, ranked, chosen)
        numbers: dict[str, int] = {}
        spans: dict[str, list[tuple[int, int]]] = {}
        segments: list[Segment] = []
        for c in chosen:
            cid = c.hit.chunk.id
            if cid not in numbers:
                numbers[cid] = len(numbers) + 1
                spans[cid] = []
            spans[cid].append(_where(c))
            segments.append(Segment(_shown(c, ctx.searcher), (numbers[cid],)))
        by_id = {c.hit.chunk.id: c.hit for c in chosen}
        citations = [make_citation(n, by_id[cid], spans[cid], ctx.searcher) for cid, n in numbers.items()]
        # The evidence is the best-matching sentence's, whichever line leads (a labelled line may match less).
        best = max(ranked, key=lambda c: c.score)
        return Answer(
            question=ctx.query.text,
            segments=segments,
            abstained=False,
            citations=citations,
            mode=self.mode,
            signals={"sentence_probability": best.score, "sentence_lexical": best.lexical,
                     "sentence_similarity": best.semantic, "sentence_typed": best.typed},
        )
