"""Every page the accessibility and HTML audit visits, per role: the one list to extend.

A new page joins the audit by getting a row here (for each role that opens it). The audit
(tests/audit/test_audit.py) visits each row in English and in Dutch.

Left out, on purpose:
- staff pages: they are Django's admin (/admin/), Django's own templates and not ours;
- Django's password change pages (/accounts/password_change/...): nothing links to them,
  and they render with the admin's templates;
- responses that are no HTML page: plan files and the client's file (PDF), meeting .ics,
  the calendar feed, the case studies' Atom feed (/cases/feed/), /health/ (JSON);
- POST-only URLs: meeting cancel, share revoke, calendar feed reset, set_language, logout
  (the page logout leads to is audited: "after logging out"), taking a lesson into an
  intake and undoing it (lesson take, lesson untake: each redirects to the engagement's
  page, whose "taken" and "not taken" states are audited: "intake with the lessons panel"),
  and the community's case submit, archive, comment post, delete and moderate (each
  redirects to an audited page; a refused publish is audited: "publish refused");
- e-mails (the community's notifications and sign-up mails): no page of the site;
- the new-engagement form's lessons panel as htmx swaps it in when a client is chosen
  (engagements:intake_panel): the same partial as on the audited new-engagement form for a
  client (`?client=`), into the same slot;
- the timeline's next step on its own (engagements:timeline): audited where htmx appends it,
  "engagement timeline: the next step (htmx)".
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from engagements.models import Flag
from engagements.selectors import engagement_timeline

from .scene import Scene

ROLES = ("anonymous", "consultant", "manager", "community member")
LANGUAGES = ("en", "nl")


@dataclass(frozen=True)
class AuditPage:
    name: str
    url: Callable[[Scene], str]
    status: int = 200
    # Press this on the page and audit what follows: a new page, or (with `wait_for`) the
    # same page after htmx swapped a part in.
    click: str | None = None
    wait_for: str | None = None
    fill: tuple[tuple[str, str], ...] = ()  # (selector, value) to type before the click
    logs_out: bool = False  # the role logs in again after this page
    redirects: bool = False  # the page lands elsewhere than its URL (the reset link)
    client_language: bool = False  # the client's page: language from ?lang=, there is no cookie


def _url(name: str, *args: Callable[[Scene], object]) -> Callable[[Scene], str]:
    return lambda s: reverse(name, args=[arg(s) for arg in args])


def engagement(s):
    return s.engagement.pk


def open_flag(s):
    """The scene engagement's open flag (its plan was shared late)."""
    return Flag.objects.filter(engagement=s.engagement, status=Flag.Status.OPEN).earliest("pk").pk


def decided_flag(s):
    """The earlier engagement's flag a manager decided (part ways and refer)."""
    return Flag.objects.get(decision=Flag.Decision.PART_WAYS).pk


def client(s):
    return s.client.pk


def contact(s):
    return s.contact.pk


def meeting(s):
    return s.meeting.pk


def checkpoint(s):
    return s.checkpoint.pk


def case(attribute: str) -> Callable[[Scene], str]:
    return lambda s: getattr(s, attribute).slug


def intake(s):
    return s.intake.pk


def long_engagement(s):
    return s.long_engagement.pk


def timeline_step_two(s) -> str:
    """The long engagement's page at its timeline's second step, as "Show more" links to it."""
    first = engagement_timeline(engagement=s.long_engagement)
    return reverse("engagements:detail", args=[s.long_engagement.pk]) + f"?before={first.next}"


def new_engagement_for(attribute: str) -> Callable[[Scene], str]:
    """The new-engagement form with a client chosen (from the client's page)."""
    return lambda s: reverse("engagements:create") + f"?client={getattr(s, attribute).pk}"


def lesson_search(query: str = "") -> Callable[[Scene], str]:
    return lambda s: reverse("engagements:lesson_search") + (f"?q={query}" if query else "")


CASE_LIST = _url("casestudies:list")
PUBLISHED = _url("casestudies:detail", case("published_case"))
DRAFT = _url("casestudies:detail", case("draft_case"))

PROFILE = _url("engagements:client_profile")
PROFILE_EDIT = _url("engagements:client_profile_edit")

NOT_FOUND = AuditPage("404 page", lambda s: "/this-page-does-not-exist/", status=404)

PAGES: dict[str, list[AuditPage]] = {
    "anonymous": [
        AuditPage("login", _url("login")),
        AuditPage("password reset", _url("password_reset")),
        AuditPage(
            "login locked out (too many failures)",
            _url("login"),
            fill=(("#id_username", "locked-out"), ("#id_password", "any-password")),
            click="main button[type=submit]",
            status=429,
        ),
        AuditPage("password reset done", _url("password_reset_done")),
        AuditPage("password reset: new password", lambda s: s.reset_path, redirects=True),
        AuditPage("password reset: link used", lambda s: "/accounts/reset/MQ/used-token/"),
        AuditPage("password reset complete", _url("password_reset_complete")),
        AuditPage(
            "client's plan (signed link)", lambda s: reverse("client_plan", args=[s.share_token]), client_language=True
        ),
        AuditPage("client's link expired", lambda s: reverse("client_plan", args=[s.expired_token]), status=410),
        AuditPage("client's link invalid", lambda s: reverse("client_plan", args=["not-a-token"]), status=404),
        AuditPage("case list", CASE_LIST),
        AuditPage("case list, searched", lambda s: reverse("casestudies:list") + "?q=foremen"),
        AuditPage("case list, by theme", lambda s: reverse("casestudies:list") + f"?theme={s.theme.slug}"),
        AuditPage("case detail (discussion)", PUBLISHED),
        AuditPage("case detail (discussion closed)", _url("casestudies:detail", case("closed_case"))),
        AuditPage("community sign-up", _url("casestudies:signup")),
        AuditPage(
            "community sign-up, with errors",
            _url("casestudies:signup"),
            fill=(("#id_display_name", "Ines"), ("#id_email", "not-an-address"), ("#id_password1", "short")),
            click="main button[type=submit]",
            status=400,
        ),
        AuditPage("community sign-up sent", _url("casestudies:signup_sent")),
        AuditPage("community sign-up: confirm", lambda s: s.confirm_path),
        AuditPage(
            "community sign-up: link invalid", _url("casestudies:confirm", lambda s: "MQ", lambda s: "x-y"), status=404
        ),
        AuditPage("unsubscribe from a discussion", lambda s: s.unsubscribe_path),
        NOT_FOUND,
    ],
    "consultant": [
        AuditPage("my week", _url("engagements:my_week")),
        AuditPage("flag page (the lead responds)", _url("engagements:flag", open_flag)),
        AuditPage("flag raise", _url("engagements:flag_raise", engagement)),
        AuditPage(
            "flag raise, without details",
            _url("engagements:flag_raise", engagement),
            click="main button[type=submit]",
            status=400,
        ),
        AuditPage(
            "my week: log form (htmx)",
            _url("engagements:my_week"),
            click="#waiting-for-log [data-hx-get]",
            wait_for="#waiting-for-log form",
        ),
        AuditPage("engagement list", _url("engagements:list")),
        AuditPage("engagement list, filtered", lambda s: reverse("engagements:list") + "?q=planning"),
        AuditPage(
            "engagement list, by a chosen client (beside the field, removable)",
            lambda s: reverse("engagements:list") + f"?client={s.client.pk}&stage=active",
        ),
        AuditPage(
            "engagement list, by a client's name (typed, without JavaScript)",
            lambda s: reverse("engagements:list") + "?client_name=hofstede",
        ),
        AuditPage(
            "engagement list, a client that is not yours (the message)",
            lambda s: reverse("engagements:list") + "?client=999999",
        ),
        AuditPage(
            "engagement list: the clients matching a name typed (htmx)",
            _url("engagements:list"),
            fill=(("#id_client_name", "Hofst"),),
            click="#id_client_name",
            wait_for="#client-suggestions a",
        ),
        AuditPage("engagement detail", _url("engagements:detail", engagement)),
        AuditPage("engagement create", _url("engagements:create")),
        AuditPage("engagement edit", _url("engagements:edit", engagement)),
        AuditPage(
            "engagement with a long history (Show more, All meetings)", _url("engagements:detail", long_engagement)
        ),
        AuditPage(
            "engagement timeline: the next step (htmx)",
            _url("engagements:detail", long_engagement),
            click="#timeline-more [data-hx-get]",
            wait_for="#timeline li[autofocus]",
        ),
        AuditPage("engagement timeline: the next step (without JavaScript)", timeline_step_two),
        AuditPage("meetings of an engagement (page 1 of 2)", _url("engagements:meeting_list", long_engagement)),
        AuditPage("plan upload", _url("engagements:plan_upload", engagement)),
        AuditPage("plan share", lambda s: reverse("engagements:plan_share", args=[s.plan.pk])),
        AuditPage("meeting create", _url("engagements:meeting_create", engagement)),
        AuditPage("meeting detail (with brief)", _url("engagements:meeting", meeting)),
        AuditPage("meeting detail (logged)", lambda s: reverse("engagements:meeting", args=[s.logged_meeting.pk])),
        AuditPage("meeting edit", _url("engagements:meeting_edit", meeting)),
        AuditPage("meeting log form", lambda s: reverse("engagements:meeting_log", args=[s.unlogged_meeting.pk])),
        AuditPage("checkpoint create", _url("engagements:checkpoint_create", engagement)),
        AuditPage("checkpoint answer", _url("engagements:checkpoint_answer", checkpoint)),
        AuditPage("checkpoint waive", _url("engagements:checkpoint_waive", checkpoint)),
        AuditPage("client list", _url("engagements:clients")),
        AuditPage("client detail", _url("engagements:client", client)),
        AuditPage("client create", _url("engagements:client_create")),
        AuditPage("client edit", _url("engagements:client_edit", client)),
        AuditPage("contact create", _url("engagements:contact_create", client)),
        AuditPage("contact edit", _url("engagements:contact_edit", contact)),
        AuditPage("contact left", _url("engagements:contact_left", contact)),
        AuditPage("complaint create", _url("engagements:complaint_create", client)),
        # Lessons at intake and the firm's client profile
        AuditPage("intake with the lessons panel (taken, redacted, decision)", _url("engagements:detail", intake)),
        AuditPage("engagement edit at intake (the lessons panel beside it)", _url("engagements:edit", intake)),
        AuditPage("engagement create for a client with lessons", new_engagement_for("client")),
        AuditPage("engagement create for a client outside the profile", new_engagement_for("outside_client")),
        AuditPage(
            "engagement create outside the profile, not confirmed",
            new_engagement_for("outside_client"),
            fill=(("#id_title", "Casino floor planning"),),
            click="main button[type=submit]",
            status=400,
        ),
        AuditPage("lesson search", lesson_search()),
        AuditPage("lesson search, with results", lesson_search("foremen")),
        AuditPage("lesson search, nothing found", lesson_search("submarine")),
        AuditPage("lesson search, page 2 of 2", lambda s: reverse("engagements:lesson_search") + "?q=stock&page=2"),
        AuditPage("client profile", PROFILE),
        AuditPage(
            "client create, compared with the profile",
            _url("engagements:client_create"),
            fill=(("#id_name", "Installatietechniek Zuid"), ("#id_sector", "Installation")),
            click="main button[name=compare]",
        ),
        AuditPage("advisor settings", _url("advisors:settings")),
        AuditPage("my cases", _url("casestudies:mine")),
        AuditPage("case create", _url("casestudies:create")),
        AuditPage(
            "case create from an engagement", lambda s: reverse("casestudies:create") + f"?engagement={s.engagement.pk}"
        ),
        AuditPage("case edit (draft)", _url("casestudies:edit", case("draft_case"))),
        AuditPage("case detail (draft naming its client)", DRAFT),
        AuditPage("case close form", _url("casestudies:close", case("published_case"))),
        AuditPage("404 page (not yours)", lambda s: reverse("engagements:detail", args=[999_999]), status=404),
        # LOGOUT_REDIRECT_URL sends a logged-out user to the login page (with no message), so
        # registration/logged_out.html is never shown; this row audits where logout does lead.
        AuditPage(
            "after logging out", _url("engagements:my_week"), click="form[action$='/logout/'] button", logs_out=True
        ),
    ],
    "manager": [
        AuditPage("manager home (leads to the review queue)", _url("home"), redirects=True),
        AuditPage("review queue", _url("engagements:review")),
        AuditPage("review queue, filtered", lambda s: reverse("engagements:review") + "?severity=high&q=site"),
        AuditPage("review queue, nothing matches", lambda s: reverse("engagements:review") + "?q=nothing-like-it"),
        AuditPage("flag page (with the decision form)", _url("engagements:flag", open_flag)),
        AuditPage(
            "flag page, a decision without its choices",
            _url("engagements:flag", open_flag),
            click="form[action$='/decide/'] button",
            status=400,
        ),
        AuditPage("flag page, decided (with reopen)", _url("engagements:flag", decided_flag)),
        AuditPage("team dashboard", _url("engagements:dashboard")),
        AuditPage("team dashboard, a year", lambda s: reverse("engagements:dashboard") + "?period=year"),
        AuditPage("fit review of a client", _url("engagements:client_fit_review", client)),
        AuditPage(
            "fit review without a reason",
            _url("engagements:client_fit_review", client),
            fill=(("#id_reason", ""),),
            click="main form[method=post] button[type=submit]",
            status=400,
        ),
        AuditPage("my week", _url("engagements:my_week")),
        AuditPage("engagement list", _url("engagements:list")),
        AuditPage("engagement detail (team)", _url("engagements:detail", engagement)),
        AuditPage("client list", _url("engagements:clients")),
        AuditPage("client detail", _url("engagements:client", client)),
        AuditPage("advisor settings", _url("advisors:settings")),
        AuditPage("my cases (with the review queue)", _url("casestudies:mine")),
        AuditPage("moderation queue", _url("casestudies:moderation")),
        AuditPage("case detail (in review)", _url("casestudies:detail", case("review_case"))),
        AuditPage("case detail (draft naming its client)", DRAFT),
        AuditPage(
            "case publish refused (names its client)",
            DRAFT,
            click="form[action$='/publish/'] button",
            status=400,
        ),
        AuditPage("case detail (discussion, as moderator)", PUBLISHED),
        AuditPage("lesson search, with results (and the team's count)", lesson_search("foremen")),
        AuditPage("client profile (with Edit)", PROFILE),
        AuditPage("client profile edit", PROFILE_EDIT),
        AuditPage(
            "client profile edit, a sector both fits and is excluded",
            PROFILE_EDIT,
            fill=(("#id_excluded_sectors", "Construction"),),
            click="main button[type=submit]",
            status=400,
        ),
    ],
    "community member": [
        AuditPage("member home (leads to the case list)", _url("home"), redirects=True),
        AuditPage("case list", CASE_LIST),
        AuditPage("case detail (with the comment form)", PUBLISHED),
        AuditPage(
            "case detail (replying to a comment)",
            PUBLISHED,
            click="#discussion ~ ol a[href*='?reply=']",
        ),
        AuditPage("comment edit", lambda s: s.carols_comment_edit_path()),
        AuditPage("comment report", lambda s: reverse("casestudies:comment_report", args=[s.reportable_comment.pk])),
        AuditPage("404 page (my cases)", _url("casestudies:mine"), status=404),
        AuditPage("404 page (engagement)", _url("engagements:detail", engagement), status=404),
        AuditPage("404 page (lesson search)", lesson_search(), status=404),
        AuditPage("404 page (client profile)", PROFILE, status=404),
        NOT_FOUND,
    ],
}
