"""Forms of the policies pages: they parse and validate input; services do the work."""

from __future__ import annotations

from django import forms
from django.conf import settings

from policies.models import ExtractionRun, Team


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field accepting several files (Django's documented pattern)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class ImportForm(forms.Form):
    team = forms.ModelChoiceField(queryset=Team.objects.none(), empty_label=None)
    vendor = forms.CharField(max_length=200, help_text="The organisation whose policy this is.")
    name = forms.CharField(
        max_length=200, required=False,
        help_text="Optional. Defaults to the file name; pasted text needs a name.",
    )
    source_url = forms.URLField(max_length=500, required=False, assume_scheme="https")
    tags = forms.CharField(max_length=300, required=False, help_text="Comma-separated.")
    files = MultipleFileField(required=False, label="Files")
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}), required=False, label="Or paste the text"
    )

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        if teams.count() == 1:
            self.fields["team"].widget = forms.HiddenInput()
            self.fields["team"].initial = teams.first()
        self.fields["files"].help_text = (
            "Plain text, Markdown, HTML, PDF or DOCX; up to "
            f"{settings.POLICY_MAX_UPLOAD_BYTES // (1024 * 1024)} MB each."
        )

    def clean_files(self):
        files = self.cleaned_data.get("files") or []
        for upload in files:
            if upload.size > settings.POLICY_MAX_UPLOAD_BYTES:
                limit = settings.POLICY_MAX_UPLOAD_BYTES // (1024 * 1024)
                raise forms.ValidationError(f"{upload.name} is larger than the {limit} MB limit.")
        return files

    def clean(self):
        cleaned = super().clean()
        files, text = cleaned.get("files") or [], (cleaned.get("text") or "").strip()
        if not files and not text:
            raise forms.ValidationError("Choose at least one file or paste the policy's text.")
        if files and text:
            raise forms.ValidationError("Import files or pasted text, not both at once.")
        if text and not cleaned.get("name"):
            self.add_error("name", "Give pasted text a name.")
        return cleaned

    def tag_list(self) -> list[str]:
        return [t.strip() for t in self.cleaned_data.get("tags", "").split(",") if t.strip()]

    def uploads(self) -> list[tuple[str, bytes]]:
        """(filename, bytes) pairs, pasted text included as a UTF-8 .txt file."""
        if self.cleaned_data.get("text"):
            return [("pasted.txt", self.cleaned_data["text"].encode("utf-8"))]
        return [(f.name, f.read()) for f in self.cleaned_data["files"]]


class PolicyFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=200, label="Search")
    status = forms.ChoiceField(
        required=False, choices=[("", "Any status"), *ExtractionRun.Status.choices]
    )
