from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import policy, services
from ..forms import CheckpointAnswerForm, CheckpointForm, CheckpointWaiveForm
from ._helpers import render_form, run_service


@login_required
def checkpoint_create(request, engagement_pk: int):
    engagement = policy.get_engagement_for_user(request.user, engagement_pk, write=True)
    form = CheckpointForm(
        request.POST or None, engagement=engagement, initial={"due_on": timezone.localdate() + timedelta(days=7)}
    )
    if request.method == "POST" and form.is_valid():
        if run_service(
            request, form, services.checkpoint_create, engagement=engagement, by=request.user, **form.cleaned_data
        ):
            messages.success(request, _("Checkpoint added."))
            return redirect(engagement)
    return render_form(
        request,
        form=form,
        title=_("Add an expectation checkpoint"),
        engagement=engagement,
        back_url=engagement.get_absolute_url(),
    )


@login_required
def checkpoint_answer(request, pk: int):
    checkpoint = policy.get_checkpoint_for_user(request.user, pk)
    form = CheckpointAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if run_service(request, form, services.checkpoint_answer, checkpoint=checkpoint, **form.cleaned_data):
            messages.success(request, _("The client's answer is recorded."))
            return redirect(checkpoint.engagement)
    return render_form(
        request,
        form=form,
        title=_("Record the answer: %(topic)s") % {"topic": checkpoint.get_topic_display()},
        engagement=checkpoint.engagement,
        back_url=checkpoint.engagement.get_absolute_url(),
        checkpoint=checkpoint,
    )


@login_required
def checkpoint_waive(request, pk: int):
    checkpoint = policy.get_checkpoint_for_user(request.user, pk)
    form = CheckpointWaiveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if run_service(
            request, form, services.checkpoint_waive, checkpoint=checkpoint, reason=form.cleaned_data["reason"]
        ):
            messages.success(request, _("Checkpoint waived."))
            return redirect(checkpoint.engagement)
    return render_form(
        request,
        form=form,
        title=_("Waive: %(topic)s") % {"topic": checkpoint.get_topic_display()},
        engagement=checkpoint.engagement,
        back_url=checkpoint.engagement.get_absolute_url(),
        checkpoint=checkpoint,
    )
