"""Admin console: requirements are editable (a team adds its own with cue phrases); findings,
scope and ratings are machine output, read-only here."""

from django.contrib import admin

from reviews.models import Finding, FindingEvidence, Requirement, VersionRating, VersionScope


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Requirement)
class RequirementAdmin(admin.ModelAdmin):
    list_display = ["id", "regulation", "title", "kind", "condition", "rule", "is_builtin", "active"]
    list_filter = ["regulation", "kind", "is_builtin", "active"]
    search_fields = ["id", "title", "must_disclose", "citation"]
    readonly_fields = ["is_builtin", "catalogue_version", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["id", "regulation", "citation", "title", "kind", "active"]}),
        ("What the policy must say", {"fields": ["must_disclose", "applies_when", "condition"]}),
        (
            "How it is judged",
            {
                "fields": ["cues", "rule", "alternative_of"],
                "description": "Internal requirements: leave the rule empty and list cue phrases; "
                "a clause containing one (not negated) satisfies it.",
            },
        ),
        ("Provenance", {"fields": ["is_builtin", "catalogue_version", "created_at", "updated_at"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        # The id of a saved requirement is what findings point at: fixed once created.
        return [*self.readonly_fields, "id"] if obj else self.readonly_fields


class FindingEvidenceInline(admin.TabularInline):
    model = FindingEvidence
    extra = 0
    raw_id_fields = ["clause"]
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Finding)
class FindingAdmin(ReadOnlyAdmin):
    list_display = ["version", "requirement", "regulation", "status", "confidence", "origin"]
    list_filter = ["regulation", "status", "origin"]
    list_select_related = ["version__policy", "requirement"]
    raw_id_fields = ["version", "run", "requirement"]
    inlines = [FindingEvidenceInline]


@admin.register(VersionScope)
class VersionScopeAdmin(ReadOnlyAdmin):
    list_display = ["version", "chosen", "updated_at"]
    list_select_related = ["version__policy"]


@admin.register(VersionRating)
class VersionRatingAdmin(ReadOnlyAdmin):
    list_display = ["version", "overall", "updated_at"]
    list_filter = ["overall"]
    list_select_related = ["version__policy"]
