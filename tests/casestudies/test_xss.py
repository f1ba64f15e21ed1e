"""What a case's author or a commenter writes cannot run in a reader's browser: a case's
title, body, question and closing summary and every comment render inert."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from casestudies.models import CaseStudy, Comment
from tests.casestudies.scene import main_html, make_case, make_comment

pytestmark = pytest.mark.django_db

PAYLOADS = [
    pytest.param("<script>alert(1)</script>", id="script"),
    pytest.param("<img src=x onerror=alert(1)>", id="img onerror"),
    pytest.param("[x](javascript:alert(1))", id="javascript link"),
    pytest.param('<a href="javascript:alert(1)">x</a>', id="raw javascript link"),
    pytest.param('"><svg onload=alert(1)>', id="attribute break-out"),
]


class _Elements(HTMLParser):
    """Every element the browser would build from the HTML, with its attributes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, {name: value or "" for name, value in attrs}))


def assert_inert(html: str) -> None:
    """No script element, no event handler attribute, no javascript: URL, no image or SVG.
    (Escaped text may still read "onerror=": as text it does nothing, so the elements are
    checked, as a browser would build them.)"""
    assert "<script" not in html
    parser = _Elements()
    parser.feed(html)
    for tag, attrs in parser.elements:
        assert tag not in ("script", "img", "svg", "iframe"), (tag, attrs)
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, attrs)
            assert not value.strip().lower().startswith("javascript:"), (tag, attrs)


def test_the_check_finds_live_markup():
    for live in ("<img src=x onerror=alert(1)>", '<a href="javascript:alert(1)">x</a>', "<p onclick=x>"):
        with pytest.raises(AssertionError):
            assert_inert(live)
    assert_inert("<p>&lt;img src=x onerror=alert(1)&gt;</p>")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_case_with_markup_everywhere_renders_inert(client, consultant_a, community_member, payload):
    case = make_case(
        consultant_a,
        title=f"Title {payload}",
        body=f"Body {payload}\n\n{payload}",
        question=f"Question {payload}",
    )
    make_comment(case, community_member, f"Comment {payload}")

    response = client.get(case.get_absolute_url())

    assert response.status_code == 200
    assert_inert(main_html(response))
    assert "<script>alert" not in response.content.decode()  # the <title> too
    assert "Comment " in main_html(response)  # the comment is on the page


@pytest.mark.parametrize("payload", PAYLOADS)
def test_markup_posted_through_the_forms_renders_inert(client, settings, consultant_a, manager, payload):
    settings.RAPPORT_COMMUNITY_HOLD_FIRST_COMMENT = False
    client.force_login(consultant_a)
    client.post(reverse("casestudies:create"), {"title": "Rota", "body": f"Body {payload}", "question": payload})
    case = CaseStudy.objects.get()
    client.force_login(manager)
    client.post(reverse("casestudies:publish", args=[case.slug]))
    client.post(reverse("casestudies:comment", args=[case.slug]), {"body": payload})
    client.force_login(consultant_a)
    client.post(reverse("casestudies:close", args=[case.slug]), {"closing_summary": f"Summary {payload}"})
    case.refresh_from_db()
    assert case.status == CaseStudy.Status.CLOSED
    assert Comment.objects.count() == 1

    client.logout()
    response = client.get(case.get_absolute_url())

    assert "Summary" in main_html(response)
    assert_inert(main_html(response))
    # The case list, the feed and the moderation queue show the same texts.
    assert_inert(main_html(client.get(reverse("casestudies:list"))))
    assert "<script" not in client.get(reverse("casestudies:feed")).content.decode()


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_held_comment_with_markup_is_inert_in_the_moderation_queue(
    client, consultant_a, community_member, manager, payload
):
    case = make_case(consultant_a)
    make_comment(case, community_member, f"Held {payload}", status=Comment.Status.HELD)
    client.force_login(manager)

    response = client.get(reverse("casestudies:moderation"))

    assert "Held " in main_html(response)
    assert_inert(main_html(response))
