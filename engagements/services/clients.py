from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Client, ClientContact, Complaint, Engagement
from ._common import model_update
from .flags import flags_sync_for_client


@transaction.atomic
def client_create(*, by, **fields) -> Client:
    client = Client(created_by=by, **fields)
    client.full_clean()
    client.save()
    return client


@transaction.atomic
def client_update(*, client: Client, **fields) -> Client:
    return model_update(client, data=fields)


@transaction.atomic
def contact_create(*, client: Client, **fields) -> ClientContact:
    contact = ClientContact(client=client, **fields)
    contact.full_clean()
    contact.save()
    return contact


@transaction.atomic
def contact_update(*, contact: ClientContact, **fields) -> ClientContact:
    return model_update(contact, data=fields)


@transaction.atomic
def contact_mark_left(*, contact: ClientContact, left_on: date, replaced_by: ClientContact | None) -> ClientContact:
    """The contact left the client on `left_on`, optionally succeeded by another contact."""
    if replaced_by is not None and (replaced_by.client_id != contact.client_id or replaced_by.pk == contact.pk):
        raise ValidationError({"replaced_by": _("Choose another contact of the same client.")})
    model_update(contact, data={"left_on": left_on, "replaced_by": replaced_by})
    flags_sync_for_client(client=contact.client)
    return contact


@transaction.atomic
def complaint_record(*, client: Client, by, engagement: Engagement | None = None, **fields) -> Complaint:
    if engagement is not None and engagement.client_id != client.pk:
        raise ValidationError({"engagement": _("This engagement belongs to another client.")})
    complaint = Complaint(client=client, engagement=engagement, recorded_by=by, **fields)
    complaint.full_clean()
    complaint.save()
    flags_sync_for_client(client=client)
    return complaint
