"""Checks on uploaded plan files: the extension is allowed and the content is what it says."""

import zipfile
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
PLAN_CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".odt": "application/vnd.oasis.opendocument.text",
}


def _looks_like(extension: str, upload) -> bool:
    upload.seek(0)
    head = upload.read(64)
    upload.seek(0)
    if extension == ".pdf":
        return head.startswith(b"%PDF-")
    if not head.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if extension == ".docx":
                return "[Content_Types].xml" in names and "word/document.xml" in names
            # ODF: an entry "mimetype", stored (not compressed), naming the document type. Read
            # only that small entry, and only when it is small: no zip bomb gets unpacked.
            if "mimetype" not in names:
                return False
            info = archive.getinfo("mimetype")
            if info.compress_type != zipfile.ZIP_STORED or info.file_size > 100:
                return False
            with archive.open(info) as entry:
                return entry.read(100).strip() == ODT_MIMETYPE
    except (zipfile.BadZipFile, KeyError, OSError):
        return False
    finally:
        upload.seek(0)


def validate_plan_file(upload) -> None:
    extension = Path(upload.name).suffix.lower()
    if extension not in PLAN_CONTENT_TYPES:
        raise ValidationError(_("Upload a PDF, DOCX or ODT file."), code="extension")
    limit = settings.PLAN_UPLOAD_MAX_MB * 1024 * 1024
    if upload.size > limit:
        raise ValidationError(
            _("This file is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    if not _looks_like(extension, upload):
        raise ValidationError(
            _("This file is not a real %(type)s file: its content does not match its name.")
            % {"type": extension[1:].upper()},
            code="content",
        )
