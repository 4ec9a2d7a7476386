"""Training, the OPP-115 loader (on a synthetic mini-corpus) and the management commands."""

from __future__ import annotations

import csv
import json
from io import StringIO
from pathlib import Path

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from policies.extraction import classify, training
from policies.extraction.classify import ClauseContext
from policies.extraction.document import CATEGORIES

OPP115 = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "opp115"

# A tiny hand-written corpus: a few clauses per category, varied enough to be separable.
_TINY = {
    "First Party Collection/Use": [
        "We collect your name and e-mail address when you register.",
        "Our servers log your IP address and browser type.",
        "We use your purchase history to recommend products.",
    ],
    "Third Party Sharing/Collection": [
        "We share your details with shipping partners.",
        "Advertisers may place their own cookies on our pages.",
        "We may disclose information to law enforcement when required.",
    ],
    "User Choice/Control": [
        "You may opt out of marketing e-mails at any time.",
        "Use the unsubscribe link to stop newsletters.",
        "You can refuse cookies in your browser settings.",
    ],
    "User Access, Edit and Deletion": [
        "You can edit your profile from the account page.",
        "Ask us to delete your account and we will remove it.",
        "Sign in to review and correct your personal details.",
    ],
    "Data Retention": [
        "We keep logs for thirty days.",
        "Records are retained for seven years after closure.",
        "Inactive accounts are deleted after two years.",
    ],
    "Data Security": [
        "We encrypt data in transit with TLS.",
        "Access to servers is restricted and monitored.",
        "No method of transmission is completely secure.",
    ],
    "Policy Change": [
        "We may change this policy and will post the new version here.",
        "Material changes will be announced by e-mail.",
        "Check this page for updates to the policy.",
    ],
    "Do Not Track": [
        "We do not respond to Do Not Track signals.",
        "Our site ignores browser Do Not Track requests.",
        "Do Not Track settings have no effect on our site.",
    ],
    "International and Specific Audiences": [
        "We do not knowingly collect information from children under 13.",
        "California residents have additional rights.",
        "Residents of the European Union may contact our representative.",
    ],
    "Other": [
        "Contact us at privacy@example.com with questions.",
        "Welcome to our website.",
        "This policy applies only to this site.",
    ],
}


def tiny_examples() -> list[training.Example]:
    return [
        training.Example(text=t, labels=(cat,), heading="", group=f"{j}-{i}")
        for j, (cat, texts) in enumerate(_TINY.items())
        for i, t in enumerate(texts)
    ]


def small_params() -> training.TrainParams:
    return training.TrainParams(
        spec=classify.HashSpec(word_bits=12, char_bits=12, head_bits=8),
        min_df=(("word", 1), ("char", 1), ("head", 1)),
        folds=3,
    )


def test_training_is_deterministic(tmp_path):
    examples = tiny_examples()
    a = training.fit(examples, examples[:10], params=small_params(), name="tiny")
    b = training.fit(examples, examples[:10], params=small_params(), name="tiny")
    assert a.version == b.version
    assert a.version.startswith("tiny-") and len(a.version.rsplit("-", 1)[1]) == 8
    for key in a.arrays:
        np.testing.assert_array_equal(a.arrays[key], b.arrays[key])
    items = [e.context() for e in examples]
    np.testing.assert_array_equal(a.predict_proba(items), b.predict_proba(items))
    a.save(tmp_path / "tiny")
    np.testing.assert_array_equal(
        classify.load(tmp_path / "tiny").predict_proba(items), a.predict_proba(items)
    )


def test_tiny_model_learns_its_training_clauses():
    # Each clause twice, in different folds, so the out-of-fold stage-1 outputs are informative.
    examples = tiny_examples()
    doubled = examples + [training.Example(e.text, e.labels, group=e.group + "b") for e in examples]
    model = training.fit(doubled, params=small_params(), name="tiny")
    proba = model.predict_proba([e.context() for e in examples])
    top = [CATEGORIES[int(j)] for j in proba.argmax(axis=1)]
    accuracy = np.mean([t == e.labels[0] for t, e in zip(top, examples, strict=True)])
    assert accuracy >= 0.9
    assert model.thresholds == {c: 0.5 for c in CATEGORIES}  # no validation data given


def test_choose_thresholds_prefers_half_and_stays_in_range():
    y = np.zeros((6, len(CATEGORIES)), dtype=np.int8)
    y[:3, 0] = 1
    proba = np.zeros((6, len(CATEGORIES)))
    proba[:, 0] = [0.95, 0.9, 0.35, 0.32, 0.1, 0.0]
    th = training.choose_thresholds(proba, y)
    # 0.34 separates perfectly (F1 1.0 vs 0.8 at 0.5), so it wins despite the pull to 0.5.
    assert th[CATEGORIES[0]] == pytest.approx(0.34)
    assert th[CATEGORIES[1]] == 0.5  # no positives
    assert all(0.3 <= t <= 0.7 for t in th.values())


def test_majority_labels_counts_each_annotator_once():
    rows = [
        ("a1", 0, "Other"),
        ("a1", 0, "Other"),  # the same annotator twice: still one vote
        ("a2", 0, "First Party Collection/Use"),
        ("a1", 1, "Data Security"),
        ("a2", 1, "Data Security"),
        ("a3", 1, "Policy Change"),
        ("a2", 2, "Do Not Track"),
        ("a3", 2, "Do Not Track"),
        ("a1", 2, "Other"),
    ]
    assert training.majority_labels(rows) == {1: {"Data Security"}, 2: {"Do Not Track"}}


def _write_mini_opp115(root: Path) -> None:
    """Two synthetic policies in the OPP-115 file layout (our own text, not corpus rows)."""
    (root / "sanitized_policies").mkdir(parents=True)
    (root / "annotations").mkdir()
    segments = {
        "1_alpha.example": [
            "<strong>Intro</strong> Hello &amp; welcome.<br>",
            "We collect e-mail addresses.",
            "We <b>encrypt</b> everything.<br> <br>",
        ],
        "2_beta.example": ["Cookies help us.", "Nothing agreed here."],
    }
    votes = {
        "1_alpha.example": [
            ("a1", 0, "Other"),
            ("a2", 0, "Other"),
            ("a1", 1, "First Party Collection/Use"),
            ("a1", 1, "First Party Collection/Use"),
            ("a2", 1, "First Party Collection/Use"),
            ("a3", 1, "Data Retention"),
            ("a1", 2, "Data Security"),
            ("a3", 2, "Data Security"),
            ("a2", 2, "Policy Change"),
        ],
        "2_beta.example": [
            ("a1", 0, "First Party Collection/Use"),
            ("a2", 0, "First Party Collection/Use"),
            ("a1", 1, "Other"),
            ("a2", 1, "Policy Change"),
        ],
    }
    for policy, segs in segments.items():
        (root / "sanitized_policies" / f"{policy}.html").write_text("|||".join(segs), "utf-8")
        with (root / "annotations" / f"{policy}.csv").open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            for k, (annotator, seg, cat) in enumerate(votes[policy]):
                writer.writerow([k, "batch", annotator, 99, seg, cat, "{}", "1/1/15", "http://x"])
    (root / "split.csv").write_text(
        "policy,split\n1_alpha.example,test\n2_beta.example,train\n", encoding="utf-8"
    )


def test_load_opp115_majority_labels_text_and_context(tmp_path):
    _write_mini_opp115(tmp_path)
    test = training.load_opp115(tmp_path, "test")
    assert [e.labels for e in test] == [
        ("Other",),
        ("First Party Collection/Use",),
        ("Data Security",),
    ]
    assert test[0].text == "Intro Hello & welcome."
    assert test[0].heading == "Intro"
    assert test[2].text == "We encrypt everything."
    assert test[1].prev_text == test[0].text and test[1].next_text == test[2].text
    assert test[0].prev_text == "" and test[2].next_text == ""
    # Segment 1 of beta has no majority (one vote each) and is dropped; its text stays context.
    train = training.load_opp115(tmp_path, "train")
    assert [e.labels for e in train] == [("First Party Collection/Use",)]
    assert train[0].next_text == "Nothing agreed here."


def test_opp115_segment_heading_detection():
    assert training.opp115_segment("Your Choices <br> <br> You may opt out.") == (
        "Your Choices You may opt out.",
        "Your Choices",
    )
    assert training.opp115_segment("We collect data, as follows.<br> more")[1] == ""
    assert training.opp115_segment("<strong>Security</strong>")[1] == ""  # heading only


def test_evaluate_json_keys(tmp_path):
    _write_mini_opp115(tmp_path)
    model = training.fit(tiny_examples(), params=small_params(), name="tiny")
    model.save(tmp_path / "model")
    out = StringIO()
    call_command(
        "evaluate_classifier",
        "--opp115",
        str(tmp_path),
        "--split",
        "test",
        "--model",
        str(tmp_path / "model"),
        "--json",
        stdout=out,
    )
    result = json.loads(out.getvalue())
    assert set(result) == {
        "model",
        "split",
        "segments",
        "micro_f1",
        "macro_f1",
        "clauses_per_second",
        "per_category",
    }
    assert result["split"] == "test" and result["segments"] == 3
    assert result["model"] == model.version
    assert list(result["per_category"]) == list(CATEGORIES)
    assert set(result["per_category"]["Other"]) == {"precision", "recall", "f1", "support"}
    assert result["per_category"]["Data Security"]["support"] == 1


def test_scores_micro_and_macro():
    y = np.zeros((2, len(CATEGORIES)), dtype=np.int8)
    y[0, 0] = y[1, 1] = 1
    pred = y.copy()
    pred[1, 1], pred[1, 2] = 0, 1
    s = training.scores(y, pred)
    assert s["micro_f1"] == pytest.approx(2 * 1 / (2 * 1 + 1 + 1))
    assert s["per_category"][CATEGORIES[0]]["f1"] == 1.0
    assert s["per_category"][CATEGORIES[1]]["recall"] == 0.0


def test_load_corpus_skips_bad_rows(tmp_path):
    rows = [
        {
            "id": "x-1",
            "heading": "H",
            "text": "We collect names.",
            "labels": ["First Party Collection/Use"],
        },
        {"id": "x-2", "text": "Bad label.", "labels": ["Nonsense"]},
        {"id": "x-3", "text": "", "labels": ["Other"]},
    ]
    lines = [json.dumps(r) for r in rows] + ['{"id": "x-4", "text": "half a li']
    (tmp_path / "authored_t.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    examples, problems = training.load_corpus(tmp_path)
    assert [e.group for e in examples] == ["x-1"]
    assert examples[0].heading == "H"
    assert len(problems) == 3


def test_holdout_split_is_stable_and_disjoint():
    examples = [
        training.Example(text=f"t{i}", labels=("Other",), group=f"id-{i}") for i in range(400)
    ]
    train, held = training.holdout_split(examples)
    again_train, again_held = training.holdout_split(list(reversed(examples)))
    assert {e.group for e in held} == {e.group for e in again_held}
    assert not {e.group for e in train} & {e.group for e in held}
    assert 30 <= len(held) <= 100


def test_train_command_refuses_opp115_model_at_default_path(tmp_path):
    with pytest.raises(CommandError, match="research only"):
        call_command(
            "train_classifier", "--opp115", str(tmp_path), "--out", str(classify.DEFAULT_MODEL_PATH)
        )


def test_train_command_on_a_corpus_folder(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    rows = [
        {"id": f"t-{i}", "heading": "", "text": e.text, "labels": list(e.labels)}
        for i, e in enumerate(tiny_examples())
    ]
    (corpus / "authored_t.jsonl").write_text(
        "\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8"
    )
    out = StringIO()
    call_command(
        "train_classifier", "--corpus", str(corpus), "--out", str(tmp_path / "m"), stdout=out
    )
    model = classify.load(tmp_path / "m")
    assert json.loads(out.getvalue())["model"] == model.version
    assert model.version.startswith("authored-")
    assert model.predict([ClauseContext(text="We do not respond to Do Not Track signals.")])


def people_labels():
    """A registered annotation source (see settings.POLICY_TRAINING_EXAMPLE_SOURCES)."""
    return [("We retain server logs for ninety days and then delete them.", "", ["Data Retention"])] * 3


def test_from_annotations_adds_people_labels(tmp_path, settings):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    rows = [
        {"id": f"t-{i}", "heading": "", "text": e.text, "labels": list(e.labels)}
        for i, e in enumerate(tiny_examples())
    ]
    (corpus / "authored_t.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    settings.POLICY_TRAINING_EXAMPLE_SOURCES = ["tests.policies.test_training.people_labels"]
    out = StringIO()
    call_command(
        "train_classifier", "--corpus", str(corpus), "--from-annotations",
        "--out", str(tmp_path / "m"), stdout=out,
    )
    report = json.loads(out.getvalue())
    plain = StringIO()
    call_command("train_classifier", "--corpus", str(corpus), "--out", str(tmp_path / "p"), stdout=plain)
    assert report["train_examples"] == json.loads(plain.getvalue())["train_examples"] + 3
    assert report["model"].startswith("authored+annotations-")


@pytest.mark.skipif(not (OPP115 / "split.csv").is_file(), reason="OPP-115 folder absent")
def test_default_model_on_opp115_test_split():
    out = StringIO()
    call_command(
        "evaluate_classifier", "--opp115", str(OPP115), "--split", "test", "--json", stdout=out
    )
    result = json.loads(out.getvalue())
    assert result["segments"] == 621
    assert result["micro_f1"] >= 0.70  # the target is 0.75; see MODEL_CARD.md for the figure
    assert result["clauses_per_second"] >= 1000
