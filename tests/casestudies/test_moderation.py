"""Moderation of the discussion, through its pages: a new member's first comment waits,
reports by three members hide a comment, moderators decide (with a reason kept in the
comment's history), and the rate limits stop a flood."""

import pytest
from django.urls import reverse

from advisors import roles
from casestudies.models import Comment, CommentEvent, CommentReport
from tests import factories
from tests.casestudies.scene import make_case, make_comment, messages_of, text_of

pytestmark = pytest.mark.django_db

Action = CommentEvent.Action


@pytest.fixture
def case(consultant_a):
    return make_case(consultant_a, title="A rota that nobody liked")


def post(client, case, body):
    return client.post(reverse("casestudies:comment", args=[case.slug]), {"body": body})


def moderate(client, comment, action, reason=""):
    return client.post(
        reverse("casestudies:comment_moderate", args=[comment.pk]), {"action": action, "reason": reason}, follow=True
    )


def report(client, comment, reason="Off topic."):
    return client.post(reverse("casestudies:comment_report", args=[comment.pk]), {"reason": reason})


def members(n: int):
    return [factories.UserFactory(username=f"reporter{i}", roles=[roles.COMMUNITY_MEMBER]) for i in range(n)]


# --- a new member's first comment -----------------------------------------------------------------
def test_a_new_members_first_comment_waits_for_a_moderator(client, case, community_member, manager):
    client.force_login(community_member)

    response = post(client, case, "My very first words here.")

    comment = Comment.objects.get()
    assert comment.status == Comment.Status.HELD
    assert "Thank you. Your first comment appears as soon as a moderator has read it." in text_of(
        client.get(response.url)
    )
    # Its author reads it, marked as waiting...
    page = text_of(client.get(case.get_absolute_url()))
    assert "My very first words here." in page
    assert "waiting for a moderator" in page
    # ...nobody else does...
    client.logout()
    page = text_of(client.get(case.get_absolute_url()))
    assert "My very first words here." not in page
    assert "Discussion (0 comments)" in page
    # ...and the moderators find it in their queue.
    client.force_login(manager)
    queue = text_of(client.get(reverse("casestudies:moderation")))
    assert "My very first words here." in queue
    # Moderators see a member's name, never the e-mail address that is their username.
    assert f"Held for moderation · {community_member.get_full_name()}" in queue

    response = moderate(client, comment, "approved")

    assert "Done: the comment is visible." in text_of(response)
    assert "Nothing to moderate." in text_of(response)
    client.logout()
    assert "My very first words here." in text_of(client.get(case.get_absolute_url()))
    assert list(comment.events.values_list("action", "by__username")) == [
        (Action.HELD, None),
        (Action.APPROVED, "manager_mila"),
    ]


def test_with_holding_switched_off_the_first_comment_shows_at_once(client, settings, case, community_member):
    settings.RAPPORT_COMMUNITY_HOLD_FIRST_COMMENT = False
    client.force_login(community_member)

    post(client, case, "Straight onto the page.")

    assert Comment.objects.get().status == Comment.Status.VISIBLE
    client.logout()
    assert "Straight onto the page." in text_of(client.get(case.get_absolute_url()))


def test_a_member_with_a_visible_comment_is_not_held_again(client, case, community_member):
    make_comment(case, community_member, "Approved earlier.", status=Comment.Status.VISIBLE)
    client.force_login(community_member)

    post(client, case, "My second comment.")

    assert Comment.objects.get(body="My second comment.").status == Comment.Status.VISIBLE


def test_an_advisors_first_comment_is_not_held(client, case, consultant_b):
    client.force_login(consultant_b)
    post(client, case, "An advisor's view.")
    assert Comment.objects.get().status == Comment.Status.VISIBLE


# --- reports -----------------------------------------------------------------------------------------
@pytest.fixture
def comment(case, community_member):
    return make_comment(case, community_member, "Everyone at that bakery is lazy.")


def test_two_reports_leave_a_comment_visible_and_the_third_hides_it(client, case, comment, manager):
    first, second, third = members(3)
    for reporter in (first, second):
        client.force_login(reporter)
        response = report(client, comment)
        assert response.status_code == 302
        assert "Thank you. A moderator will look at the comment." in text_of(client.get(response.url))
    comment.refresh_from_db()
    assert comment.status == Comment.Status.VISIBLE
    client.logout()
    assert "Everyone at that bakery is lazy." in text_of(client.get(case.get_absolute_url()))

    client.force_login(third)
    report(client, comment)

    comment.refresh_from_db()
    assert comment.status == Comment.Status.HIDDEN
    client.logout()
    page = text_of(client.get(case.get_absolute_url()))
    assert "Everyone at that bakery is lazy." not in page
    assert "This comment was hidden by a moderator." in page
    client.force_login(manager)
    queue = text_of(client.get(reverse("casestudies:moderation")))
    assert "Everyone at that bakery is lazy." in queue
    assert "3 open reports" in queue
    assert "Reported by 3 members" in queue  # the history says why it was hidden


def test_the_same_member_reporting_twice_counts_once_and_is_told(client, comment):
    first, second = members(2)
    client.force_login(first)
    report(client, comment)

    response = report(client, comment, reason="Still off topic.")

    assert response.status_code == 400
    assert "You already reported this comment." in text_of(response)
    client.force_login(second)
    report(client, comment)
    assert CommentReport.objects.filter(comment=comment).count() == 2
    comment.refresh_from_db()
    assert comment.status == Comment.Status.VISIBLE
    # The page tells the reporter instead of offering the link again.
    client.force_login(first)
    assert "You reported this comment." in text_of(client.get(comment.case.get_absolute_url()))


def test_a_report_needs_a_reason(client, comment):
    (reporter,) = members(1)
    client.force_login(reporter)

    response = report(client, comment, reason="   ")

    assert response.status_code == 400
    assert "This field is required." in text_of(response)
    assert not CommentReport.objects.exists()


# --- the moderators' decisions --------------------------------------------------------------------
@pytest.mark.parametrize("moderator", ["manager", "staff"])
def test_hide_restore_and_remove_keep_who_what_and_why(client, request, case, comment, moderator):
    user = request.getfixturevalue(moderator)
    client.force_login(user)

    response = moderate(client, comment, "hidden", "Insults a whole team.")
    assert "Done: the comment is hidden." in text_of(response)
    client.logout()
    assert "Everyone at that bakery is lazy." not in text_of(client.get(case.get_absolute_url()))

    client.force_login(user)
    response = moderate(client, comment, "restored")
    assert "Done: the comment is visible." in text_of(response)
    client.logout()
    assert "Everyone at that bakery is lazy." in text_of(client.get(case.get_absolute_url()))

    client.force_login(user)
    response = moderate(client, comment, "removed", "Insults again after a warning.")
    assert "Done: the comment is removed." in text_of(response)
    client.logout()
    assert "Everyone at that bakery is lazy." not in text_of(client.get(case.get_absolute_url()))

    assert list(comment.events.values_list("action", "by", "reason")) == [
        (Action.HIDDEN, user.pk, "Insults a whole team."),
        (Action.RESTORED, user.pk, ""),
        (Action.REMOVED, user.pk, "Insults again after a warning."),
    ]


@pytest.mark.parametrize("action", ["hidden", "removed"])
def test_hiding_or_removing_needs_a_reason_and_changes_nothing_without(client, case, comment, manager, action):
    client.force_login(manager)

    response = moderate(client, comment, action, "  ")

    assert "Give the reason: it is kept in the comment's history." in text_of(response)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.VISIBLE
    assert not comment.events.exists()


def test_the_queue_shows_a_comments_history(client, comment, manager):
    (reporter,) = members(1)
    client.force_login(reporter)
    report(client, comment, reason="Names a whole team.")
    client.force_login(manager)
    moderate(client, comment, "hidden", "Insults a whole team.")

    queue = text_of(client.get(reverse("casestudies:moderation")))

    assert f"reported · {reporter.get_full_name()}: Names a whole team." in queue
    assert f"hidden · {manager.get_full_name()}: Insults a whole team." in queue


def test_keeping_a_reported_comment_dismisses_its_reports(client, case, comment, manager):
    first, second = members(2)
    for reporter in (first, second):
        client.force_login(reporter)
        report(client, comment)
    client.force_login(manager)
    assert "2 open reports" in text_of(client.get(reverse("casestudies:moderation")))

    response = moderate(client, comment, "kept", "Harsh, but about the work.")

    assert "Nothing to moderate." in text_of(response)
    assert not CommentReport.objects.filter(resolved_at=None).exists()
    comment.refresh_from_db()
    assert comment.status == Comment.Status.VISIBLE
    assert comment.events.last().action == Action.KEPT
    # A third report now counts as the first open one: the comment stays.
    (third,) = [factories.UserFactory(username="reporter_late", roles=[roles.COMMUNITY_MEMBER])]
    client.force_login(third)
    report(client, comment)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.VISIBLE


def test_an_action_that_no_longer_applies_is_refused(client, comment, manager):
    client.force_login(manager)

    response = moderate(client, comment, "restored")  # it is not hidden

    assert "The comment is no longer in a state where this applies. Please look again." in text_of(response)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.VISIBLE


# --- rate limits -----------------------------------------------------------------------------------
def test_the_third_comment_within_the_hour_is_refused_with_429(client, settings, case, consultant_b):
    settings.RAPPORT_RATE_LIMITS = {**settings.RAPPORT_RATE_LIMITS, "comments_per_member": "2/h"}
    client.force_login(consultant_b)
    for n in (1, 2):
        assert post(client, case, f"Comment number {n}.").status_code == 302

    response = post(client, case, "Comment number 3.")

    assert response.status_code == 429
    assert "You have posted many comments in a short time. Please wait a while and try again." in messages_of(response)
    assert not Comment.objects.filter(body="Comment number 3.").exists()
    assert Comment.objects.count() == 2


def test_the_comment_limit_counts_per_member(client, settings, case, consultant_b, manager):
    settings.RAPPORT_RATE_LIMITS = {**settings.RAPPORT_RATE_LIMITS, "comments_per_member": "1/h"}
    client.force_login(consultant_b)
    post(client, case, "Bob's one comment.")
    client.force_login(manager)
    assert post(client, case, "Mila's one comment.").status_code == 302


def test_too_many_reports_within_the_hour_are_refused_with_429(client, settings, case, community_member):
    settings.RAPPORT_RATE_LIMITS = {**settings.RAPPORT_RATE_LIMITS, "reports_per_member": "1/h"}
    first, second = (make_comment(case, community_member, f"Comment {n}.") for n in (1, 2))
    (reporter,) = members(1)
    client.force_login(reporter)
    assert report(client, first).status_code == 302

    response = report(client, second)

    assert response.status_code == 429
    assert "You have sent many reports in a short time. Please wait a while and try again." in text_of(response)
    assert not CommentReport.objects.filter(comment=second).exists()
