"""Writes of the engagement domain, split by sub-domain. Views, admin and tasks call these;
each one validates, saves atomically, and enqueues follow-up work after the commit."""

from .checkpoints import checkpoint_answer, checkpoint_create, checkpoint_waive
from .clients import (
    client_create,
    client_update,
    complaint_record,
    contact_create,
    contact_mark_left,
    contact_update,
)
from .decisions import flag_decide
from .digests import digest_build, digest_send, digests_due
from .engagements import engagement_create, engagement_update
from .fit import client_fit_review, client_part_ways
from .flags import flags_sync, flags_sync_for_client
from .health import engagement_refresh_health
from .lessons import client_profile_save, lesson_take, lesson_untake
from .meetings import meeting_cancel, meeting_log_save, meeting_reschedule, meeting_schedule
from .plans import (
    plan_answer_record,
    plan_check_content,
    plan_share,
    plan_share_email_send,
    plan_share_revoke,
    plan_upload,
)
from .reminders import reminder_send, reminders_scan
from .review import (
    flag_notice_send,
    flag_raise,
    flag_reopen,
    flag_respond,
    flag_take_into_review,
)

__all__ = [
    "checkpoint_answer",
    "checkpoint_create",
    "checkpoint_waive",
    "client_create",
    "client_fit_review",
    "client_part_ways",
    "client_profile_save",
    "client_update",
    "complaint_record",
    "contact_create",
    "contact_mark_left",
    "contact_update",
    "digest_build",
    "digest_send",
    "digests_due",
    "engagement_create",
    "engagement_refresh_health",
    "engagement_update",
    "flag_decide",
    "flag_notice_send",
    "flag_raise",
    "flag_reopen",
    "flag_respond",
    "flag_take_into_review",
    "flags_sync",
    "flags_sync_for_client",
    "lesson_take",
    "lesson_untake",
    "meeting_cancel",
    "meeting_log_save",
    "meeting_reschedule",
    "meeting_schedule",
    "plan_answer_record",
    "plan_check_content",
    "plan_share",
    "plan_share_email_send",
    "plan_share_revoke",
    "plan_upload",
    "reminder_send",
    "reminders_scan",
]
