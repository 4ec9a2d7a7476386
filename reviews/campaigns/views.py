"""Campaign pages. Shape: parse -> one service or selector -> render.

Access: every view loads its objects through a ``*_get_for_user`` selector (404 when the user
may not see them) and checks the role (403) before any change.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect
from django_htmx.middleware import HtmxDetails

from policies import roles, services as policy_services
from policies.models import ClassifierModel
from reviews.campaigns import agreement, exports, forms, markdown, selectors, services
from reviews.campaigns.models import Campaign


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def _keys(labels: list[str]) -> list[tuple[str, str, int]]:
    """(key, label, index): number keys 1-9 then 0 for the first ten labels."""
    keys = [str(i) for i in range(1, 10)] + ["0"]
    return [(keys[i] if i < len(keys) else "", label, i) for i, label in enumerate(labels)]


# --- campaigns ------------------------------------------------------------------------------


@require_GET
@login_required
def campaign_list(request: HtmxHttpRequest) -> HttpResponse:
    if not (
        roles.can(request.user, roles.ANNOTATE) or roles.can(request.user, roles.LEAD_ANNOTATION)
    ):
        raise PermissionDenied("Your role does not include annotation.")
    campaigns = selectors.campaigns_for_user(user=request.user).order_by("-created_at")
    return render(
        request,
        "campaigns/campaign_list.html",
        {
            "campaigns": campaigns,
            "is_lead": selectors.is_lead(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def campaign_create(request: HtmxHttpRequest) -> HttpResponse:
    roles.require(request.user, roles.LEAD_ANNOTATION)
    teams = selectors.lead_teams(user=request.user)
    form = forms.CampaignForm(request.POST or None, teams=teams)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = services.campaign_create(
                team=data["team"],
                by=request.user,
                name=data["name"],
                guidelines=data["guidelines"],
                extra_labels=form.label_list(),
                overlap=data["overlap"],
                blind=data["blind"],
                hide_predictions=data["hide_predictions"],
                versions=data["versions"],
                annotators=data["annotators"],
            )
            if data["assign"]:
                services.campaign_assign_balanced(campaign_id=campaign.pk, by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            url = reverse("campaigns:campaign_detail", args=[campaign.pk])
            return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    template = "campaigns/campaign_create.html"
    if request.htmx:
        template += "#campaign-form"
    return render(request, template, {"form": form})


@require_GET
@login_required
def campaign_detail(request: HtmxHttpRequest, campaign_id: int) -> HttpResponse:
    campaign = selectors.campaign_get_for_user(user=request.user, campaign_id=campaign_id)
    leading = selectors.is_lead(request.user) and (
        request.user.is_superuser or campaign.team.members.filter(pk=request.user.pk).exists()
    )
    context = {
        "campaign": campaign,
        "guidelines": mark_safe(markdown.render(campaign.guidelines)),  # noqa: S308 - escaped
        "queue": selectors.annotator_queue(campaign=campaign, user=request.user),
        "leading": leading,
    }
    if leading:
        per_annotator, per_document = selectors.campaign_progress(campaign=campaign)
        context.update(
            per_annotator=per_annotator,
            per_document=per_document,
            assignment_form=forms.AssignmentForm(campaign=campaign),
        )
    template = "campaigns/campaign_detail.html"
    if request.htmx and request.htmx.target == "progress":
        template += "#progress"
    return render(request, template, context)


@require_POST
@login_required
def campaign_assign(request: HtmxHttpRequest, campaign_id: int) -> HttpResponse:
    campaign = selectors.campaign_get_for_lead(user=request.user, campaign_id=campaign_id)
    try:
        created = services.campaign_assign_balanced(campaign_id=campaign.pk, by=request.user)
        messages.success(request, f"{len(created)} assignments made.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("campaigns:campaign_detail", campaign_id=campaign.pk)


@require_POST
@login_required
def assignment_add(request: HtmxHttpRequest, campaign_id: int) -> HttpResponse:
    campaign = selectors.campaign_get_for_lead(user=request.user, campaign_id=campaign_id)
    form = forms.AssignmentForm(request.POST, campaign=campaign)
    if form.is_valid():
        try:
            services.assignment_add(
                campaign=campaign,
                document_id=form.cleaned_data["document"].pk,
                annotator=form.cleaned_data["annotator"],
                by=request.user,
            )
            messages.success(request, "Assigned.")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, "Choose a document and an annotator.")
    return redirect("campaigns:campaign_detail", campaign_id=campaign.pk)


@require_POST
@login_required
def assignment_remove(request: HtmxHttpRequest, assignment_id: int) -> HttpResponse:
    assignment = selectors.assignment_get_for_user(user=request.user, assignment_id=assignment_id)
    selectors.campaign_get_for_lead(user=request.user, campaign_id=assignment.campaign_id)
    try:
        services.assignment_remove(assignment_id=assignment.pk, by=request.user)
        messages.success(request, "Assignment removed.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("campaigns:campaign_detail", campaign_id=assignment.campaign_id)


# --- annotation -----------------------------------------------------------------------------


def _annotate_context(request, assignment, offset: int, limit: int) -> dict:
    rows, total = selectors.assignment_clauses(
        assignment=assignment, viewer=request.user, offset=offset, limit=limit
    )
    return {
        "assignment": assignment,
        "campaign": assignment.campaign,
        "rows": rows,
        "total": total,
        "next_offset": offset + len(rows) if offset + len(rows) < total else None,
        "keys": _keys(list(assignment.campaign.labels)),
        "editable": assignment.annotator_id == request.user.pk and not assignment.is_done,
    }


@require_GET
@login_required
def assignment_annotate(request: HtmxHttpRequest, assignment_id: int) -> HttpResponse:
    """The annotation page; with ``?offset=N`` (htmx) the next chunk of clauses only."""
    assignment = selectors.assignment_get_for_user(user=request.user, assignment_id=assignment_id)
    try:
        offset = max(0, int(request.GET.get("offset", 0)))
    except ValueError:
        offset = 0
    limit = selectors.CHUNK
    focus = request.GET.get("focus", "")
    if focus.isdigit() and not offset:
        # Load far enough to show the clause the active-learning queue pointed at.
        position = assignment.document.version.clauses.filter(
            order__lt=assignment.document.version.clauses.filter(pk=int(focus)).values("order")[:1]
        ).count()
        limit = max(limit, position + selectors.CHUNK)
    context = _annotate_context(request, assignment, offset, limit)
    if request.htmx and offset:
        return render(request, "campaigns/assignment_annotate.html#clause-chunk", context)
    queue = selectors.annotator_queue(campaign=assignment.campaign, user=assignment.annotator)
    context.update(
        guidelines=mark_safe(markdown.render(assignment.campaign.guidelines)),  # noqa: S308
        progress=next((q for q in queue if q.assignment.pk == assignment.pk), None),
    )
    return render(request, "campaigns/assignment_annotate.html", context)


def _clause_fragment(request, assignment, clause_id: int, status: int = 200) -> HttpResponse:
    context = _annotate_context(request, assignment, 0, 0)
    context["row"] = selectors.clause_row(
        assignment=assignment, clause_id=clause_id, viewer=request.user
    )
    return render(request, "campaigns/assignment_annotate.html#clause-row", context, status=status)


def _after_clause_action(request, assignment, clause_id: int) -> HttpResponse:
    """The changed clause row for htmx; a plain form post goes back to the clause."""
    if not request.htmx:
        return redirect(
            reverse("campaigns:assignment_annotate", args=[assignment.pk]) + f"#clause-{clause_id}"
        )
    return _clause_fragment(request, assignment, clause_id)


def _own_assignment(request, assignment_id: int):
    assignment = selectors.assignment_get_for_user(user=request.user, assignment_id=assignment_id)
    roles.require(request.user, roles.ANNOTATE)
    if assignment.annotator_id != request.user.pk:
        raise PermissionDenied("Only the assigned annotator labels this document.")
    return assignment


def _problem(text: str) -> HttpResponse:
    # htmx 2 does not swap 4xx; the annotate script shows this text in the status line.
    return HttpResponse(text, status=422, content_type="text/plain")


def _error(request, exc: ValidationError) -> HttpResponse:
    return _problem(" ".join(exc.messages))


@require_POST
@login_required
def clause_toggle(request: HtmxHttpRequest, assignment_id: int, clause_id: int) -> HttpResponse:
    assignment = _own_assignment(request, assignment_id)
    form = forms.ToggleForm(request.POST)
    if not form.is_valid():
        return _problem("Say which label.")
    try:
        services.annotation_toggle(
            assignment=assignment,
            clause_id=clause_id,
            label=form.cleaned_data["label"],
            by=request.user,
        )
    except ValidationError as exc:
        return _error(request, exc)
    return _after_clause_action(request, assignment, clause_id)


@require_POST
@login_required
def clause_mark(request: HtmxHttpRequest, assignment_id: int, clause_id: int) -> HttpResponse:
    """Comment and/or "not sure" flag; with neither, records the clause as judged (no label)."""
    assignment = _own_assignment(request, assignment_id)
    form = forms.MarkForm(request.POST)
    if not form.is_valid():
        return _problem("Invalid comment.")
    try:
        values = form.values()
        if values:
            services.clause_mark_set(
                assignment=assignment, clause_id=clause_id, by=request.user, **values
            )
        else:
            services.clause_judge(assignment=assignment, clause_id=clause_id, by=request.user)
    except ValidationError as exc:
        return _error(request, exc)
    return _after_clause_action(request, assignment, clause_id)


@require_POST
@login_required
def span_add(request: HtmxHttpRequest, assignment_id: int, clause_id: int) -> HttpResponse:
    assignment = _own_assignment(request, assignment_id)
    form = forms.SpanForm(request.POST)
    if not form.is_valid():
        return _problem("Select text inside the clause first.")
    try:
        services.span_add(
            assignment=assignment, clause_id=clause_id, by=request.user, **form.cleaned_data
        )
    except ValidationError as exc:
        return _error(request, exc)
    return _clause_fragment(request, assignment, clause_id)


@require_POST
@login_required
def span_delete(request: HtmxHttpRequest, assignment_id: int, span_id: int) -> HttpResponse:
    assignment = _own_assignment(request, assignment_id)
    clause_id = int(request.POST.get("clause", 0) or 0)
    try:
        services.span_delete(assignment=assignment, span_id=span_id, by=request.user)
    except ValidationError as exc:
        return _error(request, exc)
    return _clause_fragment(request, assignment, clause_id)


@require_POST
@login_required
def assignment_done(request: HtmxHttpRequest, assignment_id: int) -> HttpResponse:
    assignment = _own_assignment(request, assignment_id)
    services.assignment_done(assignment_id=assignment.pk, by=request.user)
    messages.success(request, f"{assignment.document} is done.")
    url = reverse("campaigns:campaign_detail", args=[assignment.campaign_id])
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


@require_POST
@login_required
def assignment_reopen(request: HtmxHttpRequest, assignment_id: int) -> HttpResponse:
    assignment = _own_assignment(request, assignment_id)
    services.assignment_reopen(assignment_id=assignment.pk, by=request.user)
    return redirect("campaigns:assignment_annotate", assignment_id=assignment.pk)


# --- agreement ------------------------------------------------------------------------------


@require_GET
@login_required
def campaign_agreement(request: HtmxHttpRequest, campaign_id: int) -> HttpResponse:
    campaign = selectors.campaign_get_for_lead(user=request.user, campaign_id=campaign_id)
    report = selectors.campaign_agreement(campaign=campaign)
    documents = sorted(report.per_document)
    heat = agreement.heat_class
    heatmap = [
        (
            label,
            [
                (
                    doc,
                    report.per_document[doc][label].krippendorff_alpha,
                    heat(report.per_document[doc][label].krippendorff_alpha),
                )
                for doc in documents
            ],
        )
        for label in report.labels
    ]
    pair_grid = [
        (a, [(p, heat(p.cohen_kappa) if p else "heat-self") for p in cells])
        for a, cells in report.pair_matrix()
    ]
    label_rows = [
        (report.per_label[label], heat(report.per_label[label].krippendorff_alpha))
        for label in report.labels
    ]
    counts = [
        (annotator, [row.get(label, 0) for label in report.labels])
        for annotator, row in sorted(report.counts.items())
    ]
    return render(
        request,
        "campaigns/campaign_agreement.html",
        {
            "campaign": campaign,
            "report": report,
            "documents": documents,
            "heatmap": heatmap,
            "pair_grid": pair_grid,
            "label_rows": label_rows,
            "counts": counts,
            "overall_class": heat(report.overall.krippendorff_alpha),
        },
    )


@require_GET
@login_required
def agreement_csv(request: HtmxHttpRequest, campaign_id: int) -> HttpResponse:
    campaign = selectors.campaign_get_for_lead(user=request.user, campaign_id=campaign_id)
    report = selectors.campaign_agreement(campaign=campaign)
    header = [
        "scope",
        "document",
        "label",
        "annotator_a",
        "annotator_b",
        "fleiss_kappa",
        "krippendorff_alpha",
        "cohen_kappa",
        "percent_agreement",
        "items",
        "positives",
    ]
    rows = []
    for label in report.labels:
        r = report.per_label[label]
        rows.append(
            [
                "label",
                "",
                label,
                "",
                "",
                r.fleiss_kappa,
                r.krippendorff_alpha,
                "",
                r.percent_agreement,
                r.items,
                r.positives,
            ]
        )
    for doc in sorted(report.per_document):
        for label, r in report.per_document[doc].items():
            rows.append(
                [
                    "document",
                    doc,
                    label,
                    "",
                    "",
                    r.fleiss_kappa,
                    r.krippendorff_alpha,
                    "",
                    r.percent_agreement,
                    r.items,
                    r.positives,
                ]
            )
    for p in report.pairs:
        rows.append(
            ["pair", "", "", p.a, p.b, "", "", p.cohen_kappa, p.percent_agreement, p.items, ""]
        )
    response = HttpResponse(exports.agreement_csv(header, rows), content_type="text/csv")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"agreement-{campaign.pk}.csv"
    )
    return response


# --- adjudication ---------------------------------------------------------------------------

CURATION_PAGE = 20


@require_GET
@login_required
def campaign_adjudication(request: HtmxHttpRequest, campaign_id: int) -> HttpResponse:
    campaign = selectors.campaign_get_for_lead(user=request.user, campaign_id=campaign_id)
    show = request.GET.get("show", "open")
    if show not in ("open", "settled", "all"):
        show = "open"
    try:
        offset = max(0, int(request.GET.get("offset", 0)))
    except ValueError:
        offset = 0
    items, summary, count = selectors.curation_queue(
        campaign=campaign, show=show, offset=offset, limit=CURATION_PAGE
    )
    context = {
        "campaign": campaign,
        "items": items,
        "summary": summary,
        "count": count,
        "show": show,
        "offset": offset,
        "next_offset": offset + CURATION_PAGE if offset + CURATION_PAGE < count else None,
        "prev_offset": max(0, offset - CURATION_PAGE) if offset else None,
    }
    template = "campaigns/campaign_adjudication.html"
    if request.htmx and request.htmx.target == "curation":
        template += "#curation"
    return render(request, template, context)


@require_POST
@login_required
def adjudicate(request: HtmxHttpRequest, campaign_id: int, clause_id: int) -> HttpResponse:
    campaign = selectors.campaign_get_for_lead(user=request.user, campaign_id=campaign_id)
    form = forms.AdjudicationForm(request.POST, campaign=campaign)
    error = ""
    if form.is_valid():
        try:
            services.adjudication_decide(
                campaign=campaign,
                clause_id=clause_id,
                by=request.user,
                kind=form.cleaned_data["kind"],
                labels=form.cleaned_data["labels"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
    else:
        error = "Choose how and which labels."
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect("campaigns:campaign_adjudication", campaign_id=campaign.pk)
    item = selectors.curation_item(campaign=campaign, clause_id=clause_id)
    _, summary, _ = selectors.curation_queue(campaign=campaign, limit=0)
    response = render(
        request,
        "campaigns/campaign_adjudication.html#curation-item",
        {
            "campaign": campaign,
            "item": item,
            "error": error,
            "summary": summary,
        },
    )
    response["HX-Trigger"] = "curation-changed"
    return response


# --- export ---------------------------------------------------------------------------------


@require_GET
@login_required
def campaign_export(request: HtmxHttpRequest, campaign_id: int) -> HttpResponse:
    campaign = selectors.campaign_get_for_lead(user=request.user, campaign_id=campaign_id)
    fmt = request.GET.get("format", "jsonl")
    kind = request.GET.get("kind", "all")
    if fmt not in ("jsonl", "csv") or kind not in ("all", "annotations", "gold"):
        return HttpResponse("format is jsonl or csv; kind is all, annotations or gold.", status=400)
    rows = selectors.export_rows(
        campaign=campaign, kind=kind, with_text=request.GET.get("text") == "1"
    )
    writer = exports.to_jsonl if fmt == "jsonl" else exports.to_csv
    response = StreamingHttpResponse(
        writer(rows), content_type="application/x-ndjson" if fmt == "jsonl" else "text/csv"
    )
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"campaign-{campaign.pk}-{kind}.{fmt}"
    )
    return response


# --- active learning ------------------------------------------------------------------------


@require_GET
@login_required
def active_learning(request: HtmxHttpRequest, campaign_id: int) -> HttpResponse:
    campaign = selectors.campaign_get_for_user(user=request.user, campaign_id=campaign_id)
    roles.require(request.user, roles.ANNOTATE)
    ranked = selectors.uncertainty_queue(campaign=campaign, user=request.user, limit=50)
    mine = {a.document_id: a.pk for a in campaign.assignments.filter(annotator=request.user)}
    return render(
        request,
        "campaigns/active_learning.html",
        {
            "campaign": campaign,
            "ranked": ranked,
            "mine": mine,
        },
    )


# --- training and the model registry ---------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def training_list(request: HtmxHttpRequest) -> HttpResponse:
    roles.require(request.user, roles.LEAD_ANNOTATION)
    led = Campaign.objects.led_by(request.user).select_related("team")
    form = forms.TrainingForm(request.POST or None, campaigns=led)
    if request.method == "POST" and form.is_valid():
        chosen = list(form.cleaned_data["campaigns"])
        try:
            job = services.training_job_start(
                team=chosen[0].team,
                by=request.user,
                campaigns=chosen,
                include_corpus=form.cleaned_data["include_corpus"],
                heldout_percent=form.cleaned_data["heldout_percent"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            url = reverse("campaigns:training_detail", args=[job.pk])
            return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    return render(
        request,
        "campaigns/training_list.html",
        {
            "form": form,
            "jobs": selectors.training_jobs_for_user(user=request.user)[:50],
            "models": ClassifierModel.objects.defer("arrays", "meta")[:50],
        },
    )


@require_GET
@login_required
def training_detail(request: HtmxHttpRequest, job_id: int) -> HttpResponse:
    job = selectors.training_job_get_for_user(user=request.user, job_id=job_id)
    context = {"job": job, "rows": selectors.comparison_rows(job=job)}
    if request.htmx and request.htmx.target == "job-status":
        response = render(request, "campaigns/training_detail.html#job-status", context)
        if job.is_finished:
            # Reload the whole page (which no longer polls) so the comparison shows.
            response = HttpResponseClientRedirect(
                reverse("campaigns:training_detail", args=[job.pk])
            )
        return response
    return render(request, "campaigns/training_detail.html", context)


@require_POST
@login_required
def model_promote(request: HtmxHttpRequest, model_id: int) -> HttpResponse:
    roles.require(request.user, roles.LEAD_ANNOTATION)
    try:
        model = policy_services.classifier_model_promote(model_id=model_id, by=request.user)
        messages.success(request, f"{model.version} now classifies new extraction runs.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    job_id = request.POST.get("job", "")
    if job_id.isdigit():
        return redirect("campaigns:training_detail", job_id=int(job_id))
    return redirect("campaigns:training_list")


@require_POST
@login_required
def model_rollback(request: HtmxHttpRequest) -> HttpResponse:
    roles.require(request.user, roles.LEAD_ANNOTATION)
    model = policy_services.classifier_model_rollback(by=request.user)
    messages.success(
        request,
        f"Rolled back: {model.version} classifies new runs."
        if model
        else "Rolled back to the shipped default model.",
    )
    return redirect("campaigns:training_list")
