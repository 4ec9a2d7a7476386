"""The Pass/Warning/Fail rubric and coverage per regulation."""

from reviews.catalogue import load_catalogue
from reviews.checks import Verdict
from reviews.rating import FAIL, PASS, WARNING, rate

CATALOGUE = load_catalogue()


def verdict(rid: str, status: str) -> Verdict:
    return Verdict(rid, rid.split("-")[0], status, 0.8, (), (), "")


def caloppa(**overrides: str) -> list[Verdict]:
    statuses = {s.id: "satisfied" for s in CATALOGUE if s.regulation == "caloppa"}
    statuses["caloppa-22575-b-7"] = "not_applicable"
    statuses.update({k.replace("_", "-"): v for k, v in overrides.items()})
    return [verdict(rid, st) for rid, st in statuses.items()]


def test_pass_and_full_coverage():
    rating = rate(caloppa(), CATALOGUE)
    assert rating.overall == PASS
    cov = rating.per_regulation["caloppa"]
    assert cov.coverage == 1.0 and cov.applicable == 7  # the alternative is not counted


def test_partial_counts_half_and_missing_warns():
    rating = rate(
        caloppa(**{"caloppa-22575-b-3": "partial", "caloppa-22575-b-4": "missing"}), CATALOGUE
    )
    cov = rating.per_regulation["caloppa"]
    assert cov.coverage == round((5 + 0.5) / 7, 3)
    assert set(cov.gaps) == {"caloppa-22575-b-3", "caloppa-22575-b-4"}
    assert rating.overall == WARNING and "caloppa-22575-b-4" in rating.reasons[0]


def test_only_partials_pass():
    rating = rate(caloppa(**{"caloppa-22575-b-3": "partial"}), CATALOGUE)
    assert rating.overall == PASS


def test_fail_without_collection_disclosure():
    rating = rate(caloppa(**{"caloppa-22575-b-1-categories": "missing"}), CATALOGUE)
    assert rating.overall == FAIL


def test_fail_without_any_contact():
    verdicts = [
        verdict("ccpa-contact-for-questions", "missing"),
        verdict("ccpa-categories-collected", "satisfied"),
    ]
    assert rate(verdicts, CATALOGUE).overall == FAIL
    verdicts[0] = verdict("ccpa-contact-for-questions", "partial")
    assert rate(verdicts, CATALOGUE).overall == PASS


def test_fail_when_children_data_sold():
    assert rate(caloppa(), CATALOGUE, sells_children_data=True).overall == FAIL


def test_missing_commitment_does_not_warn():
    verdicts = caloppa() + [verdict("sopipa-22584-b-2-no-profiling", "missing")]
    rating = rate(verdicts, CATALOGUE)
    assert rating.overall == PASS
    assert rating.per_regulation["sopipa"].coverage == 0.0


def test_explicit_has_contact_overrides_a_name_only_partial():
    verdicts = [verdict("gdpr-13-1-a", "partial"), verdict("gdpr-13-1-c-purposes", "satisfied")]
    assert rate(verdicts, CATALOGUE).overall != FAIL
    rating = rate(verdicts, CATALOGUE, has_contact=False)
    assert rating.overall == FAIL and "contact" in rating.reasons[0]
