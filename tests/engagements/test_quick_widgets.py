"""The engagement list's widgets written in Python write what Django's own templates write
(the same elements, attributes and text, as assertHTMLEqual compares them)."""

import pytest
from django import forms
from django.test.html import parse_html

from engagements.filters import QuickSelect, QuickTextInput


@pytest.mark.parametrize("value", [None, "", "plain", "<b>\"a'&"])
def test_the_text_input_is_djangos(value):
    attrs = {"class": "form-control form-control-sm", "id": "id_q"}
    quick = QuickTextInput(attrs).render("q", value)
    assert quick == forms.TextInput(attrs).render("q", value)  # to the character


@pytest.mark.parametrize("value", [None, "", "intake", "<x>"])
def test_the_select_is_djangos(value):
    choices = [("", "---------"), ("intake", "Intake & <scope>"), ("<x>", "Odd")]
    attrs = {"class": "form-select form-select-sm", "id": "id_stage"}
    quick = QuickSelect(attrs, choices=choices).render("stage", value)
    django = forms.Select(attrs, choices=choices).render("stage", value)
    assert parse_html(quick) == parse_html(django)
