"""Template filters about people: `{% load people %}` then `{{ user|display_name }}`."""

from django import template

from core import people

register = template.Library()


@register.filter
def display_name(user) -> str:
    """The full name, else the username (core.people.display_name); "" for no user."""
    return people.display_name(user)
