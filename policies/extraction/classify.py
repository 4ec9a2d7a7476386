"""Clause classifier: the ten OPP-115 data-practice categories, multi-label, CPU only.

Inference only; training lives in ``policies/extraction/training.py``. The model is two linear
stages over hashed sparse features, stored as ``<stem>.npz`` (plain arrays, loaded with
``allow_pickle=False``) plus ``<stem>.json`` (feature settings, thresholds, version, summary):

1. Stage 1: several linear scorers per category (logistic regression, linear SVM, naive Bayes
   log-odds) over three views of the clause: word uni/bigrams and word-bounded character 3-5-grams of the text
   (sublinear TF-IDF, each L2-normalised) and word uni/bigrams of the section heading.
2. Stage 2: per category, a logistic regression (fitted on out-of-fold stage-1 outputs) over the
   stage-1 probabilities of *all* categories for the clause and for its previous and next
   clauses, plus a few shape features. This learns label co-occurrence and context, and its
   output is the calibrated confidence; a per-category threshold (chosen on held-out data) turns
   it into labels.

Hashing is our own (CRC-32 of words, a polynomial hash of character n-grams, both cached per
distinct token) rather than scikit-learn's char analyzer, which is too slow for the 5,000
clauses/s budget. Feature extraction is shared
with training through :class:`Featurizer`, so both sides see identical vectors.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import re
import threading
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from policies.extraction.document import CATEGORIES

MODEL_FORMAT = 1
DEFAULT_MODEL_PATH = Path(__file__).resolve().parent / "models" / "default"
OTHER = "Other"

_TOKEN_RE = re.compile(r"[^\W_]+")
_DIGIT_RE = re.compile(r"\d")
_MIX = np.uint64(0x9E3779B97F4A7C15)
_POLY = np.uint64(1099511628211)
# Tokens longer than this (URLs, run-together strings) get no character n-grams.
_MAX_CHAR_TOKEN = 30
# Per-process token cache; bounded so a long-running worker cannot grow it without limit.
_TOKEN_CACHE_LIMIT = 300_000


@dataclass(frozen=True)
class ClauseContext:
    text: str
    heading: str = ""
    prev_text: str = ""
    next_text: str = ""


def _crc(s: str) -> int:
    return zlib.crc32(s.encode("utf-8"))


@dataclass(frozen=True)
class HashSpec:
    """Sizes of the hashed spaces and the char n-gram range (stored in the model JSON)."""

    word_bits: int = 18
    char_bits: int = 18
    head_bits: int = 14
    char_min: int = 3
    char_max: int = 5

    def to_json(self) -> dict[str, int]:
        return {
            "word_bits": self.word_bits,
            "char_bits": self.char_bits,
            "head_bits": self.head_bits,
            "char_min": self.char_min,
            "char_max": self.char_max,
        }


VIEWS = ("word", "char", "head")
TEXT_VIEWS = ("word", "char")


class _TokenTable:
    """Distinct tokens seen by this process, with their word hash and char n-gram hashes.

    Kept as flat arrays so a batch of token ids expands to n-gram hashes with numpy alone; the
    Python work per clause is one regex and one dict lookup per token.
    """

    def __init__(self, spec: HashSpec, char_lookup: np.ndarray | None = None) -> None:
        self.spec = spec
        # With a model loaded, char n-grams are stored as active column ids (unused n-grams
        # dropped once per token, not once per occurrence); before training, as hashed columns.
        self.char_lookup = char_lookup
        self.ids: dict[str, int] = {}
        self.word_hash = np.zeros(0, dtype=np.uint64)
        self.char_ptr = np.zeros(1, dtype=np.int64)
        self.char_col = np.zeros(0, dtype=np.int64)

    def _grams(self, tokens: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Char n-gram hashes of each token, grouped by token, and the count per token.

        N-grams are taken over the UTF-8 bytes of `` token `` (space-padded, so prefixes and
        suffixes are marked) and hashed with a polynomial hash, all tokens at once in numpy.
        """
        padded = [f" {t} ".encode() if len(t) <= _MAX_CHAR_TOKEN else b"" for t in tokens]
        lens = np.array([len(p) for p in padded], dtype=np.int64)
        buf = np.frombuffer(b"".join(padded), dtype=np.uint8).astype(np.uint64)
        owner = np.repeat(np.arange(len(tokens)), lens)
        pos = np.arange(len(buf)) - np.repeat(np.cumsum(lens) - lens, lens)
        owners, hashes = [], []
        for n in range(self.spec.char_min, self.spec.char_max + 1):
            m = len(buf) - n + 1
            if m <= 0:
                continue
            h = np.zeros(m, dtype=np.uint64)
            for k in range(n):
                h = h * _POLY + buf[k : k + m]
            h = (h + np.uint64(n)) * _MIX
            h ^= h >> np.uint64(29)
            fits = pos[:m] + n <= lens[owner[:m]]
            owners.append(owner[:m][fits])
            hashes.append(h[fits])
        own = np.concatenate(owners) if owners else np.zeros(0, dtype=np.int64)
        flat = np.concatenate(hashes) if hashes else np.zeros(0, dtype=np.uint64)
        order = np.argsort(own, kind="stable")
        return flat[order], np.bincount(own, minlength=len(tokens))

    def add(self, tokens: set[str]) -> None:
        new = sorted(t for t in tokens if t not in self.ids)
        if not new:
            return
        if len(self.ids) + len(new) > _TOKEN_CACHE_LIMIT:
            self.__init__(self.spec, self.char_lookup)  # type: ignore[misc]
            new = sorted(tokens)
        base = len(self.ids)
        for i, tok in enumerate(new):
            self.ids[tok] = base + i
        # Digits fold to "0" for the word view, so "30 days" and "90 days" share a bigram;
        # the char view keeps the real digits.
        words = np.array([_crc(_DIGIT_RE.sub("0", t)) for t in new], dtype=np.uint64)
        flat, lengths = self._grams(new)
        cols = (flat % np.uint64(1 << self.spec.char_bits)).astype(np.int64)
        if self.char_lookup is not None:
            cols = self.char_lookup[cols]
            keep = cols >= 0
            owner = np.repeat(np.arange(len(new)), lengths)[keep]
            cols = cols[keep]
            lengths = np.bincount(owner, minlength=len(new))
        self.word_hash = np.concatenate([self.word_hash, words])
        self.char_ptr = np.concatenate([self.char_ptr, self.char_ptr[-1] + np.cumsum(lengths)])
        self.char_col = np.concatenate([self.char_col, cols])

    def encode(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Token ids of all texts, concatenated, and the number of tokens per text."""
        token_lists = [_TOKEN_RE.findall(t.lower()) for t in texts]
        self.add(set(chain.from_iterable(token_lists)))
        lengths = np.fromiter(map(len, token_lists), dtype=np.int64, count=len(token_lists))
        ids = np.array(
            list(map(self.ids.__getitem__, chain.from_iterable(token_lists))), dtype=np.int64
        )
        return ids, lengths


class Featurizer:
    """Hashed counts per view and the TF-IDF transform restricted to the model's active features.

    ``active[view]`` holds the hashed column ids kept by training (sorted); ``idf[view]`` their
    IDF weights; ``view_weights[view]`` scales each L2-normalised view. Before training these are
    unknown, so :meth:`raw_counts` is usable on its own.
    """

    def __init__(
        self,
        spec: HashSpec,
        active: dict[str, np.ndarray] | None = None,
        idf: dict[str, np.ndarray] | None = None,
        view_weights: dict[str, float] | None = None,
    ) -> None:
        self.spec = spec
        self.sizes = {
            "word": 1 << spec.word_bits,
            "char": 1 << spec.char_bits,
            "head": 1 << spec.head_bits,
        }
        self.active = active or {}
        self.idf = idf or {}
        self.view_weights = view_weights or {v: 1.0 for v in VIEWS}
        self._lookup: dict[str, np.ndarray] = {}
        self._offsets: dict[str, int] = {}
        offset = 0
        for view in VIEWS:
            if view in self.active:
                lookup = np.full(self.sizes[view], -1, dtype=np.int64)
                lookup[self.active[view]] = np.arange(len(self.active[view]))
                self._lookup[view] = lookup
                self._offsets[view] = offset
                offset += len(self.active[view])
        self.n_active = offset
        self._tokens = _TokenTable(spec, self._lookup.get("char"))
        # The token table grows (and may reset) while encoding, and token ids index its arrays:
        # one thread at a time, since a loaded model is shared (``load_default`` is cached).
        self._lock = threading.Lock()

    def _hashed(
        self, encoded: tuple[np.ndarray, np.ndarray], view: str
    ) -> tuple[np.ndarray, np.ndarray]:
        """(row, column) pairs of encoded texts, duplicates not yet summed.

        Columns are hashed ids, except char columns once active features are known, which are
        already active ids (see ``_TokenTable``).
        """
        ids, lengths = encoded
        doc = np.repeat(np.arange(len(lengths)), lengths)
        mod = np.uint64(self.sizes[view])
        if view == "char":
            starts = self._tokens.char_ptr[ids]
            counts = self._tokens.char_ptr[ids + 1] - starts
            total = int(counts.sum())
            # Position k of token t's run maps to char_col[starts[t] + k].
            offsets = np.repeat(starts - np.cumsum(counts) + counts, counts) + np.arange(total)
            return np.repeat(doc, counts), self._tokens.char_col[offsets]
        h = self._tokens.word_hash[ids]
        uni = (h % mod).astype(np.int64)
        same = doc[:-1] == doc[1:]
        bi = (((h[:-1] * _MIX) ^ (h[1:] << np.uint64(7))) % mod).astype(np.int64)[same]
        return np.concatenate([doc, doc[:-1][same]]), np.concatenate([uni, bi])

    def raw_counts(self, texts: Sequence[str], headings: Sequence[str]) -> dict[str, sp.csr_matrix]:
        """Hashed term counts per view, one row per (text, heading) pair."""
        n = len(texts)
        out = {}
        for view in VIEWS:
            with self._lock:
                encoded = self._tokens.encode(headings if view == "head" else texts)
                rows, cols = self._hashed(encoded, view)
            out[view] = sp.csr_matrix(
                (np.ones(len(cols), dtype=np.float32), (rows, cols)), shape=(n, self.sizes[view])
            )
        return out

    def transform(self, texts: Sequence[str], headings: Sequence[str]) -> sp.csr_matrix:
        """Weighted TF-IDF rows over the active features (n x n_active), all views."""
        return self.transform_views(texts, TEXT_VIEWS) + self.transform_views(headings, ("head",))

    def transform_views(self, texts: Sequence[str], views: Sequence[str]) -> sp.csr_matrix:
        """Like :meth:`transform` but only ``views`` (all fed from ``texts``); other columns 0.

        Stage 1 is linear, so a clause's scores are the sum of its text-view and heading-view
        parts; computing them apart lets a clause and its neighbours share the text part.
        """
        n = len(texts)
        with self._lock:
            encoded = self._tokens.encode(texts)
            hashed = {view: self._hashed(encoded, view) for view in views}
        all_rows, all_cols, all_vals = [], [], []
        for view in views:
            rows, cols = hashed[view]
            if view != "char":
                cols = self._lookup[view][cols]
            keep = cols >= 0
            # Summing duplicates: one sort of (row, col) keys per view.
            width = len(self.active[view])
            key, counts = np.unique(rows[keep] * width + cols[keep], return_counts=True)
            rows, cols = key // width, key % width
            vals = (1.0 + np.log(counts)) * self.idf[view][cols]
            norms = np.sqrt(np.bincount(rows, weights=vals * vals, minlength=n))
            norms[norms == 0] = 1.0
            vals = vals / norms[rows] * self.view_weights.get(view, 1.0)
            all_rows.append(rows)
            all_cols.append(cols + self._offsets[view])
            all_vals.append(vals)
        rows = np.concatenate(all_rows)
        order = np.argsort(rows, kind="stable")
        cols = np.concatenate(all_cols)[order]
        vals = np.concatenate(all_vals).astype(np.float32)[order]
        indptr = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=n))])
        return sp.csr_matrix((vals, cols, indptr), shape=(n, self.n_active))


def shape_features(texts: Sequence[str], headings: Sequence[str]) -> np.ndarray:
    """Dense clause-shape features for stage 2: length, bareness, heading-likeness."""
    out = np.zeros((len(texts), 4), dtype=np.float32)
    for i, (text, heading) in enumerate(zip(texts, headings, strict=True)):
        n_tok = len(text.split())
        stripped = text.rstrip()
        out[i, 0] = math.log1p(n_tok) / 5.0
        out[i, 1] = 1.0 if n_tok <= 6 else 0.0
        out[i, 2] = 0.0 if stripped.endswith((".", ":", ";", "!", "?")) else 1.0
        out[i, 3] = 1.0 if not heading.strip() else 0.0
    return out


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -30.0, 30.0)))


def stage2_inputs(
    p_self: np.ndarray,
    p_prev: np.ndarray,
    p_next: np.ndarray,
    has_prev: np.ndarray,
    has_next: np.ndarray,
    shape: np.ndarray,
) -> np.ndarray:
    """Stage-2 design matrix; the column layout is part of the model format."""
    return np.hstack([p_self, p_prev, p_next, has_prev[:, None], has_next[:, None], shape]).astype(
        np.float32
    )


class ClauseClassifier:
    """A loaded two-stage model. Build it with :func:`load` or ``training.fit``."""

    def __init__(self, *, meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
        if meta.get("format") != MODEL_FORMAT:
            raise ValueError(f"Unsupported model format {meta.get('format')!r}")
        if tuple(meta["categories"]) != CATEGORIES:
            raise ValueError("Model categories differ from document.CATEGORIES")
        self.meta = meta
        self.version: str = meta["version"]
        self.thresholds: dict[str, float] = {c: float(meta["thresholds"][c]) for c in CATEGORIES}
        # Weights are stored as float16 to keep the artifact small; compute in float32. Callers
        # that build a model in memory pass the same float16 arrays, so a save/load round trip
        # gives identical probabilities.
        self.arrays = {k: np.asarray(v) for k, v in arrays.items()}
        self._w1 = self.arrays["w1"].astype(np.float32)
        self._b1 = self.arrays["b1"].astype(np.float32)
        self._w2 = self.arrays["w2"].astype(np.float32)
        self._b2 = self.arrays["b2"].astype(np.float32)
        spec = HashSpec(**meta["hash"])
        self.featurizer = Featurizer(
            spec,
            active={v: self.arrays[f"active_{v}"].astype(np.int64) for v in VIEWS},
            idf={v: self.arrays[f"idf_{v}"].astype(np.float64) for v in VIEWS},
            view_weights=meta["view_weights"],
        )

    # -- inference --------------------------------------------------------------------------

    def predict_proba(self, items: Sequence[ClauseContext]) -> np.ndarray:
        """Calibrated confidences, shape (n, 10), columns in ``CATEGORIES`` order."""
        n = len(items)
        if n == 0:
            return np.zeros((0, len(CATEGORIES)))
        # A document's clauses are each other's neighbours: score each distinct text once and
        # each distinct heading once, then add the parts (stage 1 is linear).
        texts: dict[str, int] = {}
        heads: dict[str, int] = {}
        self_idx = np.array([texts.setdefault(it.text, len(texts)) for it in items])
        prev_idx = np.array(
            [texts.setdefault(it.prev_text, len(texts)) if it.prev_text else -1 for it in items]
        )
        next_idx = np.array(
            [texts.setdefault(it.next_text, len(texts)) if it.next_text else -1 for it in items]
        )
        head_idx = np.array([heads.setdefault(it.heading, len(heads)) for it in items])
        s_text = np.asarray(self.featurizer.transform_views(list(texts), TEXT_VIEWS) @ self._w1)
        s_head = np.asarray(self.featurizer.transform_views(list(heads), ("head",)) @ self._w1)
        s_head = s_head[head_idx] + self._b1

        def p1(idx: np.ndarray) -> np.ndarray:
            out = _sigmoid(s_text[np.maximum(idx, 0)] + s_head)
            out[idx < 0] = 0.0
            return out

        z = stage2_inputs(
            p1(self_idx),
            p1(prev_idx),
            p1(next_idx),
            (prev_idx >= 0).astype(np.float32),
            (next_idx >= 0).astype(np.float32),
            shape_features([it.text for it in items], [it.heading for it in items]),
        )
        return _sigmoid(z @ self._w2 + self._b2).astype(np.float64)

    def labels_from_proba(self, proba: np.ndarray) -> list[dict[str, float]]:
        out: list[dict[str, float]] = []
        over = proba >= np.array([self.thresholds[c] for c in CATEGORIES])
        for row, mask in zip(proba, over, strict=True):
            if mask.any():
                out.append({CATEGORIES[j]: float(row[j]) for j in np.flatnonzero(mask)})
            else:
                j = int(np.argmax(row))
                out.append({CATEGORIES[j]: float(row[j])})
        return out

    def predict(self, items: Sequence[ClauseContext]) -> list[dict[str, float]]:
        """Per item, ``{label: confidence}`` for labels at or over their threshold.

        Never empty: with nothing over threshold the top label is returned alone; a clause with
        no word characters at all is "Other".
        """
        proba = self.predict_proba(items)
        out = self.labels_from_proba(proba)
        other = CATEGORIES.index(OTHER)
        for i, item in enumerate(items):
            if not _TOKEN_RE.search(item.text):
                out[i] = {OTHER: float(proba[i, other])}
        return out

    # -- persistence ------------------------------------------------------------------------

    def save(self, path: Path) -> None:
        """Write ``<stem>.npz`` and ``<stem>.json`` (``path`` may carry either suffix or none)."""
        npz_path, json_path = _model_paths(path)
        npz_path.parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(npz_path, **self.arrays)
        meta = {**self.meta, "thresholds": dict(self.thresholds)}
        json_path.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")


def _model_paths(path: Path) -> tuple[Path, Path]:
    path = Path(path)
    stem = path.with_suffix("") if path.suffix in (".npz", ".json") else path
    return stem.with_name(stem.name + ".npz"), stem.with_name(stem.name + ".json")


def artifact_digest(meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> str:
    """Content hash of a model (settings + arrays), used in the version string."""
    h = hashlib.sha256()
    stable = {k: v for k, v in meta.items() if k not in ("version", "summary", "thresholds")}
    h.update(json.dumps(stable, sort_keys=True).encode())
    h.update(json.dumps(meta.get("thresholds", {}), sort_keys=True).encode())
    for name in sorted(arrays):
        h.update(name.encode())
        h.update(np.ascontiguousarray(arrays[name]).tobytes())
    return h.hexdigest()


def load(path: Path) -> ClauseClassifier:
    """Load a model written by :meth:`ClauseClassifier.save` (no pickle)."""
    npz_path, json_path = _model_paths(path)
    meta = json.loads(json_path.read_text(encoding="utf-8"))
    with np.load(npz_path, allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files}
    return ClauseClassifier(meta=meta, arrays=arrays)


@functools.cache
def load_default() -> ClauseClassifier:
    return load(DEFAULT_MODEL_PATH)
