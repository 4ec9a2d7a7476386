from django import forms
from django.contrib.auth import get_user_model

from policies.extraction.document import CATEGORIES
from reviews.catalogue import REGULATIONS
from reviews.models import Finding


class ScopeForm(forms.Form):
    """A reviewer's choice of regulations; "use detected" returns to the suggestion."""

    regulations = forms.MultipleChoiceField(
        choices=list(REGULATIONS.items()), required=False, widget=forms.CheckboxSelectMultiple
    )
    use_detected = forms.BooleanField(required=False)

    def chosen(self) -> list[str] | None:
        if self.cleaned_data["use_detected"]:
            return None
        return list(self.cleaned_data["regulations"])


class DecisionForm(forms.Form):
    """Approve, reject (reason required) or change the status of a finding. ``lock_version`` is
    the version of the finding the person saw (optimistic locking)."""

    action = forms.ChoiceField(
        choices=[("approve", "Approve"), ("reject", "Reject"), ("change_status", "Change status")]
    )
    lock_version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    comment = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    status = forms.ChoiceField(choices=[("", "—"), *Finding.Status.choices], required=False)

    def clean(self):
        data = super().clean()
        if data.get("action") == "reject" and not (data.get("comment") or "").strip():
            self.add_error("comment", "Give a reason for rejecting.")
        if data.get("action") == "change_status":
            if not data.get("status"):
                self.add_error("status", "Choose the new status.")
            if not (data.get("comment") or "").strip():
                self.add_error("comment", "Say why the status changes.")
        return data


class EvidenceAddForm(forms.Form):
    lock_version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    clause_number = forms.IntegerField(min_value=1, label="Clause #")
    comment = forms.CharField(required=False)


class EvidenceRemoveForm(forms.Form):
    lock_version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class ManualFindingForm(forms.Form):
    requirement = forms.CharField(required=False, help_text="Requirement id, or empty for an internal issue.")
    title = forms.CharField(required=False, max_length=200)
    status = forms.ChoiceField(choices=Finding.Status.choices, initial=Finding.Status.MISSING)
    rationale = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))
    clause_numbers = forms.CharField(required=False, label="Evidence clause numbers", help_text="e.g. 3 12")

    def clean_clause_numbers(self) -> list[int]:
        raw = self.cleaned_data["clause_numbers"].replace(",", " ").split()
        try:
            return [int(n) for n in raw]
        except ValueError as exc:
            raise forms.ValidationError("Clause numbers are whole numbers.") from exc


class TagForm(forms.Form):
    label = forms.ChoiceField(choices=[(c, c) for c in CATEGORIES])
    remove = forms.BooleanField(required=False)


class CommentForm(forms.Form):
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)
    finding = forms.IntegerField(required=False, widget=forms.HiddenInput)
    clause = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if not data.get("finding") and not data.get("clause"):
            raise forms.ValidationError("A comment is on a finding or a clause.")
        return data


class TransitionForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("submit", "Submit for approval"), ("request_changes", "Request changes"),
                 ("approve", "Approve"), ("reopen", "Reopen")]
    )
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(queryset=get_user_model().objects.none(), required=False)
    approver = forms.ModelChoiceField(queryset=get_user_model().objects.none(), required=False)
    due_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, team=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        members = get_user_model().objects.filter(teams=team).order_by("username") if team else get_user_model().objects.none()
        self.fields["assignee"].queryset = members
        self.fields["approver"].queryset = members


class FindingFilterForm(forms.Form):
    status = forms.ChoiceField(choices=[("", "Any status"), *Finding.Status.choices], required=False)
    state = forms.ChoiceField(
        choices=[("", "Any decision"), ("undecided", "Undecided"), ("approved", "Approved"), ("rejected", "Rejected")],
        required=False,
    )
