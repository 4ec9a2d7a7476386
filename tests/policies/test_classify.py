"""The shipped clause classifier: API contract, persistence and a few clear-cut clauses."""

from __future__ import annotations

import numpy as np
import pytest

from policies.extraction import classify
from policies.extraction.classify import ClauseContext
from policies.extraction.document import CATEGORIES

# Hand-written for these tests (not taken from any corpus): one clear case per category.
CLEAR_CASES = [
    (
        "When you create an account at Wobblecart we ask for your name, e-mail address and "
        "shipping address, and we use them to fulfil your orders and send you receipts.",
        "Information We Collect",
        "First Party Collection/Use",
    ),
    (
        "We share your order details with our delivery partners and payment processors so they "
        "can ship your parcel and charge your card; they may not use it for anything else.",
        "Sharing With Others",
        "Third Party Sharing/Collection",
    ),
    (
        "To stop receiving promotional e-mails from us, click the unsubscribe link at the bottom "
        "of any newsletter or change your preferences in your profile.",
        "Your Choices",
        "User Choice/Control",
    ),
    (
        "You can view, correct or update your profile information at any time by signing in and "
        "opening the Account page, and you may ask us to delete your account.",
        "Accessing Your Information",
        "User Access, Edit and Deletion",
    ),
    (
        "We keep server logs for 90 days and delete inactive accounts after two years.",
        "How Long We Keep Information",
        "Data Retention",
    ),
    (
        "We protect your information with TLS encryption in transit, encryption at rest and "
        "strict access controls, although no system can be guaranteed to be completely secure.",
        "Security",
        "Data Security",
    ),
    (
        "We may revise this privacy notice from time to time; the new version will be posted on "
        "this page with a new effective date, and we will e-mail you about material changes.",
        "Changes to This Notice",
        "Policy Change",
    ),
    (
        "Our website does not respond to Do Not Track signals sent by web browsers.",
        "Do Not Track",
        "Do Not Track",
    ),
    (
        "Our service is not directed to children under 13 and we do not knowingly collect "
        "personal information from them; parents who believe their child signed up should "
        "contact us.",
        "Children",
        "International and Specific Audiences",
    ),
    (
        "If you have any questions about this policy, please write to Wobblecart Ltd, 12 Sample "
        "Lane, Springfield, or e-mail privacy@wobblecart.example.com.",
        "Contact Us",
        "Other",
    ),
]


@pytest.fixture(scope="module")
def model() -> classify.ClauseClassifier:
    if not classify._model_paths(classify.DEFAULT_MODEL_PATH)[0].is_file():
        pytest.fail("The default model artifact is missing; run `manage.py train_classifier`.")
    return classify.load_default()


def test_default_model_loads_and_is_cached(model):
    assert classify.load_default() is model
    assert model.version.startswith("authored-")
    assert set(model.thresholds) == set(CATEGORIES)
    assert all(0.0 < t < 1.0 for t in model.thresholds.values())


def test_default_artifact_is_small():
    npz, meta = classify._model_paths(classify.DEFAULT_MODEL_PATH)
    assert npz.stat().st_size + meta.stat().st_size < 5 * 1024 * 1024


@pytest.mark.parametrize(("text", "heading", "expected"), CLEAR_CASES)
def test_clear_cases_get_their_label(model, text, heading, expected):
    (labels,) = model.predict([ClauseContext(text=text, heading=heading)])
    assert expected in labels
    # The expected label is also the most confident one.
    proba = model.predict_proba([ClauseContext(text=text, heading=heading)])[0]
    assert CATEGORIES[int(np.argmax(proba))] == expected


def test_proba_shape_order_and_range(model):
    items = [ClauseContext(text=t, heading=h) for t, h, _ in CLEAR_CASES]
    proba = model.predict_proba(items)
    assert proba.shape == (len(items), len(CATEGORIES))
    assert np.all((proba >= 0) & (proba <= 1))
    # Column j is CATEGORIES[j]: the diagonal of the clear cases is each row's maximum.
    assert [int(np.argmax(row)) for row in proba] == list(range(len(CATEGORIES)))
    assert model.predict_proba([]).shape == (0, len(CATEGORIES))


def test_predict_uses_thresholds_and_is_never_empty(model):
    items = [ClauseContext(text=t, heading=h) for t, h, _ in CLEAR_CASES]
    items.append(ClauseContext(text="Lorem ipsum zork quibble."))
    proba = model.predict_proba(items)
    predicted = model.predict(items)
    for row, labels in zip(proba, predicted, strict=True):
        assert labels
        over = {c for j, c in enumerate(CATEGORIES) if row[j] >= model.thresholds[c]}
        if over:
            assert set(labels) == over
        else:
            assert list(labels) == [CATEGORIES[int(np.argmax(row))]]
        for label, conf in labels.items():
            assert conf == pytest.approx(row[CATEGORIES.index(label)])


def test_text_without_words_is_other(model):
    assert list(model.predict([ClauseContext(text="  --- * ---  ")])[0]) == ["Other"]


def test_thresholds_change_predictions(model, tmp_path):
    item = [ClauseContext(text=CLEAR_CASES[0][0], heading=CLEAR_CASES[0][1])]
    model.save(tmp_path / "m")
    strict = classify.load(tmp_path / "m")
    strict.thresholds = {c: 1.0 for c in CATEGORIES}
    assert len(strict.predict(item)[0]) == 1
    lenient = classify.load(tmp_path / "m")
    lenient.thresholds = {c: 0.0 for c in CATEGORIES}
    assert len(lenient.predict(item)[0]) == len(CATEGORIES)
    # Changed thresholds are saved with the model.
    lenient.save(tmp_path / "lenient")
    assert classify.load(tmp_path / "lenient").thresholds == lenient.thresholds


def test_save_load_round_trip_is_identical(model, tmp_path):
    model.save(tmp_path / "copy.npz")
    assert (tmp_path / "copy.npz").is_file() and (tmp_path / "copy.json").is_file()
    again = classify.load(tmp_path / "copy")
    items = [
        ClauseContext(text=t, heading=h, prev_text="Previous clause here.", next_text=h)
        for t, h, _ in CLEAR_CASES
    ]
    assert again.version == model.version
    assert again.thresholds == model.thresholds
    np.testing.assert_array_equal(again.predict_proba(items), model.predict_proba(items))


def test_artifact_holds_no_pickles():
    npz, _ = classify._model_paths(classify.DEFAULT_MODEL_PATH)
    with np.load(npz, allow_pickle=False) as data:
        assert all(data[k].dtype != object for k in data.files)


def test_context_changes_nothing_when_absent_but_is_accepted(model):
    bare = ClauseContext(text=CLEAR_CASES[1][0], heading=CLEAR_CASES[1][1])
    with_ctx = ClauseContext(
        text=bare.text, heading=bare.heading, prev_text=CLEAR_CASES[0][0], next_text=""
    )
    a, b = model.predict_proba([bare, with_ctx])
    assert a.shape == b.shape == (len(CATEGORIES),)
    # The same clause twice in one batch gets the same scores (text features are shared).
    again = model.predict_proba([bare, bare])
    np.testing.assert_allclose(again[0], again[1])


def test_concurrent_predictions_match_sequential(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    classify.load_default().save(tmp_path / "m")
    fresh = classify.load(tmp_path / "m")  # empty token cache: every thread adds tokens
    batches = [
        [
            ClauseContext(text=f"{t} Variant {i} word{i}x{j}.", heading=h)
            for j, (t, h, _) in enumerate(CLEAR_CASES)
        ]
        for i in range(8)
    ]
    with ThreadPoolExecutor(max_workers=4) as pool:
        parallel = list(pool.map(fresh.predict_proba, batches))
    sequential = [classify.load(tmp_path / "m").predict_proba(b) for b in batches]
    for a, b in zip(parallel, sequential, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-6)
