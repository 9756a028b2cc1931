"""The PDF pieces every report uses: fonts, compact styles, and the one way text enters a page.

ReportLab's `Paragraph` reads its text as markup: a name such as `<img src="/etc/passwd">` would
make it open a file of the server, and `<b>` would change the page. `text()` is the only way a value
reaches a paragraph: it drops control characters, escapes the markup characters, and sets each run
of characters in a font that has them, so no glyph is missing in either language. Latin text (and
what Windows-1252 holds: dashes, quotes, the euro sign) is set in Helvetica; Chinese text and any
other character in ReportLab's built-in CID font STSong-Light (Adobe-GB1), so no font file ships.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

from investledger.core.spreadsheets import clean_text

LATIN = "Helvetica"
LATIN_BOLD = "Helvetica-Bold"
CJK = "STSong-Light"  # ReportLab's built-in CID font: Chinese without shipping a font file
PAGE = landscape(A4)
MARGIN = 12 * mm


def _latin(ch: str) -> bool:
    try:
        ch.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def register_fonts() -> None:
    if CJK not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CJK))


def _runs(value: str):
    """Consecutive characters that share a font: (is_latin, text)."""
    start, current = 0, None
    for index, ch in enumerate(value):
        latin = _latin(ch) or ch in "\n"
        if current is None:
            current = latin
        elif latin != current:
            yield current, value[start:index]
            start, current = index, latin
    if value[start:]:
        yield bool(current), value[start:]


def markup(value, *, bold: bool = False) -> str:
    """Paragraph markup showing `value` literally, each run in a font that holds its characters."""
    if value is None:
        return ""
    out = []
    for latin, run in _runs(clean_text(str(value))):
        escaped = escape(run).replace("\n", "<br/>")
        if latin:
            out.append(f'<font name="{LATIN_BOLD if bold else LATIN}">{escaped}</font>')
        else:
            out.append(f'<font name="{CJK}">{escaped}</font>')
    return "".join(out)


def text(value, style: ParagraphStyle, *, bold: bool = False) -> Paragraph:
    """The only way a value enters a PDF: shown as it is, never read as markup."""
    return Paragraph(markup(value, bold=bold), style)


def styles(size: float = 7.5) -> dict[str, ParagraphStyle]:
    """Compact styles: table cells of `size` points with tight leading."""
    register_fonts()
    base = ParagraphStyle("body", fontName=LATIN, fontSize=size, leading=size * 1.22, wordWrap="CJK")
    return {
        "title": ParagraphStyle("title", parent=base, fontSize=14, leading=17, spaceAfter=2),
        "subtitle": ParagraphStyle(
            "subtitle", parent=base, fontSize=8.5, leading=11, textColor=colors.HexColor("#444444")
        ),
        "heading": ParagraphStyle("heading", parent=base, fontSize=10, leading=13, spaceBefore=5, spaceAfter=2),
        "note": ParagraphStyle("note", parent=base, fontSize=8, leading=10, textColor=colors.HexColor("#555555")),
        "cell": base,
        "number": ParagraphStyle("number", parent=base, alignment=TA_RIGHT),
    }


LIGHT_COLOURS = {
    "red": colors.HexColor("#f8d7da"),
    "yellow": colors.HexColor("#fff3cd"),
    "green": colors.HexColor("#d1e7dd"),
}


def table(header: list, rows: list[list], widths: list[float], sheet: dict, *, numeric=(), colours=None) -> Table:
    """A compact grid: a repeated bold header, `numeric` columns right-aligned, optional cell colours.

    `widths` are fractions of the printable width; `colours` maps (row, column) of `rows` to a background.
    """
    usable = PAGE[0] - 2 * MARGIN
    data = [[text(h, sheet["cell"], bold=True) for h in header]]
    for row in rows:
        data.append([text(v, sheet["number"] if i in numeric else sheet["cell"]) for i, v in enumerate(row)])
    grid = Table(data, colWidths=[usable * w for w in widths], repeatRows=1)
    commands = [
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e9ecef")),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#9aa0a6")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 2.5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2.5),
    ]
    for (row, column), colour in (colours or {}).items():
        commands.append(("BACKGROUND", (column, row + 1), (column, row + 1), colour))
    grid.setStyle(TableStyle(commands))
    return grid


def document(out, *, title: str, footer: str) -> SimpleDocTemplate:
    """A landscape A4 document whose pages carry `footer` and their number."""
    register_fonts()

    def stamp(canvas, doc):
        canvas.saveState()
        line = text(f"{footer}  ·  {doc.page}", styles(7)["note"])
        _w, h = line.wrap(PAGE[0] - 2 * MARGIN, MARGIN)
        line.drawOn(canvas, MARGIN, MARGIN / 2 - h / 2)
        canvas.restoreState()

    doc = SimpleDocTemplate(
        out,
        pagesize=PAGE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=clean_text(title),
    )
    doc.stamp = stamp
    return doc


def build(doc: SimpleDocTemplate, story: list) -> None:
    doc.build(story, onFirstPage=doc.stamp, onLaterPages=doc.stamp)
