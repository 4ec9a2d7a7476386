"""The review page and its htmx endpoints. Shape: parse (form) -> one service or selector ->
render. Every action swaps only what changed (the finding row, and the counters and rating badge
out of band) and also works as a plain form post (redirect back)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseStopPolling, retarget, trigger_client_event
from django_htmx.middleware import HtmxDetails

from policies import roles, selectors as policy_selectors
from policies.extraction.document import CATEGORIES
from reviews import reports, selectors, services
from reviews.forms import (
    AssignForm,
    CommentForm,
    DecisionForm,
    EvidenceAddForm,
    EvidenceRemoveForm,
    FindingFilterForm,
    ManualFindingForm,
    TagForm,
    TransitionForm,
)
from reviews.models import Decision, Finding, FindingReview, Review

PAGE = "reviews/review_detail.html"


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def _back(review: Review, anchor: str = "") -> HttpResponse:
    url = reverse("reviews:review_detail", args=[review.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


# ---------------------------------------------------------------------------------------------
# Pages


@require_http_methods(["GET", "POST"])
@login_required
def version_review(request: HtmxHttpRequest, version_id: int) -> HttpResponse:
    """The review of a version: GET goes to its open (else latest) review, or offers to start
    one; POST starts one (the review is created when someone first starts it)."""
    version = policy_selectors.version_get_for_user(user=request.user, version_id=version_id)
    if request.method == "POST":
        review = services.review_start(version_id=version.pk, by=request.user)
        return _back(review)
    review = selectors.current_review(version=version)
    if review is not None:
        return _back(review)
    return render(
        request, "reviews/review_start.html",
        {"version": version, "policy": version.policy, "run": policy_selectors.latest_run(version=version)},
    )


def _page_context(request, review: Review, *, status: str = "", state: str = "") -> dict:
    rows = selectors.finding_rows(review=review, status=status, state=state)
    counters, rating = selectors.review_standing(review=review)
    changed_count, changed = selectors.changed_clauses(review=review)
    return {
        "review": review,
        "version": review.version,
        "policy": review.version.policy,
        "groups": selectors.finding_groups(rows),
        "counters": counters,
        "rating": rating,
        "clause_page": selectors.review_clause_page(review=review, page=0),
        "page_size": selectors.PAGE_SIZE,
        "changed_count": changed_count,
        "changed": changed,
        "filter_form": FindingFilterForm(initial={"status": status, "state": state}),
        "status_filter": status,
        "state_filter": state,
        "assign_form": AssignForm(
            team=review.version.policy.team,
            initial={"assignee": review.assignee_id, "approver": review.approver_id,
                     "due_date": review.due_date},
        ),
        "blockers": services.review_blockers(review=review, by=request.user),
        "statuses": Finding.Status.choices,
        "categories": CATEGORIES,
        "can_review": roles.can(request.user, roles.REVIEW) and review.is_open,
        "can_approve": roles.can(request.user, roles.APPROVE),
        "report": selectors.latest_report_build(review=review),
        "other_reviews": selectors.version_reviews(version=review.version).exclude(pk=review.pk)[:5],
    }


@require_GET
@login_required
def review_detail(request: HtmxHttpRequest, review_id: int) -> HttpResponse:
    """The review page: document pane (first page of clauses; the rest load as they scroll into
    view) and findings pane (grouped by regulation, gaps first, filterable)."""
    review = selectors.review_get_for_user(user=request.user, review_id=review_id)
    form = FindingFilterForm(request.GET or None)
    status = state = ""
    if form.is_valid():
        status, state = form.cleaned_data["status"], form.cleaned_data["state"]
    context = _page_context(request, review, status=status, state=state)
    template = PAGE
    if request.htmx and request.htmx.target == "findings-pane":
        template += "#findings-pane"
    return render(request, template, context)


@require_GET
@login_required
def review_clauses(request: HtmxHttpRequest, review_id: int) -> HttpResponse:
    """One page of the document (htmx, loaded when its placeholder scrolls into view)."""
    review = selectors.review_get_for_user(user=request.user, review_id=review_id)
    try:
        page = int(request.GET.get("page", "0"))
    except ValueError:
        page = 0
    clause_page = selectors.review_clause_page(review=review, page=page)
    return render(request, PAGE + "#clause-page", {"review": review, "clause_page": clause_page})


@require_GET
@login_required
def clause_detail(request: HtmxHttpRequest, review_id: int, clause_id: int) -> HttpResponse:
    """The selected clause: categories, reviewer tags, the findings and facts citing it, comments."""
    review = selectors.review_get_for_user(user=request.user, review_id=review_id)
    panel = selectors.clause_panel(review=review, clause_id=clause_id)
    context = {
        "review": review, "panel": panel, "categories": CATEGORIES,
        "can_review": roles.can(request.user, roles.REVIEW) and review.is_open,
        "can_tag": roles.can(request.user, roles.REVIEW),
    }
    if request.htmx:
        return render(request, PAGE + "#clause-panel", context)
    return render(request, "reviews/review_clause.html", context)


@require_GET
@login_required
def review_timeline(request: HtmxHttpRequest, review_id: int) -> HttpResponse:
    review = selectors.review_get_for_user(user=request.user, review_id=review_id)
    entries = selectors.review_timeline(review=review, limit=500)
    template = "reviews/review_timeline.html"
    if request.htmx:
        template += "#timeline"
    return render(request, template, {"review": review, "entries": entries, "policy": review.version.policy})


@require_GET
@login_required
def my_queue(request: HtmxHttpRequest) -> HttpResponse:
    reviews = list(selectors.my_queue(user=request.user))
    return render(
        request, "reviews/my_queue.html", {"reviews": reviews, "today": timezone.localdate()}
    )


# ---------------------------------------------------------------------------------------------
# Finding actions


def _swap_context(request: HtmxHttpRequest, review: Review, row, *, rating_changed: bool) -> dict:
    """What every finding action's answer renders: the row (or its decision part), and out of
    band the counters and, when the action may have moved it, the rating badge."""
    counters, rating = selectors.review_standing(review=review, with_rating=rating_changed)
    return {
        "review": review,
        "row": row,
        "counters": counters,
        "rating": rating,
        "rating_changed": rating_changed,
        "statuses": Finding.Status.choices,
        "can_review": roles.can(request.user, roles.REVIEW) and review.is_open,
        "oob": True,
    }


def _row_response(
    request: HtmxHttpRequest, review: Review, finding_id: int, *, message: str = "",
    error: bool = False, form=None,
) -> HttpResponse:
    """The whole finding row with the counters and rating badge (also the answer to a decision
    that failed: the row shows its current state, which others may have changed)."""
    row = selectors.finding_row(review=review, finding_id=finding_id)
    context = _swap_context(request, review, row, rating_changed=True)
    context.update(message=message, message_error=error, form=form)
    response = render(request, PAGE + "#row-response", context)
    # A decision form targets the row's decision part; a whole row replaces the whole row.
    response = retarget(response, f"#finding-{finding_id}")
    return trigger_client_event(response, "review-changed")


def _decision_response(
    request: HtmxHttpRequest, review: Review, decided: services.DecisionMade
) -> HttpResponse:
    """After a decision, only what it changed: the row's decision part (built from what the
    decision wrote, no query), the counters and, unless an undecided finding was approved
    (which cannot move it), the rating badge."""
    decision = decided.decision
    rating_changed = not (
        decision.kind == Decision.Kind.APPROVE and decision.state_before == FindingReview.State.UNDECIDED
    )
    row = selectors.finding_decision_row(decided=decided)
    context = _swap_context(request, review, row, rating_changed=rating_changed)
    response = render(request, PAGE + "#decision-response", context)
    return trigger_client_event(response, "review-changed")


def _finding_action(request: HtmxHttpRequest, review_id: int, finding_id: int, act) -> HttpResponse:
    review = selectors.review_for_action(user=request.user, review_id=review_id)
    roles.require(request.user, roles.REVIEW)
    message, error, form, decided = "", False, None, None
    try:
        message, form, decided = act(review)
        error = form is not None and bool(form.errors)
    except Finding.DoesNotExist as exc:
        raise Http404("No such finding in this review.") from exc
    except services.StaleFinding as exc:
        message, error = _errors(exc), True
    except ValidationError as exc:
        message, error = _errors(exc), True
    if not request.htmx:
        if message:
            (messages.error if error else messages.success)(request, message)
        return _back(review, f"finding-{finding_id}")
    if decided is not None:
        return _decision_response(request, review, decided)
    return _row_response(request, review, finding_id, message=message, error=error, form=form)


@require_POST
@login_required
def finding_decide(request: HtmxHttpRequest, review_id: int, finding_id: int) -> HttpResponse:
    def act(review):
        form = DecisionForm(request.POST)
        if not form.is_valid():
            return " ".join(e for errs in form.errors.values() for e in errs), form, None
        data = form.cleaned_data
        decided = services.finding_decide(
            review_id=review.pk, finding_id=finding_id, lock_version=data["lock_version"],
            by=request.user, action=data["action"], comment=data["comment"], status=data["status"],
        )
        return "", None, decided

    return _finding_action(request, review_id, finding_id, act)


@require_POST
@login_required
def finding_evidence_add(request: HtmxHttpRequest, review_id: int, finding_id: int) -> HttpResponse:
    def act(review):
        form = EvidenceAddForm(request.POST)
        if not form.is_valid():
            return " ".join(e for errs in form.errors.values() for e in errs), form, None
        clause = selectors.clause_by_number(review=review, number=form.cleaned_data["clause_number"])
        if clause is None:
            raise ValidationError("There is no clause with that number.")
        services.finding_evidence_add(
            review_id=review.pk, finding_id=finding_id, lock_version=form.cleaned_data["lock_version"],
            by=request.user, clause_id=clause.pk, comment=form.cleaned_data["comment"],
        )
        return f"Clause {clause.order + 1} added as evidence.", None, None

    return _finding_action(request, review_id, finding_id, act)


@require_POST
@login_required
def finding_evidence_remove(
    request: HtmxHttpRequest, review_id: int, finding_id: int, evidence_id: int
) -> HttpResponse:
    def act(review):
        form = EvidenceRemoveForm(request.POST)
        if not form.is_valid():
            return "The form is out of date; reload the page.", form, None
        services.finding_evidence_remove(
            review_id=review.pk, finding_id=finding_id, lock_version=form.cleaned_data["lock_version"],
            by=request.user, evidence_id=evidence_id,
        )
        return "Evidence removed.", None, None

    return _finding_action(request, review_id, finding_id, act)


@require_POST
@login_required
def finding_manual(request: HtmxHttpRequest, review_id: int) -> HttpResponse:
    """Add a manual finding; the findings pane is reloaded (a new row has no place to swap in)."""
    review = selectors.review_get_for_user(user=request.user, review_id=review_id)
    roles.require(request.user, roles.REVIEW)
    form = ManualFindingForm(request.POST)
    anchor = ""
    if form.is_valid():
        data = form.cleaned_data
        clause_ids = [
            c.pk for n in data["clause_numbers"]
            if (c := selectors.clause_by_number(review=review, number=n)) is not None
        ]
        try:
            finding = services.finding_create_manual(
                review_id=review.pk, by=request.user, requirement_id=data["requirement"] or None,
                title=data["title"], status=data["status"], rationale=data["rationale"],
                clause_ids=clause_ids,
            )
            messages.success(request, "Manual finding added.")
            anchor = f"finding-{finding.pk}"
        except ValidationError as exc:
            messages.error(request, _errors(exc))
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    if request.htmx:
        response = render(request, PAGE + "#findings-pane", _page_context(request, review))
        return trigger_client_event(response, "review-changed")
    return _back(review, anchor)


@require_POST
@login_required
def findings_approve_remaining(request: HtmxHttpRequest, review_id: int) -> HttpResponse:
    review = selectors.review_get_for_user(user=request.user, review_id=review_id)
    roles.require(request.user, roles.REVIEW)
    try:
        count = services.findings_approve_remaining(review_id=review.pk, by=request.user)
        messages.success(request, f"{count} undecided non-gap finding(s) approved.")
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    if request.htmx:
        return render(request, PAGE + "#findings-pane", _page_context(request, review))
    return _back(review)


# ---------------------------------------------------------------------------------------------
# Clauses: tags and comments


@require_POST
@login_required
def clause_tag(request: HtmxHttpRequest, review_id: int, clause_id: int) -> HttpResponse:
    """Add or remove a reviewer tag; returns the clause panel and the clause's tags (oob)."""
    review = selectors.review_get_for_user(user=request.user, review_id=review_id)
    roles.require(request.user, roles.REVIEW)
    panel = selectors.clause_panel(review=review, clause_id=clause_id)  # 404 outside the version
    form = TagForm(request.POST)
    if form.is_valid():
        change = services.annotation_remove if form.cleaned_data["remove"] else services.annotation_add
        change(clause_id=clause_id, label=form.cleaned_data["label"], by=request.user, review_id=review.pk)
    elif not request.htmx:
        messages.error(request, "Choose a category.")
    if not request.htmx:
        return _back(review, f"clause-{clause_id}")
    panel = selectors.clause_panel(review=review, clause_id=clause_id)
    return render(
        request, PAGE + "#tag-response",
        {"review": review, "panel": panel, "categories": CATEGORIES, "oob": True,
         "can_review": review.is_open, "can_tag": True},
    )


@require_POST
@login_required
def comment_add(request: HtmxHttpRequest, review_id: int) -> HttpResponse:
    review = selectors.review_get_for_user(user=request.user, review_id=review_id)
    roles.require(request.user, roles.REVIEW)
    form = CommentForm(request.POST)
    finding_id = clause_id = None
    message, error = "", False
    if form.is_valid():
        finding_id, clause_id = form.cleaned_data["finding"], form.cleaned_data["clause"]
        try:
            services.comment_add(
                review_id=review.pk, by=request.user, body=form.cleaned_data["body"],
                finding_id=finding_id, clause_id=clause_id,
            )
        except ValidationError as exc:
            message, error = _errors(exc), True
    else:
        message, error = "Write a comment.", True
        finding_id = form.cleaned_data.get("finding") if hasattr(form, "cleaned_data") else None
        clause_id = form.cleaned_data.get("clause") if hasattr(form, "cleaned_data") else None
    if not request.htmx:
        if message:
            messages.error(request, message)
        anchor = f"finding-{finding_id}" if finding_id else (f"clause-{clause_id}" if clause_id else "")
        return _back(review, anchor)
    if finding_id:
        return _row_response(request, review, finding_id, message=message, error=error)
    if clause_id:
        panel = selectors.clause_panel(review=review, clause_id=clause_id)
        return render(
            request, PAGE + "#clause-panel",
            {"review": review, "panel": panel, "categories": CATEGORIES, "message": message,
             "can_review": review.is_open, "can_tag": True},
        )
    return HttpResponse(message, status=400)


# ---------------------------------------------------------------------------------------------
# Lifecycle


@require_POST
@login_required
def review_transition(request: HtmxHttpRequest, review_id: int) -> HttpResponse:
    """Submit, request changes, approve or reopen; a full page load follows (most regions
    change)."""
    review = selectors.review_get_for_user(user=request.user, review_id=review_id)
    roles.require(request.user, roles.REVIEW)
    form = TransitionForm(request.POST)
    if form.is_valid():
        action, note = form.cleaned_data["action"], form.cleaned_data["note"]
        change = {
            "submit": services.review_submit,
            "request_changes": services.review_request_changes,
            "approve": services.review_approve,
            "reopen": services.review_reopen,
        }[action]
        try:
            change(review_id=review.pk, by=request.user, note=note)
            messages.success(request, dict(form.fields["action"].choices)[action] + ": done.")
        except ValidationError as exc:
            messages.error(request, _errors(exc))
    else:
        messages.error(request, "Unknown action.")
    response = _back(review)
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = reverse("reviews:review_detail", args=[review.pk])
    return response


@require_POST
@login_required
def review_assign(request: HtmxHttpRequest, review_id: int) -> HttpResponse:
    review = selectors.review_get_for_user(user=request.user, review_id=review_id)
    roles.require(request.user, roles.REVIEW)
    form = AssignForm(request.POST, team=review.version.policy.team)
    if form.is_valid():
        try:
            services.review_assign(
                review_id=review.pk, by=request.user, assignee=form.cleaned_data["assignee"],
                approver=form.cleaned_data["approver"], due_date=form.cleaned_data["due_date"],
            )
            messages.success(request, "Assignment saved.")
        except ValidationError as exc:
            messages.error(request, _errors(exc))
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return _back(review)


# ---------------------------------------------------------------------------------------------
# Report


def _report_build(request, review_id: int):
    review = selectors.review_get_for_user(user=request.user, review_id=review_id)
    build = selectors.latest_report_build(review=review)
    return review, build


@require_GET
@login_required
def review_report(request: HtmxHttpRequest, review_id: int) -> HttpResponse:
    """The print-ready report of an approved review, or the progress of its build."""
    review, build = _report_build(request, review_id)
    return render(
        request, "reviews/review_report.html",
        {"review": review, "build": build, "data": build.data if build and build.data else None,
         "policy": review.version.policy, "version": review.version},
    )


@require_GET
@login_required
def report_status(request: HtmxHttpRequest, review_id: int) -> HttpResponse:
    """Polled while a report is built; stops polling and reloads the page when done."""
    review, build = _report_build(request, review_id)
    response = render(request, "reviews/review_report.html#report-progress", {"review": review, "build": build})
    if build is None or build.is_finished:
        response.status_code = HttpResponseStopPolling.status_code
        response["HX-Refresh"] = "true"
    return response


@require_POST
@login_required
def report_rebuild(request: HtmxHttpRequest, review_id: int) -> HttpResponse:
    review = selectors.review_get_for_user(user=request.user, review_id=review_id)
    roles.require(request.user, roles.REVIEW)
    try:
        services.report_build_start(review_id=review.pk, by=request.user)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    return redirect("reviews:review_report", review_id=review.pk)


def _download(content: bytes | str, content_type: str, filename: str) -> HttpResponse:
    from django.utils.http import content_disposition_header

    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _report_name(review: Review, ext: str) -> str:
    return f"review-{review.pk}-{review.version.policy.name[:40]}-v{review.version.number}.{ext}"


def _finished_build(request, review_id: int):
    review, build = _report_build(request, review_id)
    if build is None or build.status != build.Status.SUCCEEDED:
        raise Http404("The report is not ready.")
    return review, build


@require_GET
@login_required
def report_pdf(request: HtmxHttpRequest, review_id: int) -> HttpResponse:
    review, build = _finished_build(request, review_id)
    return _download(bytes(build.pdf), "application/pdf", _report_name(review, "pdf"))


@require_GET
@login_required
def report_csv(request: HtmxHttpRequest, review_id: int) -> HttpResponse:
    review, build = _finished_build(request, review_id)
    return _download(reports.findings_csv(build.data), "text/csv; charset=utf-8", _report_name(review, "csv"))


@require_GET
@login_required
def report_json(request: HtmxHttpRequest, review_id: int) -> HttpResponse:
    review, build = _finished_build(request, review_id)
    return _download(reports.findings_json(build.data), "application/json", _report_name(review, "json"))

