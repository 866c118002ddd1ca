"""Config validation: every problem reported at once, with file and key path; exit 1."""
from __future__ import annotations

from pathlib import Path

import pytest

from seqeval_suite.config import load_config, map_tag
from seqeval_suite.errors import ConfigError

GOLD = "Ann B-PER\nlives O\n\n"


@pytest.fixture
def bench(tmp_path: Path):
    """``bench(yaml_text)`` -> path of a config next to gold.conll and pred.conll."""
    (tmp_path / "gold.conll").write_text(GOLD)
    (tmp_path / "pred.conll").write_text(GOLD)

    def _bench(text: str) -> Path:
        path = tmp_path / "bench.yaml"
        path.write_text(text)
        return path

    return _bench


GOOD = """\
corpora:
  - {id: c1, path: gold.conll}
systems:
  - {id: s1, predictions: {c1: pred.conll}}
"""


def _problems(path: Path) -> list[str]:
    with pytest.raises(ConfigError) as info:
        load_config(path)
    lines = info.value.message.splitlines()
    assert lines[0].startswith(f"{path}: {len(lines) - 1} problem")
    return [line.strip() for line in lines[1:]]


def test_config_good_defaults(bench):
    config = load_config(bench(GOOD))
    assert config.name == "bench" and config.title == "bench"
    assert config.scoring.mode == "lenient" and config.scoring.primary == "micro_f1"
    assert config.outputs == ("markdown", "csv", "latex", "json", "html")
    assert config.systems[0].predictions["c1"][0][1] == "pred.conll"


# Each row: (config text, the key path that must be named, a phrase of the message).
BAD = [
    ("- just\n- a list\n", "", "expected a mapping at the top level"),
    ("42\n", "", "expected a mapping at the top level, got an integer"),
    (GOOD + "extra: 1\n", "extra", "unknown key"),
    (GOOD + "scoring: {mode: lenient, primay: micro_f1}\n", "scoring.primay", "did you mean 'primary'"),
    (GOOD.replace("gold.conll", "missing.conll"), "corpora[0].path", "missing.conll: no such file"),
    (GOOD.replace("c1: pred.conll", "c1: [pred.conll, nope.conll]"), "systems[0].predictions.c1[1]", "no such file"),
    (GOOD + "  - {id: s1, predictions: {c1: pred.conll}}\n", "systems[1].id", "duplicate id 's1'"),
    (GOOD.replace("corpora:\n", "corpora:\n  - {id: c1, path: gold.conll}\n"), "corpora[1].id", "duplicate id 'c1'"),
    (GOOD.replace("corpora:\n", "corpora:\n  - {id: c0, path: gold.conll}\n"), "systems[0].predictions.c0",
     "every system needs predictions for every corpus"),
    (GOOD.replace("{c1: pred.conll}", "{c1: pred.conll, c9: pred.conll}"), "systems[0].predictions.c9",
     "no corpus with id 'c9'"),
    (GOOD.replace("}}", "}, label_map: [PER, LOC]}"), "systems[0].label_map", "expected a mapping"),
    (GOOD.replace("}}", "}, label_map: {PERSON: 3}}"), "systems[0].label_map.PERSON", "maps to 3"),
    (GOOD.replace("}}", "}, label_map: {PERSON: 'P E R'}}"), "systems[0].label_map.PERSON", "maps to 'P E R'"),
    (GOOD.replace("}}", "}, types: PER}"), "systems[0].types", "expected a list of entity type names"),
    (GOOD.replace("}}", "}, types: []}"), "systems[0].types", "an empty list would score nothing"),
    (GOOD + "scoring: {mode: strict}\n", "corpora[0].scheme", "strict mode needs a named scheme"),
    (GOOD + "scoring: {scheme: XYZ}\n", "scoring.scheme", "'XYZ' is not a scheme"),
    (GOOD + "scoring: {mode: conlleval, match: partial}\n", "scoring.match", "conlleval mode does not keep"),
    (GOOD + "scoring: {match: fuzzy}\n", "scoring.match", "'fuzzy' is not one of"),
    (GOOD + "analysis: yes please\n", "analysis", "expected true or false"),
    (GOOD + "scoring: {primary: accuracy}\n", "scoring.primary", "'accuracy' is not one of"),
    (GOOD + "scoring: {seed: yes}\n", "scoring.seed", "expected an integer, got a boolean"),
    (GOOD + "scoring: {alpha: 2}\n", "scoring.alpha", "strictly between 0 and 1"),
    (GOOD + "scoring: [mode]\n", "scoring", "expected a mapping, got a list"),
    (GOOD + "outputs: [markdown, pdf]\n", "outputs[1]", "'pdf' is not one of"),
    (GOOD + "name: 'bad name/..'\n", "name", "names the output folder"),
    ("corpora: []\nsystems: []\n", "corpora", "must hold at least one entry"),
    ("systems:\n  - {id: s1, predictions: {}}\n", "corpora", "missing (required)"),
    (GOOD.replace("{id: s1, predictions: {c1: pred.conll}}", "{id: s1}"), "systems[0]", "needs predictions"),
    (GOOD.replace("}}", "}, spacy: pipe}"), "systems[0]", "either predictions or spacy"),
    (GOOD.replace("{id: s1, predictions: {c1: pred.conll}}", "{id: s1, spacy: ./no-such-pipeline}"),
     "systems[0].spacy", "no such pipeline directory"),
    (GOOD.replace("{id: s1, predictions: {c1: pred.conll}}", "{id: s1, spacy: no_such_spacy_package_xyz}"),
     "systems[0].spacy", "neither a pipeline directory nor an installed spaCy package"),
    (GOOD.replace("id: c1, path", "id: 'c 1', path"), "corpora[0].id", "is not a valid id"),
    (GOOD.replace("}}", "}, url: 'javascript:alert(1)'}"), "systems[0].url", "http:// or https://"),
    (GOOD.replace("path: gold.conll", "path: gold.conll, types: [LOC]").replace("}}", "}, types: [PER]}"),
     "systems[0].types", "no entity type is left"),
    (GOOD.replace("path: gold.conll", "path: ."), "corpora[0].path", "is a directory"),
]


@pytest.mark.parametrize("text, key, phrase", BAD, ids=[row[1] or row[2][:20] for row in BAD])
def test_config_bad_case_names_key_path(bench, text, key, phrase):
    path = bench(text)
    problems = _problems(path)
    prefix = f"{path}: {key}: " if key else f"{path}: "
    assert any(p.startswith(prefix) and phrase in p for p in problems), problems


def test_config_reports_every_problem_at_once(bench):
    text = """\
name: ok
colour: blue
scoring: {mode: fast}
corpora:
  - {id: c1, path: nope.conll}
  - {id: c1, path: gold.conll}
systems:
  - {id: s1, predictions: {c1: pred.conll}, label_map: {X: 1}}
  - {id: s2, predictions: {}}
"""
    problems = _problems(bench(text))
    keys = [p.split(": ")[1] for p in problems]
    for expected in ("colour", "scoring.mode", "corpora[0].path", "corpora[1].id", "systems[0].label_map.X",
                     "systems[1].predictions.c1"):
        assert expected in keys, problems


def test_config_yaml_errors_name_the_line(bench):
    path = bench("corpora:\n  - {id: c1, path: gold.conll\nsystems: []\n")
    with pytest.raises(ConfigError, match=rf"{path}:\d+: invalid YAML"):
        load_config(path)


def test_config_duplicate_yaml_key_is_an_error(bench):
    path = bench(GOOD + "corpora: []\n")
    with pytest.raises(ConfigError, match=r"duplicate key 'corpora'"):
        load_config(path)


def test_config_is_loaded_safely(bench):
    path = bench("!!python/object/apply:os.system ['echo pwned']\n")
    with pytest.raises(ConfigError, match="invalid YAML"):
        load_config(path)


def test_config_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="no such config file"):
        load_config(tmp_path / "absent.yaml")


def test_config_paths_are_relative_to_the_config_file(bench, tmp_path, monkeypatch):
    path = bench(GOOD)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    config = load_config(path)
    assert config.corpora[0].path == tmp_path / "gold.conll"


def test_config_cli_exit_1_with_all_problems_on_stderr(bench, cli):
    path = bench(GOOD.replace("gold.conll", "missing.conll") + "extra: 1\n")
    result = cli("run", path, "-o", str(path.parent / "out"))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "corpora[0].path" in result.stderr and "extra: unknown key" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (path.parent / "out").exists()


@pytest.mark.parametrize("tag, mapping, suffix, expected", [
    ("B-PERSON", {"PERSON": "PER"}, False, "B-PER"),
    ("I-ORG-GOV", {"ORG-GOV": "ORG"}, False, "I-ORG"),
    ("B-LOC", {"PERSON": "PER"}, False, "B-LOC"),
    ("S-NORP", {"NORP": None}, False, "O"),
    ("O", {"O": "X"}, False, "O"),
    ("PERSON-B", {"PERSON": "PER"}, True, "PER-B"),
    ("B", {"B": "X"}, False, "B"),
])
def test_config_map_tag(tag, mapping, suffix, expected):
    assert map_tag(tag, mapping, suffix=suffix) == expected
