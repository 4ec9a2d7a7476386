"""Admin console. Pipeline outputs are read-only here: they are replaced by reruns."""

from django.contrib import admin

from policies.models import (
    ClassifierModel,
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


@admin.register(ClassifierModel)
class ClassifierModelAdmin(admin.ModelAdmin):
    """The model registry: promote with the action; rollback promotes the previous one."""

    list_display = ["version", "is_promoted", "licence_restricted", "promoted_at", "created_at"]
    list_filter = ["is_promoted", "licence_restricted"]
    readonly_fields = [
        "version", "meta", "training_summary", "metrics", "licence_restricted", "is_promoted",
        "promoted_at", "promoted_by", "created_by", "created_at",
    ]
    exclude = ["arrays"]
    actions = ["promote", "rollback"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description="Promote the selected model (new runs use it)")
    def promote(self, request, queryset) -> None:
        from django.core.exceptions import ValidationError

        from policies import services

        if queryset.count() != 1:
            self.message_user(request, "Select exactly one model to promote.", level="error")
            return
        try:
            model = services.classifier_model_promote(model_id=queryset.get().pk, by=request.user)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), level="error")
            return
        self.message_user(request, f"{model.version} is now used for new runs.")

    @admin.action(description="Roll back to the previously promoted model")
    def rollback(self, request, queryset) -> None:
        from policies import services

        model = services.classifier_model_rollback(by=request.user)
        self.message_user(request, f"Now using {model.version if model else 'the shipped default model'}.")
