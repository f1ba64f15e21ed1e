"""The community's part in the intake's lessons panel and the lesson search: published case
studies whose themes match an intake, and their closing summaries (registered with
engagements.lessons by CasestudiesConfig.ready)."""

import re
from html import unescape

from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from core.search import text_search
from engagements.lessons import CASE_STUDY, IntakeContext, Lesson

from .models import CaseStudy, Theme


def keywords_of(theme: Theme) -> list[str]:
    words = [theme.name, *theme.keywords.split(",")]
    return [" ".join(word.split()).casefold() for word in words if word.strip()]


def hits(keywords: list[str], text: str) -> int:
    """How many of the keywords occur in `text` as the start of a word."""
    text = text.casefold()
    return sum(1 for word in keywords if re.search(r"(?<!\w)" + re.escape(word), text))


def plain(html: str) -> str:
    """The text of sanitised HTML, for a panel that shows text (not the Markdown source)."""
    return unescape(strip_tags(html)).strip()


def _lesson(case: CaseStudy, *, closeness: float, why: str = "", themes=None) -> Lesson:
    if case.closing_summary_html:
        text = plain(case.closing_summary_html)
    else:  # still under discussion: what the case asks is what it is about
        text = _("Still under discussion: %(question)s") % {"question": case.question}
    return Lesson(
        source=f"case:{case.pk}",
        kind="case",
        text=text,
        at=case.closed_at or case.published_at,
        closeness=closeness,
        why=why,
        origin=case.title,
        url=case.get_absolute_url(),
        label=", ".join(theme.name for theme in (case.themes.all() if themes is None else themes)),
    )


class CaseLessons:
    def for_intake(self, context: IntakeContext, *, limit: int) -> list[Lesson]:
        """Public cases on a theme whose keywords the intake's words name (two queries)."""
        text = f"{context.text} {context.sector}"
        matched = {}
        for theme in Theme.objects.all():
            count = hits(keywords_of(theme), text)
            if count:
                matched[theme.pk] = count
        if not matched:
            return []
        # One query: the (case, theme) pairs of public cases on a matched theme, newest case first.
        pairs = (
            CaseStudy.themes.through.objects.filter(theme_id__in=matched, casestudy__status__in=CaseStudy.PUBLIC)
            .select_related("casestudy", "theme")
            .order_by("-casestudy__published_at", "casestudy_id")
        )
        by_case: dict[int, tuple[CaseStudy, list[Theme]]] = {}
        for pair in pairs:
            if pair.casestudy_id not in by_case and len(by_case) == limit:
                continue
            by_case.setdefault(pair.casestudy_id, (pair.casestudy, []))[1].append(pair.theme)
        found = []
        for case, on in by_case.values():
            found.append(
                _lesson(
                    case,
                    closeness=CASE_STUDY + min(sum(matched[theme.pk] for theme in on), 9),
                    why=_("Case study on %(themes)s") % {"themes": ", ".join(theme.name for theme in on)},
                    themes=on,
                )
            )
        return found

    def search(self, query: str, *, limit: int) -> list[Lesson]:
        """Closing summaries of public cases that match (ranked as the other lessons are)."""
        cases = text_search(
            CaseStudy.objects.filter(status__in=CaseStudy.PUBLIC).exclude(closing_summary=""),
            ("closing_summary",),
            query,
        ).prefetch_related("themes")
        return [
            _lesson(case, closeness=case.search_rank, why=_("Case study summary"))
            for case in cases.order_by("-search_rank", "-closed_at")[:limit]
        ]
