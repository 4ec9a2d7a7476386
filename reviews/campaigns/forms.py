"""Forms of the campaign pages: parsing and validation only."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model

from policies.models import PolicyVersion
from reviews.campaigns.models import Adjudication


class CampaignForm(forms.Form):
    team = forms.ModelChoiceField(queryset=None)
    name = forms.CharField(max_length=200)
    guidelines = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text="Markdown (links, emphasis, lists); HTML is not rendered.",
    )
    extra_labels = forms.CharField(
        required=False,
        help_text="Your own labels, one per line.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    overlap = forms.IntegerField(
        min_value=1, max_value=20, initial=2, help_text="Annotators per document."
    )
    blind = forms.BooleanField(
        required=False, initial=True, help_text="Annotators do not see each other's labels."
    )
    hide_predictions = forms.BooleanField(
        required=False, help_text="Annotators do not see model predictions."
    )
    versions = forms.ModelMultipleChoiceField(
        queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    annotators = forms.ModelMultipleChoiceField(
        queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    assign = forms.BooleanField(
        required=False, initial=True, help_text="Assign documents automatically (balanced)."
    )

    def __init__(self, *args, teams, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        self.fields["versions"].queryset = (
            PolicyVersion.objects.filter(policy__team__in=teams)
            .select_related("policy")
            .defer("original", "text", "blocks")
            .order_by("policy__name", "-number")
        )
        self.fields["annotators"].queryset = (
            get_user_model()
            .objects.filter(teams__in=teams, is_active=True)
            .distinct()
            .order_by("username")
        )

    def clean(self):
        data = super().clean()
        team = data.get("team")
        if team and any(v.policy.team_id != team.pk for v in data.get("versions", [])):
            self.add_error("versions", "Choose versions of the campaign's team.")
        if data.get("assign") and len(data.get("annotators", [])) < (data.get("overlap") or 1):
            self.add_error(
                "annotators", "Automatic assignment needs at least `overlap` annotators."
            )
        return data

    def label_list(self) -> list[str]:
        return [
            line.strip() for line in self.cleaned_data["extra_labels"].splitlines() if line.strip()
        ]


class AssignmentForm(forms.Form):
    document = forms.ModelChoiceField(queryset=None)
    annotator = forms.ModelChoiceField(queryset=None)

    def __init__(self, *args, campaign, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["document"].queryset = campaign.documents.all()
        self.fields["annotator"].queryset = (
            get_user_model()
            .objects.filter(teams=campaign.team, is_active=True)
            .order_by("username")
        )


class ToggleForm(forms.Form):
    label = forms.CharField(max_length=80)


class MarkForm(forms.Form):
    comment = forms.CharField(required=False, max_length=2000)
    unsure = forms.ChoiceField(choices=[("", "-"), ("1", "yes"), ("0", "no")], required=False)

    def values(self) -> dict:
        out: dict = {}
        if "comment" in self.data:
            out["comment"] = self.cleaned_data["comment"]
        if self.cleaned_data.get("unsure") in ("0", "1"):
            out["unsure"] = self.cleaned_data["unsure"] == "1"
        return out


class SpanForm(forms.Form):
    label = forms.CharField(max_length=80)
    start = forms.IntegerField(min_value=0)
    end = forms.IntegerField(min_value=1)


class AdjudicationForm(forms.Form):
    kind = forms.ChoiceField(choices=Adjudication.Kind.choices)
    labels = forms.MultipleChoiceField(choices=(), required=False)
    note = forms.CharField(required=False, max_length=2000)

    def __init__(self, *args, campaign, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["labels"].choices = [(label, label) for label in campaign.labels]


class TrainingForm(forms.Form):
    campaigns = forms.ModelMultipleChoiceField(queryset=None, widget=forms.CheckboxSelectMultiple)
    include_corpus = forms.BooleanField(
        required=False, help_text="Also train on the authored corpus."
    )
    heldout_percent = forms.IntegerField(
        min_value=5,
        max_value=50,
        initial=20,
        help_text="Percent of documents held out for comparison.",
    )

    def __init__(self, *args, campaigns, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["campaigns"].queryset = campaigns

    def clean_campaigns(self):
        chosen = self.cleaned_data["campaigns"]
        if len({c.team_id for c in chosen}) > 1:
            raise forms.ValidationError("Choose campaigns of one team.")
        return chosen
