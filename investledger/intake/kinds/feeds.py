"""A news feed (RSS 2.0 or Atom) as press releases: one document per item of the feed.

The feed is parsed with the standard library's XML parser, after a first pass that refuses any
document declaring a DOCTYPE (and so any entity: no expansion, internal or external, is ever done).
Each item's title and body (content, else description or summary) become the document's text, the
HTML in them stripped as an HTML release is; its link and date are kept beside it.
"""

from __future__ import annotations

import email.utils
import re
from collections.abc import Iterator
from dataclasses import dataclass
from xml.etree import ElementTree
from xml.parsers import expat

from django.utils.translation import gettext as _

from investledger.intake.parsing import SheetError
from investledger.newsread import loaders

SUFFIXES = (".xml", ".rss", ".atom")

_ATOM = "{http://www.w3.org/2005/Atom}"
_CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
_EXPAT_ENCODINGS = {"utf-8", "utf8", "utf-16", "utf16", "iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii"}
_DECLARATION = re.compile(rb"^(\xef\xbb\xbf)?\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"'][^>]*\?>")


@dataclass(frozen=True)
class Item:
    title: str
    link: str
    date: str
    text: str


def is_feed(name: str) -> bool:
    return name.lower().endswith(SUFFIXES)


def _refused(name: str) -> SheetError:
    return SheetError(
        _("“%(name)s” declares a DOCTYPE or entities, which a news feed does not need: it was not read.")
        % {"name": name[:100]}
    )


def _not_a_feed(name: str) -> SheetError:
    return SheetError(_("“%(name)s” is not an RSS or Atom news feed: it was not read.") % {"name": name[:100]})


def _utf8(data: bytes, name: str) -> bytes:
    """The feed in an encoding the XML parser reads: one it does not know (GB2312, Big5...) decoded here."""
    match = _DECLARATION.match(data[:400])
    if match is None or match.group(2).decode().lower() in _EXPAT_ENCODINGS:
        return data
    try:
        text = data.decode(match.group(2).decode())
    except (LookupError, UnicodeDecodeError) as exc:
        raise _not_a_feed(name) from exc
    return text[text.index("?>") + 2 :].encode("utf-8")


def _root(data: bytes, name: str) -> ElementTree.Element:
    data = _utf8(data, name)

    def refuse(*args) -> None:
        raise _refused(name)

    guard = expat.ParserCreate()
    guard.StartDoctypeDeclHandler = refuse
    guard.EntityDeclHandler = refuse
    guard.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        guard.Parse(data, True)
        return ElementTree.fromstring(data)
    except (expat.ExpatError, ElementTree.ParseError, ValueError) as exc:
        raise _not_a_feed(name) from exc


def _text(element: ElementTree.Element | None) -> str:
    """The text of an element, its markup (escaped HTML, or XHTML children) stripped."""
    if element is None:
        return ""
    if len(element):
        markup = (element.text or "") + "".join(
            ElementTree.tostring(child, encoding="unicode", method="html") for child in element
        )
    else:
        markup = element.text or ""
    if "<" in markup or "&" in markup:
        return loaders.html_text(f"<div>{markup}</div>")
    return " ".join(markup.split()) if "\n" not in markup.strip() else markup.strip()


def _date(value: str) -> str:
    value = value.strip()
    if not value:
        return ""
    if re.match(r"\d{4}-\d{2}-\d{2}", value):
        return value[:10]
    try:
        return email.utils.parsedate_to_datetime(value).date().isoformat()
    except (TypeError, ValueError, IndexError):
        return value[:40]


def _rss(root: ElementTree.Element) -> Iterator[Item]:
    for item in root.iter("item"):
        body = item.find(_CONTENT)
        if body is None or not (body.text or len(body)):
            body = item.find("description")
        yield Item(
            title=_text(item.find("title")),
            link=(item.findtext("link") or item.findtext("guid") or "").strip(),
            date=_date(item.findtext("pubDate") or ""),
            text=_text(body),
        )


def _atom(root: ElementTree.Element) -> Iterator[Item]:
    for entry in root.iter(f"{_ATOM}entry"):
        links = entry.findall(f"{_ATOM}link")
        link = next((x for x in links if x.get("rel", "alternate") == "alternate"), links[0] if links else None)
        body = entry.find(f"{_ATOM}content")
        if body is None or not (body.text or len(body)):
            body = entry.find(f"{_ATOM}summary")
        yield Item(
            title=_text(entry.find(f"{_ATOM}title")),
            link=(link.get("href", "") if link is not None else "").strip(),
            date=_date(entry.findtext(f"{_ATOM}published") or entry.findtext(f"{_ATOM}updated") or ""),
            text=_text(body),
        )


def items(data: bytes, name: str, limit: int) -> list[Item]:
    """The items of a feed; refused (SheetError) when it is not a feed, declares a DOCTYPE or entities,
    or has more than `limit` items."""
    root = _root(data, name)
    if root.tag == "rss":
        found = _rss(root)
    elif root.tag == f"{_ATOM}feed":
        found = _atom(root)
    else:
        raise _not_a_feed(name)
    result: list[Item] = []
    for item in found:
        if len(result) >= limit:
            raise SheetError(_("At most %(n)s releases can be read at once.") % {"n": limit})
        result.append(item)
    if not result:
        raise SheetError(_("The feed “%(name)s” has no items.") % {"name": name[:100]})
    return result


def document(item: Item) -> bytes:
    """The text of an item as a release: its title, then its body."""
    return "\n\n".join(part for part in (item.title, item.text) if part).encode("utf-8")


def file_name(item: Item, number: int) -> str:
    """A name for the item's release (its import's file name): its title, read as text."""
    title = re.sub(r"[\\/:\x00-\x1f]+", " ", item.title).strip()[:200]
    return f"{title or f'item {number}'}.txt"
