"""The one shape of a form view (STYLE.md §11, `form_page`), for every app: a form page is
a declaration of its service, its message and where to go after."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext

from core.exceptions import ApplicationError


def run_service(request, form, service, **kwargs):
    """Call a service for a valid form; put its complaints next to the fields, or on top.

    Returns the service's result, or None when it refused (the form then shows why; the
    facts an ApplicationError carries in `extra`, e.g. where a text names a client, go to
    the page with it: see render_form).
    """
    try:
        return service(**kwargs)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, error)
    except ApplicationError as error:
        form.add_error(None, error.message)
        form.refusal = error.extra
    return None


def render_form(
    request,
    *,
    form,
    title,
    back_url,
    engagement=None,
    submit=None,
    template="form.html",
    status=200,
    **extra,
):
    """The one form page: a title, the crispy form, a submit button and a way back.
    A form with errors answers 400 unless the caller chose another status (429: a limit)."""
    if form.is_bound and form.errors:
        status = 400 if status == 200 else status
        messages.error(request, gettext("Nothing was saved. Please correct the fields marked below."))
    context = {"form": form, "title": title, "back_url": back_url, "engagement": engagement, "submit": submit}
    context |= getattr(form, "refusal", {}) | extra
    return render(request, template, context, status=status)


def form_page(request, form, *, save, success, done_url, **page):
    """The usual form view. On a valid POST call `save(**cleaned_data)` (a service, usually a
    functools.partial); when it succeeds, flash `success` and redirect to `done_url` (either
    may be a function of the service's result). Otherwise show the form (see render_form)."""
    if request.method == "POST" and form.is_valid():
        result = run_service(request, form, save, **form.cleaned_data)
        if result is not None:
            messages.success(request, success(result) if callable(success) else success)
            return redirect(done_url(result) if callable(done_url) else done_url)
    return render_form(request, form=form, **page)
