"""Citation precision of the LLM path vs the extractive path on the dev set, with a stand-in model.

    python -m eval.llm_standin [eval/seeds_dev.jsonl]

No LLM weights are available here, so the "model" is the tests' scripted OpenAI-compatible
server (tests/fake_llm.py) on loopback: for each question it copies the passage sentence that
shares most words with the question, cites it, and adds one invented sentence. The figures show
that the checks keep citations right and remove the invention; they are not a model's quality.
With a real endpoint configured (QA_LLM_*), `qa eval FILE --llm` gives the real figures.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from qa import QA, Settings
from qa.korean import content_morphemes

from .run import load_questions

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from fake_llm import FakeLLM, Reply  # noqa: E402  (the tests' scripted server)

INVENTED = "이 출장에서 참가자들은 모두 현지 음식 축제에 참여했습니다"


def standin(body: dict) -> Reply:
    prompt = body["messages"][-1]["content"]
    question = set(content_morphemes(re.search(r"질문: (.*)", prompt).group(1)))
    best = (0, "", 1)
    for n, text in re.findall(r'<passage n="(\d+)"[^>]*>\n(.*?)\n</passage>', prompt, flags=re.S):
        for sentence in re.split(r"(?<=[.다])\s+|\n+", text):
            shared = len(question & set(content_morphemes(sentence)))
            if shared > best[0] and len(sentence) > 10:
                best = (shared, sentence.strip(), int(n))
    return Reply(f"{best[1]} [{best[2]}]. {INVENTED} [{best[2]}].")


def main(path: str = "eval/seeds_dev.jsonl") -> None:
    questions = [q for q in load_questions(Path(path)) if q.answerable]
    with FakeLLM(standin) as llm:
        qa = QA.open(Settings(llm_base_url=llm.url, llm_model="stand-in"), build_if_stale=False)
        for use_llm in (False, True):
            cited = right = written = removed = 0
            for q in questions:
                answer = qa.ask(q.question, llm=use_llm)
                cited += len(answer.citations)
                right += sum(c.source in q.sources for c in answer.citations)
                written += answer.mode == "llm"
                removed += INVENTED not in answer.answer and "뺐습니다" in answer.notice
            name = "llm" if use_llm else "extractive"
            print(f"{name:10s} citation precision {right / cited:.3f} ({right}/{cited}); "
                  f"answers written by the model {written}/{len(questions)}; invented sentence removed {removed}")


if __name__ == "__main__":
    main(*sys.argv[1:])
