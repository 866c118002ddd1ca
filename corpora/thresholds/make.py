"""Write the small scored example for ``seqeval-suite threshold`` (seeded, reproducible).

gold.conll: 40 invented news sentences with PER/ORG/LOC entities (IOB2). The system
finds each gold entity with probability 0.8 (score 0.55-0.99), gives it the wrong type
with probability 0.1 (score 0.30-0.80) and adds spurious one-token entities (score
0.05-0.60); scores have two decimals, so some are equal. The same predictions are
written three ways:

* pred.jsonl: ``{"tokens": [...], "entities": [[start, end, "TYPE", score], ...]}``;
* pred.conll: ``token tag score``, one score per token; the lowest token score of an
  entity is the entity's score (the others are higher), so ``--combine min`` (the
  default) gives the same entities and scores as pred.jsonl;
* pred.spacy: a DocBin, one Doc per sentence, the entities in ``doc.spans["sc"]`` with
  ``attrs["scores"]`` (spaCy's SpanCategorizer convention).

Run: python corpora/thresholds/make.py
"""
import json
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
NAMES = {
    "PER": ["Anna Lindqvist", "Omar Haddad", "Mei Chen", "Pedro Alves", "Sara Novak", "John Okafor"],
    "ORG": ["Nova Scotia Power", "World Bank", "Acme Corp", "Reuters", "Red Cross", "Baltic Rail"],
    "LOC": ["Halifax", "Lisbon", "New Delhi", "Nairobi", "Oslo", "Buenos Aires"],
}
TEMPLATES = [
    "{PER} met officials from {ORG} in {LOC} .",
    "{ORG} opened a new office in {LOC} on Monday .",
    "{PER} said {ORG} would cut 200 jobs .",
    "Flights from {LOC} to {LOC} were cancelled after the storm .",
    "{PER} , a spokeswoman for {ORG} , declined to comment .",
    "Prices in {LOC} rose for the third month , {ORG} said .",
    "{PER} will visit {LOC} and {LOC} next week .",
    "The report by {ORG} was praised by {PER} .",
]
TYPES = sorted(NAMES)


def sentence(rng):
    """``(tokens, gold entities)`` from a random template."""
    tokens, entities = [], []
    for word in rng.choice(TEMPLATES).split():
        if word.startswith("{"):
            kind = word[1:-1]
            name = rng.choice(NAMES[kind]).split()
            entities.append((len(tokens), len(tokens) + len(name), kind))
            tokens += name
        else:
            tokens.append(word)
    return tokens, entities


def predict(tokens, gold, rng):
    """Scored predicted entities ``(start, end, type, score)``, sorted by start."""
    out = []
    for start, end, kind in gold:
        luck = rng.random()
        if luck < 0.8:
            out.append((start, end, kind, round(rng.uniform(0.55, 0.99), 2)))
        elif luck < 0.9:
            wrong = rng.choice([t for t in TYPES if t != kind])
            out.append((start, end, wrong, round(rng.uniform(0.30, 0.80), 2)))
    taken = {i for s, e, _ in gold for i in range(s, e)}
    free = [i for i, t in enumerate(tokens) if i not in taken and t[0].isalpha()]
    if free and rng.random() < 0.45:
        i = rng.choice(free)
        out.append((i, i + 1, rng.choice(TYPES), round(rng.uniform(0.05, 0.60), 2)))
    return sorted(out)


def tags(n, entities):
    out = ["O"] * n
    for start, end, kind, *_ in entities:
        out[start] = f"B-{kind}"
        out[start + 1:end] = [f"I-{kind}"] * (end - start - 1)
    return out


def token_scores(n, predicted, rng):
    """One score per token: O tokens 0.80-1.00; an entity's tokens its score on one of
    them and higher scores on the others, so their minimum is the entity's score."""
    scores = [round(rng.uniform(0.80, 1.00), 2) for _ in range(n)]
    for start, end, _kind, score in predicted:
        low = rng.randrange(start, end)
        for i in range(start, end):
            scores[i] = score if i == low else round(rng.uniform(score, 1.0), 2)
    return scores


def main():
    rng = random.Random(18)
    corpus = [sentence(rng) for _ in range(40)]
    predictions = [predict(tokens, gold, rng) for tokens, gold in corpus]
    gold_lines, pred_lines, records = [], [], []
    for (tokens, gold), predicted in zip(corpus, predictions):
        gold_lines += [f"{t} {g}" for t, g in zip(tokens, tags(len(tokens), gold))] + [""]
        scores = token_scores(len(tokens), predicted, rng)
        pred_lines += [f"{t} {p} {s:.2f}" for t, p, s in zip(tokens, tags(len(tokens), predicted), scores)] + [""]
        records.append(json.dumps({"tokens": tokens, "entities": [list(e) for e in predicted]}))
    (HERE / "gold.conll").write_text("\n".join(gold_lines), encoding="utf-8")
    (HERE / "pred.conll").write_text("\n".join(pred_lines), encoding="utf-8")
    (HERE / "pred.jsonl").write_text("\n".join(records) + "\n", encoding="utf-8")
    write_docbin(HERE / "pred.spacy", corpus, predictions)


def write_docbin(path, corpus, predictions):
    from spacy.tokens import Doc, DocBin, Span
    from spacy.vocab import Vocab

    vocab = Vocab()
    docbin = DocBin(store_user_data=False)
    for (tokens, _gold), predicted in zip(corpus, predictions):
        doc = Doc(vocab, words=tokens)
        doc.spans["sc"] = [Span(doc, s, e, label=k) for s, e, k, _ in predicted]
        doc.spans["sc"].attrs["scores"] = [score for *_, score in predicted]
        docbin.add(doc)
    docbin.to_disk(path)


if __name__ == "__main__":
    main()
