"""Plan files are confidential: stored outside any public URL, served only after the policy."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from engagements import services
from engagements.validators import validate_plan_file
from tests import factories
from tests.files import PDF, corrupt_part, docx_bytes, odt_bytes, pdf_bytes, renamed_zip

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(engagement_a):
    upload = SimpleUploadedFile("board plan.pdf", PDF, content_type="application/pdf")
    return services.plan_upload(engagement=engagement_a, by=engagement_a.lead, title="Board plan", file=upload)


def test_the_file_lives_in_the_private_root_not_under_media(plan):
    path = Path(plan.file.path)
    assert path.is_relative_to(Path(settings.PRIVATE_MEDIA_ROOT))
    assert not path.is_relative_to(Path(settings.MEDIA_ROOT))
    with pytest.raises(ValueError):
        plan.file.url  # the private storage has no URL at all  # noqa: B018


def test_the_file_is_not_reachable_under_media_url(client, plan):
    client.force_login(plan.engagement.lead)
    assert client.get(settings.MEDIA_URL + plan.file.name).status_code == 404
    assert client.get("/" + plan.file.name).status_code == 404


def test_allowed_users_download_with_the_right_headers(client, plan, manager):
    for user in (plan.engagement.lead, manager):
        client.force_login(user)
        response = client.get(reverse("engagements:plan_download", args=[plan.pk]))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == 'attachment; filename="Engagement led by Alice - v1.pdf"'
        assert "no-store" in response["Cache-Control"]
        assert b"".join(response.streaming_content) == PDF


def test_others_get_404_for_the_file(client, plan, consultant_b, community_member):
    url = reverse("engagements:plan_download", args=[plan.pk])
    for user in (consultant_b, community_member):
        client.force_login(user)
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("plan.pdf", PDF),
        ("plan.docx", docx_bytes()),
        ("plan.odt", odt_bytes()),
        ("PLAN.PDF", PDF),
        ("plan.docx", docx_bytes(external=("hyperlink",))),  # a link in the text is fine
    ],
)
def test_real_files_are_accepted(name, content):
    validate_plan_file(SimpleUploadedFile(name, content))


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("plan.pdf", b"MZ\x90\x00 not a pdf", "not a real PDF"),
        ("plan.docx", odt_bytes(), "not a real DOCX"),
        ("plan.odt", docx_bytes(), "not a real ODT"),
        ("plan.odt", odt_bytes(b"application/vnd.oasis.opendocument.spreadsheet"), "not a real ODT"),
        ("plan.docx", b"PK\x03\x04 broken zip", "damaged"),
        ("plan.exe", PDF, "PDF, DOCX or ODT"),
        ("plan", PDF, "PDF, DOCX or ODT"),
        # security review, finding 5: a first-bytes check let these through
        ("plan.pdf", b"%PDF-1.4\n<html><body><script>alert(document.cookie)</script></body></html>", "damaged"),
        ("plan.pdf", b"%PDF-", "damaged"),
        ("plan.docx", renamed_zip("[Content_Types].xml", "word/document.xml"), "not a real DOCX"),
        ("plan.docx", docx_bytes(content_types=False), "not a real DOCX"),
        ("plan.docx", docx_bytes(main_type="application/xml"), "not a real DOCX"),
        ("plan.odt", odt_bytes(manifest=False), "not a real ODT"),
        ("plan.odt", renamed_zip("mimetype", "content.xml"), "not a real ODT"),
        ("plan.pdf", pdf_bytes(password="secret"), "protected with a password"),
        ("plan.odt", odt_bytes(encrypted=True), "protected with a password"),
        ("plan.pdf", PDF[: len(PDF) // 2], "damaged"),
        # review finding: a part whose compressed bytes are garbage raised zlib.error (a 500)
        ("plan.docx", corrupt_part(docx_bytes(), "[Content_Types].xml"), "damaged"),
        ("plan.odt", corrupt_part(odt_bytes(), "content.xml"), "damaged"),
        # a Word document that fetches a template or an object from an address when opened
        ("plan.docx", docx_bytes(external=("attachedTemplate",)), "loads content from an outside address"),
        ("plan.docx", docx_bytes(external=("hyperlink", "oleObject")), "loads content from an outside address"),
    ],
)
def test_files_that_are_not_what_they_say_are_refused(name, content, message):
    with pytest.raises(ValidationError, match=message):
        validate_plan_file(SimpleUploadedFile(name, content))


def test_files_over_the_limit_say_by_how_much(settings):
    settings.PLAN_UPLOAD_MAX_MB = 20
    size = int(20.4 * 1024 * 1024)
    with pytest.raises(ValidationError) as refused:
        validate_plan_file(SimpleUploadedFile("big.pdf", PDF + b"0" * (size - len(PDF))))
    assert refused.value.messages == ["This file is 20.4 MB; the limit is 20 MB."]


def test_a_file_just_over_the_limit_never_reads_as_the_limit(settings):
    settings.PLAN_UPLOAD_MAX_MB = 20
    with pytest.raises(ValidationError) as refused:
        validate_plan_file(SimpleUploadedFile("big.pdf", b"0" * (20 * 1024 * 1024 + 1)))
    assert refused.value.messages == ["This file is 20.1 MB; the limit is 20 MB."]


@pytest.mark.parametrize(
    "content", [b"%PDF-", b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 9 0 R >> endobj\ntrailer << /Root 1 0 R >>"]
)
def test_a_broken_file_through_the_page_gets_a_message_not_an_error(client, engagement_a, content):
    client.force_login(engagement_a.lead)
    response = client.post(
        reverse("engagements:plan_upload", args=[engagement_a.pk]),
        {"title": "Broken", "summary": "", "file": SimpleUploadedFile("p.pdf", content)},
    )
    assert response.status_code == 400
    assert "damaged" in response.content.decode()
    assert not engagement_a.plans.exists()


def test_an_upload_through_the_page_stores_version_1_then_2(client, engagement_a):
    client.force_login(engagement_a.lead)
    url = reverse("engagements:plan_upload", args=[engagement_a.pk])
    for title in ("First", "Second"):
        response = client.post(
            url, {"title": title, "summary": "", "budget": "100", "file": SimpleUploadedFile("p.pdf", PDF)}
        )
        assert response.status_code == 302
    assert list(engagement_a.plans.order_by("version").values_list("version", "title")) == [(1, "First"), (2, "Second")]
    assert factories.DraftPlanFactory._meta.model.objects.count() == 2
