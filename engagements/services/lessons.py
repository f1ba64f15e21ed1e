"""Taking a lesson along into an intake, and the firm's client profile."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from .. import lessons
from ..models import ClientProfile, Engagement, LessonTaken


@transaction.atomic
def lesson_take(*, engagement: Engagement, source: str, by) -> LessonTaken:
    """Record that `by` took the lesson `source` into this intake. Only a lesson the panel
    offers `by` for this engagement can be taken (its text as `by` read it); taking it twice
    keeps the first."""
    if engagement.stage != Engagement.Stage.INTAKE:
        raise ValidationError(
            _("Lessons are taken along at intake; this engagement's stage is %(stage)s now.")
            % {"stage": engagement.get_stage_display().lower()}
        )
    offered = lessons.intake_lessons(
        user=by, context=lessons.context_for_engagement(engagement), limit=lessons.PANEL_SIZE * 2
    )
    lesson = next((item for item in offered if item.source == source), None)
    if lesson is None:
        raise ValidationError(_("This lesson is not offered for this intake any more. Reload the page."))
    existing = LessonTaken.objects.filter(engagement=engagement, source=source).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return LessonTaken.objects.create(
                engagement=engagement, source=source, text=lesson.text, origin=lesson.origin or lesson.why, taken_by=by
            )
    except IntegrityError:  # taken at the same moment by a colleague: theirs stands
        return LessonTaken.objects.get(engagement=engagement, source=source)


@transaction.atomic
def lesson_untake(*, engagement: Engagement, source: str, by) -> int:
    """Take back a lesson marked as taken along (returns how many rows went: 0 or 1)."""
    deleted, _rows = LessonTaken.objects.filter(engagement=engagement, source=source).delete()
    return deleted


def _lines(text: str) -> str:
    seen, lines = set(), []
    for line in text.splitlines():
        line = " ".join(line.split())
        if line and line.casefold() not in seen:
            seen.add(line.casefold())
            lines.append(line)
    return "\n".join(lines)


@transaction.atomic
def client_profile_save(*, by, **fields) -> ClientProfile:
    """Write the firm's client profile (one row; its clean() refuses a sector that both fits
    and is excluded)."""
    unknown = set(fields) - set(ClientProfile.EDITABLE)
    if unknown:
        raise TypeError(f"not profile fields: {sorted(unknown)}")
    profile = ClientProfile.objects.select_for_update().filter(key="firm").first() or ClientProfile(key="firm")
    for field, value in fields.items():
        setattr(profile, field, value)
    profile.fitting_sectors = _lines(profile.fitting_sectors)
    profile.excluded_sectors = _lines(profile.excluded_sectors)
    profile.updated_by = by
    profile.full_clean()
    profile.save()
    return profile
