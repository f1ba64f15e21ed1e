"""The discussion of a case through its pages: posting, replying, editing, deleting.

A new member's first comment waiting for a moderator is tests/casestudies/test_moderation.py's;
here it is switched off, so every comment shows at once.
"""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from casestudies.models import MAX_COMMENT_DEPTH, CaseStudy, Comment, CommentEvent
from tests.casestudies.scene import field_errors, make_case, make_comment, messages_of, text_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_holding(settings):
    settings.RAPPORT_COMMUNITY_HOLD_FIRST_COMMENT = False


@pytest.fixture
def case(consultant_a):
    return make_case(consultant_a, title="A rota that nobody liked")


def post(client, case, body, parent=None):
    data = {"body": body} if parent is None else {"body": body, "parent": parent.pk}
    return client.post(reverse("casestudies:comment", args=[case.slug]), data)


def test_a_members_comment_is_posted_and_everyone_reads_it(client, case, community_member):
    client.force_login(community_member)

    response = post(client, case, "I would have asked the *night shift* first.")

    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response.url == f"{case.get_absolute_url()}#comment-{comment.pk}"
    assert "Your comment is posted." in text_of(client.get(response.url))
    client.logout()
    page = client.get(case.get_absolute_url()).content.decode()
    assert "I would have asked the <em>night shift</em> first." in page
    assert "Discussion (1 comment)" in page


def test_replies_nest_and_a_reply_at_the_deepest_level_joins_its_parents_thread(
    client, case, community_member, other_member
):
    client.force_login(community_member)
    post(client, case, "First thought.")
    top = Comment.objects.get(body="First thought.")
    client.force_login(other_member)
    post(client, case, "A reply.", parent=top)
    reply = Comment.objects.get(body="A reply.")
    client.force_login(community_member)
    post(client, case, "A reply to the reply.", parent=reply)
    deepest = Comment.objects.get(body="A reply to the reply.")

    response = post(client, case, "One level too deep.", parent=deepest)

    assert response.status_code == 302
    too_deep = Comment.objects.get(body="One level too deep.")
    assert (top.depth, reply.parent, reply.depth) == (0, top, 1)
    assert (deepest.parent, deepest.depth) == (reply, 2)
    assert (too_deep.parent, too_deep.depth) == (reply, MAX_COMMENT_DEPTH)  # beside `deepest`, not under it
    # On the page it sits in the reply's list, after the reply to the reply.
    page = client.get(case.get_absolute_url()).content.decode()
    reply_block = page.split(f'id="comment-{reply.pk}"', 1)[1]
    assert reply_block.index(f'id="comment-{deepest.pk}"') < reply_block.index(f'id="comment-{too_deep.pk}"')
    assert max(Comment.objects.values_list("depth", flat=True)) == MAX_COMMENT_DEPTH


def test_a_reply_to_a_comment_of_another_case_is_refused(client, consultant_a, case, community_member, other_member):
    other_case = make_case(consultant_a, title="Another case")
    elsewhere = make_comment(other_case, other_member, "Said on another case.")
    client.force_login(community_member)

    response = post(client, case, "Tampered reply.", parent=elsewhere)

    assert response.status_code == 400
    assert messages_of(response) == ["The comment you reply to is not part of this case."]
    assert not Comment.objects.filter(body="Tampered reply.").exists()
    # The text waits in the form as a new comment, without the parent that failed.
    form = response.content.decode().split('id="comment-form"', 1)[1].split("</form>", 1)[0]
    assert "Tampered reply." in form and f'value="{elsewhere.pk}"' not in form
    client.post(reverse("casestudies:comment", args=[case.slug]), {"body": "Tampered reply.", "parent": ""})
    assert Comment.objects.get(body="Tampered reply.").parent is None


def test_an_over_long_comment_is_refused_with_the_reason(client, case, community_member):
    client.force_login(community_member)

    response = post(client, case, "x" * 5001)

    assert response.status_code == 400
    assert field_errors(response, "body") == ["A comment holds at most 5000 characters; this one has 5001."]
    assert not Comment.objects.exists()


@pytest.mark.parametrize("body", ["", "   \n  "], ids=["empty", "blank"])
def test_an_empty_comment_is_refused(client, case, community_member, body):
    client.force_login(community_member)

    response = post(client, case, body)

    assert response.status_code == 400
    assert field_errors(response, "body") == ["This field is required."]
    assert not Comment.objects.exists()


# --- editing and deleting one's own -----------------------------------------------------------------
def test_the_author_edits_a_comment_for_15_minutes_and_not_after(client, case, community_member):
    posted_at = timezone.now()
    with time_machine.travel(posted_at, tick=False):
        comment = make_comment(case, community_member, "First version.")
    client.force_login(community_member)
    url = reverse("casestudies:comment_edit", args=[comment.pk])

    with time_machine.travel(posted_at + timedelta(minutes=14), tick=False):
        assert "Edit" in text_of(client.get(case.get_absolute_url()))
        response = client.post(url, {"body": "Second version."})
        assert response.status_code == 302
        page = text_of(client.get(case.get_absolute_url()))
        assert "Second version." in page
        assert "edited" in page

    with time_machine.travel(posted_at + timedelta(minutes=16), tick=False):
        response = client.post(url, {"body": "Third version."}, follow=True)
        assert "This comment can no longer be changed." in text_of(response)
        assert f'href="{url}"' not in response.content.decode()  # no Edit link any more

    comment.refresh_from_db()
    assert comment.body == "Second version."
    assert list(comment.events.values_list("action", flat=True)) == [CommentEvent.Action.EDITED]


def test_nobody_edits_someone_elses_comment(client, case, community_member, other_member, manager):
    comment = make_comment(case, community_member, "Carol's words.")
    url = reverse("casestudies:comment_edit", args=[comment.pk])
    for someone in (other_member, manager):
        client.force_login(someone)
        assert client.get(url).status_code == 302
        response = client.post(url, {"body": "Put in Carol's mouth."}, follow=True)
        assert "This comment can no longer be changed." in text_of(response)
    comment.refresh_from_db()
    assert comment.body == "Carol's words."
    assert comment.edited_at is None


def test_deleting_leaves_a_placeholder_and_the_text_is_gone(client, case, community_member, other_member):
    comment = make_comment(case, community_member, "Something I regret.")
    reply = make_comment(case, other_member, "An answer to it.", parent=comment)
    client.force_login(community_member)

    response = client.post(reverse("casestudies:comment_delete", args=[comment.pk]), follow=True)

    assert "Your comment is deleted." in text_of(response)
    client.logout()
    page = text_of(client.get(case.get_absolute_url()))
    assert "This comment was deleted by its author." in page
    assert "Something I regret." not in page
    assert "An answer to it." in page  # the thread keeps its replies
    comment.refresh_from_db()
    assert (comment.status, comment.body, comment.body_html) == (Comment.Status.DELETED, "", "")
    assert reply.pk in Comment.objects.filter(status=Comment.Status.VISIBLE).values_list("pk", flat=True)


def test_the_case_authors_comments_are_marked(client, consultant_a, case, community_member):
    question = make_comment(case, community_member, "Did the bakers agree?")
    client.force_login(consultant_a)
    post(client, case, "They did, after a month.", parent=question)
    answer = Comment.objects.get(body="They did, after a month.")
    client.logout()

    page = client.get(case.get_absolute_url()).content.decode()

    author_block = page.split(f'id="comment-{answer.pk}"', 1)[1].split("</article>", 1)[0]
    member_block = page.split(f'id="comment-{question.pk}"', 1)[1].split("</article>", 1)[0]
    assert "author of the case" in author_block
    assert "author of the case" not in member_block


def test_a_case_with_no_comments_says_so(client, case):
    assert "No comments yet." in text_of(client.get(case.get_absolute_url()))
    assert case.status == CaseStudy.Status.PUBLISHED


def test_reply_opens_the_one_form_of_the_page_on_that_comment(
    client, consultant_a, case, community_member, other_member
):
    """A page has one comment form; "Reply" (?reply=<pk>) points it at a comment, and a
    reply to something one may not answer (gone, or of another case) is a new comment."""
    said = make_comment(case, other_member, "Ask the night shift first.")
    gone = make_comment(case, other_member, "Removed words.", status=Comment.Status.REMOVED)
    elsewhere = make_comment(make_case(consultant_a, title="Another case"), other_member, "Elsewhere.")
    client.force_login(community_member)

    page = client.get(case.get_absolute_url()).content.decode()
    assert f'href="?reply={said.pk}#comment-form"' in page
    assert 'id="replying-to"' not in page and page.count("<textarea") == 1

    form = client.get(f"{case.get_absolute_url()}?reply={said.pk}").content.decode().split('id="comment-form"')[1]
    assert "Ask the night shift first." in form.split('id="replying-to"')[1]
    assert f'name="parent" value="{said.pk}"' in form and "Post the reply" in form
    for other in (gone, elsewhere):
        form = client.get(f"{case.get_absolute_url()}?reply={other.pk}").content.decode().split('id="comment-form"')[1]
        assert 'id="replying-to"' not in form and f'value="{other.pk}"' not in form
    assert client.get(f"{case.get_absolute_url()}?reply=not-a-number").status_code == 200
