"""Write the example learning curve for ``seqeval-suite curve`` (seeded, reproducible).

dev.conll: 400 sentences of invented tokens with PER/ORG/LOC/MISC entities (IOB2) in 4
documents; train.conll: 300 other sentences. dev/ and train/ hold one prediction file
per checkpoint, ``checkpoint-<step>.conll`` for steps 500, 1000, ..., 4000 (the step is
the last number in the name, the default of ``curve``).

How checkpoints are simulated: every gold entity has a fixed difficulty u in [0, 1)
and checkpoint c finds it when u plus a small per-checkpoint jitter is below c's recall
level, so later checkpoints find mostly the entities earlier ones found (as a model
that keeps learning does) and consecutive checkpoints are correlated, which is what
makes paired tests meaningful. Spurious entities work the same way with a per-token
draw. On dev the recall levels rise and then flatten (improve, then plateau); on train
they keep rising, so train ends well above dev without dev falling (no overfitting).

Run: python corpora/curve/make.py
"""
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
TYPES = ["PER", "ORG", "LOC", "MISC"]
STEPS = [500, 1000, 1500, 2000, 2500, 3000, 3500, 4000]
# (recall level, spurious-entity rate) per checkpoint.
DEV_LEVELS = [(0.42, 0.060), (0.60, 0.045), (0.71, 0.035), (0.78, 0.028),
              (0.83, 0.023), (0.832, 0.022), (0.835, 0.022), (0.833, 0.022)]
TRAIN_LEVELS = [(0.45, 0.055), (0.65, 0.040), (0.77, 0.030), (0.85, 0.022),
                (0.90, 0.016), (0.93, 0.012), (0.95, 0.010), (0.965, 0.008)]
JITTER = 0.02


def sentences(rng, count, documents):
    """Gold tag lists, with None marking a -DOCSTART- line."""
    out = []
    per_document = count // documents
    for _ in range(documents):
        out.append(None)
        for _ in range(per_document):
            tags, i, n = [], 0, rng.randint(6, 20)
            while i < n:
                if rng.random() < 0.14:
                    t, length = rng.choice(TYPES), rng.randint(1, 3)
                    tags += [f"B-{t}"] + [f"I-{t}"] * (length - 1)
                    i += length
                else:
                    tags.append("O")
                    i += 1
            out.append(tags)
    return out


def latent(gold, rng):
    """A fixed difficulty per token position: entities are judged by their first token."""
    return [None if tags is None else [rng.random() for _ in tags] for tags in gold]


def checkpoint(gold, difficulty, noise, rng, recall, spurious):
    """One checkpoint's predictions: gold entities it finds, plus spurious ones."""
    out = []
    for tags, hard, draw in zip(gold, difficulty, noise):
        if tags is None:
            out.append(None)
            continue
        pred = ["O"] * len(tags)
        j = 0
        while j < len(tags):
            k = j + 1
            while k < len(tags) and tags[k].startswith("I-"):
                k += 1
            if tags[j].startswith("B-") and hard[j] + rng.gauss(0, JITTER) < recall:
                pred[j:k] = tags[j:k]
            j = k
        for j, t in enumerate(tags):
            if t == "O" and pred[j] == "O" and (j == 0 or pred[j - 1] == "O") and draw[j] < spurious:
                pred[j] = "B-" + TYPES[int(draw[j] * 1000) % len(TYPES)]
        out.append(pred)
    return out


def write(path, tag_lists, prefix):
    lines = []
    for s, tags in enumerate(tag_lists):
        if tags is None:
            lines += ["-DOCSTART- O", ""]
            continue
        lines += [f"{prefix}{s}_{k} {t}" for k, t in enumerate(tags)] + [""]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")


def series(name, gold, levels, seed):
    rng = random.Random(seed)
    difficulty, noise = latent(gold, rng), latent(gold, rng)
    for step, (recall, spurious) in zip(STEPS, levels):
        pred = checkpoint(gold, difficulty, noise, random.Random(seed * 1000 + step), recall, spurious)
        write(HERE / name / f"checkpoint-{step}.conll", pred, name[0])


if __name__ == "__main__":
    rng = random.Random(2026)
    dev, train = sentences(rng, 400, 4), sentences(rng, 300, 3)
    write(HERE / "dev.conll", dev, "d")
    write(HERE / "train.conll", train, "t")
    series("dev", dev, DEV_LEVELS, 1)
    series("train", train, TRAIN_LEVELS, 2)
