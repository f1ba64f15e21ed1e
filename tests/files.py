"""Small real documents for tests: each parses as what its name says (the plan upload check
opens them), built in memory with pypdf and the standard library."""

import io
import zipfile

from pypdf import PdfWriter

W_MAIN = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DOCX_MAIN_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


def pdf_bytes(*, pages: int = 1, password: str | None = None) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if password:
        writer.encrypt(password)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


PDF = pdf_bytes()


REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def docx_bytes(*, content_types: bool = True, main_type: str = DOCX_MAIN_TYPE, external: tuple[str, ...] = ()) -> bytes:
    """external: relationship types (e.g. "attachedTemplate", "hyperlink") of the main
    document that point at an outside address (TargetMode="External")."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if content_types:
            archive.writestr(
                "[Content_Types].xml",
                '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                '<Default Extension="xml" ContentType="application/xml"/>'
                f'<Override PartName="/word/document.xml" ContentType="{main_type}"/></Types>',
            )
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Target="word/document.xml" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/officeDocument"/></Relationships>',
        )
        archive.writestr(
            "word/document.xml",
            f'<?xml version="1.0"?><w:document xmlns:w="{W_MAIN}"><w:body><w:p><w:r><w:t>Plan</w:t></w:r></w:p>'
            "</w:body></w:document>",
        )
        if external:
            relationships = "".join(
                f'<Relationship Id="rId{n}" Type="{REL}/{kind}" Target="https://example.com/x" TargetMode="External"/>'
                for n, kind in enumerate(external, start=1)
            )
            archive.writestr(
                "word/_rels/document.xml.rels",
                '<?xml version="1.0"?><Relationships '
                f'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{relationships}</Relationships>',
            )
    return buffer.getvalue()


def odt_bytes(mimetype: bytes = ODT_MIMETYPE, *, manifest: bool = True, encrypted: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), mimetype, compress_type=zipfile.ZIP_STORED)
        archive.writestr(
            "content.xml",
            '<?xml version="1.0"?><office:document-content '
            'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"><office:body/>'
            "</office:document-content>",
        )
        if manifest:
            encryption = (
                '<manifest:encryption-data manifest:checksum-type="SHA1" manifest:checksum="x"/>' if encrypted else ""
            )
            archive.writestr(
                "META-INF/manifest.xml",
                '<?xml version="1.0"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
                f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{ODT_MIMETYPE.decode()}"/>'
                f'<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml">{encryption}'
                "</manifest:file-entry></manifest:manifest>",
            )
    return buffer.getvalue()


def renamed_zip(*names: str) -> bytes:
    """An ordinary zip (not a document) that happens to hold entries with these names."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "not what it claims")
    return buffer.getvalue()


def corrupt_part(document: bytes, part: str) -> bytes:
    """The document with the compressed bytes of one part overwritten: the zip's directory
    is intact, inflating the part fails (zlib.error)."""
    with zipfile.ZipFile(io.BytesIO(document)) as archive:
        info = archive.getinfo(part)
    data = bytearray(document)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start : start + info.compress_size] = b"\xff" * info.compress_size
    return bytes(data)
