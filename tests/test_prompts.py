import pytest

from qa.prompts import load_prompt


def test_every_prompt_file_loads_with_its_version_and_variables():
    for name, variables in [("system", ()), ("answer", ("question", "passages")),
                            ("condense", ("history", "question")), ("not_found", ())]:
        prompt = load_prompt(name)
        assert prompt.name == name and prompt.version and prompt.variables == variables
        assert prompt.text and "---" not in prompt.text.splitlines()[0]


def test_format_requires_every_variable():
    with pytest.raises(KeyError, match="passages"):
        load_prompt("answer").format(question="q")
    assert "질문: 출장?" in load_prompt("answer").format(question="출장?", passages="<passage n=\"1\">x</passage>")


def test_bad_header_is_rejected(tmp_path):
    (tmp_path / "broken.md").write_text("no header here", encoding="utf-8")
    with pytest.raises(ValueError, match="---"):
        load_prompt("broken", tmp_path)
