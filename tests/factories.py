"""factory_boy factories for every model the tests build. All people are invented."""

from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from advisors.models import AdvisorProfile, Team
from engagements import models as m


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("secret-pass-1")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.set(Group.objects.filter(name__in=extracted))


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")


class AdvisorProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdvisorProfile

    user = factory.SubFactory(UserFactory)
    team = factory.SubFactory(TeamFactory)
    title = "Advisor"


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Client

    name = factory.Sequence(lambda n: f"Client Organisation {n}")
    sector = "Services"


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.ClientContact

    client = factory.SubFactory(ClientFactory)
    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"contact{n}@client.example")


class EngagementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Engagement

    client = factory.SubFactory(ClientFactory)
    title = factory.Sequence(lambda n: f"Engagement {n}")
    lead = factory.SubFactory(UserFactory)
    stated_request = "Please help us with our planning."


class DraftPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.DraftPlan

    engagement = factory.SubFactory(EngagementFactory)
    version = factory.Sequence(lambda n: n + 1)
    title = "Draft plan"
    created_by = factory.SelfAttribute("engagement.lead")


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Meeting

    engagement = factory.SubFactory(EngagementFactory)
    purpose = m.Meeting.Purpose.PLAN_DISCUSSION
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=3))


class MeetingLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.MeetingLog

    meeting = factory.SubFactory(MeetingFactory)
    summary = "We talked the plan through."
    satisfaction = 4
    logged_by = factory.SelfAttribute("meeting.engagement.lead")


class CheckpointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.ExpectationCheckpoint

    engagement = factory.SubFactory(EngagementFactory)
    topic = m.ExpectationCheckpoint.Topic.PLAN_MATCHES
    due_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=7))


class ComplaintFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Complaint

    client = factory.SubFactory(ClientFactory)
    category = m.Complaint.Category.INVOICE
    description = "The invoice was late."
    received_on = factory.LazyFunction(timezone.localdate)
    recorded_by = factory.SubFactory(UserFactory)


class FlagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Flag

    engagement = factory.SubFactory(EngagementFactory)
    kind = m.Flag.Kind.PLAN_NOT_SHARED
    severity = m.Flag.Severity.HIGH
    subject = "meeting:1"


class ReminderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Reminder

    kind = m.Reminder.Kind.SHARE_PLAN
    meeting = factory.SubFactory(MeetingFactory)
    recipient = factory.SelfAttribute("meeting.engagement.lead")
    due_at = factory.LazyFunction(timezone.now)


# --- scenes that several tests need ----------------------------------------------------------
def plan_discussions(count: int, *, starts_at=None) -> list[m.Meeting]:
    """Plan discussions with unshared plans, by default in 48 hours: their share-the-plan
    reminder (the lead's lead time, 72 h) is due at once."""
    lead = UserFactory()
    AdvisorProfileFactory(user=lead)
    meetings = []
    for _ in range(count):
        engagement = EngagementFactory(lead=lead)
        plan = DraftPlanFactory(engagement=engagement, version=1)
        meetings.append(
            MeetingFactory(
                engagement=engagement, plan=plan, starts_at=starts_at or timezone.now() + timedelta(hours=48)
            )
        )
    return meetings
