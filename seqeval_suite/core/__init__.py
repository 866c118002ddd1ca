"""The one scoring core: every input and every command goes reader → vocabulary →
decoder → matcher → counts through these modules.

- :mod:`.options` — the scoring settings (:class:`Options`).
- :mod:`.vocab` — tag strings (or bytes) interned into one vocabulary of integer ids,
  with each id's prefix, type and validity under the chosen mode.
- :mod:`.source` — a corpus side pair as aligned blocks of tag-id arrays and sentence
  offsets, from any reader (CoNLL from a path, stdin, a FIFO or ``.gz``; JSON Lines,
  Label Studio, DocBin; Python lists), each input read exactly once.
- :mod:`.decode` — vectorised decoders: lenient, strict for every scheme, and
  conlleval.pl's chunk machine.
- :mod:`.score` — exact (and partial) matching into per-sentence, per-type counts and
  the :class:`~seqeval_suite.report.Report`.

Layering: ``io`` (readers) → ``core`` → analyses (agreement, stats, partial, errors)
→ runner → renderers → CLI. Nothing here imports from a later layer.
"""
