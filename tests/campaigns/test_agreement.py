"""Agreement coefficients against values computed by hand on small tables we built."""

from __future__ import annotations

import pytest

from reviews.campaigns import agreement
from reviews.campaigns.agreement import Unit

# Four units, three raters, two categories: two unanimous units, two split 2-1.
#   P_i = 1, 1, 1/3, 1/3 -> P_bar = 2/3; p = (6/12, 6/12) -> P_e = 1/2; kappa = 1/3.
#   Krippendorff: o00 = 4, o11 = 4, o01 = o10 = 2, n0 = n1 = 6, n = 12
#   alpha = 1 - (n - 1) * (o01 + o10) / (2 * n0 * n1) = 1 - 11 * 4 / 72 = 7/18.
TABLE = [[3, 0], [0, 3], [2, 1], [1, 2]]


def test_percent_agreement_by_hand():
    assert agreement.percent_agreement(TABLE) == pytest.approx(2 / 3)


def test_fleiss_kappa_by_hand():
    assert agreement.fleiss_kappa(TABLE) == pytest.approx(1 / 3)


def test_krippendorff_alpha_by_hand():
    assert agreement.krippendorff_alpha(TABLE) == pytest.approx(7 / 18)


def test_fleiss_three_categories_by_hand():
    # 3 units x 4 raters x 3 categories.
    #   unit 1: [4,0,0] P=1; unit 2: [2,2,0] P=(2+2)/12=1/3; unit 3: [0,1,3] P=(0+0+6)/12=1/2
    #   P_bar = (1 + 1/3 + 1/2) / 3 = 11/18; p = (6, 3, 3)/12 -> P_e = 1/4 + 1/16 + 1/16 = 3/8
    #   kappa = (11/18 - 3/8) / (5/8) = (44/72 - 27/72) / (45/72) = 17/45
    table = [[4, 0, 0], [2, 2, 0], [0, 1, 3]]
    assert agreement.fleiss_kappa(table) == pytest.approx(17 / 45)


def test_fleiss_varying_raters_uses_each_units_own_raters():
    # unit 1 has 2 raters agreeing (P=1), unit 2 has 3 raters split 2-1 (P=1/3).
    #   P_bar = 2/3; p = (2+2, 0+1)/5 -> P_e = 16/25 + 1/25 = 17/25; kappa = (2/3-17/25)/(8/25)
    table = [[2, 0], [2, 1]]
    expected = (2 / 3 - 17 / 25) / (8 / 25)
    assert agreement.fleiss_kappa(table) == pytest.approx(expected)


def test_units_with_one_rating_are_skipped():
    assert agreement.fleiss_kappa(TABLE + [[1, 0], [0, 1]]) == pytest.approx(1 / 3)
    assert agreement.percent_agreement([[1, 0]]) is None


def test_perfect_agreement_on_one_value_is_undefined_not_one():
    table = [[3, 0], [3, 0]]
    assert agreement.percent_agreement(table) == 1.0
    assert agreement.fleiss_kappa(table) is None
    assert agreement.krippendorff_alpha(table) is None


def test_perfect_agreement_with_both_values_is_one():
    table = [[3, 0], [0, 3]]
    assert agreement.fleiss_kappa(table) == pytest.approx(1.0)
    assert agreement.krippendorff_alpha(table) == pytest.approx(1.0)


def test_cohen_kappa_by_hand():
    # agree on 4 of 6: p_o = 2/3; each says yes 3 times: p_e = 1/2; kappa = 1/3.
    a = [1, 1, 0, 0, 1, 0]
    b = [1, 0, 0, 0, 1, 1]
    assert agreement.cohen_kappa(a, b) == pytest.approx(1 / 3)
    assert agreement.cohen_kappa([0, 0], [0, 0]) is None
    with pytest.raises(ValueError):
        agreement.cohen_kappa([1], [1, 0])


def _units():
    # Same data as TABLE for label "A"; label "B" given by "x" only on unit 1.
    return [
        Unit(1, "d1", {"x": frozenset({"A", "B"}), "y": frozenset({"A"}), "z": frozenset({"A"})}),
        Unit(2, "d1", {"x": frozenset(), "y": frozenset(), "z": frozenset()}),
        Unit(3, "d2", {"x": frozenset({"A"}), "y": frozenset({"A"}), "z": frozenset()}),
        Unit(4, "d2", {"x": frozenset({"A"}), "y": frozenset(), "z": frozenset()}),
    ]


def test_label_agreement_turns_label_sets_into_yes_no():
    result = agreement.label_agreement(_units(), "A")
    # Units as [no, yes]: [0,3], [3,0], [1,2], [2,1] -> the TABLE case.
    assert result.items == 4
    assert result.positives == 6
    assert result.fleiss_kappa == pytest.approx(1 / 3)
    assert result.krippendorff_alpha == pytest.approx(7 / 18)
    assert result.as_json() == {
        "fleiss_kappa": round(1 / 3, 4),
        "krippendorff_alpha": round(7 / 18, 4),
        "percent_agreement": round(2 / 3, 4),
        "items": 4,
    }


def test_by_document_and_counts():
    per_doc = agreement.by_document(_units(), ["A", "B"])
    assert set(per_doc) == {"d1", "d2"}
    assert per_doc["d1"]["A"].percent_agreement == 1.0
    assert per_doc["d2"]["A"].percent_agreement == pytest.approx(1 / 3)
    counts = agreement.label_counts(_units(), ["A", "B"])
    assert counts["x"] == {"A": 3, "B": 1}
    assert counts["z"] == {"A": 1, "B": 0}


def test_pairwise_cohen():
    pairs = {(p.a, p.b): p for p in agreement.pairwise(_units(), ["A"])}
    assert set(pairs) == {("x", "y"), ("x", "z"), ("y", "z")}
    # x = [1,0,1,1], y = [1,0,1,0]: p_o = 3/4; p_x(1) = 3/4, p_y(1) = 1/2
    #   p_e = 3/4*1/2 + 1/4*1/2 = 1/2 -> kappa = 1/2
    assert pairs[("x", "y")].cohen_kappa == pytest.approx(0.5)
    assert pairs[("x", "y")].percent_agreement == pytest.approx(0.75)
    assert pairs[("x", "y")].items == 4


def test_unanimous():
    units = _units()
    assert agreement.is_unanimous(units[1])
    assert not agreement.is_unanimous(units[0])
    assert not agreement.is_unanimous(Unit(9, "d", {}))
