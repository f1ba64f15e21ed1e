"""What a manager's decision on a flag does (issue 11: "decisions act, they are not labels").

`flag_decide` closes the flag (services.review.flag_close) and carries the decision out on
the engagement in the same transaction: everything happens, or nothing does.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Engagement, ExpectationCheckpoint, Flag
from ..review_queue import senior_advisors_for
from .checkpoints import checkpoint_create
from .engagements import engagement_update
from .fit import client_part_ways
from .review import flag_close

CHECKPOINT_DAYS = 7  # when a checkpoint a decision opens is due

Decision = Flag.Decision


def _assign_senior(flag: Flag, *, by, senior, **rest) -> None:
    engagement = flag.engagement
    if senior is None:
        raise ValidationError({"senior": _("Choose the senior advisor who takes the lead.")})
    if senior.pk not in {s.pk for s in senior_advisors_for(engagement)}:
        raise ValidationError({"senior": _("Choose a senior advisor of the team (not the current lead).")})
    members = {*engagement.members.all(), engagement.lead} - {senior}
    engagement_update(engagement=engagement, by=by, lead=senior, members=list(members))


def _open_checkpoint(flag: Flag, *, by, topic: str, stage: str | None = None) -> None:
    engagement = flag.engagement
    if stage is not None and engagement.stage != stage:
        engagement_update(engagement=engagement, by=by, stage=stage)
    already = engagement.checkpoints.filter(topic=topic, status=ExpectationCheckpoint.Status.OPEN)
    if not already.exists():
        checkpoint_create(
            engagement=engagement, by=by, topic=topic, due_on=timezone.localdate() + timedelta(days=CHECKPOINT_DAYS)
        )


def _restart_intake(flag: Flag, *, by, **rest) -> None:
    _open_checkpoint(flag, by=by, topic=ExpectationCheckpoint.Topic.INTAKE_NEED, stage=Engagement.Stage.INTAKE)


def _renegotiate(flag: Flag, *, by, **rest) -> None:
    _open_checkpoint(flag, by=by, topic=ExpectationCheckpoint.Topic.SCOPE_ROLE)


def _part_ways(flag: Flag, *, by, referral_note: str, **rest) -> None:
    if not referral_note.strip():
        raise ValidationError({"referral_note": _("Write where the client is referred to, and why.")})
    engagement = flag.engagement
    if flag.kind == Flag.Kind.REPEATED_COMPLAINTS:  # the client is the problem: part ways with all of it
        client_part_ways(client=engagement.client, by=by, referral_note=referral_note)
        return
    if engagement.stage not in Engagement.ENDED_STAGES:
        engagement_update(
            engagement=engagement, by=by, stage=Engagement.Stage.CLOSED, referral_note=referral_note.strip()
        )


ACTIONS = {
    Decision.SENIOR: _assign_senior,
    Decision.RESTART_INTAKE: _restart_intake,
    Decision.RENEGOTIATE: _renegotiate,
    Decision.PART_WAYS: _part_ways,
}


@transaction.atomic
def flag_decide(
    *, flag: Flag, by, decision: str, note: str, dismiss: bool = False, senior=None, referral_note: str = ""
) -> Flag:
    """Close the flag with the decision and carry the decision out:

    - assign a senior advisor: the chosen senior advisor of the team leads, the old lead stays a member;
    - restart intake: the engagement goes back to intake, with an "intake need confirmed" checkpoint;
    - renegotiate scope: a "scope and role agreed" checkpoint;
    - part ways and refer: the engagement is closed with the referral note (on a "repeated
      complaints" flag, every open engagement of the client);
    - coach the advisor: the note is the coaching the advisor reads (e-mail and flag page);
    - no action: the note says why.

    A missing choice (the senior advisor, the referral note) is a ValidationError, and nothing
    changes; so is a flag decided meanwhile by someone else (an ApplicationError)."""
    if decision not in Decision.values:
        raise ValidationError({"decision": _("Choose a decision.")})
    flag = flag_close(flag=flag, by=by, decision=decision, note=note, dismiss=dismiss)
    action = ACTIONS.get(decision)
    if action is not None:
        flag.engagement.refresh_from_db()
        action(flag, by=by, senior=senior, referral_note=referral_note)
    return flag
