from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.forms import CrispyMixin

from .models import COMMENT_MAX_LENGTH, CaseStudy, CommentEvent, Theme


class CaseStudyForm(CrispyMixin, forms.ModelForm):
    themes = forms.ModelMultipleChoiceField(
        label=_("Themes"), queryset=Theme.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    source_engagement = forms.IntegerField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = CaseStudy
        fields = ["title", "body", "question", "themes"]
        widgets = {
            "body": forms.Textarea(attrs={"rows": 14, "data-markdown-preview": "body"}),
            "question": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "question": _("What you ask the readers, e.g. “How would you have prepared this meeting?”"),
        }


class CloseForm(CrispyMixin, forms.Form):
    closing_summary = forms.CharField(
        label=_("What the discussion taught"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=5000,
        help_text=_("Markdown. Shown under the case; the discussion takes no comments after this."),
    )


class CommentForm(CrispyMixin, forms.Form):
    body = forms.CharField(
        label=_("Your comment"),
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Markdown: *emphasis*, **bold**, lists and links. No images."),
        error_messages={
            "max_length": _("A comment holds at most %(limit_value)d characters; this one has %(show_value)d.")
        },
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class CommentEditForm(CrispyMixin, forms.Form):
    body = CommentForm.base_fields["body"]


class ReportForm(CrispyMixin, forms.Form):
    reason = forms.CharField(
        label=_("What is wrong with this comment?"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


class ModerateForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Action"),
        choices=[
            (CommentEvent.Action.APPROVED, _("Approve")),
            (CommentEvent.Action.HIDDEN, _("Hide")),
            (CommentEvent.Action.RESTORED, _("Restore")),
            (CommentEvent.Action.KEPT, _("Keep it visible")),
            (CommentEvent.Action.REMOVED, _("Remove")),
        ],
    )
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)


class SignupForm(forms.Form):
    display_name = forms.CharField(
        label=_("Display name"), max_length=60, help_text=_("Shown with your comments. Your e-mail address never is.")
    )
    email = forms.EmailField(label=_("E-mail address"), help_text=_("You log in with it."))
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", _("The two passwords differ."))
        elif data.get("password1"):
            # The service checks it too; here its reasons go next to the field, not on top.
            email = data.get("email", "")
            try:
                password_validation.validate_password(data["password1"], get_user_model()(username=email, email=email))
            except ValidationError as error:
                self.add_error("password1", error)
        return data
