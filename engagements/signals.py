"""Cache invalidation (STYLE: signals only for hooks other code need not know about): a new
version of who is on which engagement whenever what the values kept per user are made of
changes (selectors._kept: the list's advisor filter, My week's engagements). Connected in
EngagementsConfig.ready()."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from advisors.models import AdvisorProfile, Team

from . import review_queue, selectors
from .models import Engagement, Flag


def _changed(sender=None, update_fields=None, **kwargs):
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return  # a login: nothing the choices show
    # Now (a later read in the same transaction, the tests) and once committed: a request that
    # read the version before the commit and the rows before it keeps them under the old one.
    selectors.membership_changed()
    transaction.on_commit(selectors.membership_changed)
    _flags_changed()


def _flags_changed(**kwargs):
    """The menu's count of flags waiting in the queue (review_queue.open_flag_count)."""
    review_queue.flag_counts_changed()
    transaction.on_commit(review_queue.flag_counts_changed)


def connect() -> None:
    user = get_user_model()
    for model in (Engagement, AdvisorProfile, Team, user):  # a team deleted: its profiles lose it by UPDATE
        post_save.connect(_changed, sender=model, dispatch_uid=f"advisor-choices-save-{model._meta.label}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"advisor-choices-delete-{model._meta.label}")
    post_save.connect(_flags_changed, sender=Flag, dispatch_uid="flag-count-save")
    post_delete.connect(_flags_changed, sender=Flag, dispatch_uid="flag-count-delete")
    # A role deleted: its members lose it by cascade, which sends no m2m_changed.
    post_delete.connect(_changed, sender=Group, dispatch_uid="advisor-choices-delete-group")
    for through in (Engagement.members.through, user.groups.through):
        m2m_changed.connect(_changed, sender=through, dispatch_uid=f"advisor-choices-m2m-{through._meta.label}")
