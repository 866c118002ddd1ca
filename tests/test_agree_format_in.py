"""``agree`` over annotators' files in any input format (issue 7): JSON Lines, Label
Studio, spaCy DocBin and CoNLL, chosen with ``--format-in`` or by extension."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import conll

from seqeval_suite.agreement import agree
from seqeval_suite.errors import DataError, UsageError

FORMATS = Path(__file__).resolve().parents[1] / "corpora" / "formats"

TOKENS = [
    ["Maria", "Lopez", "flew", "to", "Oslo", "."],
    ["The", "Nordic", "Trade", "Council", "met", "."],
    ["Prices", "rose", "."],
    ["Oskar", "joined", "Helio", "Labs", "in", "March", "."],
]
# Three annotators who disagree on types and boundaries; c did not label sentence 3.
TAGS = {
    "a": [["B-PER", "I-PER", "O", "O", "B-LOC", "O"], ["O", "B-ORG", "I-ORG", "I-ORG", "O", "O"],
          ["O", "O", "O"], ["B-PER", "O", "B-ORG", "I-ORG", "O", "O", "O"]],
    "b": [["B-PER", "I-PER", "O", "O", "B-ORG", "O"], ["O", "B-ORG", "I-ORG", "I-ORG", "O", "O"],
          ["O", "O", "O"], ["B-PER", "O", "B-ORG", "O", "O", "B-MISC", "O"]],
    "c": [["B-PER", "O", "O", "O", "B-LOC", "O"], ["O", "O", "B-ORG", "I-ORG", "O", "O"],
          ["?", "?", "?"], ["B-PER", "O", "B-ORG", "I-ORG", "O", "O", "O"]],
}


def _spans(tags: list[str]) -> list[tuple[int, int, str]]:
    """IOB2 tags -> (start, end, type) token spans, end exclusive (the fixtures are well formed)."""
    spans = []
    for k, tag in enumerate(tags):
        if tag.startswith("B-"):
            end = k + 1
            while end < len(tags) and tags[end] == "I-" + tag[2:]:
                end += 1
            spans.append((k, end, tag[2:]))
    return spans


def _write_conll(write, name: str, tags) -> str:
    return write(name, conll([list(zip(t, g)) for t, g in zip(TOKENS, tags)]))


def _write_jsonl(write, name: str, tags, tag_key: str = "tags", tokens=TOKENS) -> str:
    return write(name, "".join(json.dumps({"tokens": t, tag_key: g}) + "\n" for t, g in zip(tokens, tags)))


def _write_docbin(path: Path, tags) -> str:
    import spacy
    from spacy.tokens import Doc, DocBin, Span

    nlp = spacy.blank("en")
    docs = []
    for tokens, sentence_tags in zip(TOKENS, tags):
        doc = Doc(nlp.vocab, words=tokens)
        doc.ents = [Span(doc, s, e, label=t) for s, e, t in _spans(sentence_tags)]
        docs.append(doc)
    DocBin(docs=docs).to_disk(path)
    return str(path)


# ------------------------------------------------------------------ same figures as CoNLL
def test_api_jsonl_files_agree_exactly_as_the_conll_files(write):
    conll_paths = [_write_conll(write, f"conll/{n}.conll", t) for n, t in TAGS.items()]
    jsonl_paths = [_write_jsonl(write, f"jsonl/{n}.jsonl", t) for n, t in TAGS.items()]
    from_conll = agree(conll_paths, gold="a", disagreements=True)
    from_jsonl = agree(jsonl_paths, gold="a", disagreements=True)
    assert from_jsonl.to_dict() == from_conll.to_dict()
    assert from_jsonl.labelled == {"a": 4, "b": 4, "c": 3}  # '?' tags work in JSON Lines too
    assert 0.0 < from_jsonl.pair("a", "b").f1 < 1.0
    # the disagreement rows name the record line of a JSONL file (one record = one line)
    assert [(r["sentence"], r["line"], r["text"]) for r in from_jsonl.disagreements][:2] == [
        (1, 1, "Maria Lopez"), (1, 1, "Oslo")]


def test_cli_jsonl_and_conll_json_output_is_identical(cli, write):
    conll_paths = [_write_conll(write, f"conll/{n}.conll", t) for n, t in TAGS.items()]
    jsonl_paths = [_write_jsonl(write, f"jsonl/{n}.jsonl", t) for n, t in TAGS.items()]
    from_conll = cli("agree", *conll_paths, "-f", "json")
    from_jsonl = cli("agree", *jsonl_paths, "-f", "json")
    assert from_jsonl.exit_code == 0, from_jsonl.stderr
    assert json.loads(from_jsonl.stdout) == json.loads(from_conll.stdout)


def test_format_in_overrides_the_extension(cli, write):
    paths = [_write_jsonl(write, f"{n}.txt", t, tag_key="ner_tags") for n, t in TAGS.items()]
    as_conll = cli("agree", *paths)
    assert as_conll.exit_code == 1  # .txt is CoNLL by extension: one JSON record is no CoNLL line
    chosen = cli("agree", *paths, "--format-in", "jsonl", "-f", "json")
    assert chosen.exit_code == 0, chosen.stderr
    expected = agree([_write_conll(write, f"ref/{n}.conll", t) for n, t in TAGS.items()])
    assert json.loads(chosen.stdout)["f1_matrix"] == expected.f1_matrix()


def test_api_format_in_reads_every_file_in_that_format(write):
    paths = [_write_jsonl(write, f"{n}.data", t) for n, t in TAGS.items()]
    report = agree(paths, format_in="jsonl")
    assert report.annotators == ["a", "b", "c"]
    assert report.tokens == sum(map(len, TOKENS))


# ------------------------------------------------------------------ mixed formats, the fixtures
def test_mixed_formats_by_extension_agree_on_the_same_annotation(cli):
    files = [FORMATS / "news.conll", FORMATS / "hf_names.jsonl", FORMATS / "hf_ids.jsonl",
             FORMATS / "labelstudio.json", FORMATS / "doccano.jsonl"]
    result = cli("agree", *files, "--labels", FORMATS / "hf_ids.labels.txt", "-f", "json")
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["annotators"] == ["news", "hf_names", "hf_ids", "labelstudio", "doccano"]
    assert out["sentences"] == 4 and out["tokens"] == 29
    assert {p["f1"] for p in out["pairs"]} == {1.0}
    assert out["krippendorff_alpha"]["value"] == 1.0


def test_integer_ids_without_labels_are_refused(cli):
    result = cli("agree", FORMATS / "news.conll", FORMATS / "hf_ids.jsonl")
    assert result.exit_code == 1
    assert "hf_ids.jsonl:1" in result.stderr and "--labels" in result.stderr


# ------------------------------------------------------------------ reader warnings
def test_reader_warnings_reach_the_report_and_stderr(cli):
    files = [FORMATS / "news.conll", FORMATS / "reviewer.jsonl"]
    refused = cli("agree", *files)
    assert refused.exit_code == 1
    assert "not on token boundaries" in refused.stderr and "--alignment expand" in refused.stderr
    report = agree([str(f) for f in files], alignment="expand")
    [warning] = [w for w in report.warnings if "reviewer.jsonl" in w]
    assert "1 span not on token boundaries expanded to tokens" in warning
    assert "'Nordic Trade Counc'" in warning
    # Oslo typed ORG, Helio Labs cut to Helio: 5 of 7 entities match
    assert report.pair("news", "reviewer").f1 == pytest.approx(5 / 7)
    result = cli("agree", *files, "--alignment", "expand")
    assert result.exit_code == 0
    assert "warning: " in result.stderr and "expanded to tokens" in result.stderr
    assert "expanded" not in cli("agree", *files, "--alignment", "expand", "--quiet").stderr


# ------------------------------------------------------------------ spaCy DocBin
def test_docbin_files_agree_exactly_as_the_conll_files(write, tmp_path):
    names = ["a", "b"]  # DocBin has no '?' cells: annotators who labelled everything
    conll_paths = [_write_conll(write, f"conll/{n}.conll", TAGS[n]) for n in names]
    (tmp_path / "spacy").mkdir()
    docbin_paths = [_write_docbin(tmp_path / "spacy" / f"{n}.spacy", TAGS[n]) for n in names]
    assert agree(docbin_paths).to_dict() == agree(conll_paths).to_dict()


def test_docbin_mixed_with_jsonl_and_conll(cli, write, tmp_path):
    a = _write_docbin(tmp_path / "a.spacy", TAGS["a"])
    b = _write_jsonl(write, "b.jsonl", TAGS["b"])
    c = _write_conll(write, "c.conll", TAGS["a"])
    result = cli("agree", a, b, c, "-f", "json")
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["f1_matrix"]["a"]["c"] == 1.0
    expected = agree([_write_conll(write, "ref/a.conll", TAGS["a"]), _write_conll(write, "ref/b.conll", TAGS["b"])])
    assert out["f1_matrix"]["a"]["b"] == expected.pair("a", "b").f1


def test_docbin_token_mismatch_names_the_doc(write, tmp_path):
    a = _write_docbin(tmp_path / "a.spacy", TAGS["a"])
    other = [list(t) for t in TOKENS]
    other[1][2] = "Trading"
    b = _write_jsonl(write, "b.jsonl", TAGS["b"], tokens=other)
    with pytest.raises(DataError) as err:
        agree([a, b])
    assert err.value.message == (
        f"token mismatch at sentence 2, token 3: 'Trade' at {a} doc 2 but 'Trading' at {b}:2")


# ------------------------------------------------------------------ misaligned annotators
def test_token_mismatch_between_jsonl_annotators_names_files_sentence_line_token(cli, write):
    other = [list(t) for t in TOKENS]
    other[3][2] = "Helios"
    a = _write_jsonl(write, "a.jsonl", TAGS["a"])
    b = _write_jsonl(write, "b.jsonl", TAGS["b"], tokens=other)
    result = cli("agree", a, b)
    assert result.exit_code == 1
    assert result.stdout == ""
    message = result.stderr.strip().splitlines()[0]
    assert message.startswith(
        f"error: token mismatch at sentence 4, token 3: 'Helio' at {a}:4 but 'Helios' at {b}:4")
    assert "same tokens" in message


def test_length_mismatch_names_both_files_and_the_first_difference(write):
    other = [list(t) for t in TOKENS]
    other[1][2:4] = ["Trade-Council"]
    tags = [list(t) for t in TAGS["b"]]
    tags[1][2:4] = ["I-ORG"]
    a = _write_jsonl(write, "a.jsonl", TAGS["a"])
    b = _write_jsonl(write, "b.jsonl", tags, tokens=other)
    with pytest.raises(DataError) as err:
        agree([a, b])
    assert err.value.message == (
        f"sentence 2 has 6 tokens at {a}:2 but 5 at {b}:2; "
        "they first differ at token 3: 'Trade' against 'Trade-Council'")


def test_uneven_sentence_counts_name_the_shorter_file(cli, write):
    a = _write_jsonl(write, "a.jsonl", TAGS["a"])
    b = _write_jsonl(write, "b.jsonl", TAGS["b"][:3], tokens=TOKENS[:3])
    result = cli("agree", a, b)
    assert result.exit_code == 1
    assert f"{b} ends after 3 sentences but {a} goes on (sentence 4 at {a}:4)" in result.stderr


def test_conll_without_tokens_is_not_compared_on_tokens(write):
    tag_only = write("a.conll", conll([[(g,) for g in t] for t in TAGS["a"]]))
    b = _write_jsonl(write, "b.jsonl", TAGS["b"])
    report = agree([tag_only, b], disagreements=True)
    assert report.sentences == 4
    # the tokens come from the first annotator that has them
    assert report.disagreements[0]["text"] == "Oslo"


# ------------------------------------------------------------------ usage
def test_columns_with_a_json_format_is_a_usage_error(cli, write):
    path = _write_jsonl(write, "all.jsonl", TAGS["a"])
    result = cli("agree", path, "--columns", "1,2")
    assert result.exit_code == 2
    assert "--columns reads a CoNLL file" in result.stderr and "one file per annotator" in result.stderr
    assert cli("agree", FORMATS / "news.conll", "--columns", "1,1", "--format-in", "spacy").exit_code == 2


def test_columns_with_format_in_conll_reads_any_extension(cli, write):
    multi = "".join(f"{t} {g1} {g2}\n" for t, g1, g2 in zip(TOKENS[0], TAGS["a"][0], TAGS["b"][0]))
    path = write("all.json", multi + "\n")
    assert cli("agree", path, "--columns", "1,2").exit_code == 2
    result = cli("agree", path, "--columns", "1,2", "--format-in", "conll", "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["f1_matrix"]["col1"]["col2"] == 0.5


def test_format_in_with_tag_lists_is_a_usage_error():
    with pytest.raises(UsageError):
        agree({"a": [["B-PER"]], "b": [["B-PER"]]}, format_in="jsonl")


def test_unknown_format_in_is_a_usage_error(cli, write):
    paths = [_write_jsonl(write, f"{n}.jsonl", t) for n, t in TAGS.items()]
    with pytest.raises(UsageError):
        agree(paths, format_in="xml")
    assert cli("agree", *paths, "--format-in", "xml").exit_code == 2


def test_readme_shows_real_mixed_format_output(cli, monkeypatch):
    root = FORMATS.parents[1]
    readme = (root / "README.md").read_text(encoding="utf-8")
    section = readme.split("<!-- section:agree -->")[1].split("<!-- /section:agree -->")[0]
    monkeypatch.chdir(root)
    result = cli("agree", "corpora/formats/news.conll", "corpora/formats/labelstudio.json",
                 "corpora/formats/reviewer.jsonl", "--alignment", "expand")
    assert result.exit_code == 0
    assert result.stderr.strip() + "\n" + result.stdout.strip() in section
