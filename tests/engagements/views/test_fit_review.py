"""The fit review of a client with repeated complaints (issue 11), as a manager works it in
the browser: what the page shows, what recording the review does, who may open it.

The cast as in test_review.py: the team's manager (Mila), a manager of another team, the
lead consultant (Alice), a consultant of another team (Bob), a community member (Carol) and
an anonymous visitor.
"""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from engagements import services
from engagements.fit_review import complaints_by_category
from engagements.models import Client, Complaint, Engagement, Flag
from tests import factories
from tests.engagements.views.test_review import WHO, login, other_manager, text_of  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

FIT_PAGE_MAX_QUERIES = 16


@pytest.fixture
def difficult(engagement_a):
    """A client with three complaints in two months, two open engagements and a flag asking
    for the fit review."""
    client = engagement_a.client
    client.team = engagement_a.lead.advisor_profile.team
    client.save()
    second = factories.EngagementFactory(lead=engagement_a.lead, client=client, title="Second job for the client")
    today = timezone.localdate()
    for days, category in (
        (3, Complaint.Category.PRICE),
        (10, Complaint.Category.PRICE),
        (40, Complaint.Category.INVOICE),
    ):
        factories.ComplaintFactory(client=client, category=category, received_on=today - timedelta(days=days))
    flag = factories.FlagFactory(
        engagement=engagement_a,
        kind=Flag.Kind.REPEATED_COMPLAINTS,
        severity=Flag.Severity.MEDIUM,
        subject=f"client:{client.pk}",
    )
    return client, second, flag


def review_url(client):
    return reverse("engagements:client_fit_review", args=[client.pk])


@pytest.mark.parametrize("who", WHO)
def test_only_the_teams_manager_opens_the_fit_review(client, request, difficult, who):
    customer, _, _ = difficult
    login(client, request, who)
    response = client.get(review_url(customer))
    if who == "manager":
        assert response.status_code == 200
        assert "Second job for the client" in text_of(response)
    elif who == "anonymous":
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    else:  # the lead consultant too: advisors read the fit, managers set it
        assert response.status_code == 404
        assert "Second job for the client" not in text_of(response)


@pytest.mark.parametrize("who", WHO)
def test_only_the_teams_manager_records_a_fit_review(client, request, difficult, who):
    customer, _, flag = difficult
    login(client, request, who)
    data = {
        "fit": "mismatch",
        "reason": "Argues every invoice.",
        "part_ways": "on",
        "referral_note": "A firm that bills by the hour.",
    }
    response = client.post(review_url(customer), data)
    customer.refresh_from_db()
    if who == "manager":
        assert response.status_code == 302
        assert customer.fit == Client.Fit.MISMATCH
    else:
        assert response.status_code in (302, 404)
        if who != "anonymous":
            assert response.status_code == 404
        assert customer.fit == Client.Fit.GOOD
        assert Engagement.objects.filter(client=customer, stage=Engagement.Stage.CLOSED).count() == 0


def test_the_page_shows_complaints_by_category_and_month_engagements_and_flags(client, manager, difficult):
    customer, second, flag = difficult
    client.force_login(manager)
    content = text_of(client.get(review_url(customer)))
    assert "Price" in content and "Invoice" in content
    assert "Second job for the client" in content and "Engagement led by Alice" in content
    assert reverse("engagements:flag", args=[flag.pk]) in content
    assert "1 open flag asks for this review" in content
    assert "Parting ways closes 2 open engagements." in content


def test_complaints_are_counted_per_category_and_month():
    customer = factories.ClientFactory()
    for day, category in (
        (date(2026, 11, 2), Complaint.Category.PRICE),
        (date(2026, 11, 30), Complaint.Category.PRICE),
        (date(2026, 9, 15), Complaint.Category.PRICE),
        (date(2026, 9, 15), Complaint.Category.QUALITY),
        (date(2024, 1, 1), Complaint.Category.QUALITY),  # long before the months shown
    ):
        factories.ComplaintFactory(client=customer, category=category, received_on=day)
    staff = factories.UserFactory(is_superuser=True, is_staff=True)
    months, rows, totals = complaints_by_category(customer, staff, today=date(2026, 12, 1))
    assert months[0] == date(2026, 7, 1) and months[-1] == date(2026, 12, 1)
    by_label = {row.label: row for row in rows}
    price = by_label["Price"]
    assert price.counts[months.index(date(2026, 11, 1))] == 2
    assert price.counts[months.index(date(2026, 9, 1))] == 1
    assert price.total == 3 and price.earlier == 0
    assert by_label["Quality"].earlier == 1 and by_label["Quality"].total == 2
    assert totals[months.index(date(2026, 9, 1))] == 2


def test_parting_ways_closes_every_open_engagement_and_decides_the_flag(client, manager, difficult):
    customer, second, flag = difficult
    client.force_login(manager)
    data = {
        "fit": "mismatch",
        "reason": "Disputes every invoice.",
        "part_ways": "on",
        "referral_note": "Referred to a firm that bills by the hour.",
    }
    response = client.post(review_url(customer), data, follow=True)
    assert "Fit review recorded: Mismatch." in text_of(response)
    engagements = Engagement.objects.filter(client=customer)
    assert {e.stage for e in engagements} == {Engagement.Stage.CLOSED}
    assert {e.referral_note for e in engagements} == {"Referred to a firm that bills by the hour."}
    flag.refresh_from_db()
    assert flag.status == Flag.Status.RESOLVED and flag.decision == Flag.Decision.PART_WAYS
    assert flag.decision_note == "Disputes every invoice."
    customer.refresh_from_db()
    assert (customer.fit, customer.fit_reason) == (Client.Fit.MISMATCH, "Disputes every invoice.")
    # the history: who set the fit, from what to what
    history = text_of(client.get(review_url(customer)))
    assert "fit review" in history and "Good → Mismatch" in history
    latest = customer.history.latest()
    assert latest.history_user == manager and latest.history_change_reason == "fit review"


def test_a_doubtful_fit_keeps_the_engagements_open_and_the_flag_gets_no_action(client, manager, difficult):
    customer, second, flag = difficult
    client.force_login(manager)
    response = client.post(review_url(customer), {"fit": "doubtful", "reason": "Price talks again; watch it."})
    assert response.status_code == 302
    assert not Engagement.objects.filter(client=customer, stage=Engagement.Stage.CLOSED).exists()
    flag.refresh_from_db()
    assert flag.status == Flag.Status.RESOLVED and flag.decision == Flag.Decision.NO_ACTION


@pytest.mark.parametrize(
    "data, field, message",
    [
        (
            {"fit": "mismatch", "reason": "", "part_ways": "on", "referral_note": "Elsewhere."},
            "reason",
            "This field is required.",
        ),
        (
            {"fit": "mismatch", "reason": "No fit.", "part_ways": "on", "referral_note": " "},
            "referral_note",
            "Write where the client is referred to",
        ),
        (
            {"fit": "good", "reason": "Fine after all.", "part_ways": "on", "referral_note": "Elsewhere."},
            "fit",
            "choose doubtful or mismatch",
        ),
    ],
)
def test_a_review_without_its_choices_is_refused_and_changes_nothing(client, manager, difficult, data, field, message):
    customer, second, flag = difficult
    client.force_login(manager)
    response = client.post(review_url(customer), data)
    assert response.status_code == 400
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    assert "Nothing was saved" in text_of(response)
    customer.refresh_from_db()
    assert customer.fit == Client.Fit.GOOD
    assert not Engagement.objects.filter(client=customer, stage=Engagement.Stage.CLOSED).exists()
    flag.refresh_from_db()
    assert flag.is_open


def test_part_ways_on_a_repeated_complaints_flag_closes_all_the_clients_engagements(manager, difficult):
    customer, second, flag = difficult
    services.flag_decide(flag=flag, by=manager, decision="part_ways", note="Enough.", referral_note="To a bigger firm.")
    assert set(Engagement.objects.filter(client=customer).values_list("stage", flat=True)) == {Engagement.Stage.CLOSED}


def test_a_mismatch_shows_wherever_new_work_for_the_client_starts(client, consultant_a, manager, difficult):
    customer, second, flag = difficult
    services.client_fit_review(client=customer, by=manager, fit="mismatch", reason="Wants a different firm.")
    client.force_login(consultant_a)
    warning = "does not fit the firm (fit review: Mismatch)"
    for url in (
        reverse("engagements:client", args=[customer.pk]),
        reverse("engagements:detail", args=[second.pk]),
        reverse("engagements:create") + f"?client={customer.pk}",
        reverse("engagements:intake_panel") + f"?client={customer.pk}",
    ):
        content = text_of(client.get(url))
        assert warning in content, url
        assert "Wants a different firm." in content, url


def test_advisors_read_the_fit_managers_set_it(client, consultant_a, manager, difficult):
    customer, _, _ = difficult
    client.force_login(consultant_a)
    edit = client.get(reverse("engagements:client_edit", args=[customer.pk]))
    assert "fit_reason" not in edit.context["form"].fields
    assert "Fit review" not in text_of(client.get(reverse("engagements:client", args=[customer.pk])))
    client.force_login(manager)
    assert "fit_reason" in client.get(reverse("engagements:client_edit", args=[customer.pk])).context["form"].fields
    page = text_of(client.get(reverse("engagements:client", args=[customer.pk])))
    assert review_url(customer) in page


def test_the_flag_page_leads_to_the_fit_review(client, manager, difficult):
    customer, _, flag = difficult
    client.force_login(manager)
    assert review_url(customer) in text_of(client.get(reverse("engagements:flag", args=[flag.pk])))


def test_the_dutch_fit_review(client, manager, difficult):
    customer, _, _ = difficult
    manager.advisor_profile.language = "nl"
    manager.advisor_profile.save()
    client.force_login(manager)
    response = client.get(review_url(customer), HTTP_ACCEPT_LANGUAGE="nl")
    content = text_of(response)
    assert "Klachten per categorie en maand" in content
    assert "Complaints by category" not in content


@pytest.mark.parametrize("extra", [0, 12])
def test_the_fit_review_query_count_does_not_grow_with_engagements_and_flags(
    client, manager, difficult, extra, django_assert_max_num_queries
):
    customer, _, _ = difficult
    for i in range(extra):
        engagement = factories.EngagementFactory(lead=manager, client=customer)
        factories.FlagFactory(engagement=engagement, kind=Flag.Kind.MANUAL, subject=f"x{i}")
        factories.ComplaintFactory(client=customer)
    client.force_login(manager)
    with django_assert_max_num_queries(FIT_PAGE_MAX_QUERIES):
        assert client.get(review_url(customer)).status_code == 200
