"""The community's pages cost a fixed number of queries, whatever their size: the case page
with 5 and with 500 comments, the case list with 3 and 30 cases, the moderation queue with
3 and 40 comments waiting. Each bound is the smallest that holds for both sizes (measured)."""

import pytest
from django.urls import reverse

from advisors import roles
from casestudies.markup import render_markdown
from casestudies.models import Comment, CommentReport, MemberProfile, Theme
from tests import factories
from tests.casestudies.scene import make_case, text_of

pytestmark = pytest.mark.django_db

# Measured on SQLite and PostgreSQL, the same at both sizes: 3 for an anonymous reader (the case,
# its comments with their authors and profiles, the themes), 7 logged in (session, user, groups,
# my reports), 8 for a member (their display name for the menu), 11 for the author and editors
# (who also see the anonymisation check's hits and the source engagement's title).
CASE_PAGE_MAX_QUERIES = 11
# 4 anonymous (the themes in use, the count, the page of cases, their themes), 7 logged in,
# 8 for a member (their display name for the menu).
CASE_LIST_MAX_QUERIES = 8
# session, user, groups; the queue, its open reports, its history and who made each event.
MODERATION_MAX_QUERIES = 7


def commenters(n: int) -> list:
    users = [factories.UserFactory(username=f"commenter{i}", roles=[roles.COMMUNITY_MEMBER]) for i in range(n)]
    MemberProfile.objects.bulk_create(
        MemberProfile(user=user, display_name=f"Member {i}") for i, user in enumerate(users)
    )
    return users


def _comment(case, author, n: int, parent=None, **fields) -> Comment:
    body = f"Comment number {n}"
    return Comment(
        case=case,
        author=author,
        body=body,
        body_html=render_markdown(body),
        parent=parent,
        depth=parent.depth + 1 if parent else 0,
        **fields,
    )


def add_comments(case, authors, count: int) -> None:
    """`count` comments in threads three deep (a comment, a reply, a reply to it); every
    seventh by the case's author. Three bulk inserts, one per depth."""
    per_level = [count // 3 + (1 if level < count % 3 else 0) for level in range(3)]
    n, parents = 0, [None] * per_level[0]
    for level, size in enumerate(per_level):
        rows = []
        for i in range(size):
            author = case.author if n % 7 == 3 else authors[n % len(authors)]
            rows.append(_comment(case, author, n, parent=parents[i % len(parents)] if level else None))
            n += 1
        parents = Comment.objects.bulk_create(rows)
    assert Comment.objects.filter(case=case).count() == count


@pytest.fixture
def authors(db):
    return commenters(10)


@pytest.mark.parametrize("comments", [5, 500])
@pytest.mark.parametrize("reader", ["anonymous", "community_member", "consultant_a", "manager"])
def test_the_case_page_costs_the_same_with_5_or_500_comments(
    client, request, source, consultant_a, authors, django_assert_max_num_queries, comments, reader
):
    case = make_case(consultant_a, source=source)
    case.themes.set(
        [Theme.objects.create(name="Rotas", slug="rotas"), Theme.objects.create(name="Teams", slug="teams")]
    )
    add_comments(case, authors, comments)
    if reader != "anonymous":
        client.force_login(request.getfixturevalue(reader))

    with django_assert_max_num_queries(CASE_PAGE_MAX_QUERIES):
        response = client.get(case.get_absolute_url())

    assert response.status_code == 200
    assert f"Discussion ({comments} comments)" in text_of(response)
    assert response.content.decode().count('class="comment mb-3') == comments


@pytest.mark.parametrize("cases", [3, 30])
@pytest.mark.parametrize("reader", ["anonymous", "community_member", "manager"])
def test_the_case_list_costs_the_same_with_3_or_30_cases(
    client, request, consultant_a, authors, django_assert_max_num_queries, cases, reader
):
    themes = [Theme.objects.create(name=f"Theme {i}", slug=f"theme-{i}") for i in range(3)]
    for i in range(cases):
        case = make_case(consultant_a, title=f"Listed case {i}")
        case.themes.set(themes[: 1 + i % 3])
        add_comments(case, authors, 3)
    if reader != "anonymous":
        client.force_login(request.getfixturevalue(reader))

    with django_assert_max_num_queries(CASE_LIST_MAX_QUERIES):
        response = client.get(reverse("casestudies:list"))

    content = text_of(response)
    assert content.count("Listed case ") == min(cases, 10)  # ten a page
    assert "3 comments" in content


@pytest.mark.parametrize("waiting", [3, 40])
def test_the_moderation_queue_costs_the_same_with_3_or_40_comments(
    client, manager, consultant_a, authors, django_assert_max_num_queries, waiting
):
    case = make_case(consultant_a)
    held = Comment.objects.bulk_create(
        _comment(case, authors[n % len(authors)], n, status=Comment.Status.HELD if n % 2 else Comment.Status.VISIBLE)
        for n in range(waiting)
    )
    for comment in held:
        if comment.status == Comment.Status.VISIBLE:
            CommentReport.objects.bulk_create(
                CommentReport(comment=comment, reporter=reporter, reason=f"Report by {reporter.username}")
                for reporter in authors[:2]
            )
            comment.events.create(action="reported", by=authors[0], reason="Off topic")
        else:
            comment.events.create(action="held", reason="A new member's first comment")
    client.force_login(manager)

    with django_assert_max_num_queries(MODERATION_MAX_QUERIES):
        response = client.get(reverse("casestudies:moderation"))

    content = text_of(response)
    assert content.count('<article class="card mb-3" id="moderate-') == waiting
    assert content.count("2 open reports") == (waiting + 1) // 2  # the visible ones, reported twice
