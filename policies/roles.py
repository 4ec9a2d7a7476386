"""Roles: Django groups holding the product's permissions. One place for "who may do what".

Access to a policy comes from team membership (selectors filter "policies of my teams");
what a member may do with it comes from their role:

| role      | permissions                                   |
|-----------|-----------------------------------------------|
| Viewer    | (none: reads only)                            |
| Reviewer  | review_policy                                 |
| Approver  | review_policy, approve_review                 |
| Admin     | every permission below (also Django staff)    |
| Lead      | lead_annotation, annotate                     |
| Annotator | annotate                                      |

A team member with no role is a viewer. Superusers hold every permission.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

VIEWER, REVIEWER, APPROVER, ADMIN, LEAD, ANNOTATOR = (
    "Viewer", "Reviewer", "Approver", "Admin", "Lead", "Annotator",
)

# Permission codenames, declared on policies.Team (Meta.permissions).
REVIEW = "review_policy"  # import, retry, decide findings, tag clauses, comment, choose scope
APPROVE = "approve_review"  # approve or request changes on a review
LEAD_ANNOTATION = "lead_annotation"  # run campaigns, adjudicate, train and promote models
ANNOTATE = "annotate"  # label clauses in assigned campaign documents

PERMISSIONS = {
    REVIEW: "Can import policies and review findings",
    APPROVE: "Can approve reviews",
    LEAD_ANNOTATION: "Can lead annotation campaigns and promote models",
    ANNOTATE: "Can annotate clauses in campaigns",
}

ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    VIEWER: (),
    REVIEWER: (REVIEW,),
    APPROVER: (REVIEW, APPROVE),
    ADMIN: (REVIEW, APPROVE, LEAD_ANNOTATION, ANNOTATE),
    LEAD: (LEAD_ANNOTATION, ANNOTATE),
    ANNOTATOR: (ANNOTATE,),
}


def can(user, permission: str) -> bool:
    return bool(user.is_authenticated and user.has_perm(f"policies.{permission}"))


def require(user, permission: str) -> None:
    """Raise PermissionDenied (403) unless the user holds the permission."""
    if not can(user, permission):
        raise PermissionDenied(f"Your role does not allow this ({PERMISSIONS[permission]}).")


def ensure_role_groups(group_model=None, permission_model=None) -> None:
    """Create or update the role groups. Takes the models so the data migration can pass its
    historical ones; everyone else calls it without arguments."""
    if group_model is None:
        from django.contrib.auth.models import Group as group_model, Permission as permission_model

    for role, codenames in ROLE_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=role)
        group.permissions.set(
            permission_model.objects.filter(
                content_type__app_label="policies", codename__in=codenames
            )
        )
