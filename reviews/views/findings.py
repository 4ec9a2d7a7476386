"""Pages of the reviews app. Shape: parse -> one service or selector -> render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import trigger_client_event

from policies import roles, selectors as policy_selectors
from reviews import selectors, services
from reviews.forms import ScopeForm


def _findings_context(version, *, gaps_only: bool) -> dict:
    regulations = selectors.applied_regulations(version=version)
    return {
        "version": version,
        "policy": version.policy,
        "gaps_only": gaps_only,
        "groups": selectors.findings_by_regulation(version=version, gaps_only=gaps_only),
        "rating": selectors.version_rating(version=version),
        "regulations": regulations,
        "scope_form": ScopeForm(
            initial={"regulations": [c for c, r in regulations.items() if r["applies"]]}
        ),
    }


@require_GET
@login_required
def version_findings(request: HttpRequest, version_id: int) -> HttpResponse:
    """The findings of a version: a panel on the policy page (htmx) or a page of its own."""
    version = policy_selectors.version_get_for_user(user=request.user, version_id=version_id)
    gaps_only = request.GET.get("gaps") == "1"
    template = "reviews/version_findings.html"
    if request.htmx:
        template += "#findings-panel"
    return render(request, template, _findings_context(version, gaps_only=gaps_only))


@require_POST
@login_required
def version_scope(request: HttpRequest, version_id: int) -> HttpResponse:
    version = policy_selectors.version_get_for_user(user=request.user, version_id=version_id)
    roles.require(request.user, roles.REVIEW)
    form = ScopeForm(request.POST)
    if form.is_valid():
        services.version_scope_choose(version=version, regulations=form.chosen(), by=request.user)
    if not request.htmx:
        return redirect("reviews:version_findings", version_id=version.pk)
    response = render(
        request, "reviews/version_findings.html#findings-panel",
        _findings_context(version, gaps_only=False),
    )
    return trigger_client_event(response, "findings-changed")
