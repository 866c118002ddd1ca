"""Write the team-export fixtures (issue 20), seeded: rerunning gives the same files.

    python corpora/teams/make.py

Three annotators -- alice, bob and carol -- label the same seven short news texts
with PER, ORG, LOC and MISC. alice follows the intended annotation; bob and carol
deviate as real annotators do (another type, a word too many or too few, a missed or
an extra entity), drawn with a fixed seed. carol did not label text 4 (she cancelled
it in Label Studio, pressed "ignore" in Prodigy), and only alice labelled text 7.

The same annotation is written as each tool exports it:

* ``prodigy.jsonl`` -- ``prodigy db-out`` of the multi-user dataset ``team_ner``
  (``ner.manual``; ``_annotator_id`` ``team_ner-<name>``; bob's session took the
  texts in another order);
* ``labelstudio.json`` -- Label Studio's JSON export (``completed_by`` 1, 2, 3 for
  alice, bob, carol; carol's annotation of task 4 cancelled; a model's prediction on
  task 1);
* ``labelstudio_min.json`` -- the JSON-MIN export of the same project (cancelled
  annotations left out, as the converter does; a task's annotations newest first);
* ``doccano_v1.jsonl`` + ``doccano_labels.json`` -- doccano 1.2's export (every
  user's spans under ``annotations`` with integer label ids 4..7 and user ids 1, 2,
  3) and the project's label export;
* ``doccano/<name>.jsonl`` -- today's doccano export of a project without
  collaborative annotation, one file per user, every document in each;
* ``reference/<name>.conll`` -- the same annotation as one CoNLL file per annotator
  (token, tag; ``?`` where the annotator did not label the text): what each export
  must read as. doccano cannot mark a text as not labelled, so there a text without
  a user's span is that user finding no entity (``O``).
"""
from __future__ import annotations

import json
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 20260420
ANNOTATORS = ("alice", "bob", "carol")
DATASET = "team_ner"
TYPES = ("PER", "ORG", "LOC", "MISC")
DOCCANO_LABEL_IDS = {"PER": 4, "ORG": 5, "LOC": 6, "MISC": 7}  # ids of a project not first in its database
COLOURS = {"PER": "#d1e8ff", "ORG": "#ffe1c4", "LOC": "#d7f5d0", "MISC": "#eadcff"}
NOT_BY_CAROL = 3  # 0-based: text 4
ONLY_ALICE = 6  # 0-based: text 7
DEVIATION = {"alice": 0.0, "bob": 0.3, "carol": 0.45}

# (text, intended entities as (first token, end token exclusive, type)); tokens are
# separated by single spaces, so every tokenizer splits them back the same way.
TEXTS = [
    ("Maria Lopez flew from Lisbon to Oslo on Monday .", [(0, 2, "PER"), (4, 5, "LOC"), (6, 7, "LOC")]),
    ("The Nordic Trade Council met in Bergen last week .", [(1, 4, "ORG"), (6, 7, "LOC")]),
    ("Shares of Northwind Bank rose 3 percent after the report .", [(2, 4, "ORG")]),
    ("Aiko Tanaka speaks fluent English and lives near Lake Tahoe .", [(0, 2, "PER"), (4, 5, "MISC"), (8, 10, "LOC")]),
    ("Officials in Nairobi welcomed the decision by the United Nations .", [(2, 3, "LOC"), (8, 10, "ORG")]),
    ("Omar Haddad won the Nobel Prize for work done at Reuters .", [(0, 2, "PER"), (4, 6, "MISC"), (10, 11, "ORG")]),
    ("Heavy rain hit South Korea on Tuesday , forecasters said .", [(3, 5, "LOC")]),
]


def deviate(tokens: list[str], entities: list[tuple[int, int, str]], rng: random.Random,
            rate: float) -> list[tuple[int, int, str]]:
    """One annotator's version of the intended entities: each changed with probability
    ``rate`` (another type, one word fewer or more, left out), maybe one extra."""
    out = []
    for start, end, type_ in entities:
        if rng.random() >= rate:
            out.append((start, end, type_))
            continue
        change = rng.choice(("type", "shorter", "longer", "missed"))
        if change == "type":
            out.append((start, end, rng.choice([t for t in TYPES if t != type_])))
        elif change == "shorter" and end - start > 1:
            out.append((start, end - 1, type_))
        elif change == "longer" and end < len(tokens) - 1 and not any(s == end for s, _, _ in entities):
            out.append((start, end + 1, type_))
        # else: missed
    if rng.random() < rate / 2:
        taken = {i for s, e, _ in out for i in range(s, e)}
        free = [i for i, w in enumerate(tokens) if i and w[:1].isupper() and i not in taken]
        if free:
            i = rng.choice(free)
            out.append((i, i + 1, "MISC"))
    return sorted(out)


def plan(rng: random.Random) -> list[dict[str, list[tuple[int, int, str]] | None]]:
    """Per text, per annotator: token entities, or None when not labelled."""
    rows = []
    for k, (text, entities) in enumerate(TEXTS):
        tokens = text.split(" ")
        row: dict[str, list[tuple[int, int, str]] | None] = {}
        for name in ANNOTATORS:
            row[name] = deviate(tokens, entities, rng, DEVIATION[name])
        if k == NOT_BY_CAROL:
            row["carol"] = None
        if k == ONLY_ALICE:
            row["bob"] = row["carol"] = None
        rows.append(row)
    return rows


def char_offsets(text: str) -> list[tuple[int, int]]:
    """Each token's (start, end) character offsets in ``text``."""
    out, at = [], 0
    for token in text.split(" "):
        out.append((at, at + len(token)))
        at += len(token) + 1
    return out


def char_spans(text: str, entities) -> list[tuple[int, int, str]]:
    offsets = char_offsets(text)
    return [(offsets[s][0], offsets[e - 1][1], t) for s, e, t in entities]


def conll_tags(n: int, entities) -> list[str]:
    if entities is None:
        return ["?"] * n
    tags = ["O"] * n
    for s, e, t in entities:
        tags[s:e] = [f"B-{t}"] + [f"I-{t}"] * (e - s - 1)
    return tags


def stamp(k: int) -> str:
    """A fixed creation time, k minutes after the project started."""
    return f"2026-04-20T09:{k // 60 % 60:02d}:{k % 60:02d}.000000Z"


def write_json(path: Path, data) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def write_jsonl(path: Path, rows) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def prodigy(rows, rng: random.Random) -> list[dict]:
    hashes = [(rng.randint(-2**31, 2**31 - 1), rng.randint(-2**31, 2**31 - 1)) for _ in TEXTS]
    out, clock = [], 1776675600
    for name in ANNOTATORS:
        order = list(range(len(TEXTS)))
        if name == "bob":
            rng.shuffle(order)
        for k in order:
            entities = rows[k][name]
            if entities is None and not (name == "carol" and k == NOT_BY_CAROL):
                continue  # never shown to this annotator
            text = TEXTS[k][0]
            offsets = char_offsets(text)
            tokens = [{"text": w, "start": s, "end": e, "id": i, "ws": i < len(offsets) - 1}
                      for i, (w, (s, e)) in enumerate(zip(text.split(" "), offsets))]
            spans = [{"start": offsets[s][0], "end": offsets[e - 1][1], "token_start": s, "token_end": e - 1,
                      "label": t} for s, e, t in entities or []]
            clock += rng.randint(20, 90)
            session = f"{DATASET}-{name}"
            out.append({"text": text, "_input_hash": hashes[k][0], "_task_hash": hashes[k][1], "tokens": tokens,
                        "_view_id": "ner_manual", "spans": spans,
                        "answer": "ignore" if entities is None else "accept", "_timestamp": clock,
                        "_annotator_id": session, "_session_id": session})
    return out


def labelstudio(rows, rng: random.Random) -> tuple[list[dict], list[dict]]:
    """The JSON export and the JSON-MIN export of the same project."""
    tasks, minimal, annotation_id, minute = [], [], 500, 0
    for k, (text, _) in enumerate(TEXTS):
        task_id = 101 + k
        annotations = []
        for user, name in enumerate(ANNOTATORS, 1):
            entities = rows[k][name]
            cancelled = name == "carol" and k == NOT_BY_CAROL
            if entities is None and not cancelled:
                continue
            annotation_id += 1
            minute += rng.randint(1, 4)
            result = [{"value": {"start": s, "end": e, "text": text[s:e], "labels": [t]},
                       "id": f"r{annotation_id}-{j}", "from_name": "label", "to_name": "text", "type": "labels",
                       "origin": "manual"} for j, (s, e, t) in enumerate(char_spans(text, entities or []))]
            annotations.append({"id": annotation_id, "completed_by": user, "result": result,
                                "was_cancelled": cancelled, "ground_truth": False, "created_at": stamp(minute),
                                "updated_at": stamp(minute), "lead_time": round(rng.uniform(5, 60), 3),
                                "task": task_id, "project": 7})
        task = {"id": task_id, "annotations": annotations, "drafts": [], "predictions": [],
                "data": {"text": text}, "meta": {}, "created_at": stamp(0), "updated_at": stamp(minute),
                "inner_id": k + 1, "total_annotations": len(annotations), "cancelled_annotations":
                sum(a["was_cancelled"] for a in annotations), "total_predictions": 0, "project": 7}
        if k == 0:  # a model's pre-annotation: not an annotator
            task["predictions"] = [{"id": 9, "model_version": "ner-v1", "score": 0.91, "result": [
                {"value": {"start": 0, "end": 5, "text": "Maria", "labels": ["PER"]}, "id": "p1",
                 "from_name": "label", "to_name": "text", "type": "labels", "origin": "prediction"}]}]
            task["total_predictions"] = 1
        tasks.append(task)
        for a in sorted((a for a in annotations if not a["was_cancelled"]), key=lambda a: a["created_at"],
                        reverse=True):
            regions = [dict(r["value"]) for r in a["result"]]
            minimal.append({"text": text, "id": task_id, "label": regions, "annotator": a["completed_by"],
                            "annotation_id": a["id"], "created_at": a["created_at"], "updated_at": a["updated_at"],
                            "lead_time": a["lead_time"]})
    return tasks, minimal


def doccano_v1(rows) -> list[dict]:
    out, minute = [], 0
    for k, (text, _) in enumerate(TEXTS):
        annotations = []
        for user, name in enumerate(ANNOTATORS, 1):
            for s, e, t in char_spans(text, rows[k][name] or []):
                minute += 1
                annotations.append({"label": DOCCANO_LABEL_IDS[t], "start_offset": s, "end_offset": e, "user": user,
                                    "created_at": stamp(minute), "updated_at": stamp(minute)})
        out.append({"id": k + 1, "text": text, "annotations": annotations, "meta": {}, "annotation_approver": None})
    return out


def main() -> None:
    rng = random.Random(SEED)
    rows = plan(rng)
    write_jsonl(HERE / "prodigy.jsonl", prodigy(rows, rng))
    tasks, minimal = labelstudio(rows, rng)
    write_json(HERE / "labelstudio.json", tasks)
    write_json(HERE / "labelstudio_min.json", minimal)
    write_jsonl(HERE / "doccano_v1.jsonl", doccano_v1(rows))
    write_json(HERE / "doccano_labels.json", [
        {"id": i, "text": t, "prefix_key": None, "suffix_key": t[0].lower(), "background_color": COLOURS[t],
         "text_color": "#000000"} for t, i in DOCCANO_LABEL_IDS.items()])
    for name in ANNOTATORS:
        write_jsonl(HERE / "doccano" / f"{name}.jsonl", [
            {"id": k + 1, "text": text, "label": [list(span) for span in char_spans(text, rows[k][name] or [])],
             "Comments": []} for k, (text, _) in enumerate(TEXTS)])
        sentences = []
        for k, (text, _) in enumerate(TEXTS):
            tokens = text.split(" ")
            sentences.append("".join(f"{w} {t}\n" for w, t in zip(tokens, conll_tags(len(tokens), rows[k][name]))))
        path = HERE / "reference" / f"{name}.conll"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(sentences), encoding="utf-8")


if __name__ == "__main__":
    main()
