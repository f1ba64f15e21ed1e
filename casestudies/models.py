"""Anonymised case studies and their discussion (docs/domain.md, The model).

A case study may name the engagement it was written from (`source_engagement`): that link is
for the anonymisation check and the author's own reference, never shown on a public page.
Markdown is stored as written and, beside it, as sanitised HTML (casestudies/markup.py), so
a page with 500 comments renders none of them again.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel

USER = settings.AUTH_USER_MODEL
# Replies nest this deep at most: a comment (0), a reply (1), a reply to a reply (2).
MAX_COMMENT_DEPTH = 2
COMMENT_MAX_LENGTH = 5000


class Theme(BaseModel):
    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    keywords = models.TextField(
        _("keywords"),
        blank=True,
        help_text=_(
            "Words, separated by commas, in English and Dutch, that tie an intake to this theme "
            "(a word also matches its longer forms: 'expect' matches 'expected')."
        ),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self) -> str:
        return self.name


class MemberProfile(BaseModel):
    """A community member's public face: the display name shown with their comments."""

    user = models.OneToOneField(USER, on_delete=models.CASCADE, related_name="member_profile")
    display_name = models.CharField(_("display name"), max_length=60)
    confirmed_at = models.DateTimeField(_("e-mail confirmed at"), null=True, blank=True)
    # The language of their e-mails: the one they signed up in.
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES, default="en")

    class Meta:
        verbose_name = _("member profile")
        verbose_name_plural = _("member profiles")

    def __str__(self) -> str:
        return self.display_name


class CaseStudy(BaseModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        REVIEW = "review", _("in review")
        PUBLISHED = "published", _("published")
        CLOSED = "closed", _("discussion closed")
        ARCHIVED = "archived", _("archived")

    PUBLIC = (Status.PUBLISHED, Status.CLOSED)

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    body = models.TextField(_("the case"), help_text=_("Markdown. Write it so that nobody can tell who the client is."))
    body_html = models.TextField(editable=False, blank=True)
    question = models.TextField(_("question to the community"), max_length=1000)
    themes = models.ManyToManyField(Theme, blank=True, related_name="cases", verbose_name=_("themes"))
    author = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="case_studies", verbose_name=_("author"))
    source_engagement = models.ForeignKey(
        "engagements.Engagement",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("written from engagement"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    closed_at = models.DateTimeField(_("discussion closed at"), null=True, blank=True)
    closing_summary = models.TextField(_("closing summary of lessons"), blank=True)
    closing_summary_html = models.TextField(editable=False, blank=True)

    class Meta:
        ordering = ["-published_at", "-created_at"]
        verbose_name = _("case study")
        verbose_name_plural = _("case studies")
        constraints = [
            models.CheckConstraint(
                name="casestudy_public_has_published_at",
                condition=~Q(status__in=["published", "closed"]) | Q(published_at__isnull=False),
            ),
            models.CheckConstraint(
                name="casestudy_closed_has_closed_at",
                condition=~Q(status="closed") | Q(closed_at__isnull=False),
            ),
        ]
        indexes = [models.Index(fields=["status", "-published_at"], name="casestudy_status_published")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("casestudies:detail", args=[self.slug])

    @property
    def is_public(self) -> bool:
        return self.status in self.PUBLIC

    @property
    def is_open_for_comments(self) -> bool:
        return self.status == self.Status.PUBLISHED


class Comment(BaseModel):
    class Status(models.TextChoices):
        VISIBLE = "visible", _("visible")
        HELD = "held", _("held for moderation")
        HIDDEN = "hidden", _("hidden")
        REMOVED = "removed", _("removed")
        DELETED = "deleted", _("deleted by its author")

    case = models.ForeignKey(CaseStudy, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    # The comment this one answers: its parent, or at the deepest level a reply in the
    # parent's thread (the thread stays flat there; the answered author is still told).
    reply_to = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    author = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="case_comments")
    body = models.TextField(_("comment"), max_length=COMMENT_MAX_LENGTH)
    body_html = models.TextField(editable=False, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.VISIBLE)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        constraints = [
            models.CheckConstraint(name="comment_depth_bounded", condition=Q(depth__lte=MAX_COMMENT_DEPTH)),
            models.CheckConstraint(
                name="comment_reply_is_deeper",
                condition=(Q(parent__isnull=True) & Q(depth=0)) | (Q(parent__isnull=False) & Q(depth__gt=0)),
            ),
            models.CheckConstraint(name="comment_not_its_own_parent", condition=~Q(parent=F("pk"))),
        ]
        indexes = [models.Index(fields=["case", "created_at"], name="comment_case_created")]

    def __str__(self) -> str:
        return f"{self.author} on {self.case_id}"

    def get_absolute_url(self) -> str:
        return f"{self.case.get_absolute_url()}#comment-{self.pk}"


class CommentReport(BaseModel):
    """A member says a comment breaks the rules. Three members' reports hide it."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=500)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("comment report")
        verbose_name_plural = _("comment reports")
        constraints = [
            models.UniqueConstraint(fields=["comment", "reporter"], name="comment_report_once_per_member"),
        ]


class CommentEvent(BaseModel):
    """The history of a comment: who held, approved, hid, restored or removed it, and why."""

    class Action(models.TextChoices):
        HELD = "held", _("held for moderation")
        APPROVED = "approved", _("approved")
        EDITED = "edited", _("edited")
        DELETED = "deleted", _("deleted by its author")
        REPORTED = "reported", _("reported")
        HIDDEN = "hidden", _("hidden")
        RESTORED = "restored", _("restored")
        KEPT = "kept", _("kept visible, reports dismissed")
        REMOVED = "removed", _("removed")

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("comment event")
        verbose_name_plural = _("comment events")


class ThreadMute(BaseModel):
    """A person who unsubscribed from the e-mails of one case's discussion."""

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey(CaseStudy, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "case"], name="thread_mute_once")]


class Notification(BaseModel):
    """One e-mail owed to one person about one comment. The row is the promise: its
    uniqueness means nobody is told twice, `sent_at` says it went out (as for reminders)."""

    class Kind(models.TextChoices):
        NEW_COMMENT = "comment", _("new comment on your case")
        REPLY = "reply", _("reply to your comment")

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="notifications")
    recipient = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=64, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    skipped_at = models.DateTimeField(_("skipped at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(fields=["comment", "recipient"], name="notification_once_per_comment"),
        ]
        indexes = [
            models.Index(
                fields=["created_at"], name="notification_pending", condition=Q(sent_at__isnull=True, skipped_at=None)
            )
        ]
