"""Write the multi-annotator demo corpus (seeded: rerunning gives the same files).

    python corpora/agreement/make_demo.py

Three annotators (ann1, ann2, ann3) label the same 40 English-like sentences with
PER, ORG, LOC and MISC in IOB2. ann1 follows the intended annotation; ann2 and ann3
deviate in the ways real annotators do: another type, a shifted boundary, a missed
or an extra entity. ann3 skipped three sentences, whose tags are '?'.
Outputs: ann1.conll, ann2.conll, ann3.conll (token, tag) and all.conll
(token, ann1, ann2, ann3), all in this folder.
"""
from __future__ import annotations

import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 20261123
N_SENTENCES = 40
SKIPPED_BY_ANN3 = (7, 19, 33)  # 0-based sentence indices

PEOPLE = ["Maria Lopez", "John Smith", "Aiko Tanaka", "Peter", "Ruth Becker", "Omar Haddad", "Lena"]
ORGS = ["Acme Corp", "the United Nations", "Northwind Bank", "Reuters", "Delta Airlines", "City Council"]
PLACES = ["Paris", "New York", "the Rhine valley", "Nairobi", "Lisbon", "South Korea", "Lake Tahoe"]
MISC = ["English", "the Olympic Games", "Christmas", "the Nobel Prize", "Brexit"]
TEMPLATES = [
    "{PER} joined {ORG} in {LOC} last year .",
    "{ORG} said on Monday that {PER} would resign .",
    "Officials in {LOC} welcomed the decision by {ORG} .",
    "{PER} speaks fluent {MISC} and lives near {LOC} .",
    "Before {MISC} , {PER} met reporters in {LOC} .",
    "Shares of {ORG} rose 3 percent after the report .",
    "{PER} and {PER2} flew from {LOC} to {LOC2} .",
    "The spokesman for {ORG} declined to comment .",
    "Heavy rain hit {LOC} on Tuesday , forecasters said .",
    "{PER} won {MISC} for work done at {ORG} .",
]
POOLS = {"PER": PEOPLE, "PER2": PEOPLE, "ORG": ORGS, "LOC": PLACES, "LOC2": PLACES, "MISC": MISC}


def sentence(rng: random.Random) -> tuple[list[str], list[str]]:
    """One sentence's tokens and its intended IOB2 tags."""
    tokens: list[str] = []
    tags: list[str] = []
    for word in rng.choice(TEMPLATES).split():
        slot = word[1:-1] if word.startswith("{") else None
        if slot is None:
            tokens.append(word)
            tags.append("O")
            continue
        entity = rng.choice(POOLS[slot]).split()
        type_ = slot.rstrip("2")
        # "the" in "the United Nations" is outside the entity, as CoNLL guidelines say.
        if entity[0] == "the":
            tokens.append(entity.pop(0))
            tags.append("O")
        tokens += entity
        tags += [f"B-{type_}"] + [f"I-{type_}"] * (len(entity) - 1)
    return tokens, tags


def spans(tags: list[str]) -> list[tuple[int, int, str]]:
    out, start = [], None
    for i, tag in enumerate(tags + ["O"]):
        if start is not None and not tag.startswith("I-"):
            out.append((start, i, tags[start][2:]))
            start = None
        if tag.startswith("B-"):
            start = i
    return out


def deviate(tokens: list[str], tags: list[str], rng: random.Random, rate: float) -> list[str]:
    """An annotator's version of ``tags``: each entity changed with probability ``rate``."""
    out = list(tags)
    for start, end, type_ in spans(tags):
        if rng.random() >= rate:
            continue
        kind = rng.choice(["type", "boundary", "missed"])
        if kind == "type":
            other = rng.choice([t for t in ("PER", "ORG", "LOC", "MISC") if t != type_])
            out[start:end] = [f"B-{other}"] + [f"I-{other}"] * (end - start - 1)
        elif kind == "boundary" and end - start > 1:
            out[end - 1] = "O"  # the last word left out
        elif kind == "boundary" and start > 0 and out[start - 1] == "O":
            out[start - 1:end] = [f"B-{type_}"] + [f"I-{type_}"] * (end - start)  # a word too many
        else:
            out[start:end] = ["O"] * (end - start)
    if rng.random() < rate / 2:  # an extra entity on a capitalised word
        candidates = [i for i, (w, t) in enumerate(zip(tokens, out)) if t == "O" and w[:1].isupper() and i]
        if candidates:
            out[rng.choice(candidates)] = "B-MISC"
    return out


def main() -> None:
    rng = random.Random(SEED)
    corpus = [sentence(rng) for _ in range(N_SENTENCES)]
    rows: dict[str, list[list[tuple[str, str]]]] = {"ann1": [], "ann2": [], "ann3": []}
    for index, (tokens, tags) in enumerate(corpus):
        ann2 = deviate(tokens, tags, rng, 0.15)
        ann3 = deviate(tokens, tags, rng, 0.3)
        if index in SKIPPED_BY_ANN3:
            ann3 = ["?"] * len(tokens)
        for name, labels in (("ann1", tags), ("ann2", ann2), ("ann3", ann3)):
            rows[name].append(list(zip(tokens, labels)))
    for name, sentences in rows.items():
        text = "\n\n".join("\n".join(f"{w} {t}" for w, t in s) for s in sentences) + "\n"
        (HERE / f"{name}.conll").write_text(text, encoding="utf-8")
    merged = []
    for s1, s2, s3 in zip(rows["ann1"], rows["ann2"], rows["ann3"]):
        merged.append("\n".join(f"{w} {a} {b} {c}" for (w, a), (_, b), (_, c) in zip(s1, s2, s3)))
    (HERE / "all.conll").write_text("\n\n".join(merged) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
