"""Active learning: order unlabelled clauses by how unsure the classifier is (pure).

Uncertainty of one category is how close its probability sits to the category's decision
threshold, scaled to 0..1 (1 = exactly on the threshold, 0 = as far as it can be). A clause's
uncertainty is that of its least certain category: one doubtful label is enough for a person's
answer to teach the model something.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from policies.extraction.classify import ClauseContext
from policies.extraction.document import CATEGORIES


class Classifier(Protocol):
    thresholds: Mapping[str, float]

    def predict_proba(self, items: Sequence[ClauseContext]) -> np.ndarray: ...


@dataclass(frozen=True)
class Candidate:
    key: int
    text: str
    heading: str = ""
    document: str = ""
    document_id: int = 0


@dataclass(frozen=True)
class Ranked:
    candidate: Candidate
    uncertainty: float
    category: str  # the least certain category
    probability: float  # its probability


def uncertainty(proba: np.ndarray, thresholds: Sequence[float]) -> np.ndarray:
    """Per row and category, 1 - |p - t| / max(t, 1 - t): 1 on the threshold, 0 at 0 or 1."""
    t = np.asarray(thresholds, dtype=float)[None, :]
    return 1.0 - np.abs(proba - t) / np.maximum(t, 1.0 - t)


def rank(candidates: Sequence[Candidate], model: Classifier, limit: int = 50) -> list[Ranked]:
    """The ``limit`` most uncertain candidates, most uncertain first (ties: input order)."""
    if not candidates:
        return []
    contexts = [ClauseContext(c.text, c.heading) for c in candidates]
    proba = np.asarray(model.predict_proba(contexts), dtype=float)
    thresholds = [float(model.thresholds.get(cat, 0.5)) for cat in CATEGORIES]
    scores = uncertainty(proba, thresholds)
    worst = scores.argmax(axis=1)
    best = scores.max(axis=1)
    order = sorted(range(len(candidates)), key=lambda i: (-best[i], i))[:limit]
    return [
        Ranked(
            candidate=candidates[i],
            uncertainty=round(float(best[i]), 4),
            category=CATEGORIES[worst[i]],
            probability=round(float(proba[i, worst[i]]), 4),
        )
        for i in order
    ]
