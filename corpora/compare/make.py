"""Write the small team-made example for ``seqeval-suite compare`` (seeded, reproducible).

gold.conll: 300 sentences of invented tokens with PER/ORG/LOC entities (IOB2) in 6
documents. sys_a.conll recovers each gold entity with probability 0.85, sys_b with 0.78;
both add a few spurious entities. Run: python corpora/compare/make.py
"""
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
TYPES = ["PER", "ORG", "LOC"]


def sentences(rng):
    out = []
    for doc in range(6):
        out.append(None)  # -DOCSTART-
        for _ in range(50):
            tags, i, n = [], 0, rng.randint(6, 18)
            while i < n:
                if rng.random() < 0.15:
                    t, length = rng.choice(TYPES), rng.randint(1, 3)
                    tags += [f"B-{t}"] + [f"I-{t}"] * (length - 1)
                    i += length
                else:
                    tags.append("O")
                    i += 1
            out.append(tags)
    return out


def system(gold, rng, recall, noise):
    out = []
    for tags in gold:
        if tags is None:
            out.append(None)
            continue
        pred = [t if t.startswith("I-") or t == "O" else t for t in tags]
        for j, t in enumerate(tags):
            if t.startswith("B-") and rng.random() > recall:
                pred[j] = "O"
                k = j + 1
                while k < len(tags) and tags[k].startswith("I-"):
                    pred[k] = "O"
                    k += 1
        for j, t in enumerate(pred):
            if t == "O" and (j == 0 or pred[j - 1] == "O") and rng.random() < noise:
                pred[j] = "B-" + rng.choice(TYPES)
        # An I- left without its B- is repaired to B- so files stay valid IOB2.
        for j, t in enumerate(pred):
            if t.startswith("I-") and (j == 0 or pred[j - 1] == "O"):
                pred[j] = "B-" + t[2:]
        out.append(pred)
    return out


def write(name, tag_lists):
    lines = []
    for s, tags in enumerate(tag_lists):
        if tags is None:
            lines += ["-DOCSTART- O", ""]
            continue
        lines += [f"w{s}_{k} {t}" for k, t in enumerate(tags)] + [""]
    (HERE / name).write_text("\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    rng = random.Random(2026)
    gold = sentences(rng)
    write("gold.conll", gold)
    write("sys_a.conll", system(gold, random.Random(1), 0.85, 0.02))
    write("sys_b.conll", system(gold, random.Random(2), 0.78, 0.03))
