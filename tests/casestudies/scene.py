"""Helpers of the community's tests: cases and comments straight in the database (the services
are tested on their own), and the page as a user reads it."""

import re
from html import unescape

from django.utils import timezone
from django.utils.text import slugify

from casestudies.markup import render_markdown
from casestudies.models import CaseStudy, Comment

CLIENT_NAME = "Hoeksma Bakeries"
CONTACT_NAME = "Dana Visser"
ENGAGEMENT_TITLE = "Engagement led by Alice"  # tests/conftest.py's engagement_a


def make_case(author, *, status=CaseStudy.Status.PUBLISHED, title="A rota that nobody liked", source=None, **fields):
    now = timezone.now()
    body = fields.pop("body", "The team changed the rota twice in one month.")
    base, n = slugify(title), 2
    slug = base
    while CaseStudy.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return CaseStudy.objects.create(
        title=title,
        slug=slug,
        body=body,
        body_html=render_markdown(body),
        question=fields.pop("question", "What would you have asked first?"),
        author=author,
        source_engagement=source.engagement if source else None,
        status=status,
        published_at=now if status in CaseStudy.PUBLIC else None,
        closed_at=now if status == CaseStudy.Status.CLOSED else None,
        **fields,
    )


def make_comment(case, author, body="I would have asked the night shift first.", *, parent=None, **fields):
    return Comment.objects.create(
        case=case,
        author=author,
        body=body,
        body_html=render_markdown(body),
        parent=parent,
        depth=parent.depth + 1 if parent else 0,
        **fields,
    )


def text_of(response) -> str:
    """The page as a user reads it: entities decoded, no-break spaces as spaces."""
    return unescape(response.content.decode()).replace("\xa0", " ")


def main_html(response) -> str:
    """The raw HTML of the page's <main> (base.html's own <script> tags are outside it)."""
    content = response.content.decode()
    return content[content.index("<main") : content.index("</main>")]


def messages_of(response) -> list[str]:
    """The flashed messages rendered on the page."""
    return [str(m) for m in response.context["messages"]] if response.context else []


def field_errors(response, field: str) -> list[str]:
    """The error messages rendered next to one form field (crispy's error_<n>_id_<field>)."""
    pattern = rf'id="error_\d+_id_{re.escape(field)}"><strong>(.*?)</strong>'
    return [unescape(m).replace("\xa0", " ") for m in re.findall(pattern, response.content.decode(), re.S)]
