"""Query analysis: everything the later stages need to know about a question, computed once.

`analyse(question, stats)` runs Kiwi once and returns a `Query`: content terms (spelling
corrected against the corpus vocabulary), topic nouns, the answer type (where / when / how long /
how many / who / how much / what), whether several items or several trips are asked for,
whether it points back to the conversation, its language, and — for questions about trips
as a whole — the catalogue request with filters that the corpus actually knows. Retrieval,
routing, answering and the refusal decision all read this object; none re-tokenises the
question with its own patterns.
"""

from __future__ import annotations

import calendar
import math
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property, lru_cache
from typing import Literal

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from .catalogue import TripFilter
from .lexicon import (CITY_NAMES, COUNTRIES, DAY_WORDS, ENGLISH_COUNTRIES, ENGLISH_NUMBERS, ENGLISH_UNITS, FOREIGN_CITIES,
                      ORGANISATION_LEVEL_WORDS, PROVINCE_FULL_NAMES, REGIONS, SEASONS, korean_city_body, normalise_country,
                      organisation_aliases, usual_city_name)
from .korean import CONTENT_TAGS, ENGLISH_STOPWORDS, QUESTION_WORDS, content_morphemes, is_proper_noun, kiwi

AnswerType = Literal["where", "when", "duration", "count", "who", "cost", "score", "what"]
CatalogueKind = Literal["similar", "list", "count", "earliest", "latest", "longest", "shortest", "largest", "most", "compare"]

# --------------------------------------------------------------------------- cue lexicon
# Every Korean/English cue the analysis reads lives here, in one place.

# People's titles: a name comes before one (박상수 시장, Angels Rius 관장), and "CEO 이름" asks for one.
PERSON_TITLES = ("연구위원|장관|차관|시장|군수|구청장|의장|의원|사무관|주무관|기획관|팀장|국장|과장|사무총장|부시장|위원장|교수|대표|"
                 "총장|관장|원장|사장|이사장|대사|영사|회장|주지사|부지사|지사|CEO|작가|감독|박사|대통령|총리|청장|소장|실장|센터장|"
                 "부장|본부장|학장")
# "트립닷컴 CEO 이름 뭐야": the name of someone with a title, even when the question says they were met;
# "면담한 사람 이름": of anyone; "작품 빌리기로 한 작가 누구야?": someone by a title.
TITLE_NAME_ASKED = re.compile(rf"(?:{PERSON_TITLES})\s*(?:의\s*)?(?:이름|성명)", re.I)
PERSON_NAME_ASKED = re.compile(rf"{TITLE_NAME_ASKED.pattern}|(?:사람|인물|담당자|분)\s*(?:의\s*)?(?:이름|성명)|"
                               rf"(?:{PERSON_TITLES})\s*(?:은|는|이|가)?\s*누구", re.I)
# "박람회 이름이 뭐야?", "소각시설의 명칭은?", "작품 제목": the name of a thing, which a passage either
# gives or does not.
THING_NAME_ASKED = re.compile(r"이름|명칭|제목|실명|상호|\bname(?:s|d)?\b|\btitle\b", re.I)
_TITLE_ASKED = re.compile(rf"([가-힣A-Za-z]*(?:{PERSON_TITLES}))\s*(?:의\s*)?(?:은|는|이|가)?\s*(?:누구|이름|성명)", re.I)
# The time of day ("몇 시에 출발", "몇시쯤", "what time"), not a number of hours (몇 시간).
TIME_ASKED = re.compile(r"몇\s*시(?!\s*간)|what\s+time", re.I)
# Which edition or round ("몇 번째", "몇 회째", "몇 회차", "몇 차 총회", "몇 기"): answered by an ordinal (제3차, 15회째).
ORDINAL_ASKED = re.compile(r"몇\s*(?:번|회|차|기|대)\s*째|몇\s*회\s*차|몇\s*차(?!\s*례)|몇\s*기(?=\s*(?:였|야|인|생|\?|$))")
# A number said in native Korean words ("세 명", "다섯 곳"), not inside another word ("대한 명칭").
NATIVE_NUMERAL = r"(?<![가-힣])(?:한|두|세|네|다섯|여섯|일곱|여덟|아홉|열)"
# Order matters: "며칠" and "얼마 동안" are durations before "얼마" is a cost; "몇 월" is a date.
_DAY_OF = r"\s*(?:날|에(?!\s*(?:서|걸)))"
# A word for a price (the cost cue is these or 얼마).
_PRICE_WORD = re.compile(r"비용|경비|예산|금액|액수|총액|how\s+much|cost|budget|expense", re.I)
ANSWER_TYPE_CUES: list[tuple[AnswerType, re.Pattern]] = [
    # A match's result ("친선경기 몇 대 몇이었어?"): before "몇 대" is read as a count.
    ("score", re.compile(r"몇\s*대\s*몇|스코어|\bscore\b", re.I)),
    # A comparison of trips ("어디가 더 오래 있었어?") and a value to check ("14명 맞아?", "5박 6일 맞지?")
    # ask the same fact of each trip.
    # "며칠날", "몇 일에 갔어" ask the date; "며칠 갔어", "며칠에 걸쳐" the length.
    ("duration", re.compile(rf"(?:며칠|몇\s*일)(?!{_DAY_OF})|얼마\s*(?:동안|나\s*(?:걸|머물|있었))|몇\s*박|기간|체류|더\s*(?:오래|길|짧)|"
                            r"\d+\s*박\s*\d+\s*일\s*(?:이|가)?\s*맞|\blonger\b|\bshorter\b|how\s+long|how\s+many\s+(?:days|nights)|duration", re.I)),
    ("when", re.compile(rf"언제|(?:며칠|몇\s*일){_DAY_OF}|날짜|일자|출발일|도착일|귀국일|복귀일|몇\s*월|몇\s*년|연도|년도|시기|(?:더\s*)?(?:먼저|일찍|빨리)\s*(?:갔|간|출발|떠났|다녀)|"
                        rf"{TIME_ASKED.pattern}|when|what\s+date|which\s+date|what\s+year", re.I)),
    ("count", re.compile(rf"{ORDINAL_ASKED.pattern}|몇\s*(?:명|분|개|곳|건|번|차례|회|개국|나라)|인원|인원수|(?:단|일행|출장)\s*규모|(?:사람|인원)(?:이|은)?\s*더\s*많|더\s*많이\s*(?:갔|간|다녀)|"
                         r"\d+\s*명\s*(?:이|가)?\s*맞|(?:more|fewer)\s+(?:people|travell?ers|members|officials|participants)|"
                         r"how\s+many(?!\s+(?:days|nights))|number\s+of", re.I)),
    ("cost", re.compile(rf"얼마|{_PRICE_WORD.pattern}", re.I)),
    ("who", re.compile(
        r"누가|누구|어느\s*(?:기관|단체|부서|지자체|시청|군청|구청)|어떤\s*(?:기관|단체|지자체)|(?:기관|지자체|단체|부서)(?:은|는|이|가)?\s*(?:어디|어느)|"
        r"어디\s*(?:시청|군청|구청|기관|지자체)|출장자|참석자|성명|(?:연수|참가|방문|견학)자\s*(?:의\s*)?(?:이름|명단)|"
        # "… 간 공무원 3명 이름", "직원들 명단": the people who went, by name.
        rf"(?:{PERSON_TITLES}|사람|인물|담당자|공무원|직원)(?:들)?\s*(?:\d+\s*명|{NATIVE_NUMERAL}\s*명)?\s*(?:의\s*)?(?:이름|성명|명단)|"
        r"who|which\s+(?:organi[sz]ation|agency)", re.I)),
    ("where", re.compile(r"어디|어느\s*(?:도시|나라|곳|국가|지역)|어떤\s*(?:도시|나라|국가)|장소|출장지|방문지|행선지|where|which\s+(?:cit(?:y|ies)|countr(?:y|ies))", re.I)),
    # … and the places gone to, asked as a noun ("포항시 출장 간 나라", "방문한 국가들을 알려주세요"; not
    # "방문한 곳에서 뭐 했어", which asks what happened there). A second "where" entry, counted once:
    # `_asked_about` reads the first one only, so without its cue the noun asked about is the question's
    # last noun, the place's kind (나라, 도시).
    ("where", re.compile(r"(?:간|갔던|다녀온|방문한|들른|둘러본)\s*(?:나라|도시|국가|곳|지역)(?:들)?(?!\s*(?:에서|에|의|로|으로|와|과))")),
]
# Nouns that keep "어디 + noun" a question about the place of the trip ("어디 나라", "어디 지역").
# They never name a trip's topic either ("울산 지역 지자체", "오세아니아 방면 출장").
PLACE_KINDS = frozenset({"도시", "나라", "곳", "국가", "지역", "장소", "데", "쪽", "현", "주", "성", "방면", "일대", "인근", "부근"})
# What Kiwi tags the word after 몇 as when it is a unit (몇 분, 몇 층, 몇 km, 몇 %).
COUNTER_TAGS = frozenset({"NNB", "NNG", "SL", "SW"})
QUESTION_WORD_FAMILIES = [re.compile(p) for p in (r"어느", r"어디", r"언제", r"몇", r"누구|누가", r"무엇|뭐|뭘", r"얼마")]
# "어떤 정책을 소개했나?", "목록", "모두": the user wants several items.
LIST_CUES = re.compile(r"어떤|어떠한|무엇무엇|무슨|목록|종류|들을|들은|들이|사례|항목|나열|모두|각각|주요|what\s+were|list", re.I)
WHAT_CUE = re.compile(r"무엇|뭐|뭘|무슨|어떤|어떠한|what|which", re.I)
# "누구 만났어?", "who did they meet": a "who" question about the people met on a trip.
MET = re.compile(r"만나|만났|만난|면담|접견|meet|met\b", re.I)
# "어디어디 갔어?": several places asked for at once.
SEVERAL_PLACES = re.compile(r"어디\s*어디")
# "인도 간 적 있어?": whether any trip went there, a trip question without the word 출장.
WENT_ANYWHERE = re.compile(r"(?:간|갔던|갔다\s*온|다녀온|다녀왔던)\s*(?:데|곳|적|거|것|사례|기관|지자체|단체)\s*(?:있|없)|"
                           r"(?:간|갔던|다녀온)\s*(?:거|것|사례)(?:는|은|가|이)?\s*(?:뭐|무엇)(?:가|이)?\s*(?:있|야)")
# The asker plans a trip ("핀란드 연수 가는데", "프랑스 출장 예정입니다", "방문을 계획하고 있습니다") …
PLANNED_TRIP = re.compile(
    r"(?:가는데|가려(?:는데|고|면|합니다)|갈\s*(?:건데|예정|계획)|가게\s*(?:됐|되었|되어)|"
    r"(?:출장|연수|방문|견학|시찰|벤치마킹|답사)\s*(?:을|를|이|가)?\s*(?:예정|계획|준비|앞두고|잡혔|잡혀)|(?:계획|준비)\s*(?:중|하고\s*있)|"
    r"다음\s*(?:달|주|해)|내년|"
    r"planning|plan\s+to|going\s+to|will\s+(?:go|visit|travel)|next\s+(?:month|week|year))", re.I)
# … and asks for earlier trips ("전에 다녀온", "기존 사례", "선례", "참고할").
EARLIER = re.compile(r"(?:이전|전에|예전|기존|과거|선례|사례|참고|참조|비슷|유사|먼저|앞선|앞서|earlier|previous|past|before|reference|similar|learn\s+from)", re.I)
# Questions about trips as a whole, answered from the catalogue.
# A trip by any of the words the reports use for one ("뉴질랜드로 연수 간 거 뭐 있어?").
_TRIP = "(?:출장|연수|견학|시찰|탐방|답사|순방)"
CATALOGUE_CUES: list[tuple[CatalogueKind, re.Pattern]] = [
    # Prior trips for a planned one: "참고할 이전 출장 있어?", "비슷한 출장 사례", "가기 전에 볼 만한 출장".
    ("similar", re.compile(
        r"(?:참고|참조)(?:할|하기|할\s*만한|가\s*될)\s*(?:만한\s*)?(?:이전|과거|기존|예전|비슷한|유사한|다른)?\s*(?:출장|연수|사례|보고서)|"
        r"(?:비슷한|유사한|같은\s*주제의?)\s*(?:이전\s*|과거\s*)?(?:출장|연수)|(?:이전|과거|예전)\s*(?:출장|연수)\s*(?:사례|중에|가운데)|"
        r"similar\s+(?:past\s+|previous\s+)?trips?|previous\s+trips?\s+(?:to|like)|"
        # Or any question that plans a trip and asks for earlier ones …
        rf"^(?=.*{PLANNED_TRIP.pattern})(?=.*{EARLIER.pattern})|"
        # … or asks whether there were earlier ones ("베트남 출장, 전에 간 사례 있어?", "스페인 연수 선례 있나요?").
        r"^(?=.*(?:이전|(?<!오)전에|예전|기존|과거|선례))(?=.*(?:있|없)(?:어|나|을까|습니까|는지|을지|는\s*지))", re.I | re.S)),
    # Where (or who) trips went most often ("제일 많이 간 나라", "어느 도시에 가장 많이 갔어?"), with other
    # words between ("어느 나라로 출장을 제일 많이 갔어?") or as a ranking ("많이 간 나라 순위", "도시 top 5");
    # before a count ("나라별 출장 건수 순위" ranks them).
    ("most", re.compile(r"(?:가장|제일)\s*많이\s*(?:간|갔던|다녀온|방문한|찾은)\s*(?:나라|국가|도시|곳|데|지역|지자체|기관)(?:\s*(?:순위|랭킹))?|"
                        r"(?:어느|어떤)\s*(?:나라|국가|도시|지자체|기관)(?:을|를|에|로|가|이)?(?:\s+[가-힣]+){0,2}?\s*(?:가장|제일)\s*많이|"
                        r"(?:나라|국가|도시|지자체|기관|지역)\s*(?:별\s*)?(?:[가-힣]+\s+){0,2}?(?:순위|랭킹|top\s*\d*)|"
                        r"most\s+(?:visited|frequent)|which\s+(?:country|city)\b.*\bmost\b", re.I)),
    # Not which edition ("몇 번째", "몇 회차"): a trip's, not how many trips.
    ("count", re.compile(r"몇\s*(?:건|번|차례|회|개)(?!\s*[째차])|건수|횟수|총\s*몇(?!\s*(?:명|분|사람|박|일))|how\s+many\s+(?:[a-z-]+\s+){0,2}trips", re.I)),
    ("longest", re.compile(r"(?:가장|제일)\s*(?:긴|오래\s*(?:간|걸린|머문|다녀온)|길었|길게)|최장|longest", re.I)),
    ("shortest", re.compile(r"(?:가장|제일)\s*짧|최단|shortest", re.I)),
    ("largest", re.compile(r"(?:인원|사람|출장자)(?:이|가)?\s*(?:가장|제일)\s*많|(?:가장|제일)\s*많(?:이|은)\s*(?:간|갔|다녀|인원)|최다\s*인원|largest", re.I)),
    ("latest", re.compile(r"(?:가장|제일)\s*(?:최근|늦|나중)|최근(?:에)?\s*(?:다녀온|간|있었던|한)|마지막\s*출장|latest|most\s+recent", re.I)),
    # ("언제부터 언제까지" asks one trip's dates.)
    ("earliest", re.compile(r"(?:가장|제일)\s*(?:먼저|이른|오래된|처음|앞선)|처음으로|최초|언제부터(?!\s*언제)|earliest|first\s+trip", re.I)),
    ("list", re.compile(
        rf"목록|리스트|어떤\s*{_TRIP}|무슨\s*{_TRIP}|{_TRIP}(?:은|들은|들)?\s*(?:뭐|무엇)(?:가|이)?\s*(?:있|야|였|인가|\?|$)|{_TRIP}(?:은|들은|들)?\s*어떤\s*(?:게|것|거|건)|어디\s*어디|"
        rf"{_TRIP}\s*(?:내역|현황|기록)|다녀온\s*(?:곳|{_TRIP}|나라|도시)|(?:간|갔던|방문한)\s*(?:나라|국가)(?:들)?(?:은|는|을|를)?\s*(?:다|모두|전부)(?![가-힣])|뭐\s*뭐|무엇\s*무엇|"
        rf"(?:간|온|된|한|갔던|있었던|다녀온)\s*(?:국외|해외|공무)?\s*{_TRIP}(?:은|을|이|들)?\s*(?:\?|$|목록|모두|전부|다\s|알려|보여|(?:뭐|무엇)(?!\s*(?:을|를)?\s*[배했봤느얻보하])|어디|있)|"
        rf"{_TRIP}(?:을|은|들을|들은|들)?\s*(?:모두|전부|다)?\s*(?:알려|보여|찾아|정리)|list\s+(?:the\s+|all\s+)?trips|(?:what|which|any)\s+trips|(?:what|which)\s+(?:[a-z]+\s+){{0,2}}(?:cities|counties|councils|governments|organi[sz]ations|bodies|agencies|provinces)\s+(?:sent|went|visited|travell?ed)|(?:did|has|have)\s+any(?:one|body|\s+[a-z-]+(?:\s+[a-z-]+)?)\s+(?:go|gone|been|sent|travell?ed|visit)|"
        # Which bodies went: "프랑스 다녀온 지자체 어디야?", "일본 간 기관은 어디어디".
        # ("방문한 기관을 알려줘" asks what one trip visited: only the bodies that went are listed.)
        r"(?:간|다녀온|방문한)\s*(?:기관|지자체|자치단체|단체)(?:은|는|이|가|들은|들이)?\s*(?:어디|어느|누구)|"
        r"(?:간|다녀온)\s*(?:기관|지자체|자치단체|단체)(?:들)?(?:을|를|은|는)?\s*(?:다|모두|전부)?\s*(?:알려|보여|찾아|\?|$)|"
        # Whether any trip exists: "울산 중구 해외출장 있어?", "노르웨이 간 출장 있나요?".
        rf"{_TRIP}(?:은|이|들은|들이)?\s*(?:있|없)|" + WENT_ANYWHERE.pattern, re.I)),
]
# Reports label the answer to "where"/"when" questions ("장소: OECD 본부", "일시: …").
ANSWER_LABELS: dict[str, tuple[str, ...]] = {"where": ("장소", "출장지", "개최지"), "when": ("일시", "일자", "일정")}
# (Also "간" before the bodies or places that went, which Kiwi may read as the noun 간: "일본 간 지자체".)
TRIP_WORDS = re.compile(r"출장|방문|순방|다녀|보고서|연수|견학|시찰|탐방|답사|(?<![가-힣])간\s*(?:기관|지자체|자치단체|단체|곳|데|적)|"
                        r"trip|visit|travel|\bsent\b", re.I)
# Nouns that name the trip itself (its delegation: 방문단, 연수단, 참관단 end in 단).
TRIP_NOUNS = frozenset({"출장", "국외출장", "해외출장", "공무국외출장", "연수", "국외연수", "해외연수", "견학", "여행", "순방",
                        "시찰", "해외시찰", "탐방", "답사",
                        "인원", "출장자", "출장지", "출발일", "도착일", "귀국일", "출발", "도착", "귀국", "규모", "일정", "기간",
                        "trip", "travel", "delegation"})
# Kinds of trip: a noun ending in one is a trip too ("정책연수", "선진지견학", "벤치마킹출장").
TRIP_KINDS = ("출장", "연수", "견학", "여행", "순방", "시찰", "탐방", "답사")
EVENT_OR_TRIP = frozenset({"방문", "visit"})
# "몇 명 갔냐", "몇 명이나 다녀왔어": how many went (not "학생 몇 명 데려갔어", the people taken along).
HOW_MANY_WENT = re.compile(r"몇\s*(?:명|분)(?:이|이나|정도|쯤)?\s*(?:갔|감(?![가-힣])|가|다녀|떠났|출장|방문)")  # 감: 갔음, as typed
# A question about what came of something ("실제로", "결국", "최종 통과").
OUTCOME_ASKED = re.compile(r"실제로|결국|최종(?:적으로)?\s*(?:통과|체결|확정|의결|결정|합의|성사)|마침내|끝내|"
                           r"\b(?:actually|eventually|in\s+the\s+end|ended\s+up)\b", re.I)
# Verbs of seeing sites on a trip (not of going there); "어디 방문했어?", "방문한 곳" visit sites too
# ("방문한 대학은 어디야?" asks for the one university).
SIGHTSEEING = re.compile(r"견학|시찰|탐방|관람|구경|들렀|들르|들른|둘러|방문(?:했|함|하였|한\s*(?:곳|데))|\b(?:toured|tour|saw|see)\b", re.I)
# "어떤 기관 방문했어?", "어느 기관에 갔어?": the places visited, not the organisation that went ("어느 기관이 갔어?").
VISITED = re.compile(r"(?:기관|단체|곳|시설)\s*(?:을|를|에|들을)?\s*(?:방문|견학|시찰|들르|들렀|둘러|찾아|갔|가\s*봤)|"
                     r"\b(?:organi[sz]ations?|agenc(?:y|ies)|institutions?|companies|facilities|places|sites)\b.*\b(?:visit|tour|see|saw)", re.I)
ORGANISATION_ASKED = re.compile(r"기관|지자체|자치단체|시청|군청|구청|단체|부서|organi[sz]ation|agency|city\s+hall", re.I)
# A city asked for ("어느 도시", "도시는 어디", "which cities").
CITY_ASKED = re.compile(r"(?:어느|어떤|무슨)\s*도시|도시(?:는|가|를|들은)?\s*(?:어디|어느)|\b(?:which|what)\s+cit(?:y|ies)\b", re.I)
# A question asking what struck or taught the travellers ("톨레도 인상적인 점", "느낀 점", "배운 점"):
# its frame words are never in the report's sentence about the thing.
EVALUATIVE = re.compile(r"인상\s*(?:적|깊|에\s*남)|(?:느낀|배운|좋았던|아쉬웠던|아쉬운|눈에\s*띈)\s*(?:점|것|거)")
# What the travellers proposed to do at home ("우리 시엔 뭐 하자고 했어?", "어디에 적용하자고", "정책 제안",
# "시사점"): the answer is a sentence that proposes, not one describing what was seen.
PROPOSAL_ASKED = re.compile(r"하자고|하자는|하재|제안|건의|제언|적용|도입|접목|반영|시사점|활용\s*방안|우리\s*(?:시|군|구|도|지역|동네)(?:에|엔|에서|는)|"
                            r"propos|recommend|lessons?\b|apply", re.I)
# Why the trip was made ("왜 간 거야?", "목적이 뭐야", "뭐 하러 갔어"): the answer is a sentence giving a
# purpose or a reason, not one describing what was seen.
# The purpose is what is asked, not a word qualifying it ("목적이 된 국제대회 이름").
PURPOSE_ASKED = re.compile(r"왜|(?:목적|이유|취지)\s*(?:이|은|는|가)?\s*(?:뭐|무엇|뭔|뭘|어떻|어떤|무슨|\?|$)|(?:무슨|어떤)\s*(?:목적|이유)|"
                           r"(?:뭐|뭘|무엇을?)\s*하러|무슨\s*일로|\bwhy\b|purpose|\breason", re.I)
# Hosting is done by organisations: "누가 주최했어?" asks for one; so is signing an agreement ("who was
# the MOU partner?").
HOSTED = re.compile(r"개최|주최|주관|후원|host|organi[sz]e|MOU|협약|partner|agreement", re.I)
# A length asked in nights ("몇박", "몇 박 며칠", "how many nights"): the stay abroad.
NIGHTS_ASKED = re.compile(r"몇\s*박|how\s+many\s+nights", re.I)
# A count of something other than people.
OTHER_COUNT = re.compile(r"몇\s*(?:건|개|곳|번|차례|회|개국|나라)|how\s+many\s+(?:[a-z-]+\s+){0,2}(?:trips|times|countries|cities|places|visits)", re.I)
# Plain words for the people who went, when the verb is the trip's ("다녀온 사람", "간 공무원").
PEOPLE_WHO_WENT = frozenset({"사람", "분", "공무원", "직원", "people", "officials", "staff", "employees", "members"})
# Suffixes that make a word of a known noun: 연수자, 방문단, 참가국, 교류들.
NOUN_SUFFIXES = frozenset("자단국들측님")
# "출장자 이름", "참가자 성명", "출장자는 누구": the travellers themselves, by name.
PEOPLE_ASKED = re.compile(r"이름|성명|명단|직급|(?:출장|연수|참가|인솔|방문|견학)자|공무원|직원|\bnames?\b", re.I)
# The people of the trip: 출장자, 연수자, 참가자 (a word of going, and 자).
TRAVELLER_NOUN = re.compile(r"^(?:출장|연수|참가|인솔|방문|견학|시찰)자$")


# Words that make a question about the trip itself when no trip word (출장, 연수) is there: "며칠 갔어?".
ABOUT_TRIP_WORDS = frozenset({"가", "다녀오", "떠나", "출발", "도착", "귀국", "머물", "체류", "인원", "출장자",
                              "go", "went", "gone", "stay", "stayed", "leave", "left", "depart", "departed", "return", "returned"})
# Pointers to the previous turn besides a demonstrative before a noun (그 대회, 이 출장: read from
# Kiwi's tags): "there", "then", "also/else", "the relevant …".
REFERS_BACK = re.compile(
    r"거기|그곳|그때|그 때|이곳|저기|(?:^|\s)또(?:\s|$)|^또|다른\s*(?:건|것|일|내용)|나머지|그\s*밖|그밖|더\s*(?:있|알려)"
    r"|(?:^|\s)해당\s|\b(?:there|then|that\s+trip|this\s+trip|it)\b",
    re.I,
)
_DEMONSTRATIVES = frozenset({"그", "이", "저"})
ASKS_FOR_MORE = re.compile(r"(?:^|\s)또|다른\s*(?:건|것|일|내용)|나머지|그\s*밖|그밖|더\s*(?:있|알려)|what\s+else", re.I)
# Several things in one question: "A랑 B", "각각", "두 출장", "비교".
# Trips compared ("어디가 더 오래 있었어?", "누가 먼저 갔어?"): "누가", "어디가" name the trips compared.
COMPARED = re.compile(r"더\s*(?:오래|길|짧|많|일찍|빨리|늦)|먼저\s*(?:갔|간|출발|떠났|다녀)|longer|earlier|"
                      r"(?:more|fewer)\s+(?:people|travell?ers|members|officials|participants)", re.I)
SEVERAL = re.compile(r"각각|둘\s*다|두\s*(?:출장|곳|기관|도시|나라|보고서)|모두|비교|차이|both|each|compare|" + COMPARED.pattern, re.I)
# The home country: every report is a Korean organisation's, so it never says which trip
# ("한국 언제 들어왔어?", "우리나라 지자체 중 처음"), however the report writes it.
HOME_COUNTRY = frozenset({"한국", "대한민국", "우리나라", "국내", "korea"})
# Words every question about a trip uses: on their own they do not say which trip or what.
GENERIC_TERMS = frozenset(
    {"출장", "국외", "해외", "공무", "해당", "국외출장", "공무국외출장", "보고서", "결과", "결과보고서", "기간", "일정", "목적",
     "내용", "성과", "장소", "일자", "날짜", "인원", "방문", "가", "다녀오", "다니", "오", "알리", "주", "보이",
     "궁금", "말하", "설명", "이름", "명칭", "제목", "주제", "문구", "인사", "총액", "trip", "report", "visit", "visited", "go", "went",
     "했", "하", "되", "있", "없", "것", "수", "등", "때", "명", "일", "박", "곳", "관련", "목록", "리스트", "정도",
     "출발", "도착", "귀국", "떠나", "돌아오", "머물", "체류", "걸리", "출장자", "출장지", "사람", "나라", "국가", "도시",
     "기관", "단체", "지자체", "자치단체", "지방자치단체", "시군", "소속", "가운데", "중", "여행", "몇", "동안", "며칠",
     "날", "언제", "어디", "누구", "총", "모두", "각각", "알려주", "부탁", "갔",
     *HOME_COUNTRY}
)
DOC_TYPE_WORDS = {"뉴스": "news", "기사": "news", "보도자료": "press", "결과보고서": "report"}
TOPIC_TAGS = frozenset({"NNG", "NNP", "SL", "SH", "XR"})
# "2025년", and "25년" as people shorten it (never "10년 동안", "30년 된", "5년간").
_YEAR = re.compile(r"((?:19|20)\d{2}|(?<![\d.,])\d{2})\s*년(?:도)?(?!\s*(?:동안|간|째|만|전|후|이상|이하|이내|된|차|대|마다))")
# "5일 이상", "10박 넘는", "일주일 넘게", "3일 이하", "20명 미만": bounds on a trip's length or size.
# (Never a date: "21일부터", "9월 3일 이후" bound no length.)
_BOUND = re.compile(
    r"(?:(?<![\d월])(?<!월\s)(\d+)\s*(박|일|명)|(" + "|".join(DAY_WORDS) + r"))\s*(?:(이상|넘는|넘게|초과|넘은|넘어)|(이하|미만|이내|안쪽))")
# "lasted more than a week", "with at least 5 people", "under ten days".
_BOUND_EN = re.compile(
    r"(?:(?:last(?:ed|ing)?|took|stay(?:ed)?|with|had)\s+)?(?:(more\s+than|over|longer\s+than|at\s+least)|"
    r"(less\s+than|fewer\s+than|under|shorter\s+than|at\s+most|up\s+to|within))\s+(\d+|"
    + "|".join(ENGLISH_NUMBERS) + r")\s+(" + "|".join(ENGLISH_UNITS) + r")\b", re.I)
# The size of a party that went: "혼자 간", "혼자서", "3명이서", "5명이 간", "2명만 다녀온" (not "몇 명").
_PARTY = re.compile(r"(?<![\d가-힣])(?:혼자|(\d+)\s*명(?:이서|이|만|인)?\s*(?=간\b|간\s|갔|다녀|가서|출장))")
# "일본 말고", "IEA 빼고", "서울시를 제외한", "중국 외에", "시 단위 아닌": the words before it are left out.
_LEFT_OUT = re.compile(r"\s*(?:은|는|이|가|을|를)?\s*(?:말고|빼고|제외|아닌|아니고|이?외(?=에|의|엔|\s|$))")
_SEASON = re.compile(r"(?<![가-힣])(" + "|".join(SEASONS) + r")(?=에|엔|철|\s|$|[?,.])")
_MONTH = re.compile(r"(?<!\d)(1[0-2]|[1-9])\s*월")
_MONTH_SPAN = re.compile(r"(?<!\d)(1[0-2]|[1-9])\s*월?\s*(?:부터|에서|~|∼|-)\s*(1[0-2]|[1-9])\s*월")
# "in 2025", "in October 2025", "during March" (month names from the calendar module).
_ENGLISH_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_DATE_EN = re.compile(r"\b(?:in|during|since|of)\s+(?:(" + "|".join(_ENGLISH_MONTHS)
                      + r")\b(?:\s*((?:19|20)\d{2}))?|((?:19|20)\d{2}))\b", re.I)
# A year said relative to today ("올해 하반기", "작년 일본 출장") and a half of a year.
_RELATIVE_YEAR = {"올해": 0, "금년": 0, "이번 해": 0, "작년": -1, "지난해": -1, "재작년": -2}
_RELATIVE_YEAR_WORD = re.compile("|".join(_RELATIVE_YEAR))
_HALF = re.compile(r"([상하])\s*반기")
# The months of a year's halves, as (first day, last day): read here, and said back by the router.
HALF_YEARS = {"상": ("01-01", "06-30"), "하": ("07-01", "12-31")}
_LATIN = re.compile(r"[A-Za-z]")


def _bounds_said(text: str):
    """(number, unit 박/일/명, whether a lower bound) of each bound the question says, Korean or English."""
    for m in _BOUND.finditer(text):
        number, unit = (int(m.group(1)), m.group(2)) if m.group(1) else (DAY_WORDS[m.group(3)], "일")
        yield number, unit, bool(m.group(4))
    for m in _BOUND_EN.finditer(text):
        word, (unit, size) = m.group(3).lower(), ENGLISH_UNITS[m.group(4).lower()]
        yield (int(word) if word.isdigit() else ENGLISH_NUMBERS[word]) * size, unit, bool(m.group(1))


_NOUN_TAGS = ("NNP", "NNG", "SL", "SH")


def _joins(token) -> bool:
    """A word joining two names: 와/과/랑/하고 (Kiwi's JC), 및, a comma, or "vs"."""
    return token.tag == "JC" or token.form.lower() in (",", "및", "vs", "versus")


def _left_out(text: str, tokens) -> set[int]:
    """The tokens of the names a question leaves out: a proper noun or Latin word written right before
    말고, 빼고, 제외 or 외, with the nouns written onto it ("울산 중구 빼고": both words) and the names joined
    to it ("부산이랑 대구 빼고": both cities). A common noun left out ("축구 말고 뭐 했어?") is the topic,
    not a name to leave out."""
    def named(t) -> bool:
        # A place Kiwi reads as a common noun ("파리 외에": 파리, the fly) is a name too.
        return t.tag in ("NNP", "SL", "SH") or t.form in FOREIGN_CITIES or t.form in COUNTRIES

    out: set[int] = set()
    for i, t in enumerate(tokens):
        if named(t) and _LEFT_OUT.match(text, t.start + t.len):
            j = i
            out.add(j)
            while j > 0:
                before = tokens[j - 1]
                if before.tag in _NOUN_TAGS and not text[before.start + before.len:tokens[j].start].strip():
                    j -= 1  # written onto it
                elif _joins(before) and j > 1 and named(tokens[j - 2]):
                    out.add(j - 1)  # joined to it (the joiner too: the names stay apart)
                    j -= 2
                else:
                    break
                out.add(j)
    return out


def is_about_trip(text: str, tokens) -> bool:
    """A trip word (출장, 연수, 방문) or a verb of going ("일본 몇 번 갔어?", "유럽 간 곳"): not the
    particle 가 ("얼마가 들었어")."""
    return bool(TRIP_WORDS.search(text)) or any(
        t.form in ABOUT_TRIP_WORDS and not t.tag.startswith("J") for t in tokens)


def is_group_or_visit(noun: str) -> bool:
    """"방문" and a delegation (방문단, 대표단) are the trip when nothing else names them: "독일 방문" is
    the trip, "괴테대학교 방문" an event on it, "국토교통부 대표단" another group (checked against the header)."""
    return noun in EVENT_OR_TRIP or (len(noun) >= 2 and noun.endswith("단"))


# --------------------------------------------------------------------------- spelling


# ㅔ/ㅐ, ㅖ/ㅒ and ㅚ/ㅞ/ㅙ (as NFD medial vowels): one sound each in today's speech, so a common misspelling.
# And a foreign name as it is spoken, with tense initials where the loanword spelling has aspirated or
# plain ones (빠리 for 파리, 도꾜 for 도쿄, 까페 for 카페, 싸이트 for 사이트): ㄲ ㄸ ㅃ ㅉ ㅆ read as ㅋ ㅌ ㅍ ㅊ ㅅ.
_SAME_SOUND = {"\u1166": "\u1162", "\u1168": "\u1164", "\u116c": "\u116b", "\u1170": "\u116b",
               "\u1101": "\u110f", "\u1104": "\u1110", "\u1108": "\u1111", "\u110d": "\u110e", "\u110a": "\u1109"}


@lru_cache(maxsize=65536)
def jamo(word: str) -> str:
    """Hangul letters of `word`, final consonants written as initial ones ("폴" and "포르" share ㄹ),
    vowels that sound alike written alike (트렘 and 트램, 웨 and 왜: spoken Korean no longer tells them apart)."""
    out = []
    for ch in unicodedata.normalize("NFD", word):
        ch = _SAME_SOUND.get(ch, ch)
        if "\u11a8" <= ch <= "\u11c2":
            name = unicodedata.name(ch).replace("JONGSEONG", "CHOSEONG")
            try:
                ch = unicodedata.lookup(name)
            except KeyError:
                pass
        out.append(ch)
    return "".join(out)


# One-syllable particles typed onto a noun, in speech ("연수서" for 연수에서, "연수랑", "일본엔").
_GLUED_PARTICLES = frozenset("서랑엔에로도만와과")


def _is_noun(word: str) -> bool:
    tokens = kiwi().tokenize(word)
    return len(tokens) == 1 and tokens[0].tag in ("NNG", "NNP")


def _is_hangul(term: str) -> bool:
    return bool(term) and all("\uac00" <= ch <= "\ud7a3" for ch in term)


# The Korean names of the Latin letters, as an acronym is read out (엠오유 = MOU, 에이아이 = AI).
_LETTER_NAMES = {"에이": "A", "비": "B", "씨": "C", "시": "C", "디": "D", "이": "E", "에프": "F", "지": "G", "쥐": "G",
                 "에이치": "H", "아이": "I", "제이": "J", "케이": "K", "엘": "L", "엠": "M", "엔": "N", "오": "O",
                 "피": "P", "큐": "Q", "알": "R", "아르": "R", "에스": "S", "티": "T", "유": "U", "브이": "V",
                 "더블유": "W", "엑스": "X", "와이": "Y", "제트": "Z", "지드": "Z"}


@lru_cache(maxsize=4096)
def spelled_letters(word: str) -> str:
    """An acronym written as its letters' Korean names ("엠오유" -> "MOU", "아이티" -> "IT"), or '' when
    `word` is not read out letter by letter (the longest letter name first at each point). Two
    syllables are too often a word (이유 is no "EU", 오이 no "OE")."""
    if len(word) < 3 or not _is_hangul(word):
        return ""
    out, i = [], 0
    while i < len(word):
        name = next((word[i:i + n] for n in (3, 2, 1) if word[i:i + n] in _LETTER_NAMES), "")
        if not name:
            return ""
        out.append(_LETTER_NAMES[name])
        i += len(name)
    return "".join(out) if len(out) >= 2 else ""


class Speller:
    """Corrects a question term to a corpus term a few jamo edits away (rapidfuzz Levenshtein).

    "광져우" -> "광저우", "싱가폴" -> "싱가포르". Two-syllable words are corrected only to a word that
    sounds the same (트렘 -> 트램), three-syllable ones by one jamo at most (숙소 must not become 수소, nor 파주시 광주시); the most
    frequent corpus term wins among the closest.
    """

    def __init__(self, vocabulary: dict[str, int]):
        self._df = vocabulary
        self._terms = [t for t in vocabulary if len(t) >= 2 and _is_hangul(t)]
        self._letters = [jamo(t) for t in self._terms]
        self._sounds: dict[str, str] = {}  # a two-syllable word by its sound: the most frequent spelling
        for t, letters in zip(self._terms, self._letters):
            if len(t) == 2 and vocabulary[t] > vocabulary.get(self._sounds.get(letters, ""), 0):
                self._sounds[letters] = t

    def correct(self, term: str) -> str:
        if term in self._df or not _is_hangul(term):
            return term
        if len(term) < 3:
            # Two-syllable words are too often other real words one jamo away (숙소/수소, 경비/경보):
            # only one that sounds the same is the same word (트렘 -> 트램).
            # Nouns only: 제일 (most) is an adverb the corpus happens not to use, never 재일.
            return self._sounds.get(jamo(term), term) if len(term) == 2 and _is_noun(term) else term
        if term[:-1] in self._df and term[-1] in NOUN_SUFFIXES:
            return term  # a known word and a suffix (연수자 is 연수 + 자, not 연구자)
        if korean_city_body(term):
            return term  # a Korean city or its body no report names is another one, not a typo (창원시의회, 강원도의회)
        target = jamo(term)
        limit = 1 if len(term) == 3 else 2 if len(term) == 4 else 3
        found = process.extract(target, self._letters, scorer=Levenshtein.distance, score_cutoff=limit, limit=20)
        if not found:
            return term
        best = min(d for _, d, _ in found)
        return max((self._terms[i] for _, d, i in found if d == best), key=lambda t: self._df[t])


# --------------------------------------------------------------------------- corpus statistics


@dataclass
class CorpusStats:
    """What the analysis knows of the corpus: term frequencies and the catalogue's names."""

    df: dict[str, int]
    passages: int
    text: str = ""  # all passage text, lower-cased: a term can sit inside a longer compound
    organisations: list[str] = field(default_factory=list)  # catalogue organisation names
    cities: set[str] = field(default_factory=set)
    titles: list[str] = field(default_factory=list)  # catalogue titles, purposes and events, lower-cased

    def __post_init__(self) -> None:
        n = max(self.passages, 1)
        self._idf = {t: math.log(1 + (n - c + 0.5) / (c + 0.5)) for t, c in self.df.items()}
        self.max_idf = math.log(1 + (n + 0.5) / 0.5)
        self.speller = Speller(self.df)
        self._org_aliases = organisation_aliases(self.organisations)
        # The names an organisation goes by itself (대전시: 대전광역시), not as its districts' city (대전광역시 서구).
        own = organisation_aliases([o.split()[-1] for o in self.organisations])
        self._own_aliases = {w: {o for o in self.organisations if o.split()[-1] in last} for w, last in own.items()}
        self._romanized = romanized_names([*self._org_aliases, *self.cities])

    def idf(self, term: str) -> float:
        return self._idf.get(term, self.max_idf)

    def known(self, term: str) -> bool:
        return term in self._idf or (len(term) >= 2 and term.lower() in self.text)

    def split_compound(self, term: str) -> tuple[str, ...]:
        """An unknown Hangul compound of corpus nouns typed without the spaces ("대만견학" -> 대만, 견학;
        "글로벌인문리더" -> 글로벌, 인문, 리더), the fewest parts; () when there is none (우리나라 is no
        우리 + 나라: 우리 is a pronoun)."""
        if len(term) < 4 or not _is_hangul(term) or term in self._idf:
            return ()
        parts = self._fewest_parts(term, lambda w: w in self._idf and _is_noun(w))
        return parts if len(parts) > 1 else ()

    def abbreviated(self, term: str) -> str:
        """The corpus word an unknown Hangul abbreviation stands for: its syllables in order, the first
        of each of the word's parts ("홍콩과기대" -> 홍콩과학기술대학교), or ''. Three syllables at least,
        and one corpus word only (an abbreviation of several is no reading)."""
        if len(term) < 3 or not _is_hangul(term) or self.known(term):
            return ""
        pattern = re.compile("".join(re.escape(ch) + r"[가-힣]{0,3}?" for ch in term))
        # At least two syllables longer: not 울산시 for 울산, a form the corpus writes otherwise.
        found = [w for w in self._words_by_initial.get(term[0], ()) if len(w) >= len(term) + 2 and pattern.fullmatch(w)]
        return found[0] if len(found) == 1 else ""

    @cached_property
    def _words_by_initial(self) -> dict[str, list[str]]:
        """The corpus's Hangul words of five syllables or more by first syllable, read once (for
        `abbreviated`)."""
        words: dict[str, list[str]] = {}
        for word in set(re.findall(r"[가-힣]{5,}", self.text)):
            words.setdefault(word[0], []).append(word)
        return words

    def spaced(self, term: str) -> str:
        """A Hangul compound the corpus writes as separate words ("전일본공진회" -> "전일본 공진회",
        "글로벌인문리더" -> "글로벌 인문 리더"), or ''."""
        if len(term) < 4 or not _is_hangul(term):
            return ""
        # Each part ends where the corpus text has a space after it.
        parts = self._fewest_parts(term, prefix_ok=lambda words: " ".join(words) + " " in self.text
                                   or " ".join(words) in self.text and len("".join(words)) == len(term))
        return " ".join(parts) if len(parts) > 1 else ""

    @staticmethod
    def _fewest_parts(term: str, is_part=lambda word: True, prefix_ok=lambda words: True, shortest: int = 2) -> tuple[str, ...]:
        """`term` cut into the fewest parts of `shortest` syllables or more that `is_part` accepts, each
        run of leading parts accepted by `prefix_ok`; () when no cut works."""
        best: tuple[str, ...] = ()

        def cut(rest: str, words: tuple[str, ...]) -> None:
            nonlocal best
            if best and len(words) >= len(best):
                return
            if not rest:
                best = words
                return
            for i in range(len(rest), shortest - 1, -1):
                if len(rest) - i == 1 or not is_part(rest[:i]) or not prefix_ok(words + (rest[:i],)):
                    continue
                cut(rest[i:], words + (rest[:i],))

        cut(term, ())
        return best

    def korean_name(self, word: str) -> str:
        """The country, organisation or city an English word names (Japan -> 일본, Gimhae -> 김해), or ''."""
        key = word.lower()
        if len(key) <= 3 and not word.isupper():
            return ""  # ISO codes only as codes (US, UK), never "gu" of Jung-gu or "in"
        letters = re.sub(r"[^a-z]", "", key)
        # A city's Korean names, the one the corpus uses first (Seoul -> 서울, not the old 경성).
        cities = sorted(CITY_NAMES.get(key, ()), key=lambda n: not self.known(n))
        found = ENGLISH_COUNTRIES.get(key) or self._romanized.get(letters, "") or (cities[0] if cities else "")
        if len(key) <= 3 and found and not self.known(found):
            return ""  # "AI" is no code of Anguilla, a country no report names
        if not found and word[:1].isupper() and len(letters) >= 5:
            # Foreign places the reports write in Hangul romanize close to their English name
            # (상하이 -> sanghai for Shanghai, 헬싱키 -> helsingki for Helsinki).
            match = process.extractOne(letters, self._romanized.keys(), score_cutoff=85)
            found = self._romanized[match[0]] if match else ""
        if len(found) >= 4 and not self.known(found):
            # The gazetteer's Hangul spelling, which the reports may write otherwise (Montserrat:
            # 몬트세라트 in GeoNames, 몬세라트 in the report); a short name is too easily another word.
            found = self.speller.correct(found)
        return found

    def names_organisation(self, word: str) -> bool:
        """Whether `word` is a name of a catalogue organisation (인제군, 인제, 충북도)."""
        return word in self._org_aliases

    def names_written_in(self, name: str, text: str) -> bool:
        """`text` names `name` as typed, by the organisation it stands for (충북도 -> 충청북도), or a city's
        body by the city's name alone, as news writes it ("서울시" of "서울의 스마트시티 통합 플랫폼")."""
        if name in text or bool((org := self.organisation_for([name])) and org in text):
            return True
        city = name[:-1] if len(name) >= 3 and name[-1] == "시" else ""
        return bool(city) and re.search(rf"{city}(?![가-힣])|{city}(?:의|에|은|는|이|가|과|와|도|을|를|로)(?![가-힣])", text) is not None

    def organisations_named(self, words) -> set[str]:
        """The catalogue organisations every one of `words` that names one names ("울산 중구" -> 울산광역시
        중구); empty when none does, or they name different ones (two trips)."""
        named = [self._org_aliases[w] for w in words if w in self._org_aliases]
        found = set.intersection(*named) if named else set()
        # "대전시" is 대전광역시 itself rather than its districts (대전광역시 서구), when both went.
        itself = {o for o in found if any(w in self._org_aliases and o in self._own_aliases.get(w, ()) for w in words)}
        return itself or found

    def organisation_for(self, words: list[str]) -> str:
        """The catalogue organisation (or the shared part of several) that `words` name, or ''."""
        matches: set[str] | None = None
        for w in words:
            orgs = self._org_aliases.get(w)
            if not orgs:
                continue
            if matches is not None and not matches & orgs:
                # "울산 중구": each word names organisations, none both. The filter is the words as
                # given, so the catalogue says no trip matches instead of listing all of 울산's.
                return " ".join(w for w in words if self._org_aliases.get(w))
            matches = set(orgs) if matches is None else matches & orgs
        if not matches:
            return ""
        # "인천 서구": a city whose body the catalogue lacks, with a district name several cities share.
        # Not 대전광역시 서구: the words as given, which no trip matches.
        bodies = [w for w in words if w not in self._org_aliases and korean_city_body(w)]
        if bodies and not any(all(b in o for b in bodies) for o in matches):
            return " ".join(w for w in words if w in bodies or self._org_aliases.get(w))
        if len(matches) == 1:
            return next(iter(matches))
        # Several organisations: filter by the part they share ("경북" -> 경상북도, "중구" -> 중구), a
        # province however an article shortens it ("경남 진주시의회" is 경상남도's).
        parts = [{PROVINCE_FULL_NAMES.get(p, p) for p in o.split()} for o in matches]
        common = set.intersection(*parts)
        return max(common, key=len) if common else ""


def romanized_names(names) -> dict[str, str]:
    """Revised Romanization of each Korean name (김해 -> gimhae, 중구 -> junggu): English questions
    spell places and organisations the way their official English names do."""
    from korean_romanizer.romanizer import Romanizer

    out: dict[str, str] = {}
    for name in sorted(names, key=len):  # a stem (김해) before the full name (김해시)
        if len(name) >= 2 and _is_hangul(name):
            key = Romanizer(name).romanize().lower()
            if len(key) >= 4 and key not in ENGLISH_STOPWORDS:
                out.setdefault(key, name)
    return out


# --------------------------------------------------------------------------- the query


@dataclass(frozen=True)
class CatalogueRequest:
    kind: CatalogueKind
    where: TripFilter
    keyword: str = ""  # a word the trips' title, purpose or events must contain
    confident: bool = True  # every word of the question was understood as a filter or a cue
    unknown: tuple[str, ...] = ()  # words that are neither (the request then goes to passages as well)


@dataclass(frozen=True)
class Query:
    text: str
    language: Literal["ko", "en"]
    terms: tuple[str, ...]  # content terms, spelling-corrected, without question words
    corrected: str  # the question with corrected terms (what is embedded)
    unknown: tuple[str, ...]  # terms the corpus does not know (after correction)
    answer_type: AnswerType
    wants_list: bool
    # Asks for every item of a kind ("어디어디", "방문 기관들", "목록", "which cities"), not for one thing.
    enumerates: bool
    several: bool  # asks about two or more trips or things at once
    refers_back: bool  # points to the previous turn (그 출장, 거기서, 또, or names nothing)
    about_trip: bool  # asks about the trip itself (출장, 연수, 갔어, 출발, 인원), not about an event on it
    asks_for_more: bool
    catalogue: CatalogueRequest | None = None
    corrections: dict[str, str] = field(default_factory=dict)
    # Nouns, names and foreign words that say what the question is about: not its cue words
    # ("며칠", "몇 명"), not generic trip words, not verbs (spoken verbs rarely match report wording).
    topic_terms: tuple[str, ...] = ()
    # The noun the answer-type cue asks about and the noun before it: "독일 출장 며칠" -> (출장, 독일),
    # "괴테대학교 방문은 언제" -> (방문, 대학교), "학생 몇 명" -> (학생, ""); empty when none.
    asked_about: tuple[str, str] = ("", "")
    # The unit a "몇" question counts in ("몇 분마다" -> 분, "몇 층" -> 층, "몇 km" -> km); "" when none.
    counter: str = ""
    also_asks: tuple[AnswerType, ...] = ()  # further types asked at once ("어디로 며칠": where after duration)
    # Countries, organisations and Korean city bodies the question names (which trip it is about; a body
    # no trip is of, 수원시, too).
    names: tuple[str, ...] = ()
    # Every proper noun of the question (Kiwi's NNP, spelling-corrected): places, organisations,
    # events. A report that answers names them too; one about another trip does not.
    proper_nouns: tuple[str, ...] = ()
    # Topic words said as verbs (참고했어, 준비하려고): the relation asked about, which a report may say
    # in other words.
    predicates: tuple[str, ...] = ()
    # Topic words naming the kind of thing asked for ("무슨 회의", "어떤 행사"): the report may name the
    # thing without its kind.
    kinds: tuple[str, ...] = ()
    # The act whose object the question word is ("뭐 발표했어?", "무엇을 논의했나" -> 발표, 논의): what was
    # done is asked through that verb; "" when none.
    asked_act: str = ""
    # A question asking two things of one trip, a clause each ("시티넷 회장도시 된 게 언제고, 요코하마
    # 세미나에선 뭐 발표했어?"): its clauses, each a question of its own; () when it asks one thing.
    clauses: tuple[str, ...] = ()
    # The question's English names that the reports write by their initials, with the words they
    # stand for: ("ascc", ("asia", "smart", "city", "conference")).
    initials: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # The trips a question about several names, when they are of different organisations (or to different
    # countries): each by the words naming it, with the words asking about it (its clause, or the whole
    # question); see `_trips_named`.
    trips: tuple[tuple[tuple[str, ...], str], ...] = ()
    # Words the question leaves out ("IEA 말고 어디 또 갔어?", "일본 빼고"): never the answer, nor a name
    # of the trip asked about.
    left_out: tuple[str, ...] = ()

    def asks_trip_fact(self, trip_name: set[str] = frozenset()) -> bool:
        """A date, duration, traveller count, place or organisation of the trip itself, not of an event
        on it: the noun asked about is the trip ("출장 며칠"), a word of its title (`trip_name`: "… 벤치마킹
        며칠"), or absent ("며칠 갔어?")."""
        noun, _ = self.asked_about
        if self.answer_type not in ("when", "duration", "count", "where", "who"):
            return False
        if self.answer_type == "count" and (OTHER_COUNT.search(self.text) or self.asks_ordinal):
            return False  # the record counts travellers, not trips, places, visits ("몇 곳") or editions ("몇 차")
        if self.asks_time:
            return False  # the record has dates, not the time of day
        if self.answer_type == "who" and (self.asks_whom_met or VISITED.search(self.text) or noun in EVENT_OR_TRIP
                                          or TITLE_NAME_ASKED.search(self.text)):
            # "누구 만났어?", "방문 기관은 어디", "어떤 기관 방문했어?", "이끈 의장 이름": the people met, the
            # places visited, someone by a title
            return False
        if self.asks_names and PEOPLE_ASKED.search(noun):
            return True  # "출장 간 공무원 성명": the travellers
        if self.answer_type == "who" and self.about_trip and (
                noun in self.names and (noun not in COUNTRIES or self.names_only and any(n not in COUNTRIES for n in self.names))
                or noun in FOREIGN_CITIES):
            # "요코하마 컨퍼런스 서울시 누가 갔어", "서울시 광저우 누가 갔어?", "옥천군 일본 간 거 누가 갔어": who of
            # the organisation went, or who went to the city: the travellers
            return True
        if self.answer_type in ("count", "duration", "when") and self._names_trip(noun) and (self.about_trip or self.names_only):
            # "삼척시 미국 갔을 때 몇 명 갔어?", "울주군 라오스 몇박?", "삼척시 리스버그 몇박몇일": the trip,
            # named by its country, city or organisation and nothing else
            return True
        if self.answer_type == "count" and (noun in PEOPLE_WHO_WENT or TRAVELLER_NOUN.match(noun) or HOW_MANY_WENT.search(self.text)) \
                and self.about_trip:
            return True  # "호주 다녀온 사람 몇 명": the travellers (not "학생 몇 명", the people met)
        if self.answer_type == "duration" and NIGHTS_ASKED.search(self.text):
            return True  # "파리 OECD 회의 몇박이었어": nights are the stay, the trip's (a meeting has days)
        if self.answer_type in ("duration", "when") and (noun in PEOPLE_WHO_WENT or TRAVELLER_NOUN.match(noun)) and self.about_trip:
            return True  # "광저우 간 서울시 직원 몇 박 했어": how long (or when) the travellers went
        if self.answer_type == "where" and any(t in FOREIGN_CITIES for t in self.topic_terms):
            return False  # "항저우에서는 어디를 둘러봤어?": a place within a city the question names
        if self.answer_type == "where" and noun in PLACE_KINDS and self.about_trip:
            return True  # "교류 출장, 상대 도시가 어디였어?": the trip's destination
        if (self.answer_type == "where" and self.about_trip and self.names and not any(n in COUNTRIES for n in self.names)
                and all(t in self.names or t in PEOPLE_WHO_WENT for t in self.topic_terms)):
            # "울릉군 어디 다녀왔어?", "광명시 공무원들 해외 어디 갔었어": where the named organisation's trips
            # went, nothing else asked about (with a country named, "말레이시아에서는 어디": a part of the trip)
            return True
        # A title word (not the organisation or country) in a question about the trip: "… 벤치마킹 며칠",
        # but not "라운드테이블은 어디서 열렸나" (the event of the title, asked as an event).
        named = self.about_trip and noun not in self.names and (noun in trip_name or compound_of(noun, trip_name))
        return noun in TRIP_NOUNS or noun.endswith(TRIP_KINDS) or named or is_group_or_visit(noun) or (not noun and self.about_trip)

    @property
    def asks_sites(self) -> bool:
        """"어디어디 견학했어?", "어디 둘러봤어?": the sites a trip saw there, not only where it went."""
        return self.answer_type == "where" and bool(SIGHTSEEING.search(self.text))

    def _names_trip(self, word: str) -> bool:
        """`word` is a country, organisation or foreign city the question names the trip by."""
        return word in self.names or word in FOREIGN_CITIES

    @property
    def names_only(self) -> bool:
        """The question names nothing but countries, cities or organisations ("울주군 라오스 몇박?")."""
        return bool(self.topic_terms) and all(self._names_trip(t) for t in self.topic_terms)

    @property
    def only_name(self) -> str:
        """"미국 출장 어땠어?", "청도군 출장 뭐 했어?": the one country or organisation that is all a question
        names, with no place, event or other topic word to tell which of its trips it means; ""
        otherwise."""
        if self.catalogue is not None or self.several or self.refers_back or len(self.names) != 1:
            return ""
        name = self.names[0]
        rest = [t for t in self.topic_terms
                if t != name and t not in PEOPLE_WHO_WENT and t not in GENERIC_TERMS and t not in self.predicates]
        return "" if rest or any(p != name for p in self.proper_nouns) else name

    @property
    def asks_names(self) -> bool:
        """"출장자 이름은?", "누가 갔어? 이름": the travellers by name, not which organisation sent them."""
        return (self.answer_type == "who" and not self.asks_organisation and bool(PEOPLE_ASKED.search(self.text))
                and not TITLE_NAME_ASKED.search(self.text))

    @property
    def within_countries(self) -> tuple[str, ...]:
        """"크로아티아에선 어느 도시 갔어?": the countries a city of one trip is asked within; () when no city
        is asked, or cities of several trips are ("각각 어느 도시")."""
        if self.answer_type != "where" or self.several or not CITY_ASKED.search(self.text):
            return ()
        return tuple(dict.fromkeys(COUNTRIES[n] for n in self.names if n in COUNTRIES))

    @property
    def asks_person(self) -> bool:
        """"우승한 사람 누구야?", "who gave the keynote?": someone, by name; not which organisation went or
        hosted ("어느 기관", "누가 주최했어"), nor whom a trip met ("누구 만났어?": organisations too), nor
        whose something is ("whose system did they study?": an organisation's, as often as not)."""
        if self.asks_someones_name:
            return True
        return (self.answer_type == "who" and not self.asks_organisation and not HOSTED.search(self.text)
                and not self.asks_whom_met and not re.search(r"\bwhose\b", self.text, re.I))

    @property
    def native_terms(self) -> tuple[str, ...]:
        """The terms as the reports write them: all of a Korean question's; of an English one, the
        names read as the corpus's Korean ones (Astana -> 아스타나) and the initials it uses (ASCC, or
        IEA and OECD typed as such), not the English words, which match the corpus's English passages
        rather than the answer."""
        if self.language != "en":
            return self.terms
        acronyms = {a for a, _ in self.initials} | {w.lower() for w in _TYPED_INITIALS.findall(self.text)}
        return tuple(t for t in self.terms if not t.isascii() or t in acronyms)

    @property
    def asks_time(self) -> bool:
        """"몇 시에 출발했어?": the time of day, answered by "(12:20)", not by the date."""
        return self.answer_type == "when" and bool(TIME_ASKED.search(self.text))

    @property
    def asks_ordinal(self) -> bool:
        """"라운드테이블 몇 번째였어?", "총회 몇 차였어?": which edition, not how many."""
        return self.answer_type == "count" and bool(ORDINAL_ASKED.search(self.text))

    @property
    def asks_outcome(self) -> bool:
        """"MOU 실제로 체결했나?", "결국 맺었대?", "최종 통과됐나?": what came of a plan, which a report written
        at the trip's end seldom knows."""
        return bool(OUTCOME_ASKED.search(self.text))

    @property
    def asks_thing_name(self) -> bool:
        """"충남 수소 출장 박람회 이름이 뭐야?": a thing by its name, not what happened there."""
        return self.answer_type == "what" and bool(THING_NAME_ASKED.search(self.text))

    @property
    def named_thing(self) -> str:
        """The thing whose name is asked ("박람회 이름이 뭐야" -> 박람회, "소각시설의 명칭" -> 시설); "" when
        none is said."""
        if not self.asks_thing_name:
            return ""
        noun, before = self.asked_about
        return before if THING_NAME_ASKED.fullmatch(noun) else noun

    @property
    def asked_title(self) -> str:
        """"델리 주총리 누구 만났어?", "트립닷컴 CEO 이름": the title of the one asked for, as the question
        writes it (주총리, CEO); "" when the question asks for no one by a title."""
        m = _TITLE_ASKED.search(self.text) if self.asks_someones_name else None
        return m.group(1) if m else ""

    @property
    def asks_someones_name(self) -> bool:
        """"트립닷컴 CEO 이름 뭐야?", "면담한 사람 이름": a name, which a passage either gives or does not."""
        return self.answer_type == "who" and bool(PERSON_NAME_ASKED.search(self.text))

    @property
    def asks_proposal(self) -> bool:
        """"시부야 교차로 보고 우리 시엔 뭐 하자고 했어?": what the trip proposed, not what it saw."""
        return self.answer_type == "what" and bool(PROPOSAL_ASKED.search(self.text))

    @property
    def asks_whom_met(self) -> bool:
        """"누구 만났어?", "who did they meet": the people or organisations a trip met."""
        return self.answer_type == "who" and MET.search(self.text) is not None

    @property
    def lists_places(self) -> bool:
        """"어디어디 들렀대", "어디 둘러봤어?": the places a trip saw, several of them."""
        return self.asks_sites or SEVERAL_PLACES.search(self.text) is not None

    @property
    def asks_purpose(self) -> bool:
        """"환경관리원 대만 견학은 왜 간 거야?": why the trip (or something on it) was done."""
        return self.answer_type == "what" and not self.asks_proposal and bool(PURPOSE_ASKED.search(self.text))

    @property
    def asks_organisation(self) -> bool:
        """"어느 기관/지자체가 갔나" (an organisation), not "누가 갔나" (people)."""
        return bool(ORGANISATION_ASKED.search(self.text))


def compound_of(noun: str, words: set[str]) -> bool:
    """Whether `noun` is mostly made of `words` written together ("전남도립미술관" of 도립, 미술관)."""
    inside = [w for w in words if len(w) >= 2 and w in noun]
    return len(inside) >= 2 and sum(map(len, inside)) >= 0.6 * len(noun)


# A cue with a question word decides the answer type; a noun cue (기간, 비용, 장소) may only modify
# the noun asked about: "출장 기간 현지 날씨는?" asks about the weather, not the duration.
_INTERROGATIVE = re.compile(r"며칠|몇|얼마|언제|어디|누구|누가|어느|어떤|how|when|where|who|which|what", re.I)


# "무슨 회의", "어떤 행사", "어느 학교": the word after it is the kind of thing asked for.
_KIND_ASKED = re.compile(r"(?:무슨|어떤|어느|어떠한)\s*")
# "…, and what did …": an English question's second clause, asking of its own trip.
_ENGLISH_CLAUSE = re.compile(r"\b(?:and|or)\s+(?:what|which|who|whom|where|when|how)\b", re.I)
# Particles joining two nouns that Kiwi reads as "with" (인원이랑, 인원과).
_WITH = frozenset({"랑", "이랑", "와", "과", "하고"})


_MEASURE_HOW_MUCH = re.compile(r"(기간|일정|체류|인원|규모)(?:은|는|이|가)?\s*(?:각각\s*|모두\s*|총\s*)?얼마")


def answer_types_of(text: str, tokens=()) -> list[AnswerType]:
    """Every type the question's cues ask for, by cue priority, skipping a Korean noun cue that
    another noun follows (the head of a Korean noun phrase comes last; a verbal noun such as
    비교(하다) is not a head). "어디로 며칠 갔어?" asks two: duration and where."""
    tokens = list(tokens)
    heads = [t for t, nxt in zip(tokens, tokens[1:] + [None])
             if t.tag in ("NNG", "NNP") and len(t.form) >= 2 and t.form not in GENERIC_TERMS
             and t.form not in TRIP_NOUNS and not (nxt is not None and nxt.tag in ("XSV", "XSA"))
             and not SEVERAL.fullmatch(t.form)]  # "인원 비교", "기간 차이": the measure of each, compared
    starts = {t.start for t in tokens}
    kinds: list[AnswerType] = []
    for kind, cue in ANSWER_TYPE_CUES:
        for m in cue.finditer(text):
            if starts and _is_hangul(m.group()[:1]) and m.start() not in starts:
                continue  # inside another word: "준비용이야" (준비 + 용) holds 비용 but asks no price
            noun_cue = _is_hangul(m.group().replace(" ", "")) and not _INTERROGATIVE.search(m.group())
            if m.group() == "어디" and _determines_noun(text, m.end(), tokens):
                continue  # "어디 대학 갔어?": which university, not where
            # A noun cue joined to the next noun ("인원이랑 예산 얼마야", "기간과 인원은?") is asked too.
            joined = next((t.tag == "JC" or t.tag == "JKB" and t.form in _WITH for t in tokens if t.start >= m.end()), False)
            if not (noun_cue and not joined and any(t.start >= m.end() for t in heads)):
                if kind not in kinds:
                    kinds.append(kind)
                break
    if measure := _MEASURE_HOW_MUCH.search(text):
        # "기간이 각각 얼마였나", "인원은 얼마야": 얼마 asks that measure, not a price (unless one is named too).
        asked = "duration" if measure.group(1) in ("기간", "일정", "체류") else "count"
        kinds = [asked] + [k for k in kinds if k != asked and (k != "cost" or _PRICE_WORD.search(text))]
    return kinds


def _determines_noun(text: str, end: int, tokens) -> bool:
    """Whether the question word ending at `end` is used before a noun ("어디 미술관", "어디 대학"):
    it then asks which one of that noun, not a place; a particle or verb after it ("어디로", "어디
    갔어"), a kind of place or the trip itself ("어디 도시", "어디 출장 갔어") keeps it a place."""
    nxt = next((t for t in tokens if t.start >= end), None)
    return (nxt is not None and nxt.tag in ("NNG", "NNP") and not text[end:nxt.start].strip()
            and nxt.form not in PLACE_KINDS and nxt.form not in TRIP_NOUNS and nxt.form not in GENERIC_TERMS)


def answer_type_of(text: str, tokens=()) -> AnswerType:
    """The type of the question's first cue (see `answer_types_of`), else "what"."""
    return next(iter(answer_types_of(text, tokens)), "what")


def _korean_name(text: str, tokens, i: int, stats: CorpusStats) -> tuple[str, int]:
    """The Korean name an English word names, and how many words it took: "Jung-gu" and
    "Gimhae si" are read as one word ("Haenam's" is not: an apostrophe ends a name)."""
    nxt = [t for t in tokens[i + 1:i + 3] if t.tag == "SL"][:1]
    between = text[tokens[i].start + tokens[i].len:nxt[0].start] if nxt else ""
    if (nxt and len(nxt[0].form) <= 3 and re.fullmatch(r"[-\s]*", between)
            and (joined := stats.korean_name(tokens[i].form + nxt[0].form))):
        return joined, 2
    return stats.korean_name(tokens[i].form), 1


@dataclass(frozen=True)
class _Compound:
    """One noun made of tokens Kiwi split apart (the attributes the analysis reads of a Kiwi token)."""

    form: str
    tag: str
    start: int
    len: int


_NOUNISH = ("NNG", "NNP", "NNB", "XR")


def _corpus_compounds(text: str, tokens, stats: CorpusStats) -> list:
    """Kiwi splits a rare word of a short question differently from the reports' running text
    ("벤치마킹" -> 벤치 + 마킹): two or three touching tokens, starting and ending with a noun, that the
    corpus does not know apart but knows (or writes) together are that one noun. Touching tokens that
    together are an organisation of the catalogue, one of them not read as a noun, are its name
    ("인제군" -> 인제/MAG + 군), and so is a token alone that names one (인제/MAG)."""
    tokens = list(tokens)
    out, i = [], 0
    while i < len(tokens):
        for width in (3, 2):
            window = tokens[i:i + width]
            if len(window) < width:
                continue
            start, end = window[0].start, window[-1].start + window[-1].len
            word = text[start:end]
            touching = all(a.start + a.len >= b.start for a, b in zip(window, window[1:]))
            if (touching and word in COUNTRIES and any(t.tag not in _NOUNISH for t in window) and is_proper_noun(word)
                    and _word_ends(text, tokens, i + width)):
                # A country Kiwi split in context ("동구 대만 견학": 대/NNB + 만/JX) is the country, as a word
                # of its own (not "가나요").
                out.append(_Compound(word, "NNP", start, end - start))
                i += width
                break
            if not touching or len(word) < 3 or not _is_hangul(word) or word in {t.form for t in window}:
                continue
            if stats.names_organisation(word) and any(t.tag not in _NOUNISH for t in window):
                out.append(_Compound(word, "NNP", start, end - start))
                i += width
                break
            if window[0].tag == "MM" and width == 2 and window[1].tag in _NOUNISH and word in stats.df:
                # A name whose first syllable Kiwi reads as a determiner ("이클레이가" -> 이/MM + 클레이),
                # which the reports write as the one word elsewhere.
                out.append(_Compound(word, "NNP", start, end - start))
                i += width
                break
            if window[0].tag not in _NOUNISH or window[-1].tag not in _NOUNISH:
                continue
            # Only a split into pieces the corpus does not have: "국립" + "박물관" stay two known words.
            # The reports may split the word otherwise again (공진회: 공 + 진 + 회 in a report, 공지 + ㄴ + 회
            # in "전일본 공진회 보러"): written in them as it is, it is still the one word.
            if (word in stats.df or word in stats.text) and any(t.form not in stats.df for t in window if t.tag in _NOUNISH):
                out.append(_Compound(word, "NNG", start, end - start))
                i += width
                break
        else:
            t = tokens[i]
            if t.tag not in _NOUNISH and len(t.form) >= 2 and _is_hangul(t.form) and stats.names_organisation(t.form):
                # So is one such token alone: "인제 유소년축구단" (Kiwi: 인제/MAG, "now").
                t = _Compound(t.form, "NNP", t.start, t.len)
            elif t.form == "간" and t.tag == "NNB" and _went_to(out):
                # "광저우 간 서울시 직원" (Kiwi: 간/NNB, "between"): who went there. Between is said of two
                # ("한국과 일본 간").
                t = _Compound("가", "VV", t.start, t.len)
            out.append(t)
            i += 1
    return out


def _went_to(before: list) -> bool:
    """Whether the tokens before a "간" end in a place on its own (not "A와 B", between which)."""
    if not before or before[-1].tag != "NNP" or not (before[-1].form in COUNTRIES or before[-1].form in FOREIGN_CITIES
                                                      or before[-1].form in REGIONS):
        return False
    return len(before) < 2 or before[-2].tag != "JC"


def _word_ends(text: str, tokens, j: int) -> bool:
    """Whether a word ends before token `j`: the text ends, a non-Hangul character follows, or a particle."""
    end = tokens[j - 1].start + tokens[j - 1].len
    return end >= len(text) or not _is_hangul(text[end]) or (j < len(tokens) and tokens[j].tag.startswith("J"))


def _word_at(text: str, start: int) -> str:
    """The whitespace-separated word of `text` that starts at or contains `start`, without punctuation."""
    begin = text.rfind(" ", 0, start) + 1
    end = text.find(" ", start)
    return re.sub(r"[^\w]+$", "", text[begin:end if end >= 0 else len(text)])


def is_english(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and sum(bool(_LATIN.match(ch)) for ch in letters) / len(letters) > 0.6


def _counter(tokens) -> str:
    """The unit after 몇 ("몇분마다" -> 분, "몇 km" -> km), or ''."""
    return next((b.form.lower() for a, b in zip(tokens, tokens[1:]) if a.form == "몇" and b.tag in COUNTER_TAGS), "")


def analyse(question: str, stats: CorpusStats, has_history: bool = False) -> Query:
    """The one analysis of `question` (see module docstring)."""
    # 몃 is no Korean word, only the common misspelling of 몇 ("몃명", "몃박몃일").
    text = question.strip().replace("몃", "몇")
    tokens = _corpus_compounds(text, kiwi().tokenize(text), stats)
    # Mostly Latin letters, and no Korean particle or ending: "Danil Kerimi는 누구야?" is a Korean
    # question about a name written in Latin letters, "Who is 이재용?" an English one.
    korean_grammar = any(t.tag.startswith(("J", "E")) for t in tokens)
    language: Literal["ko", "en"] = "en" if is_english(text) and not korean_grammar else "ko"
    terms: list[str] = []
    topic: list[str] = []
    proper: list[str] = []
    corrections: dict[str, str] = {}
    corrected = text
    kinds = answer_types_of(text, tokens)
    if COMPARED.search(text):
        kinds = [k for k in kinds if k not in ("who", "where")] or kinds
    kind: AnswerType = kinds[0] if kinds else "what"
    cue_spans = [m.span() for _, cue in ANSWER_TYPE_CUES for m in cue.finditer(text)]
    # How the question asks ("인상적인 점", "간 이유", "목적이 뭐야"), never what the answer says.
    frame_spans = [m.span() for frame in (EVALUATIVE, PURPOSE_ASKED) for m in frame.finditer(text)]
    frame_spans += [m.span() for t in tokens if (m := _LEFT_OUT.match(text, t.start + t.len))]  # 말고, 빼고, 제외
    joined: set[int] = set()  # the second word of an English name read as one ("Jung-gu")
    mentions: list[tuple[int, str]] = []  # where the question names an organisation or a country, and by which word
    not_names: set[str] = set()
    left_out_at = _left_out(text, tokens)
    left_out: list[str] = []
    for i, t in enumerate(tokens):
        if t.tag not in CONTENT_TAGS or i in joined:
            continue
        form = t.form.lower() if t.tag in ("SL", "SH") else t.form
        if form in QUESTION_WORDS or form in ENGLISH_STOPWORDS:
            continue
        in_cue = any(s <= t.start < e for s, e in cue_spans)
        if any(s <= t.start < e for s, e in frame_spans):
            continue  # "인상적인 점", "느낀 점": how the question asks, never what the answer says
        korean, width = _korean_name(text, tokens, i, stats) if t.tag == "SL" else ("", 1)
        parts: tuple[str, ...] = ()
        written = re.escape(t.form)
        if width == 2:
            second = next(j for j in range(i + 1, len(tokens)) if tokens[j].tag == "SL")
            joined.add(second)
            written += r"[-\s]*" + re.escape(tokens[second].form)
        if korean:
            fixed = korean
        elif not stats.known(form) and COUNTRIES.get(form, form) != form:
            # A country by another of its names the corpus does not use (이태리, 싱가폴, 터키) is read
            # as the corpus's name, as English names are.
            fixed = COUNTRIES[form]
        elif not stats.known(form) and " " not in (org := stats.organisation_for([form])) and org:
            # So is an organisation by a short name the corpus never writes (충북도 -> 충청북도).
            fixed = org
        elif t.tag == "NNP" and (city := usual_city_name(form, lambda n: stats.df.get(n, 0))) != form:
            # So is a city by another of its names (동경, 북경, 상해 of "상해 출장") the reports write less often.
            fixed = city
        elif stats.known(form) or in_cue:
            fixed = form
        elif (latin := spelled_letters(form).lower()) and latin in stats.df:  # 엠오유 is MOU
            fixed = latin
        elif form[-1:] in _GLUED_PARTICLES and len(form) >= 3 and stats.known(form[:-1]) and _is_noun(form[:-1]):
            fixed = form[:-1]  # a particle Kiwi left on a noun ("연수서", "연수랑"): the noun
        elif spaced := stats.spaced(form):  # a spacing variant is the same words, each a term
            fixed, parts = spaced, tuple(spaced.split())
        elif parts := stats.split_compound(form):  # and so are words typed without the spaces
            fixed = " ".join(parts)
        elif form[-1:] in _GLUED_PARTICLES and (spaced := stats.spaced(form[:-1]) or " ".join(stats.split_compound(form[:-1]))):
            fixed, parts = spaced, tuple(spaced.split())  # ... with a particle left on the last ("알란다공항서")
        elif (whole := stats.abbreviated(form)) and (parts := tuple(content_morphemes(whole))):
            fixed = " ".join(parts)  # and an abbreviation (홍콩과기대: 홍콩과학기술대학교; 독일서: 독일에서)
        else:
            fixed = stats.speller.correct(form)
            if (fixed == form and (word := _word_at(text, t.start)) != t.form
                    and (whole := stats.speller.correct(word)) != word):
                # Kiwi split a misspelt word into a non-word and an ending ("스펜인" -> 스펜 + 이 + ㄴ):
                # the whole word is the misspelling of a corpus term (스페인).
                fixed, written = whole, re.escape(word)
        if fixed != form:
            corrections[form] = fixed
            corrected = re.sub(written, fixed, corrected, flags=re.I)
        # Cue words are not the topic ("며칠", "인원은"), except what a cost question asks the price of (경비, 예산).
        cue_word = in_cue and kind != "cost"
        # A word typed onto a common noun is part of it: 친선경기 is a match, not 경기도.
        compounded = i > 0 and tokens[i - 1].tag == "NNG" and tokens[i - 1].start + tokens[i - 1].len == t.start
        for word in parts or (fixed,):
            if i in left_out_at:
                left_out.append(word)
            if compounded and word not in COUNTRIES and stats.names_organisation(word):
                not_names.add(word)
            elif stats.names_organisation(word) or word in COUNTRIES:
                mentions.append((t.start, word))
            if word not in terms:
                terms.append(word)
            named = is_proper_noun(word) if parts else t.tag == "NNP" or korean
            if named and word not in proper and word not in GENERIC_TERMS:
                proper.append(word)
            elif (t.tag == "SL" and t.form[:1].isupper() and text[:t.start].rstrip()[-1:] not in ("", ".", "?", "!", ":")
                  and not stats.known(word) and word not in proper):
                # "Gimhae": a name, though the corpus knows it by no spelling (not a sentence's first
                # word: "Please give …")
                proper.append(word)
            # One-syllable nouns (점, 곳, 데) are too general to say what is asked.
            if t.tag in TOPIC_TAGS and not cue_word and word not in GENERIC_TERMS and word not in topic and (
                len(word) >= 2 or t.tag in ("SL", "SH")
            ):
                topic.append(word)
    # An English name the reports write by its initials ("Asia Smart City Conference" -> ASCC).
    # (A word of the corpus, not letters inside one: "Which Hawaii" is no "wh".)
    initials = tuple((a, words) for a, words in _acronyms(text) if a in stats.df)
    for acronym, _ in initials:
        if acronym not in terms:
            terms.append(acronym)
            topic.append(acronym)
            proper.append(acronym)
    # A verbal noun ("주최"했어) names the relation asked about, not a thing: when the corpus never
    # uses it, the reports say it with another verb (개최했다), which only the embedding matches.
    # It is then neither a topic word the answer must contain nor an unknown one.
    predicates = {tokens[i].form for i in range(len(tokens) - 1)
                  if tokens[i].tag == "NNG" and tokens[i + 1].tag in ("XSV", "XSA")}
    topic = [t for t in topic if stats.known(t) or t not in predicates]
    # The kind of thing asked for ("무슨 회의", "어떤 행사"): the report names the thing itself
    # (북극서클총회, 섬박람회), seldom its kind.
    kind_words: set[str] = set()
    for m in _KIND_ASKED.finditer(text):
        # The nouns right after it, written together or apart ("어떤 정책 아이디어").
        at = m.end()
        for t in tokens:
            if t.start == at and t.tag in ("NNG", "NNP"):
                kind_words.add(t.form)
                at = len(text) - len(text[t.start + t.len:].lstrip())  # the next word's start
    unknown = tuple(t for t in topic if not stats.known(t))
    asked_about = tuple(corrections.get(a, a) for a in _asked_about(text, tokens, kind))  # as the corpus spells it
    english_act = ""
    if language == "en" and kind == "what":
        # "What was the theme …", "What did Seoul present …": asked as a Korean question would ask it
        # ("주제가 뭐야", "뭐 발표했어"), so the line labelled 주제 and the sentence saying 발표 answer.
        noun, english_act = _english_asked(text)
        asked_about = (noun, "") if noun else asked_about
        terms += [w for w in (noun, english_act) if w and w not in terms]
        topic += [english_act] if english_act and english_act not in topic else []
    # Countries joined by hyphens name an event or a relation ("the Korea-China-Japan seminar"), not
    # where the trip went.
    series = re.compile(r"[A-Z][a-z]+(?:-[A-Z][a-z]+)+")
    hyphenated = {stats.korean_name(w) for m in series.finditer(text) for w in m.group().split("-")}
    hyphenated -= {stats.korean_name(w) for w in re.findall(r"[A-Za-z]+", series.sub(" ", text))}  # named apart too
    names = tuple(t for t in topic if (t in COUNTRIES or stats.organisation_for([t]) or korean_city_body(t)) and t not in hyphenated | not_names | set(left_out))
    # A conjunction next to a thing asked ("지역과 기간", "기간과 인원") does not join two trips.
    def is_cue(tok) -> bool:
        return any(s <= tok.start < e for s, e in cue_spans)

    # Nor does one next to the home country ("일본이랑 한국 암모니아 혼소": a comparison, one trip).
    # Two trips are joined by their names or trip nouns ("울산 … 연수랑 광명 …", "통영시의회랑 진주시의회");
    # a partner is not ("시드니 대학교랑 MOU 체결식": with whom a thing was done, on one trip).
    naming = {w.lower() for w in (*names, *proper, *TRIP_NOUNS)}
    conjoined = any(t.tag == "JC" and not is_cue(prev) and not is_cue(nxt)
                    and prev.form.lower() not in HOME_COUNTRY and nxt.form.lower() not in HOME_COUNTRY
                    and (prev.form.lower() in naming or nxt.form.lower() in naming)
                    for prev, t, nxt in zip(tokens, tokens[1:], tokens[2:])) and len(topic) >= 3
    pointed = any(
        t.tag == "MM" and t.form in _DEMONSTRATIVES and nxt.tag in ("NNG", "NNP", "NNB")
        for t, nxt in zip(tokens, tokens[1:])
    )
    # Two clauses that each ask with the same question word ("…어느 현으로 갔고, …어느 나라들 갔어?"):
    # two trips or items. (Different question words across clauses ask two facts: "어디 갔고 며칠 있었어?")
    asked_twice = any(
        any(t.tag == "EC" and first.end() <= t.start < second.start() for t in tokens)
        for word in QUESTION_WORD_FAMILIES
        for first, second in zip(list(word.finditer(text)), list(word.finditer(text))[1:])
    )
    several = conjoined or asked_twice or bool(SEVERAL.search(text)) and len(topic) >= 2
    trips = _trips_named(text, mentions, tokens, stats)
    refers_back = has_history and (pointed or bool(REFERS_BACK.search(text)) or not topic)
    return Query(
        text=text,
        language=language,
        terms=tuple(terms),
        corrected=corrected,
        unknown=unknown,
        answer_type=kind,
        also_asks=tuple(kinds[1:]),
        wants_list=bool(LIST_CUES.search(text)),
        enumerates=_enumerates(text, tokens),
        several=several or bool(trips),
        trips=trips,
        refers_back=refers_back,
        about_trip=is_about_trip(text, tokens),
        asks_for_more=refers_back and bool(ASKS_FOR_MORE.search(text)),
        # Read from the corrected question: "스패인 출장 몇 건", "trips to Canada" filter on 스페인, 캐나다.
        catalogue=_catalogue_request(
            corrected, tokens if corrected == text else _corpus_compounds(corrected, kiwi().tokenize(corrected), stats), stats,
            kinds),
        corrections=corrections,
        topic_terms=tuple(topic),
        asked_about=asked_about,
        counter=_counter(tokens),
        names=names,
        proper_nouns=tuple(p for p in proper if p not in left_out),
        left_out=tuple(left_out),
        predicates=tuple(t for t in topic if t in predicates),
        # … and so does the noun a "what" question asks about ("참가한 국제회의가 뭐야?": 북극서클총회).
        kinds=tuple(t for t in topic if t in kind_words or (kind == "what" and t == asked_about[0])),
        initials=initials,
        asked_act=english_act or _asked_act(tokens),
        clauses=() if trips else _clauses(text, tokens),
    )


_WHAT_WORDS = frozenset({"뭐", "무엇", "무얼", "뭘", "뭣"})

# What an English question asks about, as a Korean one asks it: the noun a report labels its line
# with ("- 주 제: …", "- 장소: …"), and the act a sentence telling what was done says (발표하며).
_ENGLISH_ASKED_NOUNS = {"theme": "주제", "topic": "주제", "subject": "주제", "venue": "장소", "agenda": "안건"}
_ENGLISH_ACTS = re.compile(r"\b(present|discuss|sign|propos|suggest|introduc|agre)(?:e|es|ed|ing|s|ion|tion|ation|al)?\b", re.I)
_ACT_OF = {"present": "발표", "discuss": "논의", "sign": "체결", "propos": "제안", "suggest": "제안", "introduc": "소개",
           "agre": "합의"}


def _english_asked(text: str) -> tuple[str, str]:
    """(the noun asked about, the act asked about) of an English "what" question, in Korean."""
    words = re.findall(r"[a-z]+", text.lower())
    noun = next((_ENGLISH_ASKED_NOUNS[w.rstrip("s")] for w in words if w.rstrip("s") in _ENGLISH_ASKED_NOUNS), "")
    act = _ENGLISH_ACTS.search(text)
    return noun, (_ACT_OF[act.group(1).lower()] if act else "")


# What an act is asked through: "발표 주제", "논의 내용" ask what was presented, discussed.
_ACT_CONTENT = frozenset({"주제", "내용", "제목", "사항", "안건"})


_WH_PRONOUNS = frozenset({"어디", "뭐", "무엇", "누구"})
_WH_DETERMINERS = frozenset({"어떤", "무슨", "어느"})
# Asked as a list in words: "목록", "리스트", "나열"; "다/전부/모두/쭉 알려줘"; "list", "all the".
_ENUMERATION = re.compile(r"목록|리스트|나열|\blist\b|\ball\s+the\b", re.I)
_ALL_OF_THEM = frozenset({"다", "전부", "모두", "쭉", "죄다"})
_TELL = frozenset({"알리", "말하", "보이", "정리"})  # "알려줘", "말해 줘", "보여줘", "정리해 줘"
# "which cities", "what places": a plural noun asked for in English.
_ENGLISH_PLURAL_ASKED = re.compile(r"\b(?:which|what)\s+(?:(?!does\b|goes\b)\w+\s+)?(?!does\b|goes\b)\w{3,}(?<!s)s\b", re.I)


def _enumerates(text: str, tokens) -> bool:
    """Whether the question asks for every item of a kind, not one thing: the asked noun in the plural
    ("어떤 정원들", "방문 기관들 어디야"), the question word doubled ("어디어디", "뭐뭐", "누구누구"), or said
    in words ("목록", "다 알려줘", "which cities", "list"). A plural elsewhere ("의원들 뭐 봤대?") is not
    one; nor is every "무슨/어떤" ("무슨 행사": one event, mostly)."""
    if _ENUMERATION.search(text) or _ENGLISH_PLURAL_ASKED.search(text):
        return True
    asked = any(t.form in _WH_PRONOUNS or t.form in _WH_DETERMINERS or t.form in _TELL for t in tokens)
    for i, t in enumerate(tokens):
        if t.form in ("뭐뭐", "누구누구", "무엇무엇") or (
                t.form in _WH_PRONOUNS and i + 1 < len(tokens) and tokens[i + 1].form == t.form):
            return True
        if asked and t.tag == "MAG" and t.form in _ALL_OF_THEM:
            return True
        if t.form == "들" and t.tag == "XSN" and i:
            # the plural noun right after a question determiner (어떤 정원들) or right before a
            # question pronoun (기관들 어디야)
            before = tokens[i - 2] if i >= 2 else None
            after = tokens[i + 1] if i + 1 < len(tokens) else None
            if (before is not None and before.form in _WH_DETERMINERS) or (after is not None and after.form in _WH_PRONOUNS):
                return True
    return False


def _asked_act(tokens) -> str:
    """The verbal noun right after "뭐"/"무엇을" ("뭐 발표했어" -> 발표), or right before the noun for
    its content ("발표 주제", "논의 내용"); not one after a kind ("무슨 공원 견학했어": the park is
    asked, not the visit)."""
    for i, t in enumerate(tokens):
        if t.form in _ACT_CONTENT and i and tokens[i - 1].tag == "NNG" and t.start - tokens[i - 1].end <= 1:
            return tokens[i - 1].form
        if t.form not in _WHAT_WORDS:
            continue
        rest = [u for u in tokens[i + 1:i + 4] if u.tag != "JKO"]
        if len(rest) >= 2 and rest[0].tag == "NNG" and rest[1].tag == "XSV":
            return rest[0].form
    return ""


# A word asking something: each clause of a question asking two things has one.
_ASKING_WORD = re.compile(r"언제|어디|누구|누가|몇|얼마|뭐|뭘|무엇|무슨|어느|어떤|며칠|왜")


def _clauses(text: str, tokens) -> tuple[str, ...]:
    """The two clauses of a question asking two things, split after the ending that joins them ("언제고,",
    "했고 "), when each asks something; () otherwise."""
    for t in tokens:
        end = t.start + t.len
        if t.tag == "EC" and t.form in ("고", "구") and end < len(text) and text[end] in ", ":
            first, second = text[:end].strip(), text[end:].strip(" ,")
            if _ASKING_WORD.search(first) and _ASKING_WORD.search(second):
                return first, second
    return ()


# Initials typed as such in an English question (IEA, OECD): written the same in a Korean report.
_TYPED_INITIALS = re.compile(r"\b[A-Z]{2,}s?\b")
# A name of several capitalised English words, with "of", "and", "the", "for", "on" between them.
_ENGLISH_NAME = re.compile(r"[A-Z][a-z]+(?:\s+(?:(?:of|and|the|for|on)\s+)*[A-Z][a-z]+)+")


def _acronyms(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """The initials of each English name of `text`, lower-cased, with the words they stand for
    ("World Library and Information Congress" -> wlic): reports often write an event or body by them."""
    out = []
    for m in _ENGLISH_NAME.finditer(text):
        words = tuple(w.lower() for w in m.group().split() if w[0].isupper())
        out.append(("".join(w[0] for w in words), words))
    return out


def _trips_named(text: str, mentions: list[tuple[int, str]], tokens, stats: CorpusStats) -> tuple[tuple[tuple[str, ...], str], ...]:
    """The names (organisations, countries) of each trip a question names, in order, with the words
    asking about it, when it names trips it can tell apart. A new trip starts after a word
    joining two (랑, 과, "and", a comma, a clause ending in 고) and a word naming another organisation:
    "부산시 상하이 출장은 … 맺었고, 동두천시 중국 방문단은 …" -> ((부산시,), its clause), ((동두천시, 중국),
    its clause); "울산 … 연수랑 광명 … 연수, 각각 어느 도시" asks the whole question of each. "대전 서구 …
    이랑 대전시 …" names 대전광역시 서구 and 대전광역시; "광명시 인도네시아 …랑 광명시 북유럽 …" trips
    of one organisation to other countries; "광명시 … 랑 광명시 …" no trips to tell apart."""
    groups: list[list[str]] = []
    starts: list[int] = []
    clauses = False  # the trips are asked about in clauses of their own
    previous = -1
    for start, word in mentions:
        between = [t for t in tokens if previous < t.start < start]
        previous = start
        joins = any(t.tag == "JC" or t.tag == "JKB" and t.form in _WITH or t.tag in ("EC", "SP", "SF")
                    or t.form.lower() in ("and", "or", "vs") for t in between)
        if groups and joins and stats.names_organisation(word) and any(stats.names_organisation(w) for w in groups[-1]):
            groups.append([word])  # another organisation's trip
            # Its clause starts after the ending of the one before ("맺었고,") or at "and what" (English).
            ends = [t.start + t.len for t in between if t.tag in ("EC", "SF")]
            english = _ENGLISH_CLAUSE.search(text, starts[-1], start)
            cut = english.start() if english else ends[-1] if ends else start
            clauses = clauses or cut != start
            starts.append(cut)
        elif groups:
            groups[-1].append(word)
        else:
            groups.append([word])
            starts.append(0)
    named = [stats.organisations_named(g) for g in groups]
    countries = [{COUNTRIES[w] for w in g if w in COUNTRIES} for g in groups]

    def apart(i: int, j: int) -> bool:  # other organisations, or the same one's trips to other countries
        return named[i].isdisjoint(named[j]) or bool(countries[i] and countries[j] and countries[i].isdisjoint(countries[j]))

    if len(groups) < 2 or not all(named) or not all(apart(i, j) for i in range(len(groups)) for j in range(i + 1, len(groups))):
        return ()
    ends = starts[1:] + [len(text)]
    parts = [text[s:e].strip(" ,") for s, e in zip(starts, ends)]
    # A clause asks of its own trip only when it asks something: "안동시 … 출장하고 구미시 … 중 누가
    # 먼저 떠났어?" asks one question of both.
    clauses = clauses and all(_INTERROGATIVE.search(p) or WHAT_CUE.search(p) for p in parts)
    return tuple((tuple(dict.fromkeys(g)), part if clauses else text) for g, part in zip(groups, parts))


# "어느 도시 갔냐", "어떤 나라들 다녀왔어": the places the trip went to.
_PLACE_GONE_TO = re.compile(r"(?:어느|어떤)\s*(도시|나라|국가|지역)(?:들)?\s*(?:을|를|에|으로|로)?\s*(?:갔|가|다녀|방문|들렀|들르|돌았|순방)")


def _asked_about(text: str, tokens, kind: AnswerType) -> tuple[str, str]:
    """The noun right before the answer-type cue, and the one before it (see Query.asked_about).

    A question with no cue ("이용한 항공편은?") asks about its last noun.
    """
    cue = next((c for k, c in ANSWER_TYPE_CUES if k == kind), WHAT_CUE)
    m = cue.search(text) or re.search(r"$", text)
    # The cue itself names a fact of the trip ("인원은", "출장 기간", "출발일"): the trip is asked about.
    own = next((n for n in TRIP_NOUNS if n in m.group()), "") or next(
        (n for n in ("출발일", "도착일", "귀국일", "출장지", "출장자", "공무원", "직원") if n in m.group()), "")
    if own:
        return own, ""
    cue_at = m.start()
    nouns: list[str] = []
    # An English question names what it asks after the cue, and Kiwi reads all its words as nouns
    # ("went", "for"): only its Korean words count, but for what it counts ("how many companies").
    english = is_english(text) and kind != "count"
    for i, t in enumerate(tokens):
        if t.start >= cue_at:
            break
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if t.tag in ("NNG", "NNP", "SL") and not (english and t.tag == "SL") and (len(t.form) >= 2 or t.tag == "SL" or (nxt is not None and nxt.tag == "XSN")):
            if nxt is not None and nxt.tag in ("XSV", "XSA"):
                continue  # 등록(되다): a verb, not the thing asked about
            form = t.form.lower() if t.tag == "SL" else t.form
            if nxt is not None and nxt.tag == "XSN" and nxt.form != "들":  # not the plural
                form += nxt.form  # 출장 + 자 = 출장자
            nouns.append(form)
    if kind == "where" and (place := _PLACE_GONE_TO.match(text, cue_at)) and not (nouns and nouns[-1] in COUNTRIES):
        # "… 벤치마킹 어느 도시 갔냐": where the trip went (not "크로아티아는 어느 도시", a part of it)
        return place.group(1), ""
    if not nouns:
        return "", ""
    return nouns[-1], (nouns[-2] if len(nouns) > 1 else "")


def _full_year(year: str) -> str:
    """'2025' -> '2025'; '25' -> '2025' (a two-digit year past this one is of the last century: '98' -> '1998')."""
    if len(year) == 4:
        return year
    this = date.today().year
    full = 2000 + int(year)
    return str(full if full <= this else full - 100)


# "X 뭐뭐 있어", "X 무엇무엇": a list of X.
_LISTED = re.compile(r"([가-힣A-Za-z]+?)(?:은|는|이|가|을|를|도|들은|들이|들|의)?\s*(?:뭐\s*뭐|무엇\s*무엇|목록|리스트)")
# What a trip visited ("방문기관", "방문지", "방문처"): listed by its report, not by the catalogue.
_VISITED_NOUN = re.compile(r"방문(?:기관|지|처|시설|장소)")


def _lists_trips(noun: str) -> bool:
    """Whether the things a list asks for are trips, the places they went or the bodies that went."""
    if _VISITED_NOUN.fullmatch(noun):
        return False
    return (noun in TRIP_NOUNS or noun in PLACE_KINDS or noun.endswith(TRIP_KINDS) or is_group_or_visit(noun)
            or bool(ORGANISATION_ASKED.fullmatch(noun)) or bool(TRIP_WORDS.search(noun)))


def _named_in(tokens, stats: CorpusStats) -> tuple[str, str, str]:
    """The countries (comma-separated), the city and the organisation `tokens` name."""
    words = [t.form for t in tokens if t.tag in ("NNP", "NNG", "SL")]
    countries = list(dict.fromkeys([COUNTRIES[w] for w in words if w in COUNTRIES] + [
        c for w in words if w not in COUNTRIES and (c := normalise_country(w))] + [w for w in words if w in REGIONS]))
    # A city the gazetteer knows, or a proper noun the catalogue has as a city.
    city = next((t.form for t in tokens if t.tag in ("NNP", "NNG") and t.form not in countries
                 and (t.form in FOREIGN_CITIES or (t.tag == "NNP" and t.form in stats.cities))), "")
    # A province whose bodies share no one name part ("강원도": 강원특별자치도 삼척시 and 강원특별자치도의회) is
    # its full name, which each of them holds. A Korean city's body the reports do not have ("강릉시 일본
    # 출장 몇 건?") is still the filter, which no trip meets, not a word left out (the trips of every
    # other body to Japan).
    organisation = (_organisations_joined(tokens, stats) or _organisation_named(words, stats)
                    or next((w for w in words if korean_city_body(w)), ""))
    return ",".join(countries), city, organisation


def _organisation_named(words: list[str], stats: CorpusStats) -> str:
    """The catalogue organisation `words` name, or a province's full name (see `_named_in`); '' if none."""
    return stats.organisation_for(words) or next((PROVINCE_FULL_NAMES[w] for w in words if w in PROVINCE_FULL_NAMES), "")


def _organisations_joined(tokens, stats: CorpusStats) -> str:
    """"부산이랑 대구 출장 몇 건씩", "청도군, 완도군 출장": organisations joined by 와/과/랑/하고, 및 or a comma,
    comma-separated (a trip of any of them); '' unless two or more are named so."""
    groups: list[list[str]] = [[]]
    for t in tokens:
        if _joins(t):
            groups.append([])
        elif t.tag in ("NNP", "NNG", "SL"):
            groups[-1].append(t.form)
    named = list(dict.fromkeys(n for g in groups if (n := _organisation_named(g, stats))))
    return ",".join(named) if len(named) >= 2 else ""


# Trips compared as sets ("비교해줘", "차이", "뭐가 달라", "vs"): of two bodies, countries or months, not two
# trips' one measure.
_COMPARED_SETS = re.compile(r"비교|차이|대비|(?:뭐가|무엇이|어디가|어떻게)\s*(?:달라|다르|다른가)|다른\s*점|\bvs\.?\b|versus|compar", re.I)


def _catalogue_request(text: str, tokens, stats: CorpusStats, asked_types: list[AnswerType]) -> CatalogueRequest | None:
    """The catalogue request of a question about trips as a whole, or None for a passage question.

    Only words the corpus knows become filters (a country name, a catalogue city or organisation,
    a year or month, a word found in trip titles); any other topic word makes the request
    unconfident, and the caller answers from passages as well.
    """
    kind: CatalogueKind | None = next((k for k, cue in CATALOGUE_CUES if cue.search(text)), None)
    if not (is_about_trip(text, tokens) or SEVERAL_PLACES.search(text)):
        return None
    if kind == "list" and (m := _LISTED.search(text)) and not _lists_trips(m.group(1)):
        return None  # "연수 다녀와서 나온 아이디어 뭐뭐 있어": the ideas, not the trips
    # The places and bodies the question leaves out ("일본 빼고", "서울시 말고") are conditions too.
    left_out_at = _left_out(text, tokens)
    kept = [t for i, t in enumerate(tokens) if i not in left_out_at]
    country, city, organisation = _named_in(kept, stats)
    not_country, not_city, not_organisation = _named_in([t for i, t in enumerate(tokens) if i in left_out_at], stats)
    compared = bool(_COMPARED_SETS.search(text))
    if compared and "," not in organisation and "," not in country:
        # Metropolitan cities and provinces compared may be named side by side ("서울 부산 출장 비교"): each
        # a body of its own. (Not "울산 중구", one district: a district or city is compared with 와/과/랑.)
        each = [o for t in kept if t.tag in ("NNP", "NNG") and (o := _organisation_named([t.form], stats))]
        if len(set(each)) >= 2 and not any(" " in o for o in each):
            organisation = ",".join(dict.fromkeys(each))
    # "2025년", "2025년 10월", "11월": when the trip set out.
    year = _full_year(y.group(1)) if (y := _YEAR.search(text)) else ""
    if not year and (r := _RELATIVE_YEAR_WORD.search(text)):
        year = str(date.today().year + _RELATIVE_YEAR[r.group()])
    # One month is the departure month; several are a set of them ("9월이랑 10월"), or every month of a
    # span ("9월부터 11월까지", "9~11월" reads 9 as a bare number: see _MONTH_SPAN).
    said = list(dict.fromkeys(int(m.group(1)) for m in _MONTH.finditer(text)))
    if span := _MONTH_SPAN.search(text):
        first, last = int(span.group(1)), int(span.group(2))
        said = list(range(first, last + 1)) if first < last else said
    month = f"{said[0]:02d}" if len(said) == 1 else ""
    for m in _DATE_EN.finditer(text):
        year = year or m.group(2) or m.group(3) or ""
        month = month or (f"{_ENGLISH_MONTHS[m.group(1).lower()]:02d}" if m.group(1) else "")
    departed = f"{year}-{month}" if year and month else year or (f"-{month}" if month else "")
    # "2025년 하반기": trips under way in July to December of that year (a half needs its year).
    half = _HALF.search(text) if year and not month else None
    date_from = date_to = ""
    if half:
        first, last = HALF_YEARS[half.group(1)]
        date_from, date_to, departed = f"{year}-{first}", f"{year}-{last}", ""
    accounted = {*country.split(","), city, organisation, *organisation.split(),
                 *not_country.split(","), not_city, not_organisation, *not_organisation.split()}
    bounds = {"min_days": 0, "min_travellers": 0, "max_days": 0, "max_travellers": 0}
    for number, unit, at_least in _bounds_said(text):
        if unit == "박":
            number += 1  # 10박 = 11 days
        bounds[("min_" if at_least else "max_") + ("travellers" if unit == "명" else "days")] = number
    if not bounds["min_travellers"] and not bounds["max_travellers"] and (party := _PARTY.search(text)):
        # "혼자 간 출장", "3명이서 다녀온 출장": exactly that many travellers.
        bounds["min_travellers"] = bounds["max_travellers"] = int(party.group(1)) if party.group(1) else 1
    season = _SEASON.search(text)
    months = ",".join(f"{m:02d}" for m in SEASONS[season.group(1)]) if season and not said else ""
    if len(said) > 1:
        months = ",".join(f"{m:02d}" for m in said)
    if months:
        departed = year  # the months are the filter; the year, if said, still holds
    # A level said to be left out ("시 단위 말고 도청이", "구청 빼고") is not the filter.
    level_word = next((m for m in ORGANISATION_LEVEL_WORDS.finditer(text)
                       if not _LEFT_OUT.match(text, m.end())), None)
    level = "" if not level_word else (
        level_word.group("suffix") or ("구" if level_word.group("district") else "기초" if level_word.group("basic") else "광역"))
    # Words inside a cue ("가장 긴", "몇 건", "언제") or a date are cues, not topics.
    cue_spans = [m.span() for _, cue in (*CATALOGUE_CUES, *ANSWER_TYPE_CUES) for m in cue.finditer(text)]
    cue_spans += [m.span() for p in (_YEAR, _MONTH, _DATE_EN, TRIP_WORDS, _BOUND, _BOUND_EN, _RELATIVE_YEAR_WORD, _SEASON, ORGANISATION_LEVEL_WORDS, _PARTY, _COMPARED_SETS)
                  for m in p.finditer(text)]
    cue_spans += [m.span() for t in tokens if (m := _LEFT_OUT.match(text, t.start + t.len))]
    if half:
        cue_spans.append(half.span())
    rest = [
        t.form for t in tokens
        if t.tag in ("NNP", "NNG", "SL") and len(t.form) >= 2 and t.form not in GENERIC_TERMS and t.form not in accounted
        and t.form not in PLACE_KINDS
        and t.form not in DOC_TYPE_WORDS and t.form.lower() not in ENGLISH_STOPWORDS
        and t.form.lower() not in PEOPLE_WHO_WENT  # "sent officials": who went, no condition on trips
        and not any(s <= t.start < e for s, e in cue_spans)
        and not (t.form in COUNTRIES or t.form in REGIONS or normalise_country(t.form) or t.form in FOREIGN_CITIES
                 or stats.organisation_for([t.form]) or t.form in PROVINCE_FULL_NAMES)
    ]
    if (kind in (None, "list", "count") and compared and not rest
            and ("," in organisation or "," in country or "," in months) and (not asked_types or asked_types[0] == "what")):
        # "부산시 출장이랑 경남 출장 비교해줘": two bodies' (countries', months') trips side by side, each as a set.
        kind = "compare"
    if kind is None:
        # No list or count cue, but a condition only a set of trips has ("… 중에 5일 이상인 거", "가을에
        # 구청에서 간 출장"): the trips that meet it. (A place, even a region, can name one trip.)
        # A question for one trip's date, length, cost or happenings is not a list ("유럽 출장에서 뭐 배웠어?").
        asked = asked_types[0] if asked_types else "what" if WHAT_CUE.search(text) else ""
        if asked not in ("", "where", "who", "count") or not (
                any(bounds.values()) or months or level or not_country or not_city or not_organisation):
            return None
        kind = "list"
    keyword = ""
    unknown: list[str] = []
    for word in rest:
        if not keyword and any(word.lower() in t for t in stats.titles):
            keyword = word
        else:
            unknown.append(word)
    doc_type = next((kind for word, kind in DOC_TYPE_WORDS.items() if word in text), "")
    where = TripFilter(country=country, city=city, organisation=organisation, departed=departed,
                       date_from=date_from, date_to=date_to, doc_type=doc_type, months=months, level=level,
                       not_country=not_country, not_city=not_city, not_organisation=not_organisation, **bounds)
    # For prior trips, the words beyond place are the plan's topic, ranked by, not filtered on.
    return CatalogueRequest(kind, where, keyword, confident=kind == "similar" or not unknown, unknown=tuple(unknown))
