"""Reads of campaigns. Access control lives here: ``*_get_for_user`` raise Http404.

Who sees what: a lead (``lead_annotation``) sees the campaigns of their teams; an annotator
sees only the campaigns and documents assigned to them, and in a blind campaign only their own
labels (and, with ``hide_predictions``, no model predictions).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from policies import roles
from policies.extraction import training
from policies.models import Clause, PolicyVersion, Prediction, Team
from reviews.campaigns import active_learning, agreement
from reviews.campaigns.models import (
    Adjudication,
    AdjudicationEvent,
    Annotation,
    Assignment,
    Campaign,
    CampaignDocument,
    ClauseMark,
    Span,
    TrainingJob,
)


def is_lead(user) -> bool:
    return roles.can(user, roles.LEAD_ANNOTATION)


def campaigns_for_user(*, user) -> QuerySet[Campaign]:
    """Campaigns a user may open: their teams' campaigns for leads, assigned ones otherwise."""
    visible = Q(assignments__annotator=user)
    if is_lead(user):
        if user.is_superuser:
            return Campaign.objects.all().select_related("team")
        visible |= Q(team__members=user)
    return Campaign.objects.filter(visible).distinct().select_related("team")


def campaign_get_for_user(*, user, campaign_id: int) -> Campaign:
    try:
        return campaigns_for_user(user=user).get(pk=campaign_id)
    except Campaign.DoesNotExist as exc:
        raise Http404("No such campaign.") from exc


def campaign_get_for_lead(*, user, campaign_id: int) -> Campaign:
    """The campaign if the user leads it: 404 when it is not theirs to see, 403 when they see it
    (as an annotator) but may not lead it."""
    campaign = campaign_get_for_user(user=user, campaign_id=campaign_id)
    roles.require(user, roles.LEAD_ANNOTATION)
    if not user.is_superuser and not campaign.team.members.filter(pk=user.pk).exists():
        raise Http404("No such campaign.")
    return campaign


def assignment_get_for_user(*, user, assignment_id: int) -> Assignment:
    """The assignment for its annotator, or for a lead of the campaign's team (read-only)."""
    try:
        assignment = Assignment.objects.select_related(
            "campaign", "campaign__team", "document", "document__version__policy", "annotator"
        ).get(pk=assignment_id)
    except Assignment.DoesNotExist as exc:
        raise Http404("No such assignment.") from exc
    if assignment.annotator_id == user.pk:
        return assignment
    if is_lead(user) and (
        user.is_superuser or assignment.campaign.team.members.filter(pk=user.pk).exists()
    ):
        return assignment
    raise Http404("No such assignment.")


def lead_teams(*, user) -> QuerySet[Team]:
    return Team.objects.all() if user.is_superuser else user.teams.all()


# --- progress -------------------------------------------------------------------------------


@dataclass
class QueueItem:
    assignment: Assignment
    clauses: int
    judged: int

    @property
    def percent(self) -> int:
        if self.assignment.is_done:
            return 100
        return round(100 * self.judged / self.clauses) if self.clauses else 0


def annotator_queue(*, campaign: Campaign, user) -> list[QueueItem]:
    """The user's assignments in the campaign with how far they got, open ones first."""
    assignments = list(
        campaign.assignments.filter(annotator=user).select_related("document__version__policy")
    )
    return _queue_items(campaign, assignments)


def _queue_items(campaign: Campaign, assignments: list[Assignment]) -> list[QueueItem]:
    version_ids = {a.document.version_id for a in assignments}
    sizes = dict(
        Clause.objects.filter(version_id__in=version_ids)
        .values("version_id")
        .annotate(n=Count("id"))
        .values_list("version_id", "n")
    )
    judged = Counter(
        (row["clause__version_id"], row["annotator_id"])
        for row in ClauseMark.objects.filter(
            campaign=campaign,
            clause__version_id__in=version_ids,
            annotator_id__in={a.annotator_id for a in assignments},
        ).values("clause__version_id", "annotator_id")
    )
    items = [
        QueueItem(
            a, sizes.get(a.document.version_id, 0), judged[(a.document.version_id, a.annotator_id)]
        )
        for a in assignments
    ]
    return sorted(items, key=lambda i: (i.assignment.is_done, i.assignment.document_id))


@dataclass
class AnnotatorProgress:
    annotator: object
    assigned: int = 0
    done: int = 0
    clauses: int = 0
    judged: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.judged / self.clauses) if self.clauses else 0


@dataclass
class DocumentProgress:
    document: CampaignDocument
    items: list[QueueItem] = field(default_factory=list)

    @property
    def done(self) -> int:
        return sum(1 for i in self.items if i.assignment.is_done)


def campaign_progress(
    *, campaign: Campaign
) -> tuple[list[AnnotatorProgress], list[DocumentProgress]]:
    """Progress per annotator and per document (a handful of queries whatever the size)."""
    assignments = list(campaign.assignments.select_related("document", "annotator"))
    items = _queue_items(campaign, assignments)
    per_annotator: dict[int, AnnotatorProgress] = {
        u.pk: AnnotatorProgress(u) for u in campaign.annotators.order_by("username")
    }
    per_document = {d.pk: DocumentProgress(d) for d in campaign.documents.all()}
    for item in items:
        a = item.assignment
        row = per_annotator.setdefault(a.annotator_id, AnnotatorProgress(a.annotator))
        row.assigned += 1
        row.done += int(a.is_done)
        row.clauses += item.clauses
        row.judged += item.clauses if a.is_done else item.judged
        if a.document_id in per_document:
            per_document[a.document_id].items.append(item)
    return list(per_annotator.values()), list(per_document.values())


# --- the annotation page --------------------------------------------------------------------

CHUNK = 40  # clauses per progressively loaded chunk


@dataclass
class ClauseRow:
    clause: Clause
    text: str
    mine: list[str]
    spans: list[tuple[int, int, int, str]]  # (span id, start in clause, end in clause, label)
    mark: ClauseMark | None
    predictions: list[tuple[str, float]]
    others: dict[str, list[str]]  # label -> other annotators (non-blind campaigns only)

    def span_items(self) -> list[tuple[int, str, str]]:
        """(span id, highlighted text, label) for the list under the clause."""
        return [(i, self.text[s:e], label) for i, s, e, label in self.spans]

    def segments(self) -> list[tuple[str, str]]:
        """The clause text cut at highlight edges: (text, label or "") pieces in order."""
        edges = sorted(
            {
                0,
                len(self.text),
                *(s for _, s, _, _ in self.spans),
                *(e for _, _, e, _ in self.spans),
            }
        )
        pieces = []
        for start, end in zip(edges, edges[1:], strict=False):
            covering = [label for _, s, e, label in self.spans if s <= start and end <= e]
            pieces.append((self.text[start:end], covering[0] if covering else ""))
        return pieces


def assignment_clauses(
    *, assignment: Assignment, viewer, offset: int = 0, limit: int = CHUNK
) -> tuple[list[ClauseRow], int]:
    """One chunk of the document's clauses as the assignee sees them, and the total count.

    What is shown is decided here, server-side: the assignee's own labels always; other
    annotators' labels only in non-blind campaigns; predictions unless the campaign hides them.
    """
    campaign = assignment.campaign
    version = assignment.document.version
    clauses_qs = Clause.objects.filter(version=version).order_by("order")
    total = clauses_qs.count()
    clauses = list(clauses_qs[offset : offset + limit])
    ids = [c.pk for c in clauses]
    owner = assignment.annotator_id
    mine: dict[int, list[str]] = defaultdict(list)
    others: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    annotations = Annotation.objects.filter(campaign=campaign, clause_id__in=ids)
    if campaign.blind:
        annotations = annotations.filter(annotator_id=owner)
    for clause_id, user_id, username, label in annotations.values_list(
        "clause_id", "annotator_id", "annotator__username", "label"
    ):
        if user_id == owner:
            mine[clause_id].append(label)
        else:
            others[clause_id][label].append(username)
    spans: dict[int, list] = defaultdict(list)
    starts = {c.pk: c.start for c in clauses}
    for span_id, clause_id, start, end, label in Span.objects.filter(
        annotation__campaign=campaign,
        annotation__annotator_id=owner,
        annotation__clause_id__in=ids,
    ).values_list("pk", "annotation__clause_id", "start", "end", "annotation__label"):
        spans[clause_id].append(
            (span_id, start - starts[clause_id], end - starts[clause_id], label)
        )
    marks = {
        m.clause_id: m
        for m in ClauseMark.objects.filter(campaign=campaign, annotator_id=owner, clause_id__in=ids)
    }
    predictions: dict[int, list] = defaultdict(list)
    if not campaign.hide_predictions:
        for clause_id, label, conf in Prediction.objects.filter(clause_id__in=ids).values_list(
            "clause_id", "label", "confidence"
        ):
            predictions[clause_id].append((label, conf))
    text = version.text
    rows = [
        ClauseRow(
            clause=c,
            text=c.text_in(text),
            mine=mine.get(c.pk, []),
            spans=spans.get(c.pk, []),
            mark=marks.get(c.pk),
            predictions=predictions.get(c.pk, []),
            others={k: v for k, v in others.get(c.pk, {}).items()},
        )
        for c in clauses
    ]
    return rows, total


def clause_row(*, assignment: Assignment, clause_id: int, viewer) -> ClauseRow:
    """One clause as :func:`assignment_clauses` shows it (for fragments after a change)."""
    clause = Clause.objects.filter(pk=clause_id, version_id=assignment.document.version_id).first()
    if clause is None:
        raise Http404("No such clause in this document.")
    position = Clause.objects.filter(version_id=clause.version_id, order__lt=clause.order).count()
    rows, _ = assignment_clauses(assignment=assignment, viewer=viewer, offset=position, limit=1)
    return rows[0]


# --- agreement ------------------------------------------------------------------------------


def campaign_units(*, campaign: Campaign) -> list[agreement.Unit]:
    """Each clause of the campaign with every annotator's label set who judged it.

    An annotator judged a clause when their assignment for its document is done (unlabelled
    clauses then mean "none of these labels"), or when they touched it (labelled, commented,
    flagged) in an open assignment.
    """
    documents = dict(campaign.documents.values_list("version_id", "label"))
    clauses = list(
        Clause.objects.filter(version_id__in=documents)
        .order_by("version_id", "order")
        .values_list("pk", "version_id")
    )
    done_by_version: dict[int, set[str]] = defaultdict(set)
    for version_id, username in campaign.assignments.done().values_list(
        "document__version_id", "annotator__username"
    ):
        done_by_version[version_id].add(username)
    judged: dict[int, set[str]] = defaultdict(set)
    for clause_id, username in ClauseMark.objects.filter(campaign=campaign).values_list(
        "clause_id", "annotator__username"
    ):
        judged[clause_id].add(username)
    labels: dict[tuple[int, str], set[str]] = defaultdict(set)
    for clause_id, username, label in Annotation.objects.filter(campaign=campaign).values_list(
        "clause_id", "annotator__username", "label"
    ):
        labels[(clause_id, username)].add(label)
        judged[clause_id].add(username)
    units = []
    for clause_id, version_id in clauses:
        raters = done_by_version.get(version_id, set()) | judged.get(clause_id, set())
        units.append(
            agreement.Unit(
                key=clause_id,
                document=documents[version_id],
                ratings={r: frozenset(labels.get((clause_id, r), ())) for r in sorted(raters)},
            )
        )
    return units


@dataclass
class AgreementReport:
    labels: list[str]
    overall: agreement.LabelAgreement
    per_label: dict[str, agreement.LabelAgreement]
    per_document: dict[str, dict[str, agreement.LabelAgreement]]
    pairs: list[agreement.PairAgreement]
    annotators: list[str]
    counts: dict[str, dict[str, int]]
    units: int

    def pair_matrix(self) -> list[tuple[str, list[agreement.PairAgreement | None]]]:
        """annotator x annotator grid of pairs (None on the diagonal)."""
        lookup = {(p.a, p.b): p for p in self.pairs} | {(p.b, p.a): p for p in self.pairs}
        return [(a, [lookup.get((a, b)) for b in self.annotators]) for a in self.annotators]

    def json_by_label(self) -> dict[str, dict]:
        return {label: self.per_label[label].as_json() for label in self.labels}


def campaign_agreement(*, campaign: Campaign) -> AgreementReport:
    units = campaign_units(campaign=campaign)
    labels = list(campaign.labels)
    return AgreementReport(
        labels=labels,
        overall=agreement.overall(units, labels),
        per_label=agreement.by_label(units, labels),
        per_document=agreement.by_document(units, labels),
        pairs=agreement.pairwise(units, labels),
        annotators=sorted({a for u in units for a in u.ratings}),
        counts=agreement.label_counts(units, labels),
        units=len(units),
    )


# --- adjudication and gold ------------------------------------------------------------------


@dataclass
class CurationItem:
    unit: agreement.Unit
    clause: Clause
    text: str
    adjudication: Adjudication | None
    merged: list[str]  # labels given by anyone (the "merge" proposal)

    @property
    def status(self) -> str:
        return "settled" if self.adjudication else "open"


def campaign_gold(
    *, campaign: Campaign, units: list[agreement.Unit] | None = None
) -> dict[int, list[str]]:
    """clause id -> gold labels: the adjudicated set, else the unanimous set of two or more
    annotators (a single annotator's labels are gold only in campaigns with overlap 1)."""
    units = units if units is not None else campaign_units(campaign=campaign)
    settled = dict(campaign.adjudications.values_list("clause_id", "labels"))
    order = {label: i for i, label in enumerate(campaign.labels)}
    gold: dict[int, list[str]] = {}
    for unit in units:
        if unit.key in settled:
            gold[unit.key] = list(settled[unit.key])
        elif (len(unit.ratings) >= min(2, campaign.overlap)) and agreement.is_unanimous(unit):
            gold[unit.key] = sorted(
                next(iter(unit.ratings.values())), key=lambda x: order.get(x, 99)
            )
    return gold


@dataclass
class CurationSummary:
    disagreed: int
    settled: int
    agreed: int
    units: int

    @property
    def percent(self) -> int:
        return round(100 * self.settled / self.disagreed) if self.disagreed else 100


def curation_queue(
    *, campaign: Campaign, show: str = "open", offset: int = 0, limit: int = 25
) -> tuple[list[CurationItem], CurationSummary, int]:
    """Disagreed clauses (two or more annotators, label sets differ), in document order.
    ``show``: "open" (not yet settled), "settled" or "all". Returns a page, the summary, and
    the number of items matching ``show``."""
    units = campaign_units(campaign=campaign)
    settled = {a.clause_id: a for a in campaign.adjudications.select_related("decided_by")}
    disagreed = [u for u in units if len(u.ratings) >= 2 and not agreement.is_unanimous(u)]
    agreed = sum(1 for u in units if len(u.ratings) >= 2 and agreement.is_unanimous(u))
    summary = CurationSummary(
        disagreed=len(disagreed),
        settled=sum(1 for u in disagreed if u.key in settled),
        agreed=agreed,
        units=len(units),
    )
    if show == "open":
        chosen = [u for u in disagreed if u.key not in settled]
    elif show == "settled":
        chosen = [u for u in disagreed if u.key in settled]
    else:
        chosen = disagreed
    page = chosen[offset : offset + limit]
    clauses = Clause.objects.select_related("version").in_bulk([u.key for u in page])
    order = {label: i for i, label in enumerate(campaign.labels)}
    items = [
        CurationItem(
            unit=u,
            clause=clauses[u.key],
            text=clauses[u.key].text_in(clauses[u.key].version.text),
            adjudication=settled.get(u.key),
            merged=sorted(set().union(*u.ratings.values()), key=lambda x: order.get(x, 99)),
        )
        for u in page
    ]
    return items, summary, len(chosen)


def curation_item(*, campaign: Campaign, clause_id: int) -> CurationItem:
    items, _, _ = curation_queue(campaign=campaign, show="all", limit=10**9)
    for item in items:
        if item.clause.pk == clause_id:
            return item
    raise Http404("This clause has no disagreement.")


def adjudication_events(*, campaign: Campaign, clause_id: int | None = None) -> QuerySet:
    events = AdjudicationEvent.objects.filter(campaign=campaign).select_related("actor")
    return events.filter(clause_id=clause_id) if clause_id else events


def gold_examples(*, campaigns: list[Campaign]) -> list[training.Example]:
    """Gold clauses of the campaigns as training examples; ``document`` is ``v<version id>``
    so whole documents are held out together. Labels outside the ten categories are dropped
    (the classifier predicts those ten)."""
    examples: list[training.Example] = []
    for campaign in campaigns:
        gold = campaign_gold(campaign=campaign)
        clauses = list(Clause.objects.filter(pk__in=gold).order_by("version_id", "order"))
        # Each version's text once (joining it to every clause row would repeat it per row).
        texts = dict(
            PolicyVersion.objects.filter(pk__in={c.version_id for c in clauses}).values_list(
                "pk", "text"
            )
        )
        for clause in clauses:
            text = texts[clause.version_id]
            labels = tuple(label for label in training.CATEGORIES if label in gold[clause.pk])
            if not labels:
                continue
            examples.append(
                training.Example(
                    text=clause.text_in(text),
                    labels=labels,
                    heading=clause.heading,
                    group=f"c{clause.pk}",
                    document=f"v{clause.version_id}",
                )
            )
    return examples


def adjudicated_gold_examples() -> list[tuple[str, str, list[str]]]:
    """Gold of every campaign whose data the product may train on (a source of
    ``train_classifier --from-annotations``, see settings.POLICY_TRAINING_EXAMPLE_SOURCES)."""
    campaigns = list(Campaign.objects.filter(licence_restricted=False).order_by("pk"))
    return [(e.text, e.heading, list(e.labels)) for e in gold_examples(campaigns=campaigns)]


# --- training, registry, active learning ----------------------------------------------------


def training_jobs_for_user(*, user) -> QuerySet[TrainingJob]:
    teams = lead_teams(user=user)
    return (
        TrainingJob.objects.filter(team__in=teams)
        .select_related("model")
        .prefetch_related("campaigns")
    )


def training_job_get_for_user(*, user, job_id: int) -> TrainingJob:
    roles.require(user, roles.LEAD_ANNOTATION)
    try:
        return training_jobs_for_user(user=user).get(pk=job_id)
    except TrainingJob.DoesNotExist as exc:
        raise Http404("No such training job.") from exc


@dataclass
class ComparisonRow:
    category: str
    new_f1: float | None
    current_f1: float | None
    support: int

    @property
    def delta(self) -> float | None:
        if self.new_f1 is None or self.current_f1 is None:
            return None
        return round(self.new_f1 - self.current_f1, 4)


def comparison_rows(*, job: TrainingJob) -> list[ComparisonRow]:
    new = (job.comparison or {}).get("new") or {}
    current = (job.comparison or {}).get("current") or {}
    rows = []
    for category in training.CATEGORIES:
        n = new.get("per_category", {}).get(category, {})
        c = current.get("per_category", {}).get(category, {})
        rows.append(ComparisonRow(category, n.get("f1"), c.get("f1"), n.get("support", 0)))
    return rows


def uncertainty_queue(*, campaign: Campaign, user, limit: int = 50) -> list[active_learning.Ranked]:
    """Clauses nobody has labelled yet (in the user's assigned documents, or all documents for
    a lead), most uncertain for the active model first."""
    from policies import classifiers

    documents = campaign.documents.select_related("version")
    if not is_lead(user):
        documents = documents.filter(assignments__annotator=user)
    touched = set(ClauseMark.objects.filter(campaign=campaign).values_list("clause_id", flat=True))
    touched |= set(Annotation.objects.filter(campaign=campaign).values_list("clause_id", flat=True))
    touched |= set(campaign.adjudications.values_list("clause_id", flat=True))
    candidates = []
    for document in documents.distinct():
        text = document.version.text
        for clause in Clause.objects.filter(version=document.version).order_by("order"):
            if clause.pk not in touched:
                candidates.append(
                    active_learning.Candidate(
                        key=clause.pk,
                        text=clause.text_in(text),
                        heading=clause.heading,
                        document=document.label,
                        document_id=document.pk,
                    )
                )
    return active_learning.rank(candidates, classifiers.active(), limit=limit)


def assignment_for(*, campaign: Campaign, user, document_id: int) -> Assignment | None:
    return campaign.assignments.filter(annotator=user, document_id=document_id).first()


# --- export ---------------------------------------------------------------------------------


def export_rows(*, campaign: Campaign, kind: str = "all", with_text: bool = False):
    """Rows of :mod:`reviews.campaigns.exports` for the campaign: ``kind`` is "annotations",
    "gold" or "all". Yields in document and clause order."""
    from reviews.campaigns import exports

    documents = {d.version_id: d.label for d in campaign.documents.all()}
    clauses = {
        c.pk: c
        for c in Clause.objects.filter(version_id__in=documents).order_by("version_id", "order")
    }
    texts = {}
    if with_text:
        texts = dict(campaign.documents.values_list("version_id", "version__text"))

    def base(clause: Clause, **kw) -> exports.Row:
        return exports.Row(
            campaign=campaign.name,
            document=documents[clause.version_id],
            version_id=clause.version_id,
            clause_id=clause.pk,
            clause_order=clause.order,
            start=clause.start,
            end=clause.end,
            text=clause.text_in(texts[clause.version_id]) if with_text else "",
            **kw,
        )

    rows: list[tuple[tuple, exports.Row]] = []
    if kind in ("annotations", "all"):
        spans: dict[int, list] = defaultdict(list)
        for annotation_id, start, end in Span.objects.filter(
            annotation__campaign=campaign
        ).values_list("annotation_id", "start", "end"):
            spans[annotation_id].append((start, end))
        marks = {
            (m.clause_id, m.annotator.username): m
            for m in ClauseMark.objects.filter(campaign=campaign).select_related("annotator")
        }
        labelled: set[tuple[int, str]] = set()
        for a in Annotation.objects.filter(campaign=campaign).select_related("annotator"):
            clause = clauses[a.clause_id]
            mark = marks.get((a.clause_id, a.annotator.username))
            labelled.add((a.clause_id, a.annotator.username))
            rows.append(
                (
                    (clause.version_id, clause.order, 0, a.annotator.username, a.label),
                    base(
                        clause,
                        source="annotation",
                        annotator=a.annotator.username,
                        label=a.label,
                        time=a.created_at.isoformat(),
                        unsure=bool(mark and mark.unsure),
                        comment=mark.comment if mark else "",
                        spans=tuple(sorted(spans.get(a.pk, ()))),
                    ),
                )
            )
        for (clause_id, username), mark in marks.items():
            if (clause_id, username) in labelled or clause_id not in clauses:
                continue
            clause = clauses[clause_id]
            rows.append(
                (
                    (clause.version_id, clause.order, 0, username, ""),
                    base(
                        clause,
                        source="annotation",
                        annotator=username,
                        label="",
                        time=mark.updated_at.isoformat(),
                        unsure=mark.unsure,
                        comment=mark.comment,
                    ),
                )
            )
    if kind in ("gold", "all"):
        gold = campaign_gold(campaign=campaign)
        decided = {a.clause_id: a for a in campaign.adjudications.select_related("decided_by")}
        for clause_id, labels in gold.items():
            clause = clauses[clause_id]
            adjudication = decided.get(clause_id)
            when = adjudication.decided_at.isoformat() if adjudication else ""
            note = adjudication.note if adjudication else ""
            for label in labels or [""]:
                rows.append(
                    (
                        (clause.version_id, clause.order, 1, "", label),
                        base(
                            clause,
                            source="gold",
                            annotator="",
                            label=label,
                            time=when,
                            comment=note,
                        ),
                    )
                )
    rows.sort(key=lambda pair: pair[0])
    return [row for _, row in rows]
