"""Filters for the rows of long lists, where the built-in way costs per row.

- `{{ flag|label:"kind" }}` is `flag.get_kind_display()`, read from a table of the field's
  choices made once per language: `get_FOO_display` flattens and translates every choice of
  the field on every call (a 200-meeting page made a thousand gettext calls so).
- `{{ meeting.pk|pk_url:"engagements:meeting" }}` is `{% url "engagements:meeting" meeting.pk %}`
  for URL patterns whose one argument is the pk: the pattern is reversed once per process
  (and script prefix), the row's URL built from it.
"""

from django import template
from django.urls import get_script_prefix, get_urlconf
from django.utils.translation import get_language

from core.reversing import url_for_pk

register = template.Library()

_labels: dict = {}  # (field, language) -> {value: label}
_urls: dict = {}  # (view name, script prefix, urlconf) -> pk -> URL


@register.filter
def label(obj, field_name: str) -> str:
    field = obj._meta.get_field(field_name)
    key = (field, get_language())
    table = _labels.get(key)
    if table is None:
        table = _labels[key] = {value: str(text) for value, text in field.flatchoices}
    value = getattr(obj, field.attname)
    return table.get(value, value)


@register.filter
def pk_url(pk, view_name: str) -> str:
    key = (view_name, get_script_prefix(), get_urlconf())
    build = _urls.get(key)
    if build is None:
        build = _urls[key] = url_for_pk(view_name)
    return build(pk)
