from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.exceptions import ApplicationError
from core.people import display_name

from .. import policy
from ..models import Client, Engagement, EngagementChange
from ..selectors import client_comparison
from ._common import model_update
from .flags import flags_sync


@transaction.atomic
def engagement_create(
    *, by, client: Client, title: str, lead=None, members=(), confirm_outside_profile=False, **fields
) -> Engagement:
    """A new engagement; the creator leads it unless someone else is named. For a client
    outside the firm's client profile, only once the creator confirmed it."""
    comparison = client_comparison(client=client)
    if comparison is not None and comparison.outside and not confirm_outside_profile:
        raise ValidationError(
            {
                "confirm_outside_profile": _(
                    "%(client)s is outside the firm's client profile (the reasons are shown above). "
                    "Tick the box to start the engagement anyway."
                )
                % {"client": client.name}
            }
        )
    engagement = Engagement(client=client, title=title, lead=lead or by, **fields)
    engagement.full_clean()
    engagement.save()
    engagement.members.set(members)
    return engagement


def _staffing_changes(engagement: Engagement, *, by, members, fields) -> list[EngagementChange]:
    """What the update changes of the lead, the members and the stage (unsaved rows)."""
    changes = []
    lead = fields.get("lead")
    if lead is not None and lead.pk != engagement.lead_id:
        changes.append(EngagementChange(what="lead", before=display_name(engagement.lead), after=display_name(lead)))
    stage = fields.get("stage")
    if stage is not None and stage != engagement.stage:
        changes.append(EngagementChange(what="stage", before=engagement.stage, after=stage))
    if members is not None:
        current = {user.pk: user for user in engagement.members.all()}
        wanted = {user.pk: user for user in members}
        added = sorted(display_name(wanted[pk]) for pk in wanted.keys() - current.keys())
        removed = sorted(display_name(current[pk]) for pk in current.keys() - wanted.keys())
        if added or removed:
            changes.append(EngagementChange(what="members", before=", ".join(removed), after=", ".join(added)))
    for change in changes:
        change.engagement, change.changed_by = engagement, by
    return changes


@transaction.atomic
def engagement_update(*, engagement: Engagement, by, members=None, **fields) -> Engagement:
    """Save an edit of the engagement. Who leads it, who is on it and its stage change only
    by its lead, the team's manager or staff (policy); anyone else gets an ApplicationError
    and nothing is saved. Those changes are kept for the timeline."""
    # Compare with the stored row: a ModelForm has already copied its values onto `engagement`.
    stored = (
        Engagement.objects.select_for_update(of=("self",)).select_related("lead__advisor_profile").get(pk=engagement.pk)
    )
    changes = _staffing_changes(stored, by=by, members=members, fields=fields)
    if changes and not policy.can_change_engagement_staffing(by, stored):
        raise ApplicationError(
            _("Only the lead advisor, the team's manager or staff may change the lead, the members or the stage.")
        )
    model_update(engagement, data=fields)
    if members is not None:
        engagement.members.set(members)
    EngagementChange.objects.bulk_create(changes)
    flags_sync(engagement_id=engagement.pk)
    return engagement
