"""Inter-annotator agreement on multi-label clause annotation (pure: no Django, no database).

The data is a list of :class:`Unit` (one clause) holding, per annotator who judged it, the set
of labels they gave. For one label every judgement becomes a yes/no rating, so each label is a
binary rating task:

- **percent agreement**: the mean, over units with at least two ratings, of the share of
  agreeing annotator pairs (Fleiss' ``P-bar``);
- **Fleiss' kappa**: from its definition, generalised to a varying number of raters per unit
  (each unit's agreement is computed over its own raters; category shares over all ratings);
- **Krippendorff's alpha** (nominal): the ``krippendorff`` package, fed value counts per unit,
  which handles different annotators per document (OPP-115 has ten annotators, three per
  policy) without a sparse raters x units matrix;
- **Cohen's kappa** for annotator pairs: scikit-learn's ``cohen_kappa_score`` over the units
  both judged.

Chance-corrected coefficients are undefined when every rating has the same value (expected
disagreement is zero); they are ``None`` then, never a made-up 0 or 1.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations

import krippendorff
import numpy as np
from sklearn.metrics import cohen_kappa_score


@dataclass(frozen=True)
class Unit:
    """One rated item (a clause): ``ratings`` maps annotator -> the labels they gave."""

    key: int
    document: str
    ratings: Mapping[str, frozenset[str]] = field(default_factory=dict)


def _finite(value: float) -> float | None:
    return None if value is None or math.isnan(value) or math.isinf(value) else float(value)


# -- coefficients on count tables ------------------------------------------------------------


def percent_agreement(table: Sequence[Sequence[int]]) -> float | None:
    """Mean share of agreeing rater pairs per unit. ``table[i][j]`` = raters putting unit i in
    category j; units with fewer than two ratings are skipped."""
    shares = []
    for row in table:
        n = sum(row)
        if n < 2:
            continue
        shares.append(sum(c * (c - 1) for c in row) / (n * (n - 1)))
    return float(np.mean(shares)) if shares else None


def fleiss_kappa(table: Sequence[Sequence[int]]) -> float | None:
    """Fleiss' kappa from the units x categories count table.

    ``kappa = (P_bar - P_e) / (1 - P_e)`` with ``P_bar`` the mean per-unit pair agreement and
    ``P_e = sum_j p_j^2``, ``p_j`` the share of all ratings in category j. With the same number
    of raters on every unit this is exactly Fleiss (1971).
    """
    rows = [row for row in table if sum(row) >= 2]
    if not rows:
        return None
    p_bar = percent_agreement(rows)
    totals = np.sum(np.asarray(rows, dtype=float), axis=0)
    shares = totals / totals.sum()
    p_e = float(np.sum(shares**2))
    if p_e >= 1.0:
        return None
    return _finite((p_bar - p_e) / (1.0 - p_e))


def krippendorff_alpha(table: Sequence[Sequence[int]]) -> float | None:
    """Nominal Krippendorff's alpha from the same units x categories count table."""
    rows = [row for row in table if sum(row) >= 2]
    if not rows:
        return None
    counts = np.asarray(rows, dtype=float)
    if np.count_nonzero(counts.sum(axis=0)) < 2:
        return None  # a single value used: expected disagreement is zero
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        value = krippendorff.alpha(
            value_counts=counts,
            value_domain=list(range(counts.shape[1])),
            level_of_measurement="nominal",
        )
    return _finite(value)


def cohen_kappa(a: Sequence[int], b: Sequence[int]) -> float | None:
    """Cohen's kappa of two raters over the same units (scikit-learn)."""
    if len(a) != len(b):
        raise ValueError("Both raters must rate the same units.")
    if not a or len(set(a) | set(b)) < 2:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return _finite(cohen_kappa_score(a, b))


# -- multi-label campaign data -------------------------------------------------------------


def binary_table(units: Iterable[Unit], label: str) -> list[list[int]]:
    """Per unit, [no count, yes count] for one label."""
    table = []
    for unit in units:
        yes = sum(1 for labels in unit.ratings.values() if label in labels)
        table.append([len(unit.ratings) - yes, yes])
    return table


@dataclass(frozen=True)
class LabelAgreement:
    label: str
    fleiss_kappa: float | None
    krippendorff_alpha: float | None
    percent_agreement: float | None
    items: int  # units with at least two ratings
    positives: int  # yes ratings (label count)

    def as_json(self) -> dict:
        return {
            "fleiss_kappa": _round(self.fleiss_kappa),
            "krippendorff_alpha": _round(self.krippendorff_alpha),
            "percent_agreement": _round(self.percent_agreement),
            "items": self.items,
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def label_agreement(units: Sequence[Unit], label: str) -> LabelAgreement:
    table = binary_table(units, label)
    rated = [row for row in table if sum(row) >= 2]
    return LabelAgreement(
        label=label,
        fleiss_kappa=fleiss_kappa(rated),
        krippendorff_alpha=krippendorff_alpha(rated),
        percent_agreement=percent_agreement(rated),
        items=len(rated),
        positives=sum(row[1] for row in table),
    )


def by_label(units: Sequence[Unit], labels: Sequence[str]) -> dict[str, LabelAgreement]:
    return {label: label_agreement(units, label) for label in labels}


def overall(units: Sequence[Unit], labels: Sequence[str]) -> LabelAgreement:
    """All labels pooled: each (unit, label) is one binary item."""
    table = [row for label in labels for row in binary_table(units, label)]
    rated = [row for row in table if sum(row) >= 2]
    return LabelAgreement(
        label="(all labels)",
        fleiss_kappa=fleiss_kappa(rated),
        krippendorff_alpha=krippendorff_alpha(rated),
        percent_agreement=percent_agreement(rated),
        items=len(rated),
        positives=sum(row[1] for row in table),
    )


def by_document(
    units: Sequence[Unit], labels: Sequence[str]
) -> dict[str, dict[str, LabelAgreement]]:
    """document -> label -> agreement over that document's units."""
    grouped: dict[str, list[Unit]] = {}
    for unit in units:
        grouped.setdefault(unit.document, []).append(unit)
    return {doc: by_label(doc_units, labels) for doc, doc_units in grouped.items()}


@dataclass(frozen=True)
class PairAgreement:
    a: str
    b: str
    cohen_kappa: float | None  # pooled over all (unit, label) items both rated
    percent_agreement: float | None
    items: int  # shared units


def pairwise(units: Sequence[Unit], labels: Sequence[str]) -> list[PairAgreement]:
    """Cohen's kappa per annotator pair over the units both judged, every label a yes/no item."""
    annotators = sorted({a for unit in units for a in unit.ratings})
    out = []
    for a, b in combinations(annotators, 2):
        shared = [u for u in units if a in u.ratings and b in u.ratings]
        xs = [int(lab in u.ratings[a]) for u in shared for lab in labels]
        ys = [int(lab in u.ratings[b]) for u in shared for lab in labels]
        agree = sum(x == y for x, y in zip(xs, ys, strict=True))
        out.append(
            PairAgreement(
                a=a,
                b=b,
                cohen_kappa=cohen_kappa(xs, ys),
                percent_agreement=agree / len(xs) if xs else None,
                items=len(shared),
            )
        )
    return out


def label_counts(units: Sequence[Unit], labels: Sequence[str]) -> dict[str, dict[str, int]]:
    """annotator -> label -> how many units they gave that label."""
    counts: dict[str, dict[str, int]] = {}
    for unit in units:
        for annotator, given in unit.ratings.items():
            row = counts.setdefault(annotator, dict.fromkeys(labels, 0))
            for label in given:
                if label in row:
                    row[label] += 1
    return counts


def is_unanimous(unit: Unit) -> bool:
    """Every annotator of the unit gave the same label set (at least one annotator)."""
    sets = list(unit.ratings.values())
    return bool(sets) and all(s == sets[0] for s in sets)


def heat_class(value: float | None) -> str:
    """A CSS class bucket for heatmap cells: agreement bands after Landis & Koch."""
    if value is None:
        return "heat-na"
    for bound, name in (
        (0.8, "heat-5"),
        (0.6, "heat-4"),
        (0.4, "heat-3"),
        (0.2, "heat-2"),
        (0.0, "heat-1"),
    ):
        if value >= bound:
            return name
    return "heat-0"
