"""core.people.display_name and its template filter: the full name, else the username."""

from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template

from core.people import display_name
from tests.factories import UserFactory


def test_it_prefers_the_full_name():
    assert display_name(UserFactory.build(username="ann", first_name="Ann", last_name="Smit")) == "Ann Smit"


def test_it_falls_back_to_the_username():
    assert display_name(UserFactory.build(username="ann", first_name="", last_name="")) == "ann"


def test_no_user_and_an_anonymous_one_have_no_name():
    assert display_name(None) == ""
    assert display_name(AnonymousUser()) == ""


def test_the_template_filter_says_the_same_and_escapes_it():
    template = Template("{% load people %}{{ user|display_name }}|{{ nobody|display_name }}")
    user = UserFactory.build(username="x", first_name="<b>Ann</b>", last_name="")
    assert template.render(Context({"user": user, "nobody": None})) == "&lt;b&gt;Ann&lt;/b&gt;|"
