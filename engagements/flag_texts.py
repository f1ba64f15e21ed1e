"""What a flag says, in the reader's language and time zone (docs/domain.md: "Stored texts are
facts"). A rule's flag stores its facts (`Flag.facts`: numbers, codes, ISO times in UTC, as
engagements.rules.flags writes them); this module turns them into a sentence when the page
or the e-mail is rendered, so a Dutch manager reads Dutch and a meeting at 20:47 in
Amsterdam is "20:47". A person's flag says what its author wrote (`Flag.details`).
"""

from datetime import date, datetime

from django.utils import dateformat, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import ExpectationCheckpoint, Flag

Kind = Flag.Kind


def _moment(value: str) -> str:
    """An ISO time (UTC) as the reader reads it: in Europe/Amsterdam, the month in their language."""
    moment = datetime.fromisoformat(value)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.UTC)
    return dateformat.format(timezone.localtime(moment), "j M Y H:i")


def _day(value: str) -> str:
    return dateformat.format(date.fromisoformat(value), "j M Y")


def _topic(code: str) -> str:
    return str(dict(ExpectationCheckpoint.Topic.choices).get(code, code))


def _with_adjustments(text: str, facts: dict) -> str:
    adjustments = (facts.get("adjustments") or "").strip()
    return f"{text} {adjustments}" if adjustments else text


def _plan_answer(facts: dict, answer: str) -> str:
    if answer == "no":
        text = _("The client answered “no” on plan v%(version)s.") % {"version": facts["version"]}
    else:
        text = _("The client answered “partly” on plan v%(version)s.") % {"version": facts["version"]}
    return _with_adjustments(text, facts)


def _long_monologue(facts: dict) -> str:
    when = _moment(facts["starts_at"])
    minutes = facts.get("minutes")
    if minutes is not None and facts.get("too_long"):
        return ngettext(
            "Meeting of %(when)s: a monologue of %(minutes)d minute.",
            "Meeting of %(when)s: a monologue of %(minutes)d minutes.",
            minutes,
        ) % {"when": when, "minutes": minutes}
    return _("Meeting of %(when)s: no check-in with the client.") % {"when": when}


def _text(kind: str, facts: dict) -> str:
    if kind == Kind.PLAN_NOT_SHARED:
        return _("The plan discussion of %(when)s started before its plan was shared.") % {
            "when": _moment(facts["starts_at"])
        }
    if kind in (Kind.MISALIGNED, Kind.PARTLY_MET) and "version" in facts:
        return _plan_answer(facts, facts.get("answer", "no" if kind == Kind.MISALIGNED else "partly"))
    if kind == Kind.MISALIGNED:
        return _("Checkpoint “%(topic)s” is misaligned.") % {"topic": _topic(facts["topic"])}
    if kind == Kind.DISSATISFIED:
        return _("Client satisfaction %(score)s/5 in the meeting of %(when)s.") % {
            "score": facts["satisfaction"],
            "when": _moment(facts["starts_at"]),
        }
    if kind == Kind.STAKEHOLDER_CHANGE:
        return _("Decision maker %(name)s left on %(day)s.") % {"name": facts["name"], "day": _day(facts["left_on"])}
    if kind == Kind.REPEATED_COMPLAINTS:
        return ngettext(
            "%(count)d complaint since %(day)s, %(within)d of them within %(days)d days.",
            "%(count)d complaints since %(day)s, %(within)d of them within %(days)d days.",
            facts["count"],
        ) % {"count": facts["count"], "day": _day(facts["since"]), "within": facts["within"], "days": facts["days"]}
    if kind == Kind.OVERDUE_CHECKPOINT:
        return _("Checkpoint “%(topic)s” was due on %(day)s.") % {
            "topic": _topic(facts["topic"]),
            "day": _day(facts["due_on"]),
        }
    if kind == Kind.LONG_MONOLOGUE:
        return _long_monologue(facts)
    if kind == Kind.MEETING_NOT_LOGGED:
        return _("The meeting of %(when)s has no log.") % {"when": _moment(facts["starts_at"])}
    if kind == Kind.INTAKE_INCOMPLETE:
        return _("Plan v%(version)s was shared while the underlying need is still empty.") % {
            "version": facts["version"]
        }
    raise KeyError(kind)


def flag_text(kind: str, facts: dict | None, details: str = "") -> str:
    """The flag's sentence in the active language: from its facts, else what a person wrote
    (or, for a row whose facts could not be rebuilt, the text it was stored with)."""
    if facts:
        try:
            return _text(kind, facts)
        except (KeyError, TypeError, ValueError):  # facts of another shape: say what is stored
            pass
    return details or ""
