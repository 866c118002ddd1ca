"""Regenerate the demo benchmark: two small test corpora, system outputs, a spaCy pipeline.

Everything here is written by the seqeval-suite team from templates and invented
names; it is seeded, so running ``python corpora/demo/make_demo.py`` again rewrites
byte-identical files. The systems are simulated: each one perturbs the gold entities
with its own error profile, so the leaderboard has something to rank.

Files written next to this script:
  news.test.conll, web.test.conll          gold, ``token TAG`` (IOB2), blank line between sentences
  preds/<system>.seed<k>.conll             predictions, same tokens, ``token TAG``
  ruler-pipeline/                          spacy.blank("en") + entity_ruler (no download needed)
"""
from __future__ import annotations

import random
from pathlib import Path

HERE = Path(__file__).resolve().parent

PEOPLE = [
    "Maria Okafor", "Jonas Lindqvist", "Priya Raman", "Tomasz Wierzbicki", "Aiko Tanabe",
    "Samuel Achterberg", "Lucia Ferreira", "Dmitri Volkov", "Hannah Bright", "Kwame Mensah",
    "Elena Marchetti", "Oliver Stroud", "Fatima Haddad", "Chen Wei", "Rafael Ortega",
    "Ingrid Solberg", "Ahmed Nasser", "Clara Dumont", "Viktor Halasz", "Grace Mwangi",
    "Mendez", "Kowalski", "Brennan", "Sato",
]
ORGS = [
    "Northwind Bank", "Helios Energy", "the Coastal Rail Authority", "Blue Harbor Foods",
    "Meridian Labs", "United Textile Workers", "Stellar Mobile", "the Harbor City Council",
    "Greenfield University", "Apex Logistics", "Riverside Hospital", "the National Weather Office",
    "Orion Motors", "Kestrel Airlines", "Pinecrest Media", "Vantage Insurance",
]
PLACES = [
    "Lisbon", "Nairobi", "Osaka", "Winnipeg", "Krakow", "Valparaiso", "Tbilisi", "Adelaide",
    "Harbor City", "the Danube valley", "northern Norway", "Lake Tana", "Quebec", "Bavaria",
    "Cape Verde", "the Andes",
]
MISCS = [
    "Brazilian", "Danish", "the Winter Games", "Nobel Prize", "Cold War", "Mandarin",
    "Olympic", "French", "the Harvest Festival", "Christmas", "Ethiopian", "the Delta Cup",
]
POOLS = {"PER": PEOPLE, "ORG": ORGS, "LOC": PLACES, "MISC": MISCS}

NEWS = [
    "{PER} , the chief executive of {ORG} , said on Monday that profits rose sharply .",
    "Shares in {ORG} fell 3 percent in {LOC} after the announcement .",
    "{PER} arrived in {LOC} late on Tuesday for talks with {ORG} .",
    "The {MISC} team beat its rivals 2 - 1 in {LOC} .",
    "Officials at {ORG} declined to comment on the report .",
    "{PER} won the {MISC} title for the second year running .",
    "Heavy rain closed roads across {LOC} , {ORG} said .",
    "{PER} told reporters that {ORG} would open an office in {LOC} next year .",
    "Prices for {MISC} wine climbed again this week .",
    "The deal between {ORG} and {ORG} is expected to close in March .",
    "{PER} and {PER} will meet in {LOC} to discuss the merger .",
    "Police in {LOC} said nobody was hurt .",
    "Analysts expect {ORG} to report weaker sales .",
    "The minister , {PER} , flew to {LOC} on Sunday .",
    "A spokesman for {ORG} confirmed the figures .",
    "Tourism in {LOC} has recovered since the {MISC} .",
    "The market was quiet on Friday .",
    "Trading volume was thin ahead of the holiday .",
    "{PER} scored twice as {LOC} won the {MISC} .",
    "Exports to {LOC} grew by 12 percent , according to {ORG} .",
]
WEB = [
    "just got back from {LOC} and honestly loved it",
    "does anyone know if {ORG} is hiring in {LOC} ?",
    "{PER} was amazing at the {MISC} last night",
    "my flight with {ORG} got cancelled again",
    "watching {PER} interview on the news , great stuff",
    "best {MISC} food I have had outside {LOC}",
    "can't believe {ORG} raised prices again",
    "anyone going to {LOC} for the {MISC} ?",
    "{PER} and {PER} should start a podcast",
    "no plans this weekend , staying home",
    "thanks {PER} for the tip about {ORG}",
    "learning {MISC} is harder than I thought",
]


def fill(template: str, rng: random.Random) -> tuple[list[str], list[str]]:
    """Tokens and IOB2 tags of one sentence made from a template."""
    tokens: list[str] = []
    tags: list[str] = []
    for piece in template.split():
        if piece.startswith("{") and piece.endswith("}"):
            kind = piece[1:-1]
            words = rng.choice(POOLS[kind]).split()
            tokens += words
            tags += [f"B-{kind}"] + [f"I-{kind}"] * (len(words) - 1)
        else:
            tokens.append(piece)
            tags.append("O")
    return tokens, tags


def corpus(templates: list[str], n: int, seed: int) -> list[tuple[list[str], list[str]]]:
    rng = random.Random(seed)
    return [fill(rng.choice(templates), rng) for _ in range(n)]


def spans(tags: list[str]) -> list[tuple[int, int, str]]:
    """IOB2 tags -> (start, end, type), end exclusive."""
    out, start, kind = [], None, None
    for i, tag in enumerate(tags + ["O"]):
        if start is not None and not tag.startswith("I-"):
            out.append((start, i, kind))
            start = None
        if tag.startswith("B-"):
            start, kind = i, tag[2:]
    return out


def tags_of(n: int, entities: list[tuple[int, int, str]]) -> list[str]:
    tags = ["O"] * n
    for start, end, kind in sorted(entities):
        if any(t != "O" for t in tags[start:end]):
            continue
        tags[start] = f"B-{kind}"
        for i in range(start + 1, end):
            tags[i] = f"I-{kind}"
    return tags


# Error profiles: probability per gold entity of a miss, a boundary error, a wrong
# type; probability per sentence of a spurious entity; and the usual type confusions.
PROFILES = {
    "crf": dict(miss=0.10, boundary=0.05, confuse=0.03, spurious=0.03),
    "bilstm-crf": dict(miss=0.04, boundary=0.04, confuse=0.08, spurious=0.08),
}
CONFUSIONS = {"ORG": "LOC", "LOC": "ORG", "PER": "ORG", "MISC": "LOC"}


def simulate(sentences, profile: dict, rng: random.Random) -> list[list[str]]:
    out = []
    for tokens, gold in sentences:
        predicted = []
        for start, end, kind in spans(gold):
            r = rng.random()
            if r < profile["miss"]:
                continue
            r -= profile["miss"]
            if r < profile["boundary"]:
                if end - start > 1:
                    end -= 1
                elif end < len(tokens) and gold[end] == "O":
                    end += 1
            elif r - profile["boundary"] < profile["confuse"]:
                kind = CONFUSIONS[kind]
            predicted.append((start, end, kind))
        if rng.random() < profile["spurious"]:
            free = [i for i, t in enumerate(gold) if t == "O" and tokens[i][:1].isalpha()]
            if free:
                i = rng.choice(free)
                predicted.append((i, i + 1, rng.choice(sorted(POOLS))))
        out.append(tags_of(len(tokens), predicted))
    return out


def gazetteer(sentences) -> list[list[str]]:
    """Exact lookup of every second listed name: precise, low recall, never MISC."""
    names = {}
    for kind in ("PER", "ORG", "LOC"):
        for name in POOLS[kind][::2]:
            names[tuple(name.split())] = kind
    out = []
    for tokens, _ in sentences:
        found = []
        for start in range(len(tokens)):
            for words, kind in names.items():
                if tuple(tokens[start:start + len(words)]) == words:
                    found.append((start, start + len(words), kind))
        out.append(tags_of(len(tokens), found))
    return out


def write_conll(path: Path, tokens_list, tags_list) -> None:
    lines = []
    for tokens, tags in zip(tokens_list, tags_list):
        lines += [f"{tok} {tag}" for tok, tag in zip(tokens, tags)]
        lines.append("")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8", newline="\n")


def build_ruler(path: Path) -> None:
    """A blank English pipeline with an entity ruler using spaCy-style labels."""
    import spacy

    labels = {"PER": "PERSON", "ORG": "ORG", "LOC": "GPE", "MISC": "NORP"}
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    patterns = []
    for kind, names in sorted(POOLS.items()):
        # The ruler knows three names in four; the rest are the "unseen" entities.
        for k, name in enumerate(names):
            if k % 4 != 3:
                patterns.append({"label": labels[kind], "pattern": [{"ORTH": w} for w in name.split()]})
    ruler.add_patterns(patterns)
    # Accept every spaCy 3 release the package supports, not only the one that built it.
    nlp.meta["spacy_version"] = ">=3.7.0,<4.0.0"
    nlp.to_disk(path)


def main() -> None:
    corpora = {"news": corpus(NEWS, 240, seed=2026), "web": corpus(WEB, 120, seed=7)}
    for name, sentences in corpora.items():
        tokens = [t for t, _ in sentences]
        write_conll(HERE / f"{name}.test.conll", tokens, [g for _, g in sentences])
        for system, profile in PROFILES.items():
            for seed in (1, 2, 3):
                rng = random.Random(f"{system}/{name}/{seed}")
                write_conll(HERE / "preds" / f"{system}.{name}.seed{seed}.conll", tokens,
                            simulate(sentences, profile, rng))
        write_conll(HERE / "preds" / f"gazetteer.{name}.conll", tokens, gazetteer(sentences))
    build_ruler(HERE / "ruler-pipeline")


if __name__ == "__main__":
    main()
