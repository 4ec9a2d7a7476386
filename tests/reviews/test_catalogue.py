"""The requirement catalogue: ids, fields, vocabulary and validation."""

from pathlib import Path

import pytest
import yaml

from reviews.catalogue import (
    CATALOGUE_VERSION,
    CONDITIONS,
    REGULATIONS,
    CatalogueError,
    catalogue_file_version,
    load_catalogue,
    requirement_from_dict,
)
from reviews.checks import RULES

REFERENCE = (
    Path(__file__).resolve().parents[2].parent / "shared" / "regulations" / "requirements.yaml"
)


def test_counts_per_regulation():
    specs = load_catalogue()
    counts = {code: sum(s.regulation == code for s in specs) for code in REGULATIONS}
    assert counts == {
        "gdpr": 17,
        "ccpa": 24,
        "coppa": 9,
        "caloppa": 8,
        "ferpa": 3,
        "sopipa": 6,
        "pipeda": 4,
        "lgpd": 7,
    }


def test_file_version_matches_constant():
    assert catalogue_file_version() == CATALOGUE_VERSION


def test_every_entry_is_well_formed_and_has_a_rule():
    for spec in load_catalogue():
        assert spec.condition in CONDITIONS
        assert spec.check in RULES, spec.id
        assert spec.cues and spec.title and spec.must_disclose
        assert spec.regulation_name == REGULATIONS[spec.regulation]


def test_alternative_points_to_sibling():
    specs = {s.id: s for s in load_catalogue()}
    assert specs["caloppa-22575-b-7"].alternative_of == "caloppa-22575-b-5"
    assert specs["caloppa-22575-b-7"].kind == "alternative"


@pytest.mark.skipif(not REFERENCE.is_file(), reason="shared reference catalogue not present")
def test_same_ids_and_citations_as_reference_but_own_wording():
    reference = {e["id"]: e for e in yaml.safe_load(REFERENCE.read_text(encoding="utf-8"))}
    specs = {s.id: s for s in load_catalogue()}
    assert set(specs) == set(reference)
    for rid, spec in specs.items():
        assert spec.kind == reference[rid]["kind"]
        assert spec.alternative_of == reference[rid].get("alternative_of")
        assert spec.must_disclose != reference[rid]["must_disclose"], rid
        assert spec.title != reference[rid]["title"], rid


def test_validation_rejects_bad_entries(tmp_path):
    good = {
        "id": "x-1",
        "regulation": "gdpr",
        "citation": "c",
        "title": "t",
        "must_disclose": "m",
        "applies_when": "a",
        "condition": "always",
        "kind": "disclosure",
        "check": "contact",
    }
    assert requirement_from_dict(good).id == "x-1"
    for field, value in (("regulation", "hipaa"), ("condition", "sometimes"), ("kind", "wish")):
        with pytest.raises(CatalogueError):
            requirement_from_dict({**good, field: value})
    with pytest.raises(CatalogueError):
        requirement_from_dict({**good, "title": ""})
    with pytest.raises(CatalogueError):
        requirement_from_dict({**good, "kind": "alternative"})
    dup = tmp_path / "dup.yaml"
    dup.write_text(yaml.safe_dump({"version": "1", "requirements": [good, good]}))
    with pytest.raises(CatalogueError):
        load_catalogue(dup)
