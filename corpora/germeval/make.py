"""Write a small GermEval-2014-style sample (seeded; running it again rewrites identical files).

GermEval 2014's TSV: a ``#`` line naming the sentence's source, then one line per token,
``index<TAB>token<TAB>outer<TAB>inner`` (IOB2 tags; types PER, LOC, ORG, OTH and their
``deriv``/``part`` variants), a blank line after each sentence. The sentences, names and
errors here are made up for this project; ``sample.pred.tsv`` is a simulated system that
misses, shortens and mistypes some entities, and mixes up ``deriv``/``part`` types.
"""
from __future__ import annotations

import random
from pathlib import Path

HERE = Path(__file__).resolve().parent

# (tokens, outer entities, inner entities) with (start, end, type) token spans.
TEMPLATES = [
    ("Die Universität Hamburg liegt an der Elbe .", [(1, 3, "ORG"), (6, 7, "LOC")], [(2, 3, "LOC")]),
    ("Der Hamburger Senat tagt am Montag .", [(1, 3, "ORG")], [(1, 2, "LOCderiv")]),
    ("Anna Schmidt fährt mit der Deutschen Bahn nach Köln .",
     [(0, 2, "PER"), (5, 7, "ORG"), (8, 9, "LOC")], [(5, 6, "LOCderiv")]),
    ("Die SPD-Fraktion im Berliner Landtag stimmte zu .", [(1, 2, "ORGpart"), (3, 5, "ORG")],
     [(3, 4, "LOCderiv")]),
    ("Das Goethe-Institut in München zeigt den Film Lola rennt .",
     [(1, 2, "ORG"), (3, 4, "LOC"), (7, 9, "OTH")], [(1, 2, "PERpart")]),
    ("Peter Müller aus Bremen spielt für Werder Bremen .",
     [(0, 2, "PER"), (3, 4, "LOC"), (6, 8, "ORG")], [(7, 8, "LOC")]),
    ("Die deutsche Nationalmannschaft gewann in Rio .", [(1, 3, "ORG"), (5, 6, "LOC")], [(1, 2, "LOCderiv")]),
    ("Maria Weber las aus dem Buch Die Blechtrommel von Günter Grass .",
     [(0, 2, "PER"), (6, 8, "OTH"), (9, 11, "PER")], []),
    ("Der Frankfurter Flughafen meldet Rekorde .", [(1, 3, "LOC")], [(1, 2, "LOCderiv")]),
    ("Die Europäische Union und die Vereinten Nationen verhandeln in Genf .",
     [(1, 3, "ORG"), (5, 7, "ORG"), (9, 10, "LOC")], [(1, 2, "LOCderiv")]),
]


def tags(n: int, spans) -> list[str]:
    out = ["O"] * n
    for start, end, type_ in spans:
        out[start] = "B-" + type_
        for k in range(start + 1, end):
            out[k] = "I-" + type_
    return out


def damage(spans, rng: random.Random):
    """A simulated system's version of the entities of one layer."""
    result = []
    for start, end, type_ in spans:
        roll = rng.random()
        if roll < 0.12:
            continue  # missed
        if roll < 0.20 and end - start > 1:
            end -= 1  # boundary error
        elif roll < 0.28:
            base = type_.replace("deriv", "").replace("part", "")
            type_ = base if type_ != base else rng.choice(["PER", "LOC", "ORG", "OTH"])
        elif roll < 0.33 and ("deriv" in type_ or "part" in type_):
            type_ = type_.replace("deriv", "part") if "deriv" in type_ else type_.replace("part", "deriv")
        result.append((start, end, type_))
    return result


def main() -> None:
    rng = random.Random(2014)
    gold_lines, pred_lines = [], []
    for k in range(60):
        text, outer, inner = TEMPLATES[k % len(TEMPLATES)]
        tokens = text.split()
        comment = f"# sample {k + 1:03d}"
        p_outer, p_inner = damage(outer, rng), damage(inner, rng)
        if rng.random() < 0.05:
            p_inner.append((len(tokens) - 2, len(tokens) - 1, "OTH"))  # spurious
        for lines, o, i in ((gold_lines, outer, inner), (pred_lines, p_outer, p_inner)):
            lines.append(comment)
            for j, (token, a, b) in enumerate(zip(tokens, tags(len(tokens), o), tags(len(tokens), i)), 1):
                lines.append(f"{j}\t{token}\t{a}\t{b}")
            lines.append("")
    (HERE / "sample.gold.tsv").write_text("\n".join(gold_lines) + "\n", encoding="utf-8")
    (HERE / "sample.pred.tsv").write_text("\n".join(pred_lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
