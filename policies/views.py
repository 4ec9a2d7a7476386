"""Pages of the policies app. Shape: parse -> one service or selector -> render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import (
    HttpResponseClientRedirect,
    HttpResponseStopPolling,
    trigger_client_event,
)
from django_htmx.middleware import HtmxDetails

from policies import roles, selectors, services
from policies.extraction.document import CATEGORIES
from policies.forms import ImportForm, PolicyFilterForm
from policies.models import PolicyVersion


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


@require_GET
@login_required
def policy_list(request: HtmxHttpRequest) -> HttpResponse:
    form = PolicyFilterForm(request.GET or None)
    query = status = ""
    if form.is_valid():
        query, status = form.cleaned_data["q"], form.cleaned_data["status"]
    policies = selectors.policy_list(user=request.user, query=query, status=status)
    page = Paginator(policies, 25).get_page(request.GET.get("page"))
    template = "policies/policy_list.html"
    if request.htmx and not request.htmx.boosted:
        template += "#policy-table"
    return render(request, template, {"form": form, "page": page, "query": query, "status": status})


@require_http_methods(["GET", "POST"])
@login_required
def policy_import(request: HtmxHttpRequest) -> HttpResponse:
    roles.require(request.user, roles.REVIEW)
    teams = selectors.teams_for_user(user=request.user)
    if not teams.exists():
        messages.error(request, "You are not a member of any team, so you cannot import policies.")
        return redirect("policies:policy_list")
    form = ImportForm(request.POST or None, request.FILES or None, teams=teams)
    outcomes = []
    if request.method == "POST" and form.is_valid():
        outcomes = services.policies_import_files(
            team=form.cleaned_data["team"],
            by=request.user,
            files=form.uploads(),
            vendor=form.cleaned_data["vendor"],
            name=form.cleaned_data["name"],
            source_url=form.cleaned_data["source_url"],
            tags=form.tag_list(),
        )
        if len(outcomes) == 1 and outcomes[0].version is not None:
            version = outcomes[0].version
            if outcomes[0].status == "unchanged":
                messages.info(request, "This text is already imported; no new version was made.")
            url = reverse("policies:version_detail", args=[version.pk])
            if request.htmx:
                return HttpResponseClientRedirect(url)
            return redirect(url)
    template = "policies/policy_import.html"
    if request.htmx:
        template += "#import-form"
    return render(request, template, {"form": form, "outcomes": outcomes})


@require_GET
@login_required
def policy_detail(request: HtmxHttpRequest, policy_id: int) -> HttpResponse:
    policy = selectors.policy_get_for_user(user=request.user, policy_id=policy_id)
    latest = selectors.versions_of(policy=policy).first()
    if latest is None:
        return render(request, "policies/policy_empty.html", {"policy": policy})
    return _version_page(
        request, selectors.version_get_for_user(user=request.user, version_id=latest.pk)
    )


@require_GET
@login_required
def version_detail(request: HtmxHttpRequest, version_id: int) -> HttpResponse:
    version = selectors.version_get_for_user(user=request.user, version_id=version_id)
    return _version_page(request, version)


def _version_page(request: HtmxHttpRequest, version: PolicyVersion) -> HttpResponse:
    """The version page; its document loads a page of clauses at a time (``?page=N``, htmx,
    as each placeholder scrolls into view), filtered by ``?category=``."""
    category = request.GET.get("category", "")
    if category not in CATEGORIES:
        category = ""
    try:
        page = int(request.GET.get("page", "0"))
    except ValueError:
        page = 0
    document = selectors.version_document_page(version=version, category=category, page=page)
    template = "policies/version_detail.html"
    if request.htmx and request.GET.get("page") is not None:
        return render(
            request,
            template + "#document-page",
            {"version": version, "document": document, "category": category},
        )
    context = {
        "policy": version.policy,
        "version": version,
        "versions": selectors.versions_of(policy=version.policy),
        "run": selectors.latest_run(version=version),
        "document": document,
        "fact_groups": selectors.fact_groups(version=version),
        "legend": [(name, selectors.category_slug(name)) for name in CATEGORIES],
        "categories": CATEGORIES,
        "category": category,
    }
    if request.htmx and request.htmx.target == "clause-list":
        template += "#clause-list"
    return render(request, template, context)


@require_GET
@login_required
def version_original(request: HttpRequest, version_id: int) -> HttpResponse:
    """The uploaded file, always as a download: uploaded HTML is never rendered by us."""
    version = selectors.version_get_for_user(user=request.user, version_id=version_id)
    original = PolicyVersion.objects.only("original").get(pk=version.pk).original
    response = HttpResponse(bytes(original), content_type="application/octet-stream")
    response["Content-Disposition"] = _attachment(version.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _attachment(filename: str) -> str:
    from django.utils.http import content_disposition_header

    return content_disposition_header(as_attachment=True, filename=filename)


@require_GET
@login_required
def run_status(request: HtmxHttpRequest, run_id: int) -> HttpResponse:
    run = selectors.run_get_for_user(user=request.user, run_id=run_id)
    response = render(request, "policies/version_detail.html#run-status", {"run": run})
    if run.is_finished:
        # 286 tells htmx to stop polling; the event makes the clause list reload.
        response.status_code = HttpResponseStopPolling.status_code
        trigger_client_event(response, "run-finished", {"status": run.status})
    return response


@require_POST
@login_required
def run_retry(request: HtmxHttpRequest, run_id: int) -> HttpResponse:
    failed = selectors.run_get_for_user(user=request.user, run_id=run_id)
    roles.require(request.user, roles.REVIEW)
    try:
        run = services.extraction_run_retry(run_id=failed.pk, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        run = selectors.latest_run(version=failed.version)
    if request.htmx:
        return render(request, "policies/version_detail.html#run-status", {"run": run})
    return redirect("policies:version_detail", version_id=failed.version_id)
