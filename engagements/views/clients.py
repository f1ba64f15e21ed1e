from functools import partial
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.form_views import form_page, render_form, run_service
from core.paging import frozen_page_with_count, page_with_count

from .. import fit_review, policy, selectors, services
from ..forms import ClientForm, ComplaintForm, ContactForm, ContactLeftForm, FitReviewForm


def _client_url(client_id: int) -> str:
    return reverse("engagements:client", args=[client_id])


@login_required
def client_list(request):
    """engagements/client_list.html: the clients the user may see, searchable."""
    policy.require_advisor(request.user)
    q = request.GET.get("q", "").strip()
    number = request.GET.get("page")
    if q:
        page = page_with_count(selectors.client_rows(user=request.user, q=q), number, per_page=25)
    else:  # the list as it opens: its SQL built once per kind of user (core.frozen)
        shape, values = policy.visibility_shape(request.user)

        def rows(params):
            return selectors.client_rows(user=request.user, params=params)

        page = frozen_page_with_count(("client_rows", shape), rows, number, per_page=25, **values)
    query = urlencode({"q": q}) if q else ""
    return render(request, "engagements/client_list.html", {"page": page, "q": q, "query": query})


def _client_form_page(request, *, instance=None, **page):
    """The client form, with the firm's client profile beside it. "Compare with the profile"
    shows how the client as typed compares, and saves nothing."""
    profile = selectors.firm_client_profile()
    sectors = profile.fitting_sector_lines
    may_set_fit = (
        policy.reviews_flags(request.user) if instance is None else policy.can_review_client_fit(request.user, instance)
    )
    page |= {"template": "engagements/client_form.html", "profile": profile}
    if request.method == "POST" and "compare" in request.POST:
        form = ClientForm(initial=request.POST.dict(), instance=instance, sectors=sectors, may_set_fit=may_set_fit)
        typed = {
            field: request.POST.get(field, "") if field in form.fields else "" for field in ("sector", "size", "fit")
        }
        if instance is None:
            comparison = selectors.new_client_comparison(**typed)
        else:  # the client's complaints and decisions count too
            comparison = selectors.client_comparison(client=instance, **typed)
        shown = {key: value for key, value in page.items() if key not in ("save", "success", "done_url")}
        return render_form(request, form=form, comparison=comparison, compared=True, **shown)
    form = ClientForm(request.POST or None, instance=instance, sectors=sectors, may_set_fit=may_set_fit)
    return form_page(request, form, **page)


@login_required
def client_create(request):
    policy.require_advisor(request.user)
    return _client_form_page(
        request,
        save=partial(services.client_create, by=request.user),
        success=_("Client created. Add its contacts next."),
        done_url=lambda client: _client_url(client.pk),
        title=_("New client"),
        back_url=reverse("engagements:clients"),
    )


@login_required
def client_edit(request, pk: int):
    client = policy.get_client_for_user(request.user, pk)
    return _client_form_page(
        request,
        instance=client,
        save=partial(services.client_update, client=client),
        success=_("Client saved."),
        done_url=_client_url(client.pk),
        title=_("Edit %(name)s") % {"name": client.name},
        back_url=_client_url(client.pk),
    )


@login_required
def client_detail(request, pk: int):
    """engagements/client_detail.html: contacts (and who replaced whom), engagements, complaints."""
    client = policy.get_client_for_user(request.user, pk)
    context = selectors.page_context(selectors.client_page(client=client, user=request.user))
    context["can_review_fit"] = policy.can_review_client_fit(request.user, client)
    return render(request, "engagements/client_detail.html", context)


@login_required
def contact_create(request, client_pk: int):
    client = policy.get_client_for_user(request.user, client_pk)
    return form_page(
        request,
        ContactForm(request.POST or None, client=client),
        save=partial(services.contact_create, client=client),
        success=_("Contact added."),
        done_url=_client_url(client.pk),
        title=_("New contact at %(name)s") % {"name": client.name},
        back_url=_client_url(client.pk),
    )


@login_required
def contact_edit(request, pk: int):
    contact = policy.get_contact_for_user(request.user, pk)
    return form_page(
        request,
        ContactForm(request.POST or None, instance=contact, client=contact.client),
        save=partial(services.contact_update, contact=contact),
        success=_("Contact saved."),
        done_url=_client_url(contact.client_id),
        title=_("Edit %(name)s") % {"name": contact.name},
        back_url=_client_url(contact.client_id),
    )


@login_required
def contact_left(request, pk: int):
    contact = policy.get_contact_for_user(request.user, pk)
    form = ContactLeftForm(
        request.POST or None,
        contact=contact,
        initial={"left_on": contact.left_on, "replaced_by": contact.replaced_by_id},
    )
    return form_page(
        request,
        form,
        save=partial(services.contact_mark_left, contact=contact),
        success=_("%(name)s is marked as having left.") % {"name": contact.name},
        done_url=_client_url(contact.client_id),
        title=_("%(name)s left the client") % {"name": contact.name},
        back_url=_client_url(contact.client_id),
    )


@login_required
def complaint_create(request, client_pk: int):
    client = policy.get_client_for_user(request.user, client_pk)
    engagements = policy.engagements_visible_to(request.user).filter(client=client)
    form = ComplaintForm(
        request.POST or None, engagements=engagements, initial={"engagement": request.GET.get("engagement")}
    )
    return form_page(
        request,
        form,
        save=partial(services.complaint_record, client=client, by=request.user),
        success=_("Complaint recorded."),
        done_url=_client_url(client.pk),
        title=_("Record a complaint from %(name)s") % {"name": client.name},
        back_url=_client_url(client.pk),
    )


@login_required
def client_fit_review(request, pk: int):
    """engagements/fit_review.html: the complaints by category and month, every engagement of
    the client with its flags, the fit's history, and the form that records the review (and
    parts ways). Managers of the team and superusers only; a bad POST is a 400, nothing saved."""
    client = policy.get_client_for_fit_review(request.user, pk)
    form = FitReviewForm(request.POST or None, initial={"fit": client.fit, "reason": client.fit_reason})
    if request.method == "POST":
        done = form.is_valid() and run_service(
            request, form, partial(services.client_fit_review, client=client, by=request.user), **form.cleaned_data
        )
        if done:
            messages.success(request, _("Fit review recorded: %(fit)s.") % {"fit": done.get_fit_display()})
            return redirect("engagements:client_fit_review", client.pk)
        messages.error(request, _("Nothing was saved. Please correct the fields marked below."))
    page = fit_review.fit_review_page(client=client, user=request.user)
    status = 400 if form.is_bound else 200
    return render(request, "engagements/fit_review.html", {"page": page, "client": client, "form": form}, status=status)
