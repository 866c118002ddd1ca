"""Write the nested-entity example in three formats (reruns rewrite identical files).

The same gold annotation and the same simulated prediction, with entities nested three
levels deep (``[[[Ulm] University] Hospital]``), as

- layered CoNLL: ``gold.conll``, ``pred.conll``: ``token L1 L2 L3``, tab-separated,
  column k holding the entities at nesting depth k in IOB2;
- JSON Lines: ``gold.jsonl``, ``pred.jsonl``: ``tokens`` + ``entities`` token offsets;
- BRAT standoff: ``gold.brat/``, ``pred.brat/``: one ``.txt`` line per sentence.

``evaluate`` gives identical figures from each pair (a test checks it). Written for this
project; the names are made up.
"""
from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

# (tokens, gold entities, predicted entities); (start, end, type), end exclusive.
SENTENCES = [
    ("She works at Ulm University Hospital .",
     [(3, 6, "ORG"), (3, 5, "ORG"), (3, 4, "LOC")],
     [(3, 6, "ORG"), (3, 5, "ORG"), (3, 4, "ORG")]),
    ("The Bank of New York opened in Boston .",
     [(1, 5, "ORG"), (3, 5, "LOC"), (7, 8, "LOC")],
     [(1, 5, "ORG"), (3, 4, "LOC"), (7, 8, "LOC")]),
    ("IL-2 gene expression requires NF-kappa B activation .",
     [(0, 2, "DNA"), (0, 1, "PROTEIN"), (4, 6, "PROTEIN")],
     [(0, 2, "DNA"), (0, 1, "PROTEIN"), (4, 5, "PROTEIN")]),
    ("Anna Lind met the Mayor of Lund .",
     [(0, 2, "PER"), (4, 7, "PER"), (6, 7, "LOC")],
     [(0, 2, "PER"), (6, 7, "LOC")]),
    ("The University of Oslo Medical School library closed .",
     [(1, 7, "ORG"), (1, 4, "ORG"), (3, 4, "LOC")],
     [(1, 6, "ORG"), (1, 4, "ORG"), (3, 4, "LOC")]),
    ("Nothing happened here .", [], [(0, 1, "MISC")]),
]


def depth_layers(n: int, entities) -> list[list[str]]:
    """IOB2 tag columns, column k holding the entities at depth k + 1."""
    from seqeval_suite.nested import depths

    levels = depths([s for s, _, _ in entities], [e for _, e, _ in entities])
    columns = [["O"] * n for _ in range(3)]
    for (start, end, type_), level in zip(entities, levels):
        column = columns[level - 1]
        column[start] = "B-" + type_
        for k in range(start + 1, end):
            column[k] = "I-" + type_
    return columns


def main() -> None:
    from seqeval_suite.io.brat import write_brat
    from seqeval_suite.io.tagged import SpanSentence

    for side, pick in (("gold", 1), ("pred", 2)):
        conll, records, brat = [], [], []
        for k, (text, *entities) in enumerate(SENTENCES, 1):
            tokens, ents = text.split(), sorted(entities[pick - 1])
            for token, *tags in zip(tokens, *depth_layers(len(tokens), ents)):
                conll.append("\t".join([token, *tags]))
            conll.append("")
            records.append(json.dumps({"id": k, "tokens": tokens, "entities": [list(e) for e in ents]}))
            brat.append(SpanSentence(tokens, ents, k))
        (HERE / f"{side}.conll").write_text("\n".join(conll) + "\n", encoding="utf-8")
        (HERE / f"{side}.jsonl").write_text("\n".join(records) + "\n", encoding="utf-8")
        folder = HERE / f"{side}.brat"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        write_brat(folder, {"news": brat})


if __name__ == "__main__":
    main()
