from django import forms

from reviews.catalogue import REGULATIONS


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
