"""The URL x role access test: every named URL of the product has an expectation per role.

Each app's expectations module (``expectations_<area>.py`` in this folder) defines:
- ``prepare(world)``: create the objects its URLs need (the world already holds a team, a
  processed policy version and its run);
- ``EXPECTATIONS``: URL name -> :class:`Expectation`.
``test_url_roles.py`` walks every URL in the resolver and fails when one has no expectation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace

# Roles a request is made as. "anonymous" is signed out; "outsider" is a Reviewer of another
# team; "member" is in the team with no role (reads like a viewer). The rest are role groups.
ROLES = (
    "anonymous", "outsider", "member", "Viewer", "Reviewer", "Approver", "Admin", "Lead", "Annotator",
)
MEMBERS = frozenset(ROLES) - {"anonymous", "outsider"}
READERS = MEMBERS  # every team member may read the team's policies
CHANGERS = frozenset({"Reviewer", "Approver", "Admin"})  # policies.review_policy


class World(SimpleNamespace):
    """Objects shared by the expectations of one URL test (created inside the test's DB)."""


@dataclass(frozen=True)
class Expectation:
    allowed: frozenset[str]  # roles that succeed (status < 400)
    method: str = "GET"
    kwargs: Callable[[World], dict] = field(default=lambda w: {})
    data: Callable[[World], dict] = field(default=lambda w: {})
    query: str = ""
    # Team members without the permission get 403; an outsider gets 404 (the object does not
    # exist for them) unless the URL names no team object (then 403, or 200 on an empty list).
    outsider_status: int | None = 404
