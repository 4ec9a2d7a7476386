"""Admin console for campaigns. The adjudication audit trail and training jobs are read-only."""

from django.contrib import admin

from policies.admin import ReadOnlyAdmin
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


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "team",
        "overlap",
        "blind",
        "hide_predictions",
        "licence_restricted",
        "created_at",
    ]
    list_filter = ["team", "blind"]
    search_fields = ["name"]
    filter_horizontal = ["annotators"]
    readonly_fields = ["licence_restricted", "created_by", "created_at", "updated_at"]


@admin.register(CampaignDocument)
class CampaignDocumentAdmin(admin.ModelAdmin):
    list_display = ["label", "campaign", "version"]
    list_filter = ["campaign"]
    raw_id_fields = ["version"]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["document", "annotator", "campaign", "done_at"]
    list_filter = ["campaign"]
    raw_id_fields = ["document"]


@admin.register(Annotation)
class AnnotationAdmin(ReadOnlyAdmin):
    list_display = ["campaign", "clause", "annotator", "label", "created_at"]
    list_filter = ["campaign", "label"]
    raw_id_fields = ["clause"]


@admin.register(ClauseMark)
class ClauseMarkAdmin(ReadOnlyAdmin):
    list_display = ["campaign", "clause", "annotator", "unsure", "comment"]
    list_filter = ["campaign", "unsure"]
    raw_id_fields = ["clause"]


@admin.register(Adjudication)
class AdjudicationAdmin(ReadOnlyAdmin):
    list_display = ["campaign", "clause", "labels", "kind", "decided_by", "decided_at"]
    list_filter = ["campaign", "kind"]
    raw_id_fields = ["clause"]


@admin.register(AdjudicationEvent)
class AdjudicationEventAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "campaign",
        "clause",
        "actor",
        "kind",
        "labels",
        "previous_labels",
    ]
    list_filter = ["campaign", "kind"]
    raw_id_fields = ["clause"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(TrainingJob)
class TrainingJobAdmin(ReadOnlyAdmin):
    list_display = ["pk", "team", "status", "progress", "model", "created_at", "finished_at"]
    list_filter = ["status"]


@admin.register(Span)
class SpanAdmin(ReadOnlyAdmin):
    list_display = ["annotation", "start", "end", "created_at"]
    raw_id_fields = ["annotation"]
