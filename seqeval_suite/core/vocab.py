"""One vocabulary of tags: every tag string of both sides becomes a small integer id.

Each distinct tag is parsed once (:class:`~seqeval_suite.schemes.TagTable`, or
conlleval.pl's split for :class:`ConllevalVocabulary`); decoders then work on per-id
arrays (prefix code, type id, flags) indexed by the tag-id arrays of a block. Tags come
either as Python strings (:meth:`TagVocabulary.ids_of`) or straight from the bytes of a
CoNLL block (:meth:`TagVocabulary.ids`), packed into 64-bit words so that no Python
object is made per token.
"""
from __future__ import annotations

from ..schemes import PREFIX_CODE, SCHEME_PREFIXES, TagTable, looks_like_another, parse_tag, strict_type

_WORDS = 4
#: Odd multipliers that mix a tag's 8-byte words into one key.
_PACK_MULT = (1, 0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9)


class _LazyMasks:
    """``MASKS[n]``: a uint64 keeping the low ``n`` bytes (numpy imported on first use)."""

    table = None

    def __getitem__(self, index):
        import numpy as np

        if self.table is None:
            self.table = np.array([(1 << (8 * n)) - 1 for n in range(9)], dtype=np.uint64)
        return self.table[index]


MASKS = _LazyMasks()


class TagVocabulary:
    """Interns tags to dense ids and keeps each id's decoded properties.

    Args:
        strict: parse as strict mode does (invalid tags and prefixes outside ``scheme``
            are *rejected*: :meth:`rejection` names them; the scorer raises).
        scheme: the scheme (strict mode: its prefixes are the allowed ones).
        suffix: tags read ``TYPE-PREFIX``.

    >>> v = TagVocabulary(False, "auto", False)
    >>> v.ids_of(["B-PER", "I-PER", "O", "B-PER"]).tolist(), v.type_names
    ([0, 1, 2, 0], ['', 'PER'])
    """

    def __init__(self, strict: bool, scheme: str, suffix: bool) -> None:
        import numpy as np

        self.strict, self.scheme = strict, scheme
        self.table = TagTable(suffix=suffix, lenient=not strict)
        self.allowed = SCHEME_PREFIXES.get(scheme, frozenset()) if strict else None
        self.names: list[str] = []
        self.index: dict[str, int] = {}
        self.keys = np.zeros(0, dtype=np.uint64)   # sorted packed keys of tags seen as bytes
        self.key_ids = np.zeros(0, dtype=np.int64)  # id of each sorted key
        self._words_seen = 0  # the most 8-byte words of a tag keyed so far
        self.prefix: list[int] = []
        #: Per id: the tag's own prefix code (L and U kept; lenient decoding reads them as
        #: E and S), for transition counts and scheme detection.
        self.raw_prefix: list[int] = []
        self.type_id: list[int] = []
        self.invalid: list[bool] = []
        #: Per id: an entity tag whose type is "O" (``I-O``, ``B-O``).
        self.o_type: list[bool] = []
        #: Per id: None, or why strict mode refuses the tag ("invalid" or "prefix").
        self.rejected: list[str | None] = []
        self.type_names: list[str] = [""]
        self._type_index = {"": 0}
        self._arrays = None

    # -- interning -------------------------------------------------------------
    def ids_of(self, tags) -> "object":
        """Ids of a sequence of tag strings (an int64 array)."""
        import numpy as np

        index = self.index
        try:
            return np.fromiter(map(index.__getitem__, tags), dtype=np.int64, count=len(tags))
        except KeyError:
            for tag in dict.fromkeys(tags):
                if tag not in index:
                    self._add_name(tag)
            return np.fromiter(map(index.__getitem__, tags), dtype=np.int64, count=len(tags))

    def ids(self, block, fields):
        """Ids of the given fields of a CoNLL :class:`~seqeval_suite.io.conll.Block`."""
        import numpy as np

        start = block.field_start[fields]
        length = block.field_end[fields] - start
        if len(length) == 0:
            return np.zeros(0, dtype=np.int64)
        longest = int(length.max())
        if longest > 8 * _WORDS:  # rare: tags this long are interned as strings
            data = block.data
            return self.ids_of([data[s:e].decode("utf-8") for s, e in zip(start.tolist(), (start + length).tolist())])
        # A tag of up to 32 bytes is up to four little-endian words, masked to its length;
        # the key mixes them, and every occurrence is checked against its word tuple below.
        words = block.words()
        parts = [words[start + 8 * w] & MASKS[np.clip(length - 8 * w, 0, 8)]
                 for w in range((longest + 7) // 8)]
        key = parts[0].copy()
        for w, part in enumerate(parts[1:], 1):
            key ^= part * np.uint64(_PACK_MULT[w])
        ids = self._lookup(key)
        if ids is None:
            self._add_keys(np.unique(key[~self._found(key)]), key, block, start, length)
            ids = self._lookup(key)
        # A key mixed from several words could equal another tag's key, long or short
        # (one of up to 8 bytes is its own bytes): once a long tag was seen, check every
        # occurrence word by word (a tag holds no NUL byte, so equal words are equal tags).
        if longest > 8 or self._words_seen > 1:
            for w in range(max(len(parts), self._words_seen)):
                part = parts[w] if w < len(parts) else np.uint64(0)
                if (self._word(w)[ids] != part).any():
                    data = block.data
                    return self.ids_of([data[s:e].decode("utf-8")
                                        for s, e in zip(start.tolist(), (start + length).tolist())])
        return ids

    def _word(self, w: int):
        """Word ``w`` of every tag's bytes, by tag id (0 for tags never seen as bytes)."""
        import numpy as np

        out = np.zeros(len(self.names), dtype=np.uint64)
        for i, name in enumerate(self.names):
            chunk = name.encode("utf-8")[8 * w: 8 * w + 8]
            out[i] = int.from_bytes(chunk, "little") if chunk else 0
        return out

    def _found(self, key):
        import numpy as np

        if not len(self.keys):
            return np.zeros(len(key), dtype=bool)
        pos = np.minimum(np.searchsorted(self.keys, key), len(self.keys) - 1)
        return self.keys[pos] == key

    def _lookup(self, key):
        if not len(self.keys):
            return None
        import numpy as np

        pos = np.minimum(np.searchsorted(self.keys, key), len(self.keys) - 1)
        if not (self.keys[pos] == key).all():
            return None
        return self.key_ids[pos]

    def _add_keys(self, new_keys, key, block, start, length) -> None:
        import numpy as np

        for value in new_keys.tolist():
            at = int(np.flatnonzero(key == value)[0])
            s = int(start[at])
            tag = block.data[s:s + int(length[at])].decode("utf-8")
            self._words_seen = max(self._words_seen, (int(length[at]) + 7) // 8)
            tag_id = self.index.get(tag)
            if tag_id is None:
                tag_id = self._add_name(tag)
            self.keys = np.append(self.keys, np.uint64(value))
            self.key_ids = np.append(self.key_ids, tag_id)
        order = np.argsort(self.keys, kind="stable")
        self.keys, self.key_ids = self.keys[order], self.key_ids[order]

    def _add_name(self, tag: str) -> int:
        self.index[tag] = len(self.names)
        self.names.append(tag)
        self._arrays = None
        self._register(tag)
        return self.index[tag]

    def _type(self, name: str) -> int:
        index = self._type_index.get(name)
        if index is None:
            index = self._type_index[name] = len(self.type_names)
            self.type_names.append(name)
        return index

    def _register(self, tag: str) -> None:
        parsed = self.table.parse(tag)
        if looks_like_another(tag):  # B-PER + U+200B, or 'B-PER ', would be a second PER type
            parsed = None
        rejected = None
        if self.strict and parsed is None:
            rejected = "invalid"
        elif self.strict and parsed[0] != "O" and parsed[0] not in self.allowed:
            rejected = "prefix"
        self.rejected.append(rejected)
        invalid = parsed is None
        if invalid or parsed[0] == "O" or rejected:
            self.prefix.append(0)
            self.raw_prefix.append(0)
            self.type_id.append(0)
        else:
            self.prefix.append(PREFIX_CODE[parsed[0]])
            raw = parse_tag(tag, self.table.suffix)[0]
            self.raw_prefix.append(PREFIX_CODE[raw])
            self.type_id.append(self._type(strict_type(parsed[1]) if self.strict else parsed[1]))
        self.invalid.append(invalid)
        self.o_type.append(not invalid and parsed[0] != "O" and parsed[1] == "O")

    # -- per-id arrays ---------------------------------------------------------
    def arrays(self):
        """Per-id prefix code, type id, invalid flag and rejected flag as numpy arrays."""
        import numpy as np

        if self._arrays is None or len(self._arrays[0]) != len(self.names):
            # Narrow dtypes: decoders stream fewer bytes (prefix codes < 7; transition codes < 74).
            self._arrays = (np.array(self.prefix, dtype=np.int8), np.array(self.type_id, dtype=np.int32),
                            np.array(self.invalid, dtype=bool),
                            np.array([r is not None for r in self.rejected], dtype=bool))
        return self._arrays

    def raw_prefix_array(self):
        """Per id, the tag's own prefix code (L and U kept), as a numpy array."""
        import numpy as np

        return np.array(self.raw_prefix, dtype=np.int8)

    def o_type_array(self):
        """Per id, whether the tag is an entity tag of type "O" (numpy bool array)."""
        import numpy as np

        return np.array(self.o_type, dtype=bool)

    @property
    def type_of(self):
        """Per id, the type id (numpy array)."""
        return self.arrays()[1]

    def rejection(self, tag_id: int, where: str):
        """The :class:`~seqeval_suite.errors.DataError` strict mode raises for a tag."""
        from ..errors import DataError

        tag = self.names[tag_id]
        if self.rejected[tag_id] == "invalid":
            return DataError(f"{where}: invalid tag {tag!r} (strict mode)",
                             hint="valid tags are O, PREFIX-TYPE or a bare prefix; use --mode lenient to read it as O")
        prefix = self.table.parse(tag)[0]
        return DataError(f"{where}: tag {tag!r} has prefix {prefix}, which {self.scheme} does not have",
                         hint="check --scheme (try --scheme auto in lenient mode to detect it)")


# Prefix codes of conlleval.pl's rules; every other prefix behaves alike ("other").
CE_CODE = {"O": 0, "B": 1, "I": 2, "E": 3, ".": 4, "[": 5, "]": 6}
CE_OTHER = 7


class ConllevalVocabulary(TagVocabulary):
    """Tag ids with conlleval.pl's reading: prefix code, type id, canonical id, flags."""

    def __init__(self) -> None:
        super().__init__(False, "auto", False)
        self.ce_prefix: list[int] = []
        self.ce_type: list[int] = []
        self.canonical: list[int] = []
        self.slu: list[bool] = []
        self.eb_code: list[int] = []   # 1 for an E- tag, 2 for a B- tag (misscored check)
        self.outside: list[bool] = []  # outside the BIO family (warned about)
        self._pairs: dict[tuple[str, str], int] = {}
        self.ce_type_names: list[str] = [""]  # conlleval.pl's types; id 0 is the empty type of O
        self._ce_index = {"": 0}

    def _register(self, tag: str) -> None:
        from ..conlleval import split_tag

        super()._register(tag)
        prefix, type_ = split_tag(tag)
        self.ce_prefix.append(CE_CODE.get(prefix, CE_OTHER))
        self.ce_type.append(self._ce_type(type_))
        self.canonical.append(self._pairs.setdefault((prefix, type_), len(self._pairs)))
        letter = tag[:1] if len(tag) == 1 or tag[1:2] == "-" else ""
        self.slu.append(letter in ("S", "L", "U"))
        self.eb_code.append({"E": 1, "B": 2}.get(letter, 0))
        self.outside.append(self.table.parse(tag) is None and tag != "-X-")

    def _ce_type(self, name: str) -> int:
        index = self._ce_index.get(name)
        if index is None:
            index = self._ce_index[name] = len(self.ce_type_names)
            self.ce_type_names.append(name)
        return index

    def ce_arrays(self):
        """Per-id arrays: prefix code, type id, canonical id, S/L/U flag, E/B code, outside."""
        import numpy as np

        return tuple(np.array(a) for a in (self.ce_prefix, self.ce_type, self.canonical, self.slu,
                                          self.eb_code, self.outside))
