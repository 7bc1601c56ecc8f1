"""Hostile PDFs for the upload tests: made with pypdf where it can write the trick, and by hand
(with a correct cross-reference table or stream, so they are real PDFs a viewer opens) for the
two it cannot write: a script packed in a compressed object stream, and #-escaped names."""

from __future__ import annotations

import io
import zlib

from pypdf import PdfWriter
from pypdf.actions import JavaScript
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    TextStringObject,
)


def _written(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _one_page() -> PdfWriter:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    return writer


def plain() -> bytes:
    return _written(_one_page())


def with_goto_open_action() -> bytes:
    """Opens at page 1: an action, but a harmless one."""
    writer = _one_page()
    page = writer.pages[0].indirect_reference
    writer._root_object[NameObject("/OpenAction")] = ArrayObject([page, NameObject("/Fit")])
    return _written(writer)


def with_javascript() -> bytes:
    writer = _one_page()
    writer.add_open_action(JavaScript("app.alert('hello');"))
    return _written(writer)


def with_embedded_file() -> bytes:
    writer = _one_page()
    writer.add_attachment("invoice.exe", b"MZ\x90\x00 not really a program")
    return _written(writer)


def with_launch_on_page_open() -> bytes:
    """A page's additional action (/AA) that launches a program when the page opens."""
    writer = _one_page()
    launch = DictionaryObject(
        {NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("calc.exe")}
    )
    writer.pages[0][NameObject("/AA")] = DictionaryObject(
        {NameObject("/O"): writer._add_object(launch)}
    )
    return _written(writer)


def with_xfa_form() -> bytes:
    writer = _one_page()
    writer._root_object[NameObject("/AcroForm")] = DictionaryObject(
        {NameObject("/Fields"): ArrayObject(), NameObject("/XFA"): TextStringObject("<xdp/>")}
    )
    return _written(writer)


def encrypted() -> bytes:
    writer = _one_page()
    writer.encrypt(user_password="", owner_password="secret")
    return _written(writer)


def _by_hand(objects: dict[int, bytes], root: int) -> bytes:
    """A classic PDF with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n"
    xref = len(out)
    size = max(objects) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for number in range(1, size):
        out += b"%010d 00000 n \n" % offsets[number]
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, root, xref)
    return bytes(out)


_PAGES = {
    2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
}


def with_escaped_javascript_name() -> bytes:
    """``/J#61vaScript`` is ``/JavaScript`` and ``/J#53`` is ``/JS`` to a PDF reader; a byte
    search for the names finds neither."""
    return _by_hand(
        {
            1: b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
            **_PAGES,
            4: b"<< /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>",
        },
        root=1,
    )


def with_escaped_launch_name() -> bytes:
    return _by_hand(
        {
            1: b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
            **_PAGES,
            4: b"<< /S /L#61unch /F (calc.exe) >>",
        },
        root=1,
    )


def with_javascript_in_object_stream() -> bytes:
    """The open action's script is object 4, packed (deflated) inside object stream 5, found
    through a cross-reference stream: the bytes of the file never show it."""
    packed_body = b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>"
    header = b"4 0 "
    packed = zlib.compress(header + packed_body)
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
        **_PAGES,
        5: b"<< /Type /ObjStm /N 1 /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
        % (len(header), len(packed))
        + packed
        + b"\nendstream",
    }
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n"
    xref_at = len(out)
    offsets[6] = xref_at

    def row(kind: int, field2: int, field3: int) -> bytes:
        return bytes([kind]) + field2.to_bytes(4, "big") + field3.to_bytes(2, "big")

    rows = row(0, 0, 0xFFFF)
    for number in range(1, 7):
        rows += row(2, 5, 0) if number == 4 else row(1, offsets[number], 0)
    out += (
        b"6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n"
        % len(rows)
        + rows
        + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref_at
    )
    return bytes(out)
