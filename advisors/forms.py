from django import forms

from core.forms import CrispyMixin

from .models import AdvisorProfile


class AdvisorSettingsForm(CrispyMixin, forms.ModelForm):
    class Meta:
        model = AdvisorProfile
        fields = ["title", "reminder_lead_hours", "language"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reminder_lead_hours"].widget.attrs.update({"min": 25, "max": 336})
