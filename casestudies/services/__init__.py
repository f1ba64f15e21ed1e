"""The writes of the community, by sub-domain (STYLE.md §2), re-exported here."""

from .cases import (  # noqa: F401
    NamesTheClient,
    casestudy_archive,
    casestudy_close,
    casestudy_create,
    casestudy_hits,
    casestudy_prefill,
    casestudy_publish,
    casestudy_submit,
    casestudy_update,
)
from .comments import comment_delete, comment_edit, comment_moderate, comment_post, comment_report  # noqa: F401
from .members import member_confirm, member_for_token, member_signup  # noqa: F401
from .notifications import (  # noqa: F401
    notification_send,
    notifications_scan,
    thread_mute,
    thread_unmute,
    unsubscribe_read,
    unsubscribe_token,
)
