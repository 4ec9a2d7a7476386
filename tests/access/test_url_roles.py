"""Every URL of the product x every role: allowed, denied (403), hidden (404) or sign-in (302).

A new URL without an expectation fails ``test_every_url_has_an_expectation``.
"""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from django.contrib.auth.models import Group
from django.db import transaction
from django.urls import get_resolver, reverse

from policies import services
from policies.models import ExtractionRun
from tests import factories
from tests.access import base
from tests.policies.test_services import POLICY

# Framework URLs with their own access rules (Django's admin and auth views).
IGNORED_NAMESPACES = {"admin"}
IGNORED_NAMES = {
    "login", "logout", "password_change", "password_change_done", "password_reset",
    "password_reset_done", "password_reset_confirm", "password_reset_complete",
}


def expectation_modules():
    package = importlib.import_module("tests.access")
    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith("expectations_"):
            yield importlib.import_module(f"tests.access.{info.name}")


def all_expectations() -> dict[str, base.Expectation]:
    merged: dict[str, base.Expectation] = {}
    for module in expectation_modules():
        merged.update(module.EXPECTATIONS)
    return merged


def url_names() -> list[str]:
    names = []

    def walk(resolver, prefix):
        for pattern in resolver.url_patterns:
            if hasattr(pattern, "url_patterns"):
                namespace = pattern.namespace
                if namespace in IGNORED_NAMESPACES:
                    continue
                walk(pattern, f"{prefix}{namespace}:" if namespace else prefix)
            elif pattern.name and pattern.name not in IGNORED_NAMES:
                names.append(prefix + pattern.name)

    walk(get_resolver(), "")
    return sorted(set(names))


def test_every_url_has_an_expectation():
    missing = [name for name in url_names() if name not in all_expectations()]
    assert not missing, f"URLs without an access expectation: {missing}"


def build_world() -> base.World:
    team = factories.TeamFactory(name="Access team")
    importer = factories.UserFactory(username="importer")
    team.members.add(importer)
    outcome = services.policy_version_import(
        team=team, by=importer, data=POLICY.encode(), filename="access.txt", enqueue=False
    )
    run = services.extraction_run_execute(run_id=outcome.run.pk)
    failed = factories.ExtractionRunFactory(version__policy__team=team, status=ExtractionRun.Status.FAILED)
    world = base.World(team=team, version=outcome.version, run=run, failed_run=failed, users={})
    other = factories.TeamFactory(name="Elsewhere")
    for role in base.ROLES:
        if role == "anonymous":
            continue
        user = factories.UserFactory(username=f"as-{role.lower()}")
        (other if role == "outsider" else team).members.add(user)
        group = "Reviewer" if role == "outsider" else role
        if group in {g.name for g in Group.objects.all()}:
            user.groups.add(Group.objects.get(name=group))
        world.users[role] = user
    for module in expectation_modules():
        module.prepare(world)
    return world


@pytest.mark.django_db
@pytest.mark.parametrize("name", url_names())
def test_url_access_by_role(client, name):
    expectation = all_expectations().get(name)
    if expectation is None:
        pytest.fail(f"{name} has no access expectation")
    world = build_world()
    url = reverse(name, kwargs=expectation.kwargs(world)) + expectation.query
    for role in base.ROLES:
        # Each role's request runs in a savepoint that is rolled back: a POST by one role does
        # not change what the next one sees.
        with transaction.atomic():
            client.logout()
            if role != "anonymous":
                client.force_login(world.users[role])
            send = client.post if expectation.method == "POST" else client.get
            response = send(url, expectation.data(world))
            transaction.set_rollback(True)
        status = response.status_code
        if role in expectation.allowed:
            assert status < 400, f"{role} should reach {name}, got {status}"
        elif role == "anonymous":
            assert status == 302 and "/accounts/login/" in response["Location"], (name, status)
        elif role == "outsider" and expectation.outsider_status is not None:
            assert status == expectation.outsider_status, f"outsider on {name}: {status}"
        else:
            assert status in (403, 404), f"{role} must not reach {name}, got {status}"
