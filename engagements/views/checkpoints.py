from datetime import timedelta
from functools import partial

from django.contrib.auth.decorators import login_required
from django.utils import timezone
from django.utils.translation import gettext as _

from core.form_views import form_page

from .. import policy, services
from ..forms import CheckpointAnswerForm, CheckpointForm, CheckpointWaiveForm


@login_required
def checkpoint_create(request, engagement_pk: int):
    engagement = policy.get_engagement_for_user(request.user, engagement_pk, write=True)
    form = CheckpointForm(
        request.POST or None, engagement=engagement, initial={"due_on": timezone.localdate() + timedelta(days=7)}
    )
    return form_page(
        request,
        form,
        save=partial(services.checkpoint_create, engagement=engagement, by=request.user),
        success=_("Checkpoint added."),
        done_url=engagement.get_absolute_url(),
        title=_("Add an expectation checkpoint"),
        engagement=engagement,
        back_url=engagement.get_absolute_url(),
    )


@login_required
def checkpoint_answer(request, pk: int):
    checkpoint = policy.get_checkpoint_for_user(request.user, pk)
    engagement = checkpoint.engagement
    return form_page(
        request,
        CheckpointAnswerForm(request.POST or None),
        save=partial(services.checkpoint_answer, checkpoint=checkpoint),
        success=_("The client's answer is recorded."),
        done_url=engagement.get_absolute_url(),
        title=_("Record the answer: %(topic)s") % {"topic": checkpoint.get_topic_display()},
        engagement=engagement,
        back_url=engagement.get_absolute_url(),
        checkpoint=checkpoint,
    )


@login_required
def checkpoint_waive(request, pk: int):
    checkpoint = policy.get_checkpoint_for_user(request.user, pk)
    engagement = checkpoint.engagement
    return form_page(
        request,
        CheckpointWaiveForm(request.POST or None),
        save=partial(services.checkpoint_waive, checkpoint=checkpoint),
        success=_("Checkpoint waived."),
        done_url=engagement.get_absolute_url(),
        title=_("Waive: %(topic)s") % {"topic": checkpoint.get_topic_display()},
        engagement=engagement,
        back_url=engagement.get_absolute_url(),
        checkpoint=checkpoint,
    )
