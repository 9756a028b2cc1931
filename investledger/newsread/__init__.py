"""Reading investment press releases: the event, announced totals and deals, with their evidence.

A library with no Django in it: `propose(data, source)` turns one document (text, HTML, PDF or DOCX
bytes, or a string; English or Chinese, Simplified or Traditional) into one JSON-serialisable
proposal, described by `schema.json` beside this file and by docs/newsread.md.
"""

from investledger.newsread.proposal import SCHEMA, propose

__all__ = ["SCHEMA", "propose"]
