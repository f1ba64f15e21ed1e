"""The row filters give what the built-in way gives, in either language."""

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from engagements.models import Flag
from tests import factories

pytestmark = pytest.mark.django_db


def render(text: str, **context) -> str:
    return Template("{% load rows %}" + text).render(Context(context))


@pytest.mark.parametrize("language", ["en", "nl"])
def test_label_is_the_choice_label_in_the_active_language(consultant_a, language):
    flag = factories.FlagFactory(
        engagement=factories.EngagementFactory(lead=consultant_a),
        kind=Flag.Kind.PLAN_NOT_SHARED,
        severity=Flag.Severity.HIGH,
    )

    with translation.override(language):
        shown = render('{{ flag|label:"kind" }} / {{ flag|label:"severity" }}', flag=flag)
        expected = f"{flag.get_kind_display()} / {flag.get_severity_display()}"

    assert shown == expected
    assert (shown == "Plan not shared / High") == (language == "en")


def test_pk_url_is_the_url_of_that_pk(consultant_a):
    engagement = factories.EngagementFactory(lead=consultant_a)

    shown = render("{{ pk|pk_url:'engagements:detail' }} {{ 7|pk_url:'engagements:meeting' }}", pk=engagement.pk)

    assert shown == f"{engagement.get_absolute_url()} {reverse('engagements:meeting', args=[7])}"
