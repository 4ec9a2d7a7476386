"""Training, data loading and evaluation for the clause classifier (pure: no Django, no DB).

Data sources:
- our authored corpus, ``policies/extraction/corpus/*.jsonl`` (the only data the shipped model
  may be trained on);
- OPP-115 (research-only licence) for evaluation, and for research models that are never
  committed. Its labels are majority labels as ``/work/shared/data/opp115/README.md`` defines.

The model layout is described in ``classify.py``; :func:`fit` builds it.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import json
import re
import time
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC

from policies.extraction.classify import (
    MODEL_FORMAT,
    VIEWS,
    ClauseClassifier,
    ClauseContext,
    Featurizer,
    HashSpec,
    _sigmoid,
    artifact_digest,
    shape_features,
    stage2_inputs,
)
from policies.extraction.document import CATEGORIES

CORPUS_DIR = Path(__file__).resolve().parent / "corpus"
N_CAT = len(CATEGORIES)


@dataclass(frozen=True)
class Example:
    """One labelled clause with its context.

    ``group`` identifies the clause (the held-out split hashes it); ``document`` names the policy
    it belongs to, and all clauses of one document fall in the same cross-validation fold.
    """

    text: str
    labels: tuple[str, ...]
    heading: str = ""
    prev_text: str = ""
    next_text: str = ""
    group: str = ""
    document: str = ""
    weight: float = 1.0

    def context(self) -> ClauseContext:
        return ClauseContext(self.text, self.heading, self.prev_text, self.next_text)


@dataclass(frozen=True)
class TrainParams:
    spec: HashSpec = field(default_factory=HashSpec)
    min_df: tuple[tuple[str, int], ...] = (("word", 2), ("char", 2), ("head", 1))
    view_weights: tuple[tuple[str, float], ...] = (("word", 1.0), ("char", 1.0), ("head", 0.5))
    lr_c: float = 8.0
    svm_c: float = 0.5
    stack_c: float = 1.0
    models: tuple[str, ...] = ("lr", "svm", "nb")
    folds: int = 5
    seed: int = 20261122

    def to_json(self) -> dict[str, Any]:
        return {
            "min_df": dict(self.min_df),
            "view_weights": dict(self.view_weights),
            "lr_c": self.lr_c,
            "svm_c": self.svm_c,
            "stack_c": self.stack_c,
            "models": list(self.models),
            "folds": self.folds,
            "seed": self.seed,
        }


# -- authored corpus ------------------------------------------------------------------------


def load_corpus(directory: Path = CORPUS_DIR) -> tuple[list[Example], list[str]]:
    """All ``*.jsonl`` rows under ``directory`` as examples, plus a list of skipped-row problems.

    Malformed rows are skipped (and reported) rather than fatal, because the corpus files are
    written by several people and a half-written line must not block training.

    Writers mostly write whole policies top to bottom, so consecutive rows of one file with the
    same ``domain`` and ``style`` tags are taken as one document (kept in one CV fold). Rows get
    no ``prev_text``/``next_text``: context learned from authored documents made the model worse
    on real policies (OPP-115 val micro-F1 0.69 with it, 0.72 without), so the shipped model
    ignores neighbours.
    """
    examples: list[Example] = []
    problems: list[str] = []
    for path in sorted(Path(directory).glob("*.jsonl")):
        rows: list[tuple[Example, tuple[str, str]]] = []
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            where = f"{path.name}:{lineno}"
            try:
                row = json.loads(line)
                text = str(row["text"]).strip()
                labels = tuple(dict.fromkeys(row["labels"]))
                tags = (str(row.get("domain", "")), str(row.get("style", "")))
            except (ValueError, KeyError, TypeError, AttributeError) as exc:
                problems.append(f"{where}: {exc}")
                continue
            bad = [lab for lab in labels if lab not in CATEGORIES]
            if bad or not labels or not text:
                problems.append(f"{where}: bad labels {bad or labels!r} or empty text")
                continue
            example = Example(
                text=text,
                labels=labels,
                heading=str(row.get("heading") or "").strip(),
                group=str(row.get("id") or where),
            )
            rows.append((example, tags))
        doc = 0
        for i, (example, tags) in enumerate(rows):
            if i and tags != rows[i - 1][1]:
                doc += 1
            examples.append(replace(example, document=f"{path.stem}#{doc}"))
    return examples, problems


def holdout_split(
    examples: Sequence[Example], fraction: float = 0.15
) -> tuple[list[Example], list[Example]]:
    """Deterministic train/held-out split by a hash of the example id (stable as files grow)."""
    train, held = [], []
    for ex in examples:
        bucket = zlib.crc32(ex.group.encode("utf-8")) % 1000
        (held if bucket < fraction * 1000 else train).append(ex)
    return train, held


# -- OPP-115 ----------------------------------------------------------------------------------

_TAG_RE = re.compile(r"<[^>]*>")
_LEAD_STRONG_RE = re.compile(r"^\s*<strong>(.*?)</strong>", re.S | re.I)
_LEAD_LINE_RE = re.compile(r"^\s*([^<]{1,150}?)\s*<br\s*/?>", re.I)


def _clean(fragment: str) -> str:
    return " ".join(html.unescape(_TAG_RE.sub(" ", fragment)).split())


def opp115_segment(raw: str) -> tuple[str, str]:
    """(text, heading) of one ``|||`` segment of a sanitized policy.

    Text: tags stripped, entities decoded, whitespace normalised. Heading: a leading
    ``<strong>`` run, or a short unpunctuated first line ended by ``<br>``; "" otherwise.
    """
    text = _clean(raw)
    heading = ""
    match = _LEAD_STRONG_RE.match(raw) or _LEAD_LINE_RE.match(raw)
    if match:
        candidate = _clean(match.group(1))
        words = candidate.split()
        if (
            0 < len(words) <= 15
            and not candidate.endswith((".", ",", ";"))
            and len(candidate) < len(text)
        ):
            heading = candidate
    return text, heading


def majority_labels(
    rows: Iterable[tuple[str, int, str]], min_votes: int = 2
) -> dict[int, set[str]]:
    """Segment id -> categories given by at least ``min_votes`` distinct annotators.

    ``rows`` are (annotator, segment id, category) per data practice; an annotator counts once
    per category per segment however many practices they created.
    """
    voters: dict[tuple[int, str], set[str]] = {}
    for annotator, segment, category in rows:
        voters.setdefault((segment, category), set()).add(annotator)
    out: dict[int, set[str]] = {}
    for (segment, category), who in voters.items():
        if len(who) >= min_votes:
            out.setdefault(segment, set()).add(category)
    return out


def _annotation_rows(path: Path) -> list[tuple[str, int, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return [(r[2], int(r[4]), r[5]) for r in csv.reader(fh) if len(r) >= 6]


def opp115_policies(root: Path, split: str) -> list[str]:
    with (Path(root) / "split.csv").open(newline="", encoding="utf-8") as fh:
        return sorted(r["policy"] for r in csv.DictReader(fh) if r["split"] == split)


def load_opp115(root: Path, split: str) -> list[Example]:
    """Majority-labelled segments of one split (``train``/``val``/``test``) of ``split.csv``.

    Segments with an empty majority set are dropped; neighbours (``prev_text``/``next_text``)
    are the adjacent segments of the same policy, dropped or not.
    """
    root = Path(root)
    examples: list[Example] = []
    for policy in opp115_policies(root, split):
        raw = (root / "sanitized_policies" / f"{policy}.html").read_text(encoding="utf-8")
        segments = [opp115_segment(s) for s in raw.split("|||")]
        labels = majority_labels(_annotation_rows(root / "annotations" / f"{policy}.csv"))
        for i, (text, heading) in enumerate(segments):
            cats = labels.get(i)
            if not cats:
                continue
            examples.append(
                Example(
                    text=text,
                    labels=tuple(c for c in CATEGORIES if c in cats),
                    heading=heading,
                    prev_text=segments[i - 1][0] if i > 0 else "",
                    next_text=segments[i + 1][0] if i + 1 < len(segments) else "",
                    group=f"{policy}#{i}",
                    document=policy,
                )
            )
    return examples


# -- fitting ------------------------------------------------------------------------------------


def label_matrix(examples: Sequence[Example]) -> np.ndarray:
    y = np.zeros((len(examples), N_CAT), dtype=np.int8)
    for i, ex in enumerate(examples):
        for lab in ex.labels:
            y[i, CATEGORIES.index(lab)] = 1
    return y


class _Keys:
    """Distinct (text, heading) rows for examples and their neighbours."""

    def __init__(self, examples: Sequence[Example]) -> None:
        index: dict[tuple[str, str], int] = {}

        def key(text: str, heading: str) -> int:
            return index.setdefault((text, heading), len(index))

        self.self_idx = np.array([key(e.text, e.heading) for e in examples], dtype=np.int64)
        self.prev_idx = np.array(
            [key(e.prev_text, e.heading) if e.prev_text else -1 for e in examples], dtype=np.int64
        )
        self.next_idx = np.array(
            [key(e.next_text, e.heading) if e.next_text else -1 for e in examples], dtype=np.int64
        )
        self.texts = [k[0] for k in index]
        self.headings = [k[1] for k in index]


def _fit_stage1(
    x: sp.csr_matrix, y: np.ndarray, params: TrainParams, weight: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Per scorer kind in ``params.models`` and category, a linear scorer over ``x``.

    Returns W (d x k*10) and b (k*10), scorer-major: columns ``i*10 + j`` are scorer ``i`` for
    category ``j``.
    """
    d = x.shape[1]
    k = len(params.models)
    w = np.zeros((d, k * N_CAT), dtype=np.float64)
    b = np.zeros(k * N_CAT, dtype=np.float64)
    for j in range(N_CAT):
        yj = y[:, j]
        if yj.min() == yj.max():
            # No contrast in this fold: a constant, confident score.
            b[j::N_CAT] = 6.0 if yj[0] else -6.0
            continue
        for i, kind in enumerate(params.models):
            col = i * N_CAT + j
            w[:, col], b[col] = _fit_scorer(kind, x, yj, params, weight)
    return w, b


def _fit_scorer(
    kind: str, x: sp.csr_matrix, yj: np.ndarray, params: TrainParams, weight: np.ndarray | None
) -> tuple[np.ndarray, float]:
    if kind == "lr":
        lr = LogisticRegression(C=params.lr_c, solver="liblinear", max_iter=1000)
        lr.fit(x, yj, sample_weight=weight)
        return lr.coef_[0], float(lr.intercept_[0])
    if kind == "svm":
        svm = LinearSVC(
            C=params.svm_c, loss="squared_hinge", dual=True, max_iter=5000, random_state=params.seed
        )
        svm.fit(x, yj, sample_weight=weight)
        # Margins scaled so their sigmoid spans a probability-like range for stage 2.
        return 2.0 * svm.coef_[0], 2.0 * float(svm.intercept_[0])
    if kind == "nb":
        # Multinomial naive Bayes log-odds on the TF-IDF weights (smoothed), scaled down:
        # a differently-biased scorer that the stacker can weigh against the two above.
        sw = np.ones(len(yj)) if weight is None else weight
        pos = np.asarray(x.T @ (sw * (yj == 1))).ravel() + 0.1
        neg = np.asarray(x.T @ (sw * (yj == 0))).ravel() + 0.1
        coef = np.log(pos / pos.sum()) - np.log(neg / neg.sum())
        prior = np.log(sw[yj == 1].sum() / sw[yj == 0].sum())
        return 0.2 * coef, 0.2 * prior
    raise ValueError(f"Unknown scorer kind {kind!r}")


def _folds(groups: Sequence[str], k: int, seed: int) -> np.ndarray:
    unique = sorted(set(groups))
    order = np.random.default_rng(seed).permutation(len(unique))
    fold_of = {unique[i]: pos % k for pos, i in enumerate(order)}
    return np.array([fold_of[g] for g in groups])


def choose_thresholds(proba: np.ndarray, y: np.ndarray) -> dict[str, float]:
    """Per category, the threshold that maximises F1 on held-out data, kept near 0.5.

    The held-out set is a few hundred authored clauses, cleaner than real policies, so its
    F1 curve is flat and noisy: we search only 0.30-0.70 (step 0.02) and prefer the threshold
    nearest 0.5 unless another beats it by more than 0.01 F1. (On OPP-115 val, thresholds as
    low as 0.1 picked on the authored held-out set cost about 3 points of micro-F1.) Categories
    with no positives keep 0.5.
    """
    grid = np.round(np.arange(0.30, 0.7001, 0.02), 2)
    out: dict[str, float] = {}
    for j, cat in enumerate(CATEGORIES):
        yj = y[:, j].astype(bool)
        if not yj.any():
            out[cat] = 0.5
            continue
        best, best_t = -1.0, 0.5
        for t in sorted(grid, key=lambda t: abs(t - 0.5)):
            pred = proba[:, j] >= t
            f1 = 2 * np.sum(pred & yj) / (pred.sum() + yj.sum())
            if f1 > best + 0.01:
                best, best_t = f1, float(t)
        out[cat] = best_t
    return out


def fit(
    train: Sequence[Example],
    val: Sequence[Example] = (),
    *,
    params: TrainParams | None = None,
    name: str = "authored",
    date: dt.date | None = None,
    summary: dict[str, Any] | None = None,
) -> ClauseClassifier:
    """Train the two-stage model on ``train``; choose thresholds on ``val`` (0.5 when empty).

    Deterministic for the same inputs and params (fixed fold assignment and solver seeds).
    """
    params = params or TrainParams()
    min_df = dict(params.min_df)
    y = label_matrix(train)
    weight = np.array([e.weight for e in train], dtype=np.float64)
    keys = _Keys(train)

    # Vocabulary and IDF from the training clauses themselves (not neighbours).
    base = Featurizer(params.spec)
    own = sorted(set(keys.self_idx.tolist()))
    raw = base.raw_counts([keys.texts[i] for i in own], [keys.headings[i] for i in own])
    active, idf = {}, {}
    n_docs = len(own)
    for view in VIEWS:
        df = np.bincount(raw[view].indices, minlength=raw[view].shape[1])
        cols = np.flatnonzero(df >= min_df[view])
        active[view] = cols.astype(np.int32)
        idf[view] = (np.log((1.0 + n_docs) / (1.0 + df[cols])) + 1.0).astype(np.float16)
    featurizer = Featurizer(
        params.spec,
        active={v: active[v].astype(np.int64) for v in VIEWS},
        idf={v: idf[v].astype(np.float64) for v in VIEWS},
        view_weights=dict(params.view_weights),
    )
    x_keys = featurizer.transform(keys.texts, keys.headings)
    x_train = x_keys[keys.self_idx]

    # Out-of-fold stage-1 outputs (for the clause and its neighbours) to fit stage 2.
    fold = _folds([e.document or e.group for e in train], params.folds, params.seed)
    p1_self = np.zeros((len(train), len(params.models) * N_CAT))
    p1_prev = np.zeros_like(p1_self)
    p1_next = np.zeros_like(p1_self)
    for k in range(params.folds):
        held = fold == k
        if not held.any() or held.all():
            continue
        w, b = _fit_stage1(x_train[~held], y[~held], params, weight[~held])
        for idx, out in (
            (keys.self_idx, p1_self),
            (keys.prev_idx, p1_prev),
            (keys.next_idx, p1_next),
        ):
            rows = idx[held]
            ok = rows >= 0
            scores = np.asarray(x_keys[rows[ok]] @ w) + b
            block = np.zeros((len(rows), len(params.models) * N_CAT))
            block[ok] = _sigmoid(scores)
            out[held] = block
    z = stage2_inputs(
        p1_self,
        p1_prev,
        p1_next,
        (keys.prev_idx >= 0).astype(np.float32),
        (keys.next_idx >= 0).astype(np.float32),
        shape_features([e.text for e in train], [e.heading for e in train]),
    )
    w2 = np.zeros((z.shape[1], N_CAT), dtype=np.float32)
    b2 = np.zeros(N_CAT, dtype=np.float32)
    for j in range(N_CAT):
        yj = y[:, j]
        if yj.min() == yj.max():
            b2[j] = 6.0 if yj[0] else -6.0
            continue
        stacker = LogisticRegression(C=params.stack_c, solver="lbfgs", max_iter=2000)
        stacker.fit(z, yj, sample_weight=weight)
        w2[:, j], b2[j] = stacker.coef_[0], stacker.intercept_[0]

    w1, b1 = _fit_stage1(x_train, y, params, weight)
    arrays: dict[str, np.ndarray] = {
        "w1": w1.astype(np.float16),
        "b1": b1.astype(np.float32),
        "w2": w2,
        "b2": b2,
    }
    for view in VIEWS:
        arrays[f"active_{view}"] = active[view]
        arrays[f"idf_{view}"] = idf[view]
    meta: dict[str, Any] = {
        "format": MODEL_FORMAT,
        "categories": list(CATEGORIES),
        "hash": params.spec.to_json(),
        "view_weights": dict(params.view_weights),
        "params": params.to_json(),
        "thresholds": {c: 0.5 for c in CATEGORIES},
        "version": "",
        "summary": {},
    }
    model = ClauseClassifier(meta=meta, arrays=arrays)
    if val:
        meta["thresholds"] = choose_thresholds(
            model.predict_proba([e.context() for e in val]), label_matrix(val)
        )
    digest = artifact_digest(meta, arrays)
    meta["version"] = f"{name}-{(date or dt.date.today()).isoformat()}-{digest[:8]}"
    meta["summary"] = {
        "train_examples": len(train),
        "val_examples": len(val),
        "train_label_counts": {c: int(n) for c, n in zip(CATEGORIES, y.sum(axis=0), strict=True)},
        "active_features": {v: int(len(active[v])) for v in VIEWS},
        **(summary or {}),
    }
    return ClauseClassifier(meta=meta, arrays=arrays)


# -- evaluation ---------------------------------------------------------------------------------


def scores(y_true: np.ndarray, y_pred: np.ndarray) -> dict[str, Any]:
    """Per-category precision/recall/F1/support plus micro and macro F1."""
    per: dict[str, dict[str, float]] = {}
    tp_all = fp_all = fn_all = 0
    f1s = []
    for j, cat in enumerate(CATEGORIES):
        t, p = y_true[:, j].astype(bool), y_pred[:, j].astype(bool)
        tp, fp, fn = int(np.sum(t & p)), int(np.sum(~t & p)), int(np.sum(t & ~p))
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        per[cat] = {
            "precision": round(prec, 4),
            "recall": round(rec, 4),
            "f1": round(f1, 4),
            "support": int(t.sum()),
        }
        f1s.append(f1)
        tp_all, fp_all, fn_all = tp_all + tp, fp_all + fp, fn_all + fn
    micro = 2 * tp_all / (2 * tp_all + fp_all + fn_all) if tp_all else 0.0
    return {
        "micro_f1": round(micro, 4),
        "macro_f1": round(float(np.mean(f1s)), 4),
        "per_category": per,
    }


def evaluate(model: ClauseClassifier, examples: Sequence[Example], split: str) -> dict[str, Any]:
    """Score ``model.predict`` on ``examples``; also times it (clauses per CPU second, one call)."""
    contexts = [e.context() for e in examples]
    # Throughput is CPU time of this thread, not wall time, so the figure is per core and does
    # not depend on what else the (shared) machine runs; callers limit BLAS to one thread. One
    # call over a few hundred clauses takes ~0.1 s, too short to time reliably, so the first
    # (cold-cache) call is followed by repeats until 1 s of CPU has been spent.
    start = time.thread_time()
    predicted = model.predict(contexts)
    calls = 1
    while time.thread_time() - start < 1.0 and calls < 50 and contexts:
        model.predict(contexts)
        calls += 1
    elapsed = time.thread_time() - start
    y_pred = np.zeros((len(examples), N_CAT), dtype=np.int8)
    for i, labels in enumerate(predicted):
        for lab in labels:
            y_pred[i, CATEGORIES.index(lab)] = 1
    result = scores(label_matrix(examples), y_pred)
    return {
        "model": model.version,
        "split": split,
        "segments": len(examples),
        "micro_f1": result["micro_f1"],
        "macro_f1": result["macro_f1"],
        "clauses_per_second": round(calls * len(examples) / elapsed, 1) if elapsed > 0 else None,
        "per_category": result["per_category"],
    }
