from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ..models import Client, ClientContact, Complaint, Engagement
from ._common import model_update
from .flags import flags_sync_for_client


def _name_taken() -> ValidationError:
    return ValidationError(
        {
            "name": _(
                "Your team already has a client with this name. Ask your manager or the colleague who added it "
                "to give you access, or make the name more specific."
            )
        }
    )


def _check_name_free(client: Client) -> None:
    """Names are unique per team, whatever their case (a database constraint too). Only the
    client's own team is looked at, so the answer reveals nothing about other teams."""
    same = Client.objects.filter(team=client.team, name__iexact=client.name.strip()).exclude(pk=client.pk)
    if same.exists():
        raise _name_taken()


def _save_client(client: Client) -> Client:
    """Check the name within the team, validate, save. Two requests saving the same name at
    once meet the database constraint instead: the same message."""
    _check_name_free(client)
    client.full_clean()
    try:
        with transaction.atomic():
            client.save()
    except IntegrityError:
        raise _name_taken() from None
    return client


@transaction.atomic
def client_create(*, by, **fields) -> Client:
    """A new client of the creator's team (none for staff without a team)."""
    profile = getattr(by, "advisor_profile", None)
    client = Client(created_by=by, team_id=profile.team_id if profile else None, **fields)
    return _save_client(client)


@transaction.atomic
def client_update(*, client: Client, **fields) -> Client:
    for field, value in fields.items():
        setattr(client, field, value)
    return _save_client(client)


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
