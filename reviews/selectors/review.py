"""Reads of the review workflow: the review page's regions, the queue, the audit timeline, the
report data and the reviewer annotations as training examples.

Query counts never depend on the number of clauses: the document is read a page at a time.
"""

from __future__ import annotations

import datetime
import functools
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.apps import apps
from django.db.models import (
    Case,
    Exists,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Substr
from django.http import Http404
from django.utils import timezone

from policies import selectors as policy_selectors
from policies.models import Clause, Policy, PolicyVersion, Prediction
from reviews import catalogue, checks, rating as rating_rules
from reviews.models import (
    Comment,
    Decision,
    Finding,
    FindingEvent,
    FindingEvidence,
    FindingEvidenceEvent,
    FindingReview,
    Requirement,
    Review,
    ReviewerAnnotation,
    VersionRating,
)
from reviews.selectors.findings import Quote, _quote, applied_regulations

if TYPE_CHECKING:
    from reviews.services import DecisionMade

PAGE_SIZE = 100  # clauses per progressively loaded page of the document
GAP_ORDER = {"missing": 0, "partial": 1, "satisfied": 2, "not_applicable": 3}
State = FindingReview.State


def review_get_for_user(*, user, review_id: int) -> Review:
    """The review if it belongs to one of the user's teams' policies; else 404."""
    reviews = (
        Review.objects.filter(version__policy__in=Policy.objects.visible_to(user))
        .select_related(
            "version__policy__team", "assignee", "approver", "approved_by", "created_by",
            "previous__version",
        )
        .defer("version__original", "previous__version__original", "previous__version__text")
    )
    try:
        return reviews.get(pk=review_id)
    except Review.DoesNotExist as exc:
        raise Http404("No such review.") from exc


def review_for_action(*, user, review_id: int) -> Review:
    """The review's id, version and status if it belongs to one of the user's teams' policies;
    else 404. For actions that re-render only a finding row: one narrow query, no joins to
    the text, the people or the previous review."""
    review = (
        Review.objects.filter(pk=review_id, version__policy__in=Policy.objects.visible_to(user))
        .only("id", "version_id", "status")
        .first()
    )
    if review is None:
        raise Http404("No such review.")
    return review


def version_reviews(*, version: PolicyVersion) -> QuerySet[Review]:
    return Review.objects.filter(version=version).order_by("-created_at", "-id")


def current_review(*, version: PolicyVersion) -> Review | None:
    """The open review of a version, else its latest one."""
    reviews = version_reviews(version=version)
    return reviews.open().first() or reviews.first()


# ---------------------------------------------------------------------------------------------
# Findings pane


@dataclass(frozen=True)
class EvidenceQuote:
    """An evidence quote with the order of its clause (the page of the document holding it)."""

    quote: Quote
    order: int


@dataclass
class FindingRow:
    finding: Finding
    review_row: FindingReview | None
    quotes: list[EvidenceQuote]
    considered: list[Clause]
    evidence: list[FindingEvidence]
    last_decision: Decision | None = None
    comments: list[Comment] = field(default_factory=list)

    @property
    def state(self) -> str:
        return self.review_row.state if self.review_row else State.UNDECIDED

    @property
    def status(self) -> str:
        """The reviewer's status when they changed it, else the machine's."""
        return (self.review_row.status_override if self.review_row else "") or self.finding.status

    @property
    def overridden(self) -> bool:
        return bool(self.review_row and self.review_row.status_override)

    @property
    def carried_forward(self) -> bool:
        return bool(self.review_row and self.review_row.carried_forward)

    @property
    def is_gap(self) -> bool:
        return self.status in ("missing", "partial")


@dataclass
class RegulationRows:
    code: str
    name: str
    rows: list[FindingRow]


def _clause_page_of(order: int) -> int:
    return order // PAGE_SIZE


def finding_rows(
    *, review: Review, finding_ids: list[int] | None = None, status: str = "", state: str = ""
) -> list[FindingRow]:
    """Findings of the review's version with their review state, evidence, last decision and
    comments (five queries, whatever the size of the document)."""
    findings = (
        Finding.objects.filter(version_id=review.version_id)
        .select_related("requirement", "created_by")
        .prefetch_related(
            Prefetch(
                "spans",
                queryset=FindingEvidence.objects.select_related("clause").order_by("role", "start"),
            ),
            Prefetch(
                "comments",
                queryset=Comment.objects.filter(review=review).select_related("author"),
            ),
        )
        .order_by("regulation", "requirement_id", "pk")
    )
    if finding_ids is not None:
        findings = findings.filter(pk__in=finding_ids)
    review_rows = {
        r.finding_id: r
        for r in FindingReview.objects.filter(review=review).select_related("decided_by")
        if finding_ids is None or r.finding_id in finding_ids
    }
    last: dict[int, Decision] = {}
    decisions = Decision.objects.filter(review=review).select_related("actor").order_by("id")
    if finding_ids is not None:
        decisions = decisions.filter(finding_id__in=finding_ids)
    for decision in decisions:
        last[decision.finding_id] = decision
    text = review.version.text if finding_ids is None else _ClauseTexts.of_findings(findings)
    rows = []
    for finding in findings:
        row = _finding_row(
            finding, review_rows.get(finding.pk), list(finding.spans.all()), last.get(finding.pk),
            list(finding.comments.all()), text,
        )
        if status and row.status != status:
            continue
        if state and row.state != state:
            continue
        rows.append(row)
    return rows


def _finding_row(
    finding: Finding, review_row: FindingReview | None, spans: list[FindingEvidence],
    last_decision: Decision | None, comments: list[Comment], text,
) -> FindingRow:
    evidence = [s for s in spans if s.role == FindingEvidence.Role.EVIDENCE]
    return FindingRow(
        finding,
        review_row,
        [EvidenceQuote(_quote(s, text), s.clause.order) for s in evidence],
        [s.clause for s in spans if s.role == FindingEvidence.Role.CONSIDERED],
        evidence,
        last_decision,
        comments,
    )


# The text of a cited clause, cut out by PostgreSQL so that a long policy's text never travels.
_CLAUSE_BODY = Substr("version__text", F("start") + 1, F("end") - F("start"))


class _ClauseTexts:
    """The version text, but only the clauses some findings cite, read with SQL ``substr`` so
    that re-rendering one finding row never loads a long policy's whole text. Sliced with
    absolute offsets like the text itself (each slice lies inside one clause)."""

    def __init__(self, segments) -> None:
        self.segments = sorted(segments)

    @classmethod
    def of_findings(cls, findings: QuerySet[Finding]) -> _ClauseTexts:
        clauses = (
            Clause.objects.filter(finding_spans__finding__in=findings.values("pk"))
            .annotate(body=_CLAUSE_BODY)
            .values_list("start", "body")
            .distinct()
        )
        return cls(clauses)

    def __getitem__(self, part: slice) -> str:
        for start, body in self.segments:
            if start <= part.start and part.stop <= start + len(body):
                return body[part.start - start : part.stop - start]
        return ""


def finding_groups(rows: list[FindingRow]) -> list[RegulationRows]:
    """Rows grouped by regulation (catalogue order, then internal issues), gaps first."""
    grouped: dict[str, list[FindingRow]] = defaultdict(list)
    for row in rows:
        grouped[row.finding.regulation].append(row)
    names = {**catalogue.REGULATIONS, "internal": "Internal issues"}
    return [
        RegulationRows(
            code, names[code],
            sorted(
                grouped[code],
                key=lambda r: (GAP_ORDER.get(r.status, 9), r.finding.requirement_id or "", r.finding.pk),
            ),
        )
        for code in names
        if grouped.get(code)
    ]


def finding_row(*, review: Review, finding_id: int) -> FindingRow:
    """One finding's row, to re-render it after an action: five narrow queries (the finding,
    its review row, its last decision, its cited clauses with their text, its comments)."""
    finding = (
        Finding.objects.filter(pk=finding_id, version_id=review.version_id)
        .select_related("requirement", "created_by")
        .first()
    )
    if finding is None:
        raise Http404("No such finding in this review.")
    review_row = (
        FindingReview.objects.filter(review=review, finding=finding).select_related("decided_by").first()
    )
    last_decision = (
        Decision.objects.filter(review=review, finding=finding).select_related("actor").order_by("-id").first()
    )
    spans = list(
        FindingEvidence.objects.filter(finding=finding)
        .select_related("clause")
        .annotate(clause_body=Substr("clause__version__text", F("clause__start") + 1,
                                     F("clause__end") - F("clause__start")))
        .order_by("role", "start")
    )
    comments = list(Comment.objects.filter(review=review, finding=finding).select_related("author"))
    text = _ClauseTexts({(s.clause.start, s.clause_body) for s in spans})
    return _finding_row(finding, review_row, spans, last_decision, comments, text)


def finding_decision_row(*, decided: DecisionMade) -> FindingRow:
    """What a decision just wrote, as a row for the row's decision part (status, state, last
    decision, lock version) with no query. Its quotes, evidence and comments are left empty:
    render only the ``finding-decision`` part from it."""
    return FindingRow(decided.finding, decided.review_row, [], [], [], decided.decision, [])


@dataclass(frozen=True)
class Counters:
    total: int
    undecided: int
    approved: int
    rejected: int
    gaps: int
    carried: int


def review_counters(*, review: Review) -> Counters:
    """Decision counts of the review (one query)."""
    return review_standing(review=review, with_rating=False)[0]


@dataclass(frozen=True)
class ReviewedRating:
    overall: str
    reasons: tuple[str, ...]
    per_regulation: dict


def reviewed_rating(*, review: Review) -> ReviewedRating | None:
    """The Pass/Warning/Fail rating under the reviewers' decisions (two queries)."""
    return review_standing(review=review, with_rating=True)[1]


_GAP = ("missing", "partial")


def review_standing(*, review: Review, with_rating: bool = True) -> tuple[Counters, ReviewedRating | None]:
    """The review's decision counters and, when asked, its rating under the reviewers'
    decisions: their statuses replace the machine's and rejected findings do not count. One
    query reads every finding with its review row (both figures come from it), a second the
    machine rating the reviewed one starts from."""
    findings = (
        Finding.objects.filter(version_id=review.version_id)
        .annotate(mine=FilteredRelation("reviews", condition=Q(reviews__review=review)))
        .values_list(
            "pk", "requirement_id", "regulation", "status", "mine__status_override", "mine__state",
            "mine__carried_forward",
        )
    )
    approved = rejected = carried = gaps = total = 0
    verdicts = []
    for pk, requirement_id, regulation, status, override, state, carried_forward in findings:
        total += 1
        approved += state == State.APPROVED
        rejected += state == State.REJECTED
        carried += bool(carried_forward)
        gaps += (override or status) in _GAP
        if with_rating and state != State.REJECTED:
            verdicts.append(
                checks.Verdict(
                    requirement_id or f"manual-{pk}", regulation, override or status, 1.0, (), (), ""
                )
            )
    counters = Counters(total, total - approved - rejected, approved, rejected, gaps, carried)
    if not with_rating:
        return counters, None
    machine = VersionRating.objects.filter(version_id=review.version_id).first()
    if machine is None:
        return counters, None
    sells = any("sold" in reason for reason in machine.reasons)
    result = rating_rules.rate(verdicts, _specs(), sells_children_data=sells)
    return counters, ReviewedRating(result.overall, result.reasons, result.per_regulation)


_SPEC_CACHE: dict[str, tuple] = {}


_SPEC_TTL_SECONDS = 60


def _specs():
    """Requirement specs for the rating, cached per process for a minute: the rating reads only
    their ids, kinds and rules, which an admin changes rarely, and every decision needs them."""
    cached = _SPEC_CACHE.get("specs")
    if cached and time.monotonic() - cached[0] < _SPEC_TTL_SECONDS:
        return cached[1]
    specs = [r.as_spec() for r in Requirement.objects.filter(active=True).order_by("regulation", "id")]
    _SPEC_CACHE["specs"] = (time.monotonic(), specs)
    return specs


# ---------------------------------------------------------------------------------------------
# Document pane


@dataclass(frozen=True)
class ClauseItem:
    clause: Clause
    number: int
    text: str
    categories: list[policy_selectors.CategoryView]
    tags: list[str]
    cited: bool
    is_new: bool

    @property
    def primary_slug(self) -> str:
        return self.categories[0].slug if self.categories else ""


@dataclass(frozen=True)
class ClausePage:
    page: int
    pages: int
    items: list[ClauseItem]

    @property
    def next_pages(self) -> range:
        return range(self.page + 1, self.pages)


def _previous_version_id(review: Review) -> int | None:
    return review.previous.version_id if review.previous_id else None


def review_clause_page(*, review: Review, page: int) -> ClausePage:
    """One page of the document's clauses with categories, reviewer tags, whether a finding
    cites them and whether they are new since the previously reviewed version (four queries)."""
    total = Clause.objects.filter(version_id=review.version_id).count()
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(0, page), pages - 1)
    clauses = (
        Clause.objects.filter(
            version_id=review.version_id, order__gte=page * PAGE_SIZE,
            order__lt=(page + 1) * PAGE_SIZE,
        )
        .annotate(
            cited=Exists(FindingEvidence.objects.filter(clause=OuterRef("pk"))),
        )
        .prefetch_related(
            Prefetch("predictions", queryset=Prediction.objects.order_by("-confidence")),
            Prefetch("reviewer_annotations", queryset=ReviewerAnnotation.objects.order_by("label")),
        )
        .order_by("order")
    )
    previous = _previous_version_id(review)
    if previous is not None:
        clauses = clauses.annotate(
            known=Exists(
                Clause.objects.filter(version_id=previous, fingerprint=OuterRef("fingerprint"))
            )
        )
    text = review.version.text
    items = [
        ClauseItem(
            c, c.order + 1, c.text_in(text),
            [
                policy_selectors.CategoryView(
                    p.label, p.confidence, policy_selectors.category_slug(p.label)
                )
                for p in c.predictions.all()
            ],
            [a.label for a in c.reviewer_annotations.all()],
            c.cited,
            previous is not None and not c.known,
        )
        for c in clauses
    ]
    return ClausePage(page, pages, items)


def changed_clauses(*, review: Review, limit: int = 50) -> tuple[int, list[Clause]]:
    """Clauses new or changed since the previously reviewed version: the reviewers' queue."""
    previous = _previous_version_id(review)
    if previous is None:
        return 0, []
    changed = (
        Clause.objects.filter(version_id=review.version_id)
        .exclude(kind=Clause.Kind.HEADING)
        .exclude(
            Exists(Clause.objects.filter(version_id=previous, fingerprint=OuterRef("fingerprint")))
        )
        .order_by("order")
    )
    return changed.count(), list(changed[:limit])


def clause_by_number(*, review: Review, number: int) -> Clause | None:
    return Clause.objects.filter(version_id=review.version_id, order=number - 1).first()


@dataclass(frozen=True)
class ClausePanel:
    clause: Clause
    number: int
    text: str
    predictions: list
    tags: list[str]
    findings: list[Finding]
    facts: list
    comments: list[Comment]
    page: int


def clause_panel(*, review: Review, clause_id: int) -> ClausePanel:
    """A selected clause: its categories (machine and reviewers'), the findings and facts that
    cite it, and its comments."""
    clause = (
        Clause.objects.filter(version_id=review.version_id, pk=clause_id)
        .prefetch_related(
            Prefetch("predictions", queryset=Prediction.objects.order_by("-confidence")),
            Prefetch("reviewer_annotations", queryset=ReviewerAnnotation.objects.order_by("label")),
        )
        .first()
    )
    if clause is None:
        raise Http404("No such clause in this review.")
    findings = list(
        Finding.objects.filter(spans__clause=clause).select_related("requirement").distinct()
        .order_by("regulation", "requirement_id")
    )
    facts = [
        (policy_selectors.FACT_LABELS.get(f.kind, f.kind), policy_selectors.fact_text(f.kind, f.value), f)
        for f in clause.facts.order_by("start")
    ]
    comments = list(Comment.objects.filter(review=review, clause=clause).select_related("author"))
    return ClausePanel(
        clause, clause.order + 1, clause.text_in(review.version.text), list(clause.predictions.all()),
        [a.label for a in clause.reviewer_annotations.all()], findings, facts, comments,
        _clause_page_of(clause.order),
    )


# ---------------------------------------------------------------------------------------------
# Queue


def my_queue(*, user) -> QuerySet[Review]:
    """Open reviews waiting for the user: assigned to them, or in review with them as approver.
    Overdue first, then by due date (none last)."""
    today = timezone.localdate()
    return (
        Review.objects.open()
        .visible_to(user)
        .filter(
            Q(assignee=user, status__in=["draft", "changes_requested"])
            | Q(approver=user, status="in_review")
        )
        .select_related("version__policy", "assignee", "approver")
        .defer("version__text", "version__original", "version__blocks")
        .annotate(
            overdue=Case(
                When(due_date__lt=today, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("overdue", "due_date", "created_at")
        .distinct()
    )


# ---------------------------------------------------------------------------------------------
# Audit timeline


@dataclass(frozen=True)
class TimelineEntry:
    when: datetime.datetime
    who: str
    what: str
    subject: str
    before: dict
    after: dict

    @property
    def changes(self) -> list[tuple[str, object, object]]:
        """(field, before, after) for each field the event shows."""
        keys = list(self.after) or list(self.before)
        return [(k, self.before.get(k), self.after.get(k)) for k in keys]


_SKIP_FIELDS = {"id", "lock_version", "updated_at", "created_at", "pgh_obj", "pgh_id"}


def _snapshot(event, fields: list[str]) -> dict:
    return {f: getattr(event, f"{f}_id", None) if _is_fk(event, f) else getattr(event, f) for f in fields}


def _is_fk(event, name: str) -> bool:
    return event._meta.get_field(name).is_relation


def _tracked_fields(model) -> list[str]:
    return [
        f.name for f in model._meta.fields
        if not f.name.startswith("pgh_") and f.name not in _SKIP_FIELDS
    ]


def review_timeline(*, review: Review, limit: int | None = 200) -> list[TimelineEntry]:
    """Every recorded change of the review, its findings, evidence, tags and comments, newest
    first, read from the trigger-written event tables. Updates show what changed (before and
    after); machine changes (pipeline reruns) appear as "pipeline"."""
    # The event models pghistory made for the decorated models live in the app registry.
    event = functools.partial(apps.get_model, "reviews")
    ReviewEvent, FindingReviewEvent = event("ReviewEvent"), event("FindingReviewEvent")  # noqa: N806
    ReviewerAnnotationEvent, CommentEvent = event("ReviewerAnnotationEvent"), event("CommentEvent")  # noqa: N806
    finding_ids = Finding.objects.filter(version_id=review.version_id).values("pk")
    sources = [
        ("review", ReviewEvent.objects.filter(pgh_obj_id=review.pk)),
        ("decision", FindingReviewEvent.objects.filter(review_id=review.pk)),
        ("finding", FindingEvent.objects.filter(version_id=review.version_id)),
        (
            "evidence",
            FindingEvidenceEvent.objects.filter(finding_id__in=finding_ids, pgh_context__isnull=False),
        ),
        ("tag", ReviewerAnnotationEvent.objects.filter(clause__version_id=review.version_id)),
        ("comment", CommentEvent.objects.filter(review_id=review.pk)),
    ]
    entries: list[TimelineEntry] = []
    for kind, events in sources:
        fields = _tracked_fields(events.model)
        previous: dict[int, dict] = {}
        for event in events.select_related("pgh_context").order_by("pgh_id"):
            after = _snapshot(event, fields)
            before = previous.get(event.pgh_obj_id, {})
            previous[event.pgh_obj_id] = after
            label = event.pgh_label
            if kind == "decision" and label == "insert" and after.get("state") == State.UNDECIDED:
                continue  # the empty row made when the review starts: nothing was decided
            if label == "update":
                changed = [k for k in after if before.get(k) != after[k]]
                if not changed:
                    continue  # only the lock version moved: the decision row says what happened
                shown_before = {k: before.get(k) for k in changed}
                shown_after = {k: after[k] for k in changed}
            elif label == "delete":
                shown_before, shown_after = after, {}
            else:
                shown_before, shown_after = {}, after
            context = event.pgh_context.metadata if event.pgh_context else {}
            entries.append(
                TimelineEntry(
                    event.pgh_created_at, context.get("username", "pipeline"),
                    f"{kind} {label}", f"{kind} {event.pgh_obj_id}", shown_before, shown_after,
                )
            )
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:limit] if limit else entries


# ---------------------------------------------------------------------------------------------
# Report


def _user(u) -> str:
    return u.get_username() if u is not None else ""


def review_report_data(*, review_id: int, progress: Callable[[int], None] = lambda p: None) -> dict:
    """The report of a review as plain JSON data: what reports.py renders (HTML, PDF, CSV,
    JSON) and what a report build freezes."""
    review = (
        Review.objects.select_related(
            "version__policy__team", "assignee", "approver", "approved_by", "created_by",
            "previous__version",
        )
        .defer("version__original")
        .get(pk=review_id)
    )
    return _report_data(review, progress)


def version_report_data(*, version: PolicyVersion) -> dict:
    """The report data of a version nobody has reviewed yet: machine findings, all undecided.
    (An unsaved stand-in review with pk 0 matches no decision, comment or review row.)"""
    return _report_data(Review(pk=0, version=version, status=Review.Status.DRAFT), lambda p: None)


def _report_data(review: Review, progress: Callable[[int], None]) -> dict:
    version, policy = review.version, review.version.policy
    rows = finding_rows(review=review)
    progress(20)
    reviewed = reviewed_rating(review=review)
    machine = VersionRating.objects.filter(version=version).first()
    decisions = defaultdict(list)
    for d in Decision.objects.filter(review=review).select_related("actor").order_by("id"):
        decisions[d.finding_id].append(
            {
                "kind": d.kind, "by": _user(d.actor), "at": d.created_at.isoformat(),
                "state": d.state_after, "status": d.status_after, "comment": d.comment,
                "clause_id": d.clause_id,
            }
        )
    progress(35)
    findings = []
    for group in finding_groups(rows):
        for row in group.rows:
            f = row.finding
            findings.append(
                {
                    "id": f.pk,
                    "requirement": f.requirement_id or "",
                    "regulation": group.name,
                    "regulation_code": group.code,
                    "title": f.requirement.title if f.requirement else f.title,
                    "citation": f.requirement.citation if f.requirement else "",
                    "status": row.status,
                    "machine_status": f.status if f.origin == Finding.Origin.AUTOMATED else "",
                    "origin": f.origin,
                    "review_state": row.state,
                    "carried_forward": row.carried_forward,
                    "decided_by": _user(row.review_row.decided_by) if row.review_row else "",
                    "decided_at": (
                        row.review_row.decided_at.isoformat()
                        if row.review_row and row.review_row.decided_at else ""
                    ),
                    "rationale": f.rationale,
                    "evidence": [
                        {"clause_id": q.quote.clause_id, "number": q.order + 1, "start": q.quote.start,
                         "end": q.quote.end, "quote": q.quote.text}
                        for q in row.quotes
                    ],
                    "considered": [
                        {"clause_id": c.pk, "number": c.order + 1,
                         "text": c.text_in(version.text)[:300]}
                        for c in row.considered
                    ],
                    "decisions": decisions.get(f.pk, []),
                    "comments": [
                        {"by": _user(c.author), "at": c.created_at.isoformat(), "body": c.body}
                        for c in row.comments
                    ],
                }
            )
    progress(50)
    clause_comments = [
        {"clause_id": c.clause_id, "by": _user(c.author), "at": c.created_at.isoformat(), "body": c.body}
        for c in Comment.objects.filter(review=review, finding__isnull=True).select_related("author")
    ]
    audit = [
        {"at": e.when.isoformat(), "who": e.who, "what": e.what, "subject": e.subject,
         "before": _jsonable(e.before), "after": _jsonable(e.after)}
        for e in review_timeline(review=review, limit=None)
    ]
    progress(60)
    matrix = [
        {
            "regulation": c.name, "code": code, "applicable": c.applicable, "satisfied": c.satisfied,
            "partial": c.partial, "missing": c.missing, "coverage": c.coverage,
        }
        for code, c in (reviewed.per_regulation.items() if reviewed else [])
    ]
    return {
        "generated_at": timezone.now().isoformat(),
        "policy": {"id": policy.pk, "name": policy.name, "vendor": policy.vendor, "team": policy.team.name},
        "version": {
            "id": version.pk, "number": version.number, "title": version.title,
            "content_hash": version.content_hash, "original_name": version.original_name,
            "imported_at": version.created_at.isoformat(),
        },
        "review": {
            "id": review.pk or None, "status": review.status if review.pk else "not started", "created_by": _user(review.created_by),
            "created_at": review.created_at.isoformat() if review.created_at else "", "assignee": _user(review.assignee),
            "approver": _user(review.approver), "approved_by": _user(review.approved_by),
            "approved_at": review.approved_at.isoformat() if review.approved_at else "",
            "submitted_at": review.submitted_at.isoformat() if review.submitted_at else "",
            "due_date": review.due_date.isoformat() if review.due_date else "",
            "previous_review": review.previous_id,
            "reviewers": sorted({d["by"] for ds in decisions.values() for d in ds if d["by"]}),
        },
        "scope": [
            {"code": code, "name": r["name"], "applies": r["applies"], "reasons": r["reasons"]}
            for code, r in applied_regulations(version=version).items()
        ],
        "rating": {
            "overall": reviewed.overall if reviewed else "",
            "reasons": list(reviewed.reasons) if reviewed else [],
            "machine_overall": machine.overall if machine else "",
            "machine_reasons": machine.reasons if machine else [],
        },
        "matrix": matrix,
        "findings": findings,
        "clause_comments": clause_comments,
        "audit": audit,
    }


def _jsonable(values: dict) -> dict:
    return {
        k: (v.isoformat() if isinstance(v, datetime.date | datetime.datetime) else v)
        for k, v in values.items()
    }


def latest_report_build(*, review: Review):
    return review.report_builds.order_by("-created_at", "-id").first()


# ---------------------------------------------------------------------------------------------
# Training data


def approved_annotation_examples() -> list[tuple[str, str, list[str]]]:
    """Reviewer tags as training examples: (clause text, heading, labels), one per tagged clause
    of a version whose review was approved (signed-off judgement only)."""
    annotations = (
        ReviewerAnnotation.objects.filter(
            clause__version__reviews__status=Review.Status.APPROVED
        )
        .select_related("clause")
        .order_by("clause__version_id", "clause__order", "label")
        .distinct()
    )
    by_clause: dict[int, tuple[Clause, list[str]]] = {}
    for annotation in annotations:
        entry = by_clause.setdefault(annotation.clause_id, (annotation.clause, []))
        if annotation.label not in entry[1]:
            entry[1].append(annotation.label)
    texts = dict(
        PolicyVersion.objects.filter(
            pk__in={c.version_id for c, _ in by_clause.values()}
        ).values_list("pk", "text")
    )
    return [
        (clause.text_in(texts[clause.version_id]), clause.heading, labels)
        for clause, labels in by_clause.values()
    ]
