"""Checks on uploaded plan files: the extension is allowed, the size is within the limit, and
the file opens as what its name says.

A first-bytes check is not enough (a `%PDF-` header in front of HTML, or any zip with two
well-chosen entry names, would pass): a PDF must parse with pypdf and have a page; a DOCX
must be an Office Open XML package whose content types and relationships name a Word main
document that parses, and that fetches nothing from an outside address but hyperlinks; an
ODT must be an OpenDocument package (stored `mimetype` entry, manifest, content) of a text
document. Only the few small parts a format requires are read,
each under a size cap, so no zip bomb gets unpacked. Whatever goes wrong while reading ends
in a clear message, never in a server error.
"""

import logging
import math
import zipfile
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from pypdf import PdfReader

logger = logging.getLogger(__name__)

ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
PLAN_CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".odt": "application/vnd.oasis.opendocument.text",
}
DOCX_MAIN_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
OFFICE_DOCUMENT_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
W_DOCUMENT = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}document"
ODF_CONTENT = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}document-content"
ODF_MANIFEST = "{urn:oasis:names:tc:opendocument:xmlns:manifest:1.0}manifest"
ODF_ENCRYPTION = "{urn:oasis:names:tc:opendocument:xmlns:manifest:1.0}encryption-data"
PART_MAX_BYTES = 10 * 1024 * 1024  # the parts we read; a real plan's are far smaller
MAX_RELS_PARTS = 500  # relationship parts looked at (a real document has a handful)


class _Refused(Exception):
    """Why a file is refused: a code and the message the user reads (%(type)s: PDF, ...)."""

    code = ""
    message = ""


class _WrongType(_Refused):
    """The file is not the kind its name says."""

    code = "content"
    message = _lazy("This file is not a real %(type)s file: its content does not match its name.")


class _Broken(_Refused):
    """The file is that kind but cannot be opened (damaged, cut off)."""

    code = "broken"
    message = _lazy(
        "This %(type)s file is damaged or incomplete: it cannot be opened. Save it again and upload that copy."
    )


class _External(_Refused):
    """The document fetches something from an address when opened (a template, an object)."""

    code = "external"
    message = _lazy(
        "This document loads content from an outside address when it is opened (for example a template "
        "or an embedded object). Save it without that link and upload it again."
    )


class _Encrypted(_Refused):
    """The file is protected with a password: nobody could read it in Rapport."""

    code = "encrypted"
    message = _lazy("This file is protected with a password. Upload a copy without the password protection.")


def _size_over_limit(size: int, limit_mb: int) -> str:
    """The size of a file over the limit, to one decimal, never reading as the limit itself
    (20 MB and a few bytes reads "20.1 MB", not "20.0 MB")."""
    value = round(size / (1024 * 1024), 1)
    if value <= limit_mb:
        value = math.ceil(size / (1024 * 1024) * 10) / 10
    return _("%(n)s MB") % {"n": number_format(value, 1)}


def _check_pdf(upload) -> None:
    if upload.read(5) != b"%PDF-":
        raise _WrongType
    upload.seek(0)
    try:
        reader = PdfReader(upload)
        encrypted = reader.is_encrypted
        pages = 0 if encrypted else len(reader.pages)
        if pages:
            reader.pages[0].mediabox  # noqa: B018  (the first page's objects resolve)
    except Exception as error:  # pypdf on a hostile file can raise almost anything: never a 500
        logger.info("plan upload: pypdf failed on %r: %r", upload.name, error)
        raise _Broken from error
    if encrypted:
        raise _Encrypted
    if pages < 1:
        raise _Broken


def _xml_part(archive: zipfile.ZipFile, name: str) -> ElementTree.Element:
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise _WrongType from None
    if info.file_size > PART_MAX_BYTES:
        raise _Broken
    with archive.open(info) as part:
        data = part.read(PART_MAX_BYTES + 1)
    try:
        return ElementTree.fromstring(data)
    except ElementTree.ParseError:
        raise _WrongType from None  # a zip with a part of that name, but not the format's


def _check_docx(archive: zipfile.ZipFile) -> None:
    types = _xml_part(archive, "[Content_Types].xml")
    overrides = {
        element.get("PartName", "").lstrip("/"): element.get("ContentType")
        for element in types
        if element.tag.endswith("}Override")
    }
    relationships = _xml_part(archive, "_rels/.rels")
    targets = [
        str(PurePosixPath(element.get("Target", "").lstrip("/")))
        for element in relationships
        if element.get("Type") == OFFICE_DOCUMENT_REL
    ]
    if len(targets) != 1 or overrides.get(targets[0]) != DOCX_MAIN_TYPE:
        raise _WrongType
    if _xml_part(archive, targets[0]).tag != W_DOCUMENT:
        raise _WrongType
    _refuse_external_content(archive)


def _refuse_external_content(archive: zipfile.ZipFile) -> None:
    """A relationship to an outside address other than a hyperlink (an attached template, an
    OLE object, a frame, an image by URL) makes Word fetch it when the client opens the plan:
    the known way to smuggle a macro template into a harmless-looking document."""
    rels = [info.filename for info in archive.infolist() if info.filename.endswith(".rels")][:MAX_RELS_PARTS]
    for name in rels:
        for element in _xml_part(archive, name):
            if element.get("TargetMode") == "External" and not element.get("Type", "").endswith("/hyperlink"):
                raise _External


def _check_odt(archive: zipfile.ZipFile) -> None:
    entries = archive.infolist()
    first = entries[0] if entries else None
    # ODF: the first entry is "mimetype", stored (not compressed), naming the document type.
    if first is None or first.filename != "mimetype" or first.compress_type != zipfile.ZIP_STORED:
        raise _WrongType
    if first.file_size > 100:
        raise _WrongType
    with archive.open(first) as entry:
        if entry.read(100).strip() != ODT_MIMETYPE:
            raise _WrongType
    manifest = _xml_part(archive, "META-INF/manifest.xml")
    if manifest.tag != ODF_MANIFEST:
        raise _WrongType
    if next(manifest.iter(ODF_ENCRYPTION), None) is not None:
        raise _Encrypted
    if _xml_part(archive, "content.xml").tag != ODF_CONTENT:
        raise _WrongType


def _check_package(extension: str, upload) -> None:
    if upload.read(4) != b"PK\x03\x04":
        raise _WrongType
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            (_check_docx if extension == ".docx" else _check_odt)(archive)
    except _Refused:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as error:
        raise _Broken from error  # a zip header, but the archive is cut off or damaged
    except (NotImplementedError, RuntimeError) as error:
        raise _Encrypted from error  # zipfile: an encrypted entry or an unknown compression
    except Exception as error:  # zlib.error, lzma.LZMAError, ...: a part that does not inflate
        logger.info("plan upload: a part of %r does not unpack: %r", upload.name, error)
        raise _Broken from error


def validate_plan_file(upload) -> None:
    extension = Path(upload.name).suffix.lower()
    if extension not in PLAN_CONTENT_TYPES:
        raise ValidationError(_("Upload a PDF, DOCX or ODT file."), code="extension")
    limit_mb = settings.PLAN_UPLOAD_MAX_MB
    if upload.size > limit_mb * 1024 * 1024:
        raise ValidationError(
            _("This file is %(size)s; the limit is %(limit)s.")
            % {"size": _size_over_limit(upload.size, limit_mb), "limit": _("%(n)s MB") % {"n": limit_mb}},
            code="too_large",
        )
    kind = extension[1:].upper()
    upload.seek(0)
    try:
        _check_pdf(upload) if extension == ".pdf" else _check_package(extension, upload)
    except _Refused as refused:
        raise ValidationError(str(refused.message) % {"type": kind}, code=refused.code) from None
    finally:
        upload.seek(0)
