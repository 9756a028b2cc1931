"""A document's bytes to plain text: text (UTF-8, GB18030, Big5), HTML, PDF, DOCX.

Never raises for what a user may hand in: an empty, binary, unreadable or enormous document comes
back as a `Problem` with a message saying what is wrong.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser
from xml.etree import ElementTree

from pypdf import PdfReader
from pypdf.errors import PyPdfError

MAX_BYTES = 10 * 1024 * 1024  # a document larger than this is refused
MAX_CHARS = 200_000  # a text longer than this is refused: no press release is that long


@dataclass
class Problem:
    code: str
    message: str


@dataclass
class Loaded:
    text: str
    format: str


class _Text(HTMLParser):
    BLOCK = {
        "p",
        "div",
        "br",
        "li",
        "tr",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "section",
        "article",
        "td",
        "title",
        "ul",
        "ol",
        "table",
    }
    SKIP = {"script", "style", "noscript", "template", "svg", "head"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0
        self.title: list[str] = []
        self.in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self.in_title = True
        elif tag in self.SKIP:
            self.skipping += 1
        if tag in self.BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        elif tag in self.SKIP and self.skipping:
            self.skipping -= 1
        if tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title.append(data)
        elif not self.skipping:
            self.parts.append(data)


def html_text(markup: str) -> str:
    parser = _Text()
    parser.feed(markup)
    parser.close()
    body = "".join(parser.parts)
    title = " ".join("".join(parser.title).split())
    text = re.sub(r"[ \t\r\f\v]+", " ", unescape(body))
    text = re.sub(r"\n\s*\n+", "\n\n", text).strip()
    return f"{title}\n\n{text}" if title and title not in text[:500] else text


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n\n".join((page.extract_text() or "") for page in reader.pages)


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def docx_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        info = z.getinfo("word/document.xml")
        if info.file_size > MAX_BYTES * 4:
            raise ValueError("document.xml too large")
        root = ElementTree.fromstring(z.read(info))
    paragraphs = []
    for p in root.iter(f"{_W}p"):
        parts = []
        for node in p.iter():
            if node.tag == f"{_W}t" and node.text:
                parts.append(node.text)
            elif node.tag in (f"{_W}tab",):
                parts.append("\t")
            elif node.tag in (f"{_W}br",):
                parts.append("\n")
        paragraphs.append("".join(parts))
    return "\n".join(paragraphs)


def decode(data: bytes) -> str | None:
    """Text bytes as a string (UTF-8 with or without BOM, UTF-16 with BOM, GB18030, Big5), None if none fits."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    for encoding in ("utf-8-sig", "gb18030", "big5"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _binary(data: bytes) -> bool:
    head = data[:8192]
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    return controls > len(head) * 0.05


def sniff(data: bytes, name: str | None) -> str:
    lower = (name or "").lower()
    if data.startswith(b"%PDF") or lower.endswith(".pdf"):
        return "pdf"
    if data.startswith(b"PK\x03\x04") or lower.endswith(".docx"):
        return "docx"
    head = data[:2048].lstrip().lower()
    if (
        lower.endswith((".html", ".htm"))
        or head.startswith((b"<!doctype html", b"<html"))
        or b"<body" in data[:20000].lower()
    ):
        return "html"
    return "text"


def load(data: bytes | str, name: str | None = None) -> Loaded | Problem:
    """The plain text of a document, or the problem that keeps it from being read."""
    if isinstance(data, str):
        if len(data) > MAX_CHARS:
            return Problem("too_large", f"The text has {len(data):,} characters; the limit is {MAX_CHARS:,}.")
        fmt = "html" if re.match(r"\s*<(?:!doctype html|html)", data[:200], re.IGNORECASE) else "text"
        text = html_text(data) if fmt == "html" else data
        return _checked(text, fmt)
    if not data:
        return Problem("empty", "The document is empty.")
    if len(data) > MAX_BYTES:
        return Problem("too_large", f"The document is {len(data):,} bytes; the limit is {MAX_BYTES:,} bytes.")
    fmt = sniff(data, name)
    try:
        if fmt == "pdf":
            text = pdf_text(data)
        elif fmt == "docx":
            text = docx_text(data)
        else:
            if _binary(data):
                return Problem("binary", "The document is binary, not text, HTML, PDF or DOCX.")
            decoded = decode(data)
            if decoded is None:
                return Problem("undecodable", "The text is in no encoding the reader knows (UTF-8, GB18030, Big5).")
            text = html_text(decoded) if fmt == "html" else decoded
    except (PyPdfError, zipfile.BadZipFile, KeyError, ElementTree.ParseError, ValueError, OSError) as exc:
        return Problem("unreadable", f"The {fmt.upper()} document could not be read: {exc.__class__.__name__}.")
    return _checked(text, fmt)


def _checked(text: str, fmt: str) -> Loaded | Problem:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    if len(text) > MAX_CHARS:
        return Problem("too_large", f"The text has {len(text):,} characters; the limit is {MAX_CHARS:,}.")
    if not text.strip():
        return Problem("empty", f"The {fmt.upper() if fmt != 'text' else 'text'} document has no text.")
    return Loaded(text, fmt)
