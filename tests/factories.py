"""factory_boy factories. Versions are made through the import service where the pipeline's
real outputs matter; these build the plain rows around them."""

from __future__ import annotations

import hashlib

import factory
from django.contrib.auth import get_user_model

from policies.models import ExtractionRun, Policy, PolicyVersion, Team


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("pw-test-123")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Team {n}")


class PolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Policy

    team = factory.SubFactory(TeamFactory)
    name = factory.Sequence(lambda n: f"Policy {n}")
    vendor = factory.Sequence(lambda n: f"Vendor {n}")


class PolicyVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PolicyVersion

    policy = factory.SubFactory(PolicyFactory)
    number = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"Privacy Policy {n}\n\nWe collect your e-mail address.")
    content_hash = factory.LazyAttribute(lambda v: hashlib.sha256(v.text.encode()).hexdigest())
    original = factory.LazyAttribute(lambda v: v.text.encode())
    original_name = "policy.txt"
    media_type = "text/plain"
    size = factory.LazyAttribute(lambda v: len(v.original))


class ExtractionRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExtractionRun

    version = factory.SubFactory(PolicyVersionFactory)
    pipeline_version = "test"
