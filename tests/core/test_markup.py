"""core.markup: format_html as Django's, without its lazy-string wrappers."""

import pytest
from django.utils import html as django_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy, override

from core.markup import escape, format_html, format_html_join


@pytest.mark.parametrize(
    "value", ["plain", "<b>&'\"</b>", mark_safe("<em>kept</em>"), 42, None, gettext_lazy("Health")]
)
def test_values_are_escaped_exactly_as_django_escapes_them(value):
    template = '<span title="{}">{}</span>'
    assert format_html(template, value, value) == django_html.format_html(template, value, value)
    assert escape(value) == django_html.conditional_escape(value)


def test_the_result_is_safe_and_a_lazy_string_reads_in_the_current_language():
    with override("nl"):
        html = format_html("<th>{}</th>", gettext_lazy("Health"))
    assert isinstance(html, SafeString) and html == "<th>Gezondheid</th>"


def test_rows_are_joined_each_escaped():
    rows = [("a<b", 1), (mark_safe("<i>c</i>"), 2)]
    joined = format_html_join("\n", "<li>{} {}</li>", rows)
    assert isinstance(joined, SafeString)
    assert joined == django_html.format_html_join("\n", "<li>{} {}</li>", rows)
    assert joined == "<li>a&lt;b 1</li>\n<li><i>c</i> 2</li>"
