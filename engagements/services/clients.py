from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from advisors.models import Language

from ..models import EMAIL_TAKEN, Client, ClientContact, Complaint, Engagement
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


def _save_contact(contact: ClientContact, *, data: dict) -> ClientContact:
    """Validate (the model: a departure not in the future, a successor of the same client)
    and save. An e-mail address belongs to one contact of a client, whatever its case: a
    database constraint too, which two requests at once meet instead (the same message)."""
    for field, value in data.items():
        setattr(contact, field, value)
    same = ClientContact.objects.filter(client_id=contact.client_id, email__iexact=contact.email)
    if contact.email and same.exclude(pk=contact.pk).exists():
        raise ValidationError({"email": EMAIL_TAKEN})
    contact.full_clean()
    try:
        with transaction.atomic():
            contact.save()
    except IntegrityError:
        if same.exclude(pk=contact.pk).exists():
            raise ValidationError({"email": EMAIL_TAKEN}) from None
        raise
    return contact


@transaction.atomic
def contact_create(
    *,
    client: Client,
    name: str,
    email: str,
    role: str = "",
    language: str = Language.DUTCH,
    is_decision_maker: bool = False,
) -> ClientContact:
    fields = {"name": name, "email": email, "role": role, "language": language, "is_decision_maker": is_decision_maker}
    return _save_contact(ClientContact(client=client), data=fields)


@transaction.atomic
def contact_update(*, contact: ClientContact, **fields) -> ClientContact:
    """Change the given fields (the contact form's: name, role, email, language,
    is_decision_maker; or left_on and replaced_by) under the same rules as contact_create."""
    return _save_contact(contact, data=fields)


@transaction.atomic
def contact_mark_left(*, contact: ClientContact, left_on: date, replaced_by: ClientContact | None) -> ClientContact:
    """The contact left the client on `left_on` (not in the future), optionally succeeded by
    another contact of the same client (both rules on the model)."""
    _save_contact(contact, data={"left_on": left_on, "replaced_by": replaced_by})
    flags_sync_for_client(client=contact.client)
    return contact


@transaction.atomic
def complaint_record(
    *,
    client: Client,
    by,
    category: str,
    received_on: date,
    description: str,
    engagement: Engagement | None = None,
) -> Complaint:
    """A complaint received on a day that has come (the model refuses the future), about one
    of the client's engagements or none; the client's open engagements then see its flags."""
    complaint = Complaint(
        client=client,
        engagement=engagement,
        recorded_by=by,
        category=category,
        received_on=received_on,
        description=description,
    )
    complaint.full_clean()
    complaint.save()
    flags_sync_for_client(client=client)
    return complaint
