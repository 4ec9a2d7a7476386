"""Campaign fixtures: versions whose clauses are given texts, a lead and annotators."""

from __future__ import annotations

import hashlib

import pytest

from policies.extraction import pipeline
from policies.models import Clause, PolicyVersion, Section
from reviews.campaigns import services
from tests import factories
from tests.conftest import member

CLAUSES = [
    "We collect your e-mail address when you sign up.",
    "We share your data with advertising partners.",
    "You can opt out of marketing e-mails at any time.",
    "We keep your data for two years.",
    "We use encryption to protect your data.",
]


def make_version(team, name: str, texts=CLAUSES) -> PolicyVersion:
    """A version of a new policy whose clauses are exactly ``texts`` (blank-line separated)."""
    text = "\n\n".join(texts)
    policy = factories.PolicyFactory(team=team, name=name, vendor="Acme")
    version = PolicyVersion.objects.create(
        policy=policy,
        number=1,
        text=text,
        content_hash=hashlib.sha256(text.encode()).hexdigest(),
        original=text.encode(),
        original_name=f"{name}.txt",
        media_type="text/plain",
        size=len(text),
    )
    section = Section.objects.create(version=version, order=0, start=0, end=len(text))
    position = 0
    for order, clause_text in enumerate(texts):
        Clause.objects.create(
            version=version,
            section=section,
            order=order,
            kind=Clause.Kind.PARAGRAPH,
            start=position,
            end=position + len(clause_text),
            fingerprint=pipeline.fingerprint(clause_text),
        )
        position += len(clause_text) + 2
    return version


@pytest.fixture
def lead(team):
    return member(team, "lena", "Lead")


@pytest.fixture
def annotators(team):
    return [member(team, name, "Annotator") for name in ("ann", "bob", "cat")]


@pytest.fixture
def versions(team):
    return [make_version(team, f"Policy {i}") for i in range(4)]


@pytest.fixture
def campaign(team, lead, annotators, versions):
    return services.campaign_create(
        team=team,
        by=lead,
        name="Spring labels",
        guidelines="Label **carefully**.",
        overlap=2,
        versions=versions,
        annotators=annotators,
    )


def assignment_of(campaign, user, version):
    return campaign.assignments.select_related("campaign", "document").get(
        annotator=user, document__version=version
    )
