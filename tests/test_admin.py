"""Every model in the admin opens for staff: changelist (with its filters and search) and add."""

import pytest
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db

REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_changelist_and_add_page_answer_for_staff(client, staff, model, django_assert_max_num_queries):
    from core.demo import Seeder

    Seeder().run()  # real rows, so the changelists render something
    client.force_login(staff)
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")

    assert client.get(changelist).status_code == 200
    assert client.get(changelist, {"q": "a"}).status_code == 200
    add = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code
    # Records of what happened (login attempts, staffing changes) are not added by hand.
    assert add == (200 if admin.site._registry[model].has_add_permission(_request_of(staff)) else 403)


def _request_of(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = user
    return request


def test_every_domain_model_is_in_the_admin():
    from django.apps import apps

    for app_label in ["advisors", "engagements"]:
        for model in apps.get_app_config(app_label).get_models():
            assert model in admin.site._registry, f"{model._meta.label} has no admin page"


def test_non_staff_are_kept_out_of_the_admin(client, consultant_a):
    client.force_login(consultant_a)
    response = client.get(reverse("admin:engagements_engagement_changelist"))
    assert response.status_code == 302
    assert "login" in response.url
