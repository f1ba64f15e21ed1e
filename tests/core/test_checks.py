from django.core.checks import run_checks


def test_private_files_inside_media_root_fail_the_checks(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "media" / "private"
    assert "rapport.E001" in [error.id for error in run_checks(tags=["security"])]


def test_private_files_outside_public_folders_pass(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    assert "rapport.E001" not in [error.id for error in run_checks(tags=["security"])]
