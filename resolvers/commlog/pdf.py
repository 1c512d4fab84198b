"""Every PDF the system writes (letters, invoices, AR history): US Letter pages set in the bundled DejaVu Sans.

The font ships in fonts/ (its license permits it), so a fresh machine renders the same file as any other.
It has every letter of the Latin (Vietnamese and every other diacritic included), Greek, Cyrillic,
Armenian and Georgian scripts. Text is laid out left to right without shaping, so right-to-left scripts
(Hebrew, Arabic) count as unprintable, as do scripts the font lacks (CJK, Indic, Thai ...): fpdf2 draws
those as empty boxes, and `RenderedPdf.unprintable` names them so that nothing unreadable is sent.
"""

import functools
import html
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, NoReturn

from fontTools.ttLib import TTFont
from fpdf import FPDF, FontFace
from fpdf.errors import FPDFException
from fpdf.html import DEFAULT_TAG_STYLES

from resolvers.commlog.letters.errors import LetterErrorCode
from resolvers.errors import Field, UserInputError

FONT_DIR = Path(__file__).parent / "fonts"
FAMILY = "dejavu"
FACES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf", "I": "DejaVuSans-Oblique.ttf",
         "BI": "DejaVuSans-BoldOblique.ttf"}
SCRIPTS = "Latin (with every diacritic, Vietnamese included), Greek, Cyrillic, Armenian and Georgian"
HEADING_COLOR = "#1f3a60"  # fpdf2's default dark red reads as a warning on a customer letter
HEADINGS = {tag: DEFAULT_TAG_STYLES[tag].replace(color=HEADING_COLOR, font_size_pt=size)
            for tag, size in (("h1", 20), ("h2", 16), ("h3", 13))}
RIGHT_TO_LEFT = {"R", "AL"}
Align = Literal["LEFT", "RIGHT"]


@dataclass(frozen=True, slots=True)
class RenderedPdf:
    content: bytes
    unprintable: str  # characters drawn as empty boxes, each once, in order of appearance; "" when none


@dataclass(frozen=True, slots=True)
class Column:
    heading: str
    width: int  # relative to the other columns; the table spans the page between the margins
    align: Align = "LEFT"


class PdfLayoutError(ValueError):
    """The content could not be laid out; the message says why (callers turn it into their user error)."""


class UnprintableText(UserInputError):
    """Refused before sending: the customer would read empty boxes where these characters belong."""

    def __init__(self, characters: str, field: Field | None = None):
        shown = ", ".join(f"{ch} (U+{ord(ch):04X})" for ch in characters[:10]) + (
            " ..." if len(characters) > 10 else ""
        )
        super().__init__(LetterErrorCode.UNPRINTABLE_CHARACTERS, f"The PDF cannot show {shown}: its font covers "
                         f"{SCRIPTS} letters, written left to right.", field)


def printable(rendered: RenderedPdf, field: Field | None = None) -> bytes:
    """The PDF's bytes, if every character in it shows; else UnprintableText (for whatever is sent to a customer)."""
    if rendered.unprintable:
        raise UnprintableText(rendered.unprintable, field)
    return rendered.content


def html_to_pdf(markup: str, title: str, author: str) -> RenderedPdf:
    """Lay HTML out with fpdf2; images are refused (no file or network reads)."""
    title, markup = _nfc(title), _nfc(markup)
    pdf = _document(title, author, FACES)  # the HTML may set any text bold, oblique or both
    try:
        pdf.write_html(markup, font_family=FAMILY, image_map=_refuse_image, li_prefix_color=(0, 0, 0),
                       tag_styles=HEADINGS, warn_on_tags_not_matching=False)
        return RenderedPdf(bytes(pdf.output()), unprintable(title, html.unescape(markup)))
    except (FPDFException, ValueError, KeyError, TypeError, NotImplementedError) as error:
        raise PdfLayoutError(str(error)) from None


def table_pdf(title: str, columns: Sequence[Column], rows: Sequence[Sequence[str]], author: str = "") -> RenderedPdf:
    """A title over a table with a heading row repeated on each page; long text wraps within its cell."""
    title, rows = _nfc(title), [[_nfc(text) for text in row] for row in rows]
    pdf = _document(title, author, ("", "B"))  # every face added is embedded: only the two a table uses
    pdf.set_font(FAMILY, "B", 14)
    pdf.multi_cell(0, 7, title, align="LEFT", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font(FAMILY, "", 9)
    with pdf.table(col_widths=[c.width for c in columns], text_align=[c.align for c in columns],
                   headings_style=FontFace(emphasis="BOLD"), line_height=5, padding=1) as table:
        for row in ([c.heading for c in columns], *rows):
            cells = table.row()
            for text in row:
                cells.cell(text)
    return RenderedPdf(bytes(pdf.output()), unprintable(title, *(text for row in rows for text in row)))


def unprintable(*texts: str) -> str:
    """The characters of `texts` the font cannot show, each once; spaces and line breaks are always fine."""
    seen = dict.fromkeys(ch for text in texts for ch in text if not _printable(ch))
    return "".join(seen)


def _printable(ch: str) -> bool:
    return ch.isspace() or (ord(ch) in _covered() and unicodedata.bidirectional(ch) not in RIGHT_TO_LEFT)


@functools.cache
def _covered() -> frozenset[int]:
    """Code points with a glyph in every face: a letter may be set bold or oblique."""
    maps: list[set[int]] = [set(TTFont(FONT_DIR / name, lazy=True).getBestCmap()) for name in FACES.values()]
    return frozenset(set.intersection(*maps))


def _document(title: str, author: str, styles: Iterable[str]) -> FPDF:
    pdf = FPDF(format="letter")
    pdf.set_title(title)
    pdf.set_author(author)
    pdf.set_creator("csrgraph")
    pdf.set_margins(20, 18, 20)
    for style in styles:
        pdf.add_font(FAMILY, style, FONT_DIR / FACES[style])
    pdf.add_page()
    return pdf


def _nfc(text: str) -> str:
    """Composed form: a name typed as e + combining accents prints and reads back as the one letter."""
    return unicodedata.normalize("NFC", text)


def _refuse_image(src: str) -> NoReturn:
    raise PdfLayoutError("images are not allowed")
