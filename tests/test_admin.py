"""Django's admin is the console: every model of the product is registered there, and opens."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

APPS = ("policies", "reviews", "campaigns")


def product_models():
    return [m for label in APPS for m in apps.get_app_config(label).get_models()]


def test_every_model_is_registered_in_the_admin():
    missing = [m.__name__ for m in product_models() if m not in admin.site._registry]
    assert not missing, f"not in the admin: {missing}"


@pytest.mark.django_db
def test_every_changelist_opens_for_a_superuser(admin_client):
    for model in product_models():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert admin_client.get(url).status_code == 200, url
