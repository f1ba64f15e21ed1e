from crispy_forms.helper import FormHelper
from django import forms

from .models import AdvisorProfile


class AdvisorSettingsForm(forms.ModelForm):
    class Meta:
        model = AdvisorProfile
        fields = ["title", "reminder_lead_hours", "language"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reminder_lead_hours"].widget.attrs.update({"min": 25, "max": 336})
        self.helper = FormHelper(self)
        self.helper.form_tag = False
