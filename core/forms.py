"""What every app's forms share."""

from crispy_forms.helper import FormHelper


class CrispyMixin:
    """Forms render with crispy's Bootstrap 5 pack; templates supply <form> and buttons."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper(self)
        self.helper.form_tag = False
