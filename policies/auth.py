"""Authentication backend: Django's model backend, reading a user's permissions in one query.

Every write endpoint checks a role permission (``roles.require``), and Django's ``ModelBackend``
reads the user's own and their groups' permissions in two queries. One ``UNION`` does the same
in one round trip: the htmx actions of the review page are small, so it is a noticeable share of
their time.
"""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission


class OneQueryPermissionBackend(ModelBackend):
    def get_all_permissions(self, user_obj, obj=None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if user_obj.is_superuser:
            return super().get_all_permissions(user_obj, obj)
        if not hasattr(user_obj, "_perm_cache"):
            fields = ("content_type__app_label", "codename")
            own = Permission.objects.filter(user=user_obj).values_list(*fields).order_by()
            via_groups = (
                Permission.objects.filter(group__user=user_obj).values_list(*fields).order_by()
            )
            user_obj._perm_cache = {
                f"{app}.{codename}" for app, codename in own.union(via_groups).order_by()
            }
        return user_obj._perm_cache
