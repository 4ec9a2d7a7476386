"""Admin console. Pipeline outputs are read-only here: they are replaced by reruns."""

from django.contrib import admin

from policies.models import (
    Clause,
    ExtractionRun,
    Fact,
    Policy,
    PolicyVersion,
    Prediction,
    Section,
    Team,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """For machine outputs: visible, never edited or added by hand."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "created_at"]
    search_fields = ["name"]
    filter_horizontal = ["members"]


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    list_display = ["name", "vendor", "team", "updated_at"]
    list_filter = ["team"]
    search_fields = ["name", "vendor"]
    readonly_fields = ["created_by", "created_at", "updated_at"]


@admin.register(PolicyVersion)
class PolicyVersionAdmin(ReadOnlyAdmin):
    list_display = ["policy", "number", "title", "effective_date", "media_type", "size", "created_at"]
    list_select_related = ["policy"]
    search_fields = ["policy__name", "policy__vendor", "title"]
    exclude = ["original", "blocks"]


@admin.register(Section)
class SectionAdmin(ReadOnlyAdmin):
    list_display = ["version", "order", "heading", "level"]
    list_select_related = ["version__policy"]


@admin.register(Clause)
class ClauseAdmin(ReadOnlyAdmin):
    list_display = ["version", "order", "kind", "start", "end"]
    list_filter = ["kind"]
    list_select_related = ["version__policy"]
    raw_id_fields = ["version", "section"]


@admin.register(ExtractionRun)
class ExtractionRunAdmin(ReadOnlyAdmin):
    list_display = ["pk", "version", "status", "stage", "progress", "attempts", "created_at"]
    list_filter = ["status"]
    list_select_related = ["version__policy"]


@admin.register(Prediction)
class PredictionAdmin(ReadOnlyAdmin):
    list_display = ["clause", "label", "confidence", "model_version"]
    list_filter = ["label", "model_version"]
    raw_id_fields = ["clause", "run"]


@admin.register(Fact)
class FactAdmin(ReadOnlyAdmin):
    list_display = ["version", "kind", "value", "start", "end"]
    list_filter = ["kind"]
    raw_id_fields = ["version", "run", "clause"]
