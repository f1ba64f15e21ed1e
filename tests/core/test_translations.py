import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from engagements.links import plan_link_token
from engagements.models import PlanShare
from tests import factories


def test_dutch_catalogue_covers_the_workspace():
    with translation.override("nl"):
        assert translation.gettext("My week") == "Mijn week"
        assert translation.gettext("Share with client") != "Share with client"
        assert translation.gettext("Nothing was saved. Please correct the fields marked below.") != (
            "Nothing was saved. Please correct the fields marked below."
        )


@pytest.mark.django_db
def test_a_consultant_can_switch_the_workspace_to_dutch(client, consultant_a):
    client.force_login(consultant_a)
    client.post(reverse("set_language"), {"language": "nl", "next": "/"})
    page = client.get(reverse("engagements:my_week")).content.decode()
    assert "Mijn week" in page
    assert 'lang="nl"' in page


@pytest.mark.django_db
def test_the_client_page_speaks_the_contacts_language(client, engagement_a):

    plan = factories.DraftPlanFactory(engagement=engagement_a, summary="Samenvatting")
    contact = factories.ContactFactory(client=engagement_a.client, language="nl")
    share = PlanShare.objects.create(plan=plan, contact=contact, shared_at=timezone.now(), shared_by=engagement_a.lead)
    page = client.get(reverse("client_plan", args=[plan_link_token(share)])).content.decode()
    assert 'lang="nl"' in page
    assert "Did you receive the plan?" not in page


def test_every_string_has_a_dutch_translation():
    """makemessages adds new strings untranslated or fuzzy; neither may reach a Dutch user."""

    po = (Path(settings.BASE_DIR) / "locale/nl/LC_MESSAGES/django.po").read_text(encoding="utf-8")
    entries = [e for e in po.split("\n\n") if "\nmsgid " in "\n" + e and not e.lstrip().startswith("#~")]
    missing = []
    for entry in entries[1:]:  # the first is the header
        msgid = "".join(re.findall(r'"(.*)"', re.search(r"^msgid ((?:\".*\"\n?)+)", entry, re.M).group(1)))
        strs = re.findall(r"^msgstr(?:\[\d\])? ((?:\".*\"\n?)+)", entry, re.M)
        if "#, fuzzy" in entry or any(not "".join(re.findall(r'"(.*)"', s)) for s in strs):
            missing.append(msgid)
    assert missing == []
