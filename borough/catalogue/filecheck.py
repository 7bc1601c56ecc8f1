"""What makes an uploaded file safe to keep: photos decoded and saved again, PDFs parsed.

Photos are decoded and saved as new files, so only the pixels survive (nothing hidden in the
original, no EXIF data that can give away where a resident lives). PDFs are read with a real
parser (pypdf), so a script inside a compressed object stream, or behind a name spelt with
``#`` escapes (``/J#61vaScript`` is ``/JavaScript``), is found as surely as one in plain sight.
"""

from __future__ import annotations

import io
import logging

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

from .answers import AnswerError

log = logging.getLogger(__name__)

# A photo bigger than this many pixels is refused before it is decoded: a "decompression bomb"
# is a small file that unpacks into gigabytes, and even an honest 50 megapixel photo costs
# seconds of CPU to decode and shrink. 24 megapixels is more than any phone camera takes.
MAX_IMAGE_PIXELS = 24_000_000
# The longest side of a kept photo: enough to see a pothole, small enough to store and send.
MAX_IMAGE_SIDE = 3000
# Keys of a PDF dictionary that make a document do something, or carry something, beyond pages.
_ACTIVE_KEYS = frozenset(
    {
        "/JS",
        "/JavaScript",
        "/Launch",
        "/EmbeddedFile",
        "/EmbeddedFiles",
        "/EF",
        "/RichMedia",
        "/RichMediaContent",
        "/RichMediaSettings",
        "/XFA",
    }
)
# Action types (``/S``) that run something or send something out.
_ACTIVE_ACTIONS = frozenset(
    {"/JavaScript", "/Launch", "/ImportData", "/SubmitForm", "/RichMediaExecute", "/Rendition"}
)
# Types of object that are active content in themselves.
_ACTIVE_TYPES = frozenset({"/EmbeddedFile", "/RichMedia", "/Filespec"})
# The same names unescaped in the raw bytes: belt and braces for objects no table points at.
_ACTIVE_BYTES = (b"/JavaScript", b"/JS", b"/Launch", b"/EmbeddedFile", b"/RichMedia", b"/XFA")
# More objects than any form's PDF has: walking further is what an attack wants.
MAX_PDF_OBJECTS = 50_000


def reencoded_image(upload: UploadedFile, kind: str) -> bytes:
    """The photo's pixels saved again as a new JPEG or PNG, upright and at most 3000 pixels a
    side. Raises ``AnswerError`` for a file that is not a photo, or too many pixels."""
    unreadable = AnswerError(
        _("The selected file could not be opened as a photo. Try another file")
    )
    too_big = AnswerError(_("The selected photo is too big. Choose one under 24 megapixels"))
    try:
        with Image.open(upload) as image:
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise too_big
            image.load()
            upright = ImageOps.exif_transpose(image)  # the right way up without EXIF
            upright.thumbnail((MAX_IMAGE_SIDE, MAX_IMAGE_SIDE))
            out = io.BytesIO()
            if kind == "image/jpeg":
                upright.convert("RGB").save(out, format="JPEG", quality=85, optimize=True)
            else:
                keep = "RGBA" if upright.mode in {"RGBA", "LA", "P"} else "RGB"
                upright.convert(keep).save(out, format="PNG", optimize=True)
    except AnswerError:
        raise
    except Image.DecompressionBombError:  # Pillow's own limit, far above ours
        raise too_big from None
    except (UnidentifiedImageError, OSError, ValueError):
        raise unreadable from None
    return out.getvalue()


def checked_pdf(upload: UploadedFile) -> bytes:
    """The PDF's bytes if it only shows pages. Raises ``AnswerError`` for one that is
    encrypted, cannot be read, or has active content (scripts, launch actions, embedded
    files, rich media, XFA forms), wherever in the file it is."""
    content = upload.read()
    upload.seek(0)
    active = AnswerError(
        _(
            "The selected PDF contains scripts or attachments. Save it again without them, "
            "or send a photo instead"
        )
    )
    if any(name in content for name in _ACTIVE_BYTES):
        raise active
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted:
            raise AnswerError(
                _("The selected PDF is protected with a password. Save it without one")
            )
        found = pdf_active_content(reader)
    except AnswerError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError, OSError):
        log.info("upload refused: unreadable pdf")
        raise AnswerError(
            _("The selected file could not be opened as a PDF. Try another file")
        ) from None
    if found:
        log.info("upload refused: active pdf", extra={"pdf_feature": found})
        raise active
    return content


def pdf_active_content(reader: PdfReader) -> str:
    """The first sign of active content in the document (a key or action type), or ``""``.

    Walks every object the cross-reference tables name, those packed in compressed object
    streams too, and the trailer; names are compared as the parser decoded them."""
    roots: list = [reader.trailer]
    ids: set[tuple[int, int]] = set()
    for generation, table in reader.xref.items():
        ids.update((number, generation) for number in table)
    ids.update((number, 0) for number in reader.xref_objStm)
    if len(ids) > MAX_PDF_OBJECTS:
        raise ValueError("too many objects")
    for number, generation in sorted(ids):
        roots.append(IndirectObject(number, generation, reader))
    stack = roots
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):  # only the table's own, each once
            item = item.get_object()
        if isinstance(item, DictionaryObject):
            for name, value in item.items():
                if name in _ACTIVE_KEYS:
                    return str(name)
                if name == "/S" and isinstance(value, NameObject) and value in _ACTIVE_ACTIONS:
                    return str(value)
                if name == "/Type" and isinstance(value, NameObject) and value in _ACTIVE_TYPES:
                    return str(value)
                if not isinstance(value, IndirectObject):  # those are walked from the table
                    stack.append(value)
        elif isinstance(item, ArrayObject):
            stack.extend(v for v in item if not isinstance(v, IndirectObject))
    return ""
