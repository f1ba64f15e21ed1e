"""`{% meeting_rows meetings empty %}`, `{% readiness_cards readiness %}`,
`{% waiting_rows waiting %}`, `{% flag_items flags with_engagement %}` and
`{% engagement_list_rows rows %}`: the rows the engagement page, the list of an engagement's
meetings, My week and the engagement list repeat on every visit.

Written in Python, as the timeline's events are (engagements/templatetags/timeline.py): in
the template engine a meeting row cost about 0.07 ms, a card of My week about 0.35 ms (a
date filter, a url tag, two plural translations and a dozen lookups each) and a row of the
engagement list about 0.06 ms (25 a page): a third of those pages' rendering. The markup is
the same as the templates' it replaced; every text is escaped (format_html) and every
sentence is a msgid of the catalogue (both languages).
"""

from django import template
from django.utils.text import Truncator
from django.utils.translation import gettext, gettext_lazy, ngettext

from core.markup import format_html, format_html_join
from core.reversing import url_for_pk
from core.templatetags.rows import label

from .. import flag_texts
from ..models import Client, Flag
from .timeline import moment

register = template.Library()

ADJUSTMENTS_CHARACTERS = 140  # a plan's adjustments on a card of My week beyond this are cut

_ANSWER_COLOURS = {"yes": "success", "partly": "warning"}  # any other answer: danger


@register.simple_tag
def answer_badge(plan) -> str:
    """The client's answer to a plan as a badge coloured by the answer: on My week's cards and
    the engagement page's plans."""
    colour = _ANSWER_COLOURS.get(plan.matches_expectations, "danger")
    return format_html(
        '<span class="badge text-bg-{}">{}: {}</span>',
        colour,
        gettext("Client's answer"),
        plan.get_matches_expectations_display(),
    )


@register.simple_tag
def meeting_rows(meetings, empty):
    """Meetings (MeetingRow) as items of a list-group, or one item saying `empty`. Each links to
    its meeting; one that waits for its log offers the log form, one logged shows the client's
    satisfaction."""
    if not meetings:
        return format_html('\n<li class="list-group-item text-muted">{}</li>', empty)
    texts = gettext("Plan"), gettext("Log it"), gettext("satisfaction")
    return format_html_join(
        "",
        '\n<li class="list-group-item d-flex flex-wrap gap-2 align-items-baseline">\n'
        '  <a href="{}"><strong>{}</strong></a>\n  <span>{}</span>\n'
        '  <span class="badge text-bg-light">{}</span>{}{}\n</li>',
        (
            (row.url, row.purpose, moment(row.starts_at), row.status_label, *_meeting_row_end(row, *texts))
            for row in meetings
        ),
    )


def _meeting_row_end(row, plan: str, log_it: str, satisfaction: str) -> tuple[str, str]:
    """The plan's version if it has one; the log form's link, or the client's satisfaction."""
    version = format_html('\n  <small class="text-muted">{} v{}</small>', plan, row.plan_version)
    if row.log_url:
        end = format_html('\n  <a class="ms-auto btn btn-sm btn-outline-success" href="{}">{}</a>', row.log_url, log_it)
    elif row.satisfaction:
        end = format_html('\n  <small class="ms-auto text-muted">{} {}/5</small>', satisfaction, row.satisfaction)
    else:
        end = ""
    return (version if row.plan_version else ""), end


def _plan_state(r, share_url) -> str:
    plan = r.meeting.plan
    if plan is None:
        if r.needs_plan:
            return format_html('<span class="badge text-bg-danger">{}</span>', gettext("No plan chosen"))
        return format_html('<span class="text-muted">{}</span>', gettext("No plan for this meeting"))
    if r.plan_shared:
        hours = r.hours_shared_ahead
        ahead = ngettext("%(hours)s hour before the meeting", "%(hours)s hours before the meeting", hours)
        return format_html(
            '<span class="badge text-bg-success">{}</span>\n  {}', gettext("Plan shared"), ahead % {"hours": hours}
        )
    return format_html(
        '<span class="badge text-bg-danger">{}</span>\n  <a href="{}">{}</a>',
        gettext("Plan not shared"),
        share_url(plan.pk),
        gettext("Share it now"),
    )


def _answer_items(r) -> str:
    """The items of a shared plan: acknowledged or not, the client's answer, the adjustments."""
    plan = r.meeting.plan
    if plan is None or not r.plan_shared:
        return ""
    if r.acknowledged:
        acknowledged = format_html('<span class="badge text-bg-success">{}</span>', gettext("Acknowledged"))
    else:
        acknowledged = format_html('<span class="badge text-bg-warning">{}</span>', gettext("Not acknowledged"))
    items = format_html("\n  <li>{}{}</li>", acknowledged, format_html(" {}", answer_badge(plan)) if r.answer else "")
    if plan.adjustments:
        cut = Truncator(plan.adjustments).chars(ADJUSTMENTS_CHARACTERS)
        items += format_html('\n  <li class="fst-italic">“{}”</li>', cut)
    return items


@register.simple_tag
def readiness_cards(readiness):
    """My week's cards (Readiness): per meeting of the next days, when and what, the engagement
    and its client, the plan's state (chosen, shared, acknowledged, answered) and the open
    checkpoints, bordered green when the meeting is ready."""
    share_url = url_for_pk("engagements:plan_share")
    return format_html_join(
        "",
        '\n<div class="col-md-6 col-xl-4">\n'
        '<div class="card h-100 border-{}" id="meeting-{}">\n<div class="card-body">\n'
        '  <div class="small text-muted">{} · {}</div>\n'
        '  <h3 class="h6 mb-1"><a href="{}">{}</a></h3>\n'
        '  <div class="small mb-2">{}</div>\n'
        '  <ul class="list-unstyled small mb-0">\n  <li>{}</li>{}\n  <li>{}</li>\n  </ul>\n'
        "</div>\n</div>\n</div>",
        (
            (
                "success" if r.ready else "warning",
                r.meeting.pk,
                moment(r.meeting.starts_at, year=False),
                r.purpose,
                r.url,
                r.meeting.engagement.title,
                r.meeting.engagement.client.name,
                _plan_state(r, share_url),
                _answer_items(r),
                ngettext("%(n)s open checkpoint", "%(n)s open checkpoints", r.open_checkpoints)
                % {"n": r.open_checkpoints},
            )
            for r in readiness
        ),
    )


@register.simple_tag
def engagement_list_rows(rows):
    """The engagement list's rows (views.engagements.ListRow): the title linked to the
    engagement, its client, lead, stage, health (a badge) and the day of its last change."""
    health = gettext("Health")
    return format_html_join(
        "",
        '\n<tr>\n  <td><a href="{}">{}</a></td>\n  <td>{}</td>\n  <td>{}</td>\n  <td>{}</td>\n'
        '  <td><span class="badge badge-health-{}" title="{}">{}</span></td>\n'
        '  <td class="text-muted small">{}</td>\n</tr>',
        (
            (
                row.url,
                row.engagement.title,
                row.engagement.client.name,
                row.lead,
                row.stage,
                row.engagement.health,
                health,
                row.health_label,
                row.updated,
            )
            for row in rows
        ),
    )


@register.simple_tag
def waiting_rows(waiting):
    """My week's meetings waiting for a log (WaitingForLog), each with a link to its log form,
    which htmx opens in place (data-hx-*: valid HTML); one item saying so when there are none."""
    if not waiting:
        return format_html('\n<li class="list-group-item text-muted">{}</li>', gettext("Every past meeting is logged."))
    log_it = gettext("Log it")
    return format_html_join(
        "",
        '\n<li class="list-group-item" id="log-{}">\n<div class="d-flex flex-wrap gap-2 align-items-baseline">\n'
        '  <span>{}</span>\n  <a href="{}">{} · {}</a>\n'
        '  <a class="btn btn-sm btn-outline-success ms-auto" href="{}"\n'
        '     data-hx-get="{}" data-hx-target="#log-{}" data-hx-swap="innerHTML">{}</a>\n</div>\n</li>',
        (
            (
                w.meeting.pk,
                moment(w.meeting.starts_at, year=False),
                w.url,
                w.purpose,
                w.meeting.engagement_title,
                w.log_url,
                w.log_url,
                w.meeting.pk,
                log_it,
            )
            for w in waiting
        ),
    )


@register.filter
def flag_text(flag) -> str:
    """What the flag says, in the reader's language and time zone (engagements.flag_texts)."""
    return flag_texts.flag_text(flag.kind, flag.facts, flag.details)


@register.simple_tag
def flag_items(flags, with_engagement=False):
    """Open flags as items of a list-group, each with its kind and severity, then its details;
    `with_engagement` (My week): first a link to the flag's engagement (`engagement_title`),
    the details only if there are any."""
    if not flags:
        return format_html('\n<li class="list-group-item text-muted">{}</li>', gettext("No open flags."))
    engagement_url, flag_url = url_for_pk("engagements:detail"), url_for_pk("engagements:flag")

    def rest(flag):
        text = flag_text(flag)
        if not with_engagement:
            return format_html("<br><small>{}</small>", text)
        details = format_html('\n  <div class="small text-muted">{}</div>', text) if text else ""
        link = format_html(
            '\n  <br><a class="small" href="{}">{}</a>', engagement_url(flag.engagement_id), flag.engagement_title
        )
        return format_html("{}{}", link, details)

    return format_html_join(
        "",
        '\n<li class="list-group-item"><a class="fw-bold" href="{}">{}</a> · {}{}</li>',
        ((flag_url(flag.pk), label(flag, "kind"), label(flag, "severity"), rest(flag)) for flag in flags),
    )


_HISTORY_REASONS = {
    "raised": gettext_lazy("raised"),
    "updated": gettext_lazy("brought up to date by its rule"),
    "taken into review": gettext_lazy("taken into review"),
    "decided": gettext_lazy("decided"),
    "reopened": gettext_lazy("reopened"),
    "cleared automatically": gettext_lazy("cleared automatically"),
    "fit review": gettext_lazy("fit review"),
    "created": gettext_lazy("created"),
}


@register.simple_tag
def history_reason(reason: str) -> str:
    """What a change of a flag was (services.review stores it in English: "reopened: <why>"),
    in the reader's language; a change without one was made in the admin."""
    head, _, rest = reason.partition(": ")
    word = _HISTORY_REASONS.get(head)
    if word is None:
        return reason or gettext("changed")
    return f"{word}: {rest}" if rest else str(word)


@register.simple_tag
def history_field(name: str, model: str = "flag") -> str:
    """A flag's (or with model "client", a client's) field by its name, as the reader's
    language calls it."""
    return str((Client if model == "client" else Flag)._meta.get_field(name).verbose_name)
