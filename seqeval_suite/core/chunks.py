"""conlleval.pl's per-line chunk machine (SPEC §3), run over blocks of tag ids.

The script steps a small state machine once per line; here each block is one vectorised
pass: every sentence is preceded by a boundary step, endOfChunk/startOfChunk come from
:func:`~seqeval_suite.core.decode.ce_end`/:func:`~seqeval_suite.core.decode.ce_start`,
and the "inside a correct chunk" flag is carried by a running maximum over the steps
that change it. :class:`ChunkState` carries the machine from one block to the next.
"""
from __future__ import annotations

from ..report import SentenceCounts
from .decode import ce_end, ce_start
from .vocab import ConllevalVocabulary

class ChunkState:
    """conlleval.pl's state carried from one block to the next."""

    def __init__(self) -> None:
        self.last = (0, 0, 0, 0)  # gold prefix, gold type, guess prefix, guess type
        self.in_correct = False
        self.since = 0            # sentence where the open correct chunk started
        self.gold: dict[int, int] = {}
        self.found: dict[int, int] = {}
        self.correct: dict[int, int] = {}
        self.tokens = self.correct_tags = self.sentences = 0
        self.sentence_counts = SentenceCounts()
        self.keep: set[str] | None = None
        self.outside = {"gold": None, "pred": None}
        self.misscored: str | None = None


def conlleval_block(g_ids, p_ids, sentence_first, vocab: ConllevalVocabulary, state: ChunkState) -> None:
    """Run one block of sentences, each preceded by a boundary step, through the machine."""
    import numpy as np

    prefix_of, type_of, canonical_of, slu_of, eb_of, outside_of = vocab.ce_arrays()
    n_tok, n_sent = len(g_ids), len(sentence_first)
    first = np.zeros(n_tok, dtype=bool)
    first[sentence_first] = True
    sentence_in_block = np.cumsum(first) - 1
    steps = n_tok + n_sent
    token_step = np.arange(n_tok) + sentence_in_block + 1
    step_sentence = np.zeros(steps, dtype=np.int64)
    step_sentence[token_step] = sentence_in_block + state.sentences
    # A boundary step belongs to the sentence before it (it can only close chunks).
    boundary_step = sentence_first + np.arange(n_sent)
    step_sentence[boundary_step] = np.arange(n_sent) + state.sentences - 1
    gp, gt, pp, pt = (np.zeros(steps, dtype=np.int64) for _ in range(4))
    gp[token_step], gt[token_step] = prefix_of[g_ids], type_of[g_ids]
    pp[token_step], pt[token_step] = prefix_of[p_ids], type_of[p_ids]
    lgp, lgt, lpp, lpt = (np.concatenate(([v], a[:-1])) for v, a in zip(state.last, (gp, gt, pp, pt)))
    gold_end, guess_end = ce_end(lgp, gp, lgt, gt), ce_end(lpp, pp, lpt, pt)
    gold_start, guess_start = ce_start(lgp, gp, lgt, gt), ce_start(lpp, pp, lpt, pt)
    close = gold_end & guess_end & (lpt == lgt)
    leave = (gold_end != guess_end) | (pt != gt)
    enter = gold_start & guess_start & (pt == gt)
    # After a step the state is `enter` if any of the three held there, else unchanged.
    decisive = np.where(close | leave | enter, np.arange(steps), -1)
    last_decisive = np.maximum.accumulate(decisive)
    after = np.where(last_decisive >= 0, enter[np.maximum(last_decisive, 0)], state.in_correct)
    before = np.concatenate(([state.in_correct], after[:-1]))
    counted = before & close
    entered_at = np.concatenate(([-1], last_decisive[:-1]))
    since = np.where(entered_at >= 0, step_sentence[np.maximum(entered_at, 0)], state.since)
    n_types = len(vocab.ce_type_names)
    for target, kinds in ((state.gold, gt[gold_start]), (state.found, pt[guess_start]), (state.correct, lgt[counted])):
        counts = np.bincount(kinds, minlength=n_types)
        for t in np.flatnonzero(counts).tolist():
            target[t] = target.get(t, 0) + int(counts[t])
    # Per-sentence cells (correct, found, gold); a correct chunk goes to its start sentence.
    keys = np.concatenate((since[counted] * n_types + lgt[counted],
                           step_sentence[guess_start] * n_types + pt[guess_start],
                           step_sentence[gold_start] * n_types + gt[gold_start]))
    kind = np.repeat(np.arange(3), (int(counted.sum()), int(guess_start.sum()), int(gold_start.sum())))
    if len(keys):
        unique, inverse = np.unique(keys, return_inverse=True)
        summed = np.zeros((len(unique), 3), dtype=np.int64)
        np.add.at(summed, (inverse, kind), 1)
        _store_cells(state, unique // n_types, unique % n_types, summed, vocab.ce_type_names)
    if steps:
        state.last = (int(gp[-1]), int(gt[-1]), int(pp[-1]), int(pt[-1]))
        state.in_correct = bool(after[-1])
        if state.in_correct and last_decisive[-1] >= 0:
            state.since = int(step_sentence[last_decisive[-1]])
    state.tokens += n_tok
    state.correct_tags += int(np.count_nonzero(canonical_of[g_ids] == canonical_of[p_ids]))
    for side, ids in (("gold", g_ids), ("pred", p_ids)):
        counts = np.bincount(ids, minlength=len(vocab.names))
        previous = state.outside[side]
        if previous is not None:
            counts[: len(previous)] += previous
        state.outside[side] = counts
    if state.misscored is None:
        state.misscored = _misscored_np(g_ids, p_ids, first, sentence_in_block, slu_of, eb_of)
    state.sentences += n_sent


def _misscored_np(g_ids, p_ids, first, sentence_in_block, slu_of, eb_of) -> str | None:
    """Why conlleval.pl would mis-score the first sentence of a block that gives a reason
    (S-/L-/U- tags, E→B), or None (oracle: ``tests/oracles.py`` ``misscored_reason``)."""
    import numpy as np

    found = []
    for ids in (g_ids, p_ids):
        slu = slu_of[ids]
        eb = eb_of[ids]
        e_to_b = (eb == 2) & (np.roll(eb, 1) == 1) & ~first
        reason = slu | e_to_b
        at = np.flatnonzero(reason)
        found.append((int(sentence_in_block[at[0]]), "S-/L-/U- tags" if slu[at[0]] else "E→B transitions")
                     if len(at) else None)
    candidates = [f for f in found if f is not None]
    if not candidates:
        return None
    first_sentence = min(f[0] for f in candidates)
    for f in found:  # gold is looked at before pred within a sentence
        if f is not None and f[0] == first_sentence:
            return f[1]
    return None


def conlleval_finish(state: ChunkState, trailing_boundary: bool, type_names: list[str]) -> None:
    """The closing boundary step (when the input ends with one), then the end rule."""
    import numpy as np

    if trailing_boundary:
        lgp, lgt, lpp, lpt = (np.array([v]) for v in state.last)
        zero = np.zeros(1, dtype=np.int64)
        gold_end = bool(ce_end(lgp, zero, lgt, zero)[0])
        guess_end = bool(ce_end(lpp, zero, lpt, zero)[0])
        if state.in_correct:
            if gold_end and guess_end and state.last[3] == state.last[1]:
                state.in_correct = False
                _charge_correct(state, state.last[1], type_names)
            elif gold_end != guess_end:
                state.in_correct = False
        state.last = (0, 0, 0, 0)
    if state.in_correct:
        _charge_correct(state, state.last[1], type_names)
        state.in_correct = False


def _charge_correct(state: ChunkState, type_id: int, type_names: list[str]) -> None:
    import numpy as np

    state.correct[type_id] = state.correct.get(type_id, 0) + 1
    _store_cells(state, np.array([state.since]), np.array([type_id]), np.array([[1, 0, 0]]), type_names)


def _store_cells(state: ChunkState, sentence, kind, summed, type_names: list[str]) -> None:
    """Add (correct, found, gold) cells to the per-sentence table as tp, fp, fn.

    The table is additive, so a sentence may get several rows for one type (a correct
    chunk is charged to the sentence where it started, possibly in an earlier block).
    """
    import numpy as np

    if state.keep is not None:
        wanted = np.array([name in state.keep for name in type_names])[kind]
        sentence, kind, summed = sentence[wanted], kind[wanted], summed[wanted]
    correct, found, gold = summed[:, 0], summed[:, 1], summed[:, 2]
    state.sentence_counts.add_many(sentence, kind, correct, found - correct, gold - correct, type_names)
