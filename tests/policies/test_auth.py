"""The one-query permission backend answers exactly as Django's model backend does."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from policies import roles
from policies.auth import OneQueryPermissionBackend

pytestmark = pytest.mark.django_db


def fresh(user):
    return get_user_model().objects.get(pk=user.pk)  # no permission cache


def test_group_and_direct_permissions_in_one_query(team):
    user = get_user_model().objects.create_user("mixed")
    user.groups.add(Group.objects.get(name=roles.REVIEWER))
    user.user_permissions.add(Permission.objects.get(codename=roles.LEAD_ANNOTATION))
    expected = ModelBackend().get_all_permissions(fresh(user))
    assert {"policies.review_policy", "policies.lead_annotation"} <= expected
    subject = fresh(user)
    with CaptureQueriesContext(connection) as ctx:
        got = OneQueryPermissionBackend().get_all_permissions(subject)
        OneQueryPermissionBackend().get_all_permissions(subject)  # cached on the user
    assert got == expected
    assert len(ctx.captured_queries) == 1


def test_inactive_anonymous_and_object_permissions_are_empty(team):
    user = get_user_model().objects.create_user("gone", is_active=False)
    user.groups.add(Group.objects.get(name=roles.APPROVER))
    backend = OneQueryPermissionBackend()
    assert backend.get_all_permissions(fresh(user)) == set()
    active = get_user_model().objects.create_user("active")
    active.groups.add(Group.objects.get(name=roles.APPROVER))
    assert backend.get_all_permissions(fresh(active), obj=team) == set()
    assert backend.get_all_permissions(fresh(active)) == {
        "policies.review_policy",
        "policies.approve_review",
    }


def test_superuser_holds_every_permission(db):
    boss = get_user_model().objects.create_superuser("boss", password="x")
    assert (
        len(OneQueryPermissionBackend().get_all_permissions(fresh(boss)))
        == Permission.objects.count()
    )


def test_settings_use_it():
    from django.conf import settings

    assert settings.AUTHENTICATION_BACKENDS == ["policies.auth.OneQueryPermissionBackend"]
