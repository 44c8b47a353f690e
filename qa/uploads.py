"""Files added by users (the app's upload box): checked, then copied into the corpus.

A file is copied only when it would index: allowed type, within the size limit, not
empty, and readable by the loader. So a rejected upload never lands in the corpus,
and an accepted one survives restarts like any other corpus file.
"""

from __future__ import annotations

import errno
import filecmp
import os
import re
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .clean import clean_text
from .load import LoadError, load_file


@dataclass(frozen=True)
class UploadOutcome:
    name: str  # the file name as the user gave it
    ok: bool
    message: str  # Korean, shown to the user
    source: str = ""  # source name in the corpus when saved


def safe_file_name(name: str) -> str:
    """The base name only, without control characters or leading dots (no path tricks)."""
    name = unicodedata.normalize("NFC", name.replace("\\", "/").rsplit("/", 1)[-1])
    name = re.sub(r"[\x00-\x1f\x7f]", "", name).strip().lstrip(".")
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    stem = stem[:120].strip() or "문서"
    return f"{stem}.{suffix.lower()}" if suffix else stem


def _claim_name(folder: Path, name: str, incoming: Path) -> tuple[Path, bool]:
    """Save `incoming` under `name` in `folder`, or "name (2)", "name (3)" … when taken; (path,
    already_there) when an identical file is there already.

    The copy goes to a unique temporary file first, and a name is claimed with a hard link, which
    fails when the name exists: two uploads of the same name at once never share a file or a name.
    """
    fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=".upload-", suffix=".part")  # hidden: never indexed
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out, incoming.open("rb") as src:
            shutil.copyfileobj(src, out)
        stem, suffix = Path(name).stem, Path(name).suffix
        target, n = folder / name, 2
        while True:
            try:
                os.link(tmp, target)
                return target, False
            except FileExistsError:
                if filecmp.cmp(target, tmp, shallow=False):
                    return target, True
                target = folder / f"{stem} ({n}){suffix}"
                n += 1
    finally:
        tmp.unlink(missing_ok=True)


def check_upload(path: Path, name: str, allowed_suffixes: set[str], max_bytes: int, max_text_bytes: int = 10 * 2**20) -> str | None:
    """The reason `path` cannot be added, in Korean, or None when it can."""
    suffix = Path(name).suffix.lower()
    if suffix not in allowed_suffixes:
        allowed = ", ".join(sorted(allowed_suffixes))
        return f"지원하지 않는 형식입니다 ({suffix or '확장자 없음'}). 가능한 형식: {allowed}"
    size = path.stat().st_size
    if size == 0:
        return "빈 파일입니다"
    if size > max_bytes:
        return f"파일이 너무 큽니다 ({size / 2**20:.1f} MB, 최대 {max_bytes / 2**20:.0f} MB)"
    try:
        doc = load_file(path, name, max_file_bytes=max_bytes, max_text_bytes=max_text_bytes)
    except LoadError as exc:
        return exc.reason
    if not any(clean_text(p.text).strip() for p in doc.pages):
        return "정리 후 남은 텍스트가 없습니다"
    return None


def save_uploads(
    files: list[tuple[Path, str]],
    folder: Path,
    corpus_root: Path,
    allowed_suffixes: set[str],
    max_bytes: int,
    max_text_bytes: int = 10 * 2**20,
) -> list[UploadOutcome]:
    """Check each (temporary path, user's file name) and copy the good ones into `folder`.

    `folder` lies inside the corpus folder `corpus_root`; sources are relative to it.
    """
    folder.mkdir(parents=True, exist_ok=True)
    outcomes = []
    for path, original in files:
        name = safe_file_name(original)
        try:
            reason = check_upload(path, name, allowed_suffixes, max_bytes, max_text_bytes)
        except OSError as exc:
            reason = f"파일을 읽을 수 없습니다 ({exc.strerror or exc})"
        if reason:
            outcomes.append(UploadOutcome(original, False, reason))
            continue
        try:
            target, existed = _claim_name(folder, name, path)
        except OSError as exc:
            full = exc.errno == errno.ENOSPC
            reason = "디스크 공간이 부족해 저장하지 못했습니다" if full else f"저장하지 못했습니다 ({exc.strerror or exc})"
            outcomes.append(UploadOutcome(original, False, reason))
            continue
        source = target.relative_to(corpus_root).as_posix()
        if existed:
            outcomes.append(UploadOutcome(original, True, "이미 같은 파일이 있습니다", source))
        elif target.name != name:
            outcomes.append(UploadOutcome(original, True, f"같은 이름의 다른 파일이 있어 ‘{target.name}’(으)로 추가했습니다", source))
        else:
            outcomes.append(UploadOutcome(original, True, "추가했습니다", source))
    return outcomes
