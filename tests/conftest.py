"""Shared fixtures. PostgreSQL and Redis are real (see README "Tests"); nothing is mocked."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from django.contrib.auth import get_user_model

from tests import factories


@pytest.fixture
def team(db):
    return factories.TeamFactory(name="Privacy office")


def member(team, username: str, role: str | None):
    """A user of ``team`` with one role (None: no role, which reads like a viewer)."""
    from django.contrib.auth.models import Group

    user = factories.UserFactory(username=username)
    team.members.add(user)
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def reviewer(team):
    return member(team, "rita", "Reviewer")


@pytest.fixture
def approver(team):
    return member(team, "april", "Approver")


@pytest.fixture
def viewer(team):
    return member(team, "vic", "Viewer")


@pytest.fixture
def viewer_client(client, viewer):
    client.force_login(viewer)
    return client


@pytest.fixture
def outsider(db):
    """A signed-in reviewer of another team: must see none of ``team``'s policies."""
    return member(factories.TeamFactory(name="Other team"), "otto", "Reviewer")


@pytest.fixture
def reviewer_client(client, reviewer):
    client.force_login(reviewer)
    return client


@pytest.fixture
def outsider_client(client, outsider):
    client.force_login(outsider)
    return client


@pytest.fixture
def admin_user_(db):
    return get_user_model().objects.create_superuser("root", "root@example.com", "pw-root-123")


@contextmanager
def broker_down():
    """Point the Celery app at a closed port, as if Redis were down, then restore it."""
    from config.celery import app

    def reset_pools() -> None:
        # Celery caches a connection pool and a producer pool bound to the old URL; drop the
        # references (closing them would close kombu's shared pools for the real broker too).
        app._pool = None
        app.amqp._producer_pool = None

    saved = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:9/0"
    reset_pools()
    try:
        yield
    finally:
        app.conf.broker_url = saved
        reset_pools()


@pytest.fixture
def dead_broker():
    with broker_down():
        yield


@pytest.fixture
def dead_broker_factory():
    return broker_down


@pytest.fixture(autouse=True)
def _requirement_catalogue(request):
    """Database tests see the built-in catalogue, as a migrated database does. (A transactional
    test's flush empties every table, so reload it when it is gone.)"""
    marker = request.node.get_closest_marker("django_db")
    names = set(request.fixturenames)
    if marker is None and not names & {"db", "transactional_db"}:
        return
    transactional = "transactional_db" in names or (marker and marker.kwargs.get("transaction"))
    request.getfixturevalue("transactional_db" if transactional else "db")
    from django.contrib.auth.models import Group

    from policies import roles
    from reviews import services
    from reviews.models import Requirement

    if not Requirement.objects.filter(is_builtin=True).exists():
        services.requirements_sync_from_catalogue()
    if not Group.objects.filter(name=roles.REVIEWER).exists():
        roles.ensure_role_groups()


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    """Tests create many users; the production hasher is slow on purpose."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
