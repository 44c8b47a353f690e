"""Model-facing prompts, read from the files in `prompts/` by name (see prompts/README.md)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

PROMPTS_DIR = Path(__file__).resolve().parent.parent / "prompts"


@dataclass(frozen=True)
class Prompt:
    name: str
    version: str
    variables: tuple[str, ...]
    text: str

    def format(self, **values: str) -> str:
        missing = set(self.variables) - set(values)
        if missing:
            raise KeyError(f"prompt {self.name} needs {sorted(missing)}")
        return self.text.format(**values)


@lru_cache(maxsize=None)
def load_prompt(name: str, folder: Path = PROMPTS_DIR) -> Prompt:
    """The prompt `folder/<name>.md`: a `key: value` header, a `---` line, then the text."""
    path = folder / f"{name}.md"
    raw = path.read_text(encoding="utf-8")
    head, sep, body = raw.partition("\n---\n")
    if not sep:
        raise ValueError(f"{path}: header and text must be separated by a '---' line")
    meta = dict(line.split(":", 1) for line in head.splitlines() if ":" in line)
    meta = {k.strip(): v.strip() for k, v in meta.items()}
    if meta.get("name") != name or not meta.get("version"):
        raise ValueError(f"{path}: header needs 'name: {name}' and 'version'")
    variables = tuple(v.strip() for v in meta.get("variables", "").split(",") if v.strip())
    return Prompt(name, meta["version"], variables, body.strip())
