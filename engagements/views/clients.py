from functools import partial
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.form_views import form_page, render_form
from core.paging import frozen_page_with_count, page_with_count

from .. import policy, selectors, services
from ..forms import ClientForm, ComplaintForm, ContactForm, ContactLeftForm


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
    page |= {"template": "engagements/client_form.html", "profile": profile}
    if request.method == "POST" and "compare" in request.POST:
        form = ClientForm(initial=request.POST.dict(), instance=instance, sectors=sectors)
        typed = {field: request.POST.get(field, "") for field in ("sector", "size", "fit")}
        if instance is None:
            comparison = selectors.new_client_comparison(**typed)
        else:  # the client's complaints and decisions count too
            comparison = selectors.client_comparison(client=instance, **typed)
        shown = {key: value for key, value in page.items() if key not in ("save", "success", "done_url")}
        return render_form(request, form=form, comparison=comparison, compared=True, **shown)
    form = ClientForm(request.POST or None, instance=instance, sectors=sectors)
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
