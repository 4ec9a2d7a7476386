"""Which clause classifier the pipeline uses: the promoted registry model, else the shipped one.

Loaded models are cached per version in the process, so a worker loads each model once.
"""

from __future__ import annotations

import io
import threading

import numpy as np

from policies.extraction import classify
from policies.models import ClassifierModel

_cache: dict[str, classify.ClauseClassifier] = {}
_lock = threading.Lock()


def from_registry(model: ClassifierModel) -> classify.ClauseClassifier:
    with _lock:
        if model.version not in _cache:
            with np.load(io.BytesIO(bytes(model.arrays)), allow_pickle=False) as data:
                arrays = {k: data[k] for k in data.files}
            _cache[model.version] = classify.ClauseClassifier(meta=model.meta, arrays=arrays)
        return _cache[model.version]


def active() -> classify.ClauseClassifier:
    """The classifier for new runs (one indexed query to see which is promoted)."""
    promoted = ClassifierModel.objects.promoted().only("version").first()
    if promoted is None:
        return classify.load_default()
    if promoted.version in _cache:
        return _cache[promoted.version]
    return from_registry(ClassifierModel.objects.get(pk=promoted.pk))


def to_npz_bytes(classifier: classify.ClauseClassifier) -> bytes:
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **classifier.arrays)
    return buffer.getvalue()
