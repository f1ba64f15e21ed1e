"""The community's cast and scene: Alice's engagement with a client that must stay anonymous,
and one case study of hers in every status, written from it."""

from dataclasses import dataclass

import pytest

from advisors import roles
from casestudies.models import CaseStudy
from engagements.models import Client, ClientContact, Engagement
from tests import factories
from tests.casestudies.scene import CLIENT_NAME, CONTACT_NAME, make_case

# Who may be asked: a fixture name per role, None for anonymous.
CAST = {
    "anonymous": None,
    "member": "community_member",
    "other_member": "other_member",
    "author": "consultant_a",
    "manager": "manager",
    "other_consultant": "consultant_b",
    "staff": "staff",
}


@pytest.fixture
def other_member(db):
    return factories.UserFactory(username="dave", roles=[roles.COMMUNITY_MEMBER])


@pytest.fixture
def as_role(client, request):
    """Log the test client in as one role of CAST (or not at all for "anonymous")."""

    def login(role: str):
        fixture = CAST[role]
        user = request.getfixturevalue(fixture) if fixture else None
        if user is not None:
            client.force_login(user)
        return user

    return login


@dataclass
class Source:
    engagement: Engagement
    client: Client
    contact: ClientContact


@pytest.fixture
def source(engagement_a):
    """Alice's engagement, with a client and a contact whose names the community never reads."""
    client = engagement_a.client
    client.name, client.sector = CLIENT_NAME, "Food production"
    client.save()
    contact = factories.ContactFactory(
        client=client, name=CONTACT_NAME, role="Operations manager", email="dana@hoeksma-bakeries.example"
    )
    return Source(engagement_a, client, contact)


@dataclass
class Cases:
    draft: CaseStudy
    review: CaseStudy
    published: CaseStudy
    closed: CaseStudy
    archived: CaseStudy

    def of(self, status: str) -> CaseStudy:
        return getattr(self, status)


@pytest.fixture
def cases(consultant_a, source):
    """One case of Alice's in every status, all written from her engagement."""
    return Cases(
        **{
            status: make_case(consultant_a, status=status, title=f"The {status} case about a shift rota", source=source)
            for status in ("draft", "review", "published", "closed", "archived")
        }
    )
