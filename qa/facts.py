"""Document facts: title, organisation, place and dates of a report.

These go into the short header that is embedded and keyword-indexed with every
chunk (so a passage that never names its trip is still found), and into the
sources panel. Rules handle the layouts of the seeds: the disclosure site
("출발일" / "도착일" lines), the formal 결과보고서 ("기 간:", "출장지:",
"4. 출장목적") and news pages (headline, "기사입력 2020/08/06"). A field that no
rule finds stays empty rather than guessed.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

COUNTRIES = {
    "일본": "일본", "중국": "중국", "미국": "미국", "프랑스": "프랑스", "독일": "독일", "영국": "영국",
    "인도": "인도", "스리랑카": "스리랑카", "베트남": "베트남", "싱가포르": "싱가포르", "태국": "태국",
    "필리핀": "필리핀", "인도네시아": "인도네시아", "말레이시아": "말레이시아", "몽골": "몽골",
    "호주": "호주", "캐나다": "캐나다", "스페인": "스페인", "이탈리아": "이탈리아", "네덜란드": "네덜란드",
    "벨기에": "벨기에", "스위스": "스위스", "오스트리아": "오스트리아", "덴마크": "덴마크", "스웨덴": "스웨덴",
    "핀란드": "핀란드", "노르웨이": "노르웨이", "대만": "대만", "홍콩": "홍콩", "러시아": "러시아",
    "브라질": "브라질", "멕시코": "멕시코", "아랍에미리트": "아랍에미리트", "튀르키예": "튀르키예", "터키": "튀르키예",
    "이집트": "이집트", "케냐": "케냐", "남아프리카공화국": "남아프리카공화국", "뉴질랜드": "뉴질랜드",
    "에스토니아": "에스토니아", "폴란드": "폴란드", "체코": "체코", "헝가리": "헝가리", "포르투갈": "포르투갈",
}

_ORG = re.compile(r"^[가-힣]{2,12}(?:특별시|광역시|특별자치시|특별자치도|도|시|군|구|부|청|처|원|공사|공단|연구원|위원회)$")
_KO_DATE = re.compile(r"(\d{4})\s*년\s*(\d{1,2})\s*월\s*(\d{1,2})\s*일")
_DOT_DATE = re.compile(r"(\d{4})\s*[./-]\s*(\d{1,2})\s*[./-]\s*(\d{1,2})")
_PERIOD = re.compile(r"기\s*간\s*[:：]\s*(.+)")
_DEST = re.compile(r"출\s*장\s*지\s*[:：]\s*(.+)")
_NEWS_DATE = re.compile(r"(?:기사)?입력\s*:?\s*(\d{4})[./-](\d{1,2})[./-](\d{1,2})")
GENERIC_TITLES = {"국외출장 결과보고서", "공무국외출장 결과보고서", "결과보고서", "출장 결과보고서"}


@dataclass(frozen=True)
class DocumentFacts:
    title: str = ""
    organisation: str = ""
    country: str = ""
    city: str = ""
    start_date: str = ""  # ISO yyyy-mm-dd
    end_date: str = ""
    duration: str = ""  # as written, e.g. "3박 4일"
    published: str = ""  # news publication date, ISO

    def header(self) -> str:
        """One line naming the document, prefixed to every chunk for search."""
        place = " ".join(p for p in (self.country, self.city) if p)
        organisation = self.organisation
        short = re.sub(r"(특별시|광역시|특별자치시)$", "시", organisation)
        if short != organisation:  # reports say 서울시 and 우리 시 as often as 서울특별시
            organisation = f"{organisation}({short})"
        dates = "~".join(d for d in (self.start_date, self.end_date) if d) or self.published
        parts = [self.title, organisation, place, dates]
        return " | ".join(p for p in parts if p)

    def to_dict(self) -> dict:
        return asdict(self)


def _iso(match: re.Match) -> str:
    y, m, d = (int(g) for g in match.groups()[:3])
    if not (1 <= m <= 12 and 1 <= d <= 31):
        return ""
    return f"{y:04d}-{m:02d}-{d:02d}"


def _find_date(text: str) -> str:
    m = _KO_DATE.search(text) or _DOT_DATE.search(text)
    return _iso(m) if m else ""


def _field(lines: list[str], label: str) -> str:
    for line in lines:
        if line.startswith(label + ":"):
            return line.split(":", 1)[1].strip()
    return ""


def _title(lines: list[str], text: str) -> str:
    if lines and lines[0] in GENERIC_TITLES:
        purpose = re.search(r"출장\s*목적\s*\n+\s*[○◦•-]?\s*(.+)", text)
        if purpose:
            return purpose.group(1).strip()
    for line in lines[:8]:
        if len(line) >= 12 and ":" not in line and line not in GENERIC_TITLES:
            return line
    return lines[0] if lines else ""


def city_after(country: str, text: str) -> re.Match | None:
    """"3박 4일간 일본 요코하마에서" / "중국 광저우를 방문하여": group 1 is the word after the country."""
    return re.search(re.escape(country) + r" ([가-힣]{2,8}?)(?:에서|를|을|에|의)[ ,]", text)


def _place(lines: list[str], text: str) -> tuple[str, str]:
    dest = _DEST.search(text)
    if dest:
        words = dest.group(1).split()
        country = COUNTRIES.get(words[0], "") if words else ""
        city = words[1] if country and len(words) > 1 else ""
        return country, city
    country = next((COUNTRIES[l] for l in lines[:3] if l in COUNTRIES), "")
    city = ""
    if country:
        # "3박 4일간 일본 요코하마에서" / "중국 광저우를 방문하여": the word after the country.
        m = city_after(country, text)
        if m:
            city = m.group(1)
    return country, city


def extract_facts(text: str) -> DocumentFacts:
    """Facts of one cleaned document (see module docstring for the layouts handled)."""
    lines = [l for l in text.split("\n") if l.strip()]
    head = lines[:12]
    country, city = _place(lines, text)
    organisation = next((l for l in head if _ORG.match(l)), "")
    start = _find_date(_field(head, "출발일"))
    end = _find_date(_field(head, "도착일"))
    duration = _field(head, "여행 기간")
    period = _PERIOD.search(text)
    if period and not start:
        dates = list(_DOT_DATE.finditer(period.group(1))) or list(_KO_DATE.finditer(period.group(1)))
        if dates:
            start, end = _iso(dates[0]), _iso(dates[-1])
        nights = re.search(r"\d+\s*박\s*\d+\s*일", period.group(1))
        duration = nights.group(0) if nights else duration
    news = _NEWS_DATE.search(text)
    published = _iso(news) if news else ""
    return DocumentFacts(
        title=_title(lines, text)[:120],
        organisation=organisation,
        country=country,
        city=city,
        start_date=start,
        end_date=end,
        duration=duration,
        published=published,
    )
