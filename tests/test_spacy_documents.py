"""Issue 19: a spaCy system tags whole documents when the gold marks them.

The oracle is spaCy's own ``nlp.evaluate`` on Examples of whole multi-sentence
documents. The pipeline under test reads context beyond the sentence (a word seen
after "Mr." earlier in the Doc is a PER from then on), so tagging sentence by sentence
and tagging document by document give different figures on the same data.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy
from spacy.language import Language
from spacy.scorer import PRFScore, Scorer
from spacy.tokens import Doc, DocBin, Span
from spacy.training import Example

from seqeval_suite import evaluate
from seqeval_suite.config import load_config
from seqeval_suite.io.spacy_pipeline import split_entities, tag_documents, tag_sentences
from seqeval_suite.runner import plan, score_unit


@Language.component("issue19_context_names")
def context_names(doc):
    """PER on a word once it followed "Mr." in this Doc, ORG on a word once it preceded
    "Inc." (the word alone): later bare mentions are found only with the context."""
    people, companies, ents = set(), set(), []
    for token in doc:
        if token.i and doc[token.i - 1].text == "Mr.":
            people.add(token.text)
        if token.i + 1 < len(doc) and doc[token.i + 1].text == "Inc.":
            companies.add(token.text)
        if token.text in people:
            ents.append(Span(doc, token.i, token.i + 1, "PER"))
        elif token.text in companies:
            ents.append(Span(doc, token.i, token.i + 1, "ORG"))
    doc.ents = ents
    return doc


@Language.component("issue19_new_york")
def new_york(doc):
    """LOC on "New York", wherever its two words stand (across a sentence start too)."""
    doc.ents = [Span(doc, t.i, t.i + 2, "LOC") for t in doc[:-1] if t.text == "New" and doc[t.i + 1].text == "York"]
    return doc


def _sentence(text: str) -> list[tuple[str, str]]:
    """``"Mr. Smith/PER met Acme/ORG Inc./ORG+"``: ``/T`` begins a T entity, ``/T+`` continues it."""
    rows = []
    for item in text.split():
        word, _, tag = item.partition("/")
        rows.append((word, "O" if not tag else f"I-{tag[:-1]}" if tag.endswith("+") else f"B-{tag}"))
    return rows


#: Three documents of several sentences; document 2 mentions Smith before anyone says "Mr. Smith" in it.
DOCUMENTS = [
    [_sentence("Mr. Smith/PER met Acme/ORG Inc./ORG+ ."),
     _sentence("Smith/PER thanked Acme/ORG for the offer ."),
     _sentence("Jones/PER left early .")],
    [_sentence("Smith/PER spoke first ."),
     _sentence("Mr. Brown/PER arrived ."),
     _sentence("Brown/PER sat next to Mr. Smith/PER ."),
     _sentence("Later Smith/PER and Brown/PER watched Mr./MISC Bean/MISC+ .")],
    [_sentence("Globex/ORG Inc./ORG+ hired Mr. Lee/PER ."),
     _sentence("Lee/PER now leads Globex/ORG .")],
]
SENTENCES = [s for doc in DOCUMENTS for s in doc]


# ------------------------------------------------------------------ inputs
def _conll(documents, *, docstart: bool) -> str:
    out = []
    for doc in documents:
        if docstart:
            out.append("-DOCSTART- O\n\n")
        out.extend("".join(f"{w} {t}\n" for w, t in sentence) + "\n" for sentence in doc)
    return "".join(out)


def _jsonl(documents, *, ids) -> str:
    lines = []
    for k, doc in enumerate(documents):
        for sentence in doc:
            record = {"tokens": [w for w, _ in sentence], "tags": [t for _, t in sentence]}
            if ids is not None:
                record["doc_id"] = ids(k)
            lines.append(json.dumps(record))
    return "\n".join(lines) + "\n"


def _docbin(vocab, documents) -> DocBin:
    return DocBin(docs=[_gold_doc(vocab, doc) for doc in documents], store_user_data=False)


def _labelstudio(documents) -> list:
    """One task per sentence, text joined with spaces, regions from the tags."""
    tasks = []
    for k, doc in enumerate(documents):
        for sentence in doc:
            words = [w for w, _ in sentence]
            offsets = [sum(len(w) + 1 for w in words[:i]) for i in range(len(words))]
            regions = []
            for start, end, label in _entities([t for _, t in sentence]):
                regions.append({"from_name": "label", "to_name": "text", "type": "labels", "value": {
                    "start": offsets[start], "end": offsets[end - 1] + len(words[end - 1]), "labels": [label]}})
            tasks.append({"data": {"text": " ".join(words), "doc_id": f"d{k}"}, "annotations": [{"result": regions}]})
    return tasks


def _entities(tags: list[str]) -> list[tuple[int, int, str]]:
    out: list[list] = []
    for i, tag in enumerate(tags):
        if tag.startswith("B-"):
            out.append([i, i + 1, tag[2:]])
        elif tag.startswith("I-"):
            out[-1][1] = i + 1
    return [tuple(e) for e in out]


def _starts(doc) -> list[bool]:
    return [k == 0 for sentence in doc for k in range(len(sentence))]


def _gold_doc(vocab, doc) -> Doc:
    return Doc(vocab, words=[w for s in doc for w, _ in s], sent_starts=_starts(doc),
               ents=[t for s in doc for _, t in s])


# ------------------------------------------------------------------ the runner and the oracle
@pytest.fixture(scope="module")
def pipe(tmp_path_factory) -> Path:
    nlp = spacy.blank("en")
    nlp.add_pipe("issue19_context_names")
    path = tmp_path_factory.mktemp("issue19") / "context-pipe"
    nlp.to_disk(path)
    return path


def _score(tmp_path: Path, gold: Path, pipeline: Path, *, mode: str = "lenient") -> dict:
    config = tmp_path / f"{gold.name}.{mode}.yaml"
    config.write_text(f"scoring: {{mode: {mode}}}\ncorpora:\n  - {{id: c, path: {gold}}}\n"
                      f"systems:\n  - {{id: s, spacy: {pipeline}}}\n")
    [unit] = plan(load_config(config))
    return score_unit(unit)


def _as_spacy(result: dict) -> dict:
    """The runner's counts as spaCy's scorer reports them (its PRFScore arithmetic)."""
    per_type = {t: PRFScore(tp=tp, fp=fp, fn=fn) for t, (tp, fp, fn) in result["per_type"].items()}
    total = PRFScore()
    for score in per_type.values():
        total += score
    return {"ents_p": total.precision, "ents_r": total.recall, "ents_f": total.fscore,
            "ents_per_type": {t: s.to_dict() for t, s in per_type.items()}}


def _nlp_evaluate(pipeline: Path, documents) -> dict:
    """spaCy's own figures: one Example per document, the predicted Doc built from the
    gold words with the gold sentence starts."""
    nlp = spacy.load(pipeline)
    examples = [Example(Doc(nlp.vocab, words=[w for s in doc for w, _ in s], sent_starts=_starts(doc)),
                        _gold_doc(nlp.vocab, doc)) for doc in documents]
    scores = nlp.evaluate(examples, scorer=Scorer())
    return {k: scores[k] for k in ("ents_p", "ents_r", "ents_f", "ents_per_type")}


def test_spacy_documents_docstart_equals_nlp_evaluate(tmp_path, pipe):
    gold = tmp_path / "gold.conll"
    gold.write_text(_conll(DOCUMENTS, docstart=True))
    result = _score(tmp_path, gold, pipe)
    assert _as_spacy(result) == _nlp_evaluate(pipe, DOCUMENTS)
    assert result["documents"] == 3 and result["sentences"] == 9
    assert result["per_type"] == {"MISC": [0, 0, 1], "ORG": [2, 2, 2], "PER": [9, 1, 2]}
    assert not result["warnings"]


def test_spacy_documents_context_matters(tmp_path, pipe):
    # The same sentences without -DOCSTART-: each sentence its own Doc, later bare
    # mentions are missed; spaCy agrees when each sentence is its own Example.
    marked, plain = tmp_path / "marked.conll", tmp_path / "plain.conll"
    marked.write_text(_conll(DOCUMENTS, docstart=True))
    plain.write_text(_conll(DOCUMENTS, docstart=False))
    by_document, by_sentence = _score(tmp_path, marked, pipe), _score(tmp_path, plain, pipe)
    assert by_sentence["per_type"] == {"MISC": [0, 0, 1], "ORG": [0, 2, 4], "PER": [4, 1, 7]}
    assert _as_spacy(by_sentence) == _nlp_evaluate(pipe, [[s] for s in SENTENCES])
    assert _as_spacy(by_document)["ents_f"] > _as_spacy(by_sentence)["ents_f"]
    # One Doc for the whole file is not the same either: document 2's first Smith is found.
    whole = _nlp_evaluate(pipe, [SENTENCES])
    assert whole != _as_spacy(by_document)


def test_spacy_documents_without_marks_score_as_before(tmp_path, pipe):
    # What the runner gave before issue 19: evaluate() on the tags of each sentence alone.
    plain = tmp_path / "plain.conll"
    plain.write_text(_conll(DOCUMENTS, docstart=False))
    result = _score(tmp_path, plain, pipe)
    tags = list(tag_sentences(str(pipe), [[w for w, _ in s] for s in SENTENCES]))
    report = evaluate([[t for _, t in s] for s in SENTENCES], tags)
    assert result["per_type"] == {t: [c.tp, c.fp, c.fn] for t, c in report.per_type.items()}
    assert result["documents"] == 1


@pytest.mark.parametrize("ids, expect", [
    (lambda k: f"doc-{k}", "documents"),    # a run of records with one id is one document
    (lambda k: k, "documents"),             # ids may be numbers
    (None, "sentences"),                    # no ids: no document boundaries
    (lambda k: "all", "one document"),      # one id throughout: the file is one document
])
def test_spacy_documents_jsonl_ids(tmp_path, pipe, ids, expect):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(_jsonl(DOCUMENTS, ids=ids))
    oracle = {"documents": DOCUMENTS, "sentences": [[s] for s in SENTENCES], "one document": [SENTENCES]}[expect]
    assert _as_spacy(_score(tmp_path, gold, pipe)) == _nlp_evaluate(pipe, oracle)


def test_spacy_documents_jsonl_meta_doc_id(tmp_path, pipe):
    # Prodigy keeps the id under "meta" (io/tagged.py DOCUMENT_KEYS).
    gold = tmp_path / "gold.jsonl"
    records = [json.loads(line) for line in _jsonl(DOCUMENTS, ids=lambda k: f"d{k}").splitlines()]
    for record in records:
        record["meta"] = {"doc_id": record.pop("doc_id")}
    gold.write_text("".join(json.dumps(r) + "\n" for r in records))
    assert _as_spacy(_score(tmp_path, gold, pipe)) == _nlp_evaluate(pipe, DOCUMENTS)


def test_spacy_documents_docbin_docs(tmp_path, pipe):
    gold = tmp_path / "gold.spacy"
    _docbin(spacy.blank("en").vocab, DOCUMENTS).to_disk(gold)
    result = _score(tmp_path, gold, pipe)
    assert _as_spacy(result) == _nlp_evaluate(pipe, DOCUMENTS)
    assert result["documents"] == 3


def test_spacy_documents_labelstudio_ids(tmp_path, pipe):
    gold = tmp_path / "gold.json"
    gold.write_text(json.dumps(_labelstudio(DOCUMENTS)))
    assert _as_spacy(_score(tmp_path, gold, pipe)) == _nlp_evaluate(pipe, DOCUMENTS)


def test_spacy_documents_conlleval_mode_same_documents(tmp_path, pipe):
    # conlleval.pl reads -DOCSTART- as a token; its sentence still starts a document,
    # so the pipeline's entities are the same as in lenient mode.
    gold = tmp_path / "gold.conll"
    gold.write_text(_conll(DOCUMENTS, docstart=True))
    assert _score(tmp_path, gold, pipe, mode="conlleval")["per_type"] == _score(tmp_path, gold, pipe)["per_type"]


# ------------------------------------------------------------------ entities across a sentence start
@pytest.mark.parametrize("firsts, ents, per_sentence, cut", [
    ([0, 3], [(0, 2, "A")], [[(0, 2, "A")], []], []),
    ([0, 3], [(2, 4, "A")], [[(2, 3, "A")], [(0, 1, "A")]], [(2, 4, "A")]),
    ([0, 2, 4], [(1, 6, "A")], [[(1, 2, "A")], [(0, 2, "A")], [(0, 2, "A")]], [(1, 6, "A")]),
    ([0, 2, 2, 4], [(1, 3, "A")], [[(1, 2, "A")], [], [(0, 1, "A")], []], [(1, 3, "A")]),  # an empty sentence
    ([0, 3], [(3, 4, "A"), (0, 1, "B")], [[(0, 1, "B")], [(0, 1, "A")]], []),
])
def test_spacy_documents_split_entities(firsts, ents, per_sentence, cut):
    assert split_entities(firsts, ents) == (per_sentence, cut)


def test_spacy_documents_entity_across_sentences_is_cut_and_counted(tmp_path):
    nlp = spacy.blank("en")
    nlp.add_pipe("issue19_new_york")
    pipeline = tmp_path / "ny-pipe"
    nlp.to_disk(pipeline)
    doc = [_sentence("She flew to New/LOC"), _sentence("York/LOC today ."), _sentence("New/LOC York/LOC+ !")]
    cut: list = []
    tags = list(tag_documents(str(pipeline), [[w for w, _ in s] for s in doc], [0, 0, 0], cut=cut))
    assert tags == [["O", "O", "O", "B-LOC"], ["B-LOC", "O", "O"], ["B-LOC", "I-LOC", "O"]]
    assert cut == [("New York", "LOC")]
    gold = tmp_path / "gold.conll"
    gold.write_text(_conll([doc], docstart=True))
    result = _score(tmp_path, gold, pipeline)
    # The two pieces are scored as two entities; spaCy's nlp.evaluate scores the one
    # crossing entity (1 fp, 2 fn): the one place where the figures part.
    assert result["per_type"] == {"LOC": [3, 0, 0]}
    assert _nlp_evaluate(pipeline, [doc])["ents_per_type"]["LOC"] == PRFScore(tp=1, fp=1, fn=2).to_dict()
    [warning] = result["warnings"]
    assert "1 predicted entity crossed a gold sentence boundary" in warning
    assert "'New York' LOC" in warning


def test_spacy_system_on_docbin_gold_with_missing_annotation_equals_nlp_evaluate(tmp_path, pipe):
    """Issue 16 case 9 for spaCy systems: gold tokens with no NER annotation are skipped
    as spaCy's scorer skips them (a predicted entity touching one is neither right nor
    wrong), so the runner's figures stay those of ``nlp.evaluate``."""
    vocab = spacy.blank("en").vocab
    docs = []
    for k, doc in enumerate(DOCUMENTS):
        gold = _gold_doc(vocab, doc)
        if k != 2:  # documents 0 and 1 lose the annotation of a stretch holding predicted names
            kept = [e for e in gold.ents if e.start >= 4]
            gold.set_ents(kept, default="missing") if k == 0 else gold.set_ents(
                [e for e in gold.ents if e.start < 4], default="missing")
        docs.append(gold)
    path = tmp_path / "gold.spacy"
    DocBin(docs=docs, store_user_data=False).to_disk(path)
    result = _score(tmp_path, path, pipe)
    nlp = spacy.load(pipe)
    examples = [Example(Doc(nlp.vocab, words=[t.text for t in g], sent_starts=[t.is_sent_start for t in g]), g)
                for g in DocBin().from_disk(path).get_docs(nlp.vocab)]
    scores = nlp.evaluate(examples, scorer=Scorer())
    assert _as_spacy(result) == {k: scores[k] for k in ("ents_p", "ents_r", "ents_f", "ents_per_type")}
    assert any("have no NER annotation" in w and "left out" in w for w in result["warnings"])
