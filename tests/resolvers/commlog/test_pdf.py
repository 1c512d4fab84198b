"""One PDF renderer for letters, invoices and AR history, set in the bundled DejaVu Sans: names in every covered
script read back exactly (pypdf); characters the font lacks are named, and a letter carrying them is refused."""

import io
import unicodedata
from datetime import date

import pytest
from pypdf import PdfReader

from db.enums import InvoiceLineKind, LedgerKind
from db.models import Customer, Invoice, InvoiceLine, LedgerEntry
from resolvers.billing.ar_history import HistoryRow
from resolvers.billing.documents import history_pdf, invoice_pdf
from resolvers.commlog import pdf
from resolvers.commlog.letters.rendering import render_letter
from resolvers.commlog.pdf import RenderedPdf, UnprintableText, printable, unprintable
from tests.resolvers.commlog.letters.test_rendering import data

NAMES = {  # one or more names per script and language the README promises
    "vietnamese": "Nguyễn Thị Minh Ngọc",
    "polish": "Łukasz Żółkiewski-Wąs",
    "czech": "Čeněk Šťastný Dvořák",
    "romanian": "Ștefan Țiriac Ăsâî",
    "turkish": "İlkay Gündoğan Şıklar",
    "icelandic": "Þórunn Guðmundsdóttir",
    "nordic": "Søren Ærøskøbing Åström",
    "french-german": "François Müller-Lüdenscheidt Zoë",
    "serbian-latin": "Đorđe Balašević",
    "hawaiian": "Kaʻiulani Mākena",
    "greek": "Ελένη Παπαδοπούλου",
    "greek-polytonic-caps": "ΣΩΚΡΑΤΗΣ Ἀθηναῖος",
    "russian": "Дмитрий Шостакович",
    "ukrainian": "Євгенія Їжакевич",
    "serbian-cyrillic": "Ђорђе Јовановић",
    "armenian": "Արամ Խաչատրյան",
    "georgian": "ნინო ბერიძე",
}
UNCOVERED = {  # scripts the font lacks, or right-to-left scripts laid out without shaping
    "chinese": ("李小龍", "李小龍"),
    "japanese": ("山田 はなこ", "山田はなこ"),
    "korean": ("김민준", "김민준"),
    "hindi": ("राहुल", "राहुल"),
    "thai": ("สมชาย", "สมชาย"),
    "arabic": ("محمد", "محد"),  # each character once
    "hebrew": ("דוד", "דו"),
}


def text_of(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def customer(name: str) -> Customer:
    return Customer(name=name, number="100000042", email="pat@mail.example", billing_line1="1 Billing Rd",
                    billing_city="Dallas", billing_state="TX", billing_zip="75201")


def invoice_of(name: str, description: str = "Energy, October") -> RenderedPdf:
    invoice = Invoice(number="INV-0042", due_on=date(2026, 11, 21), total_cents=12_345, open_cents=12_345)
    line = InvoiceLine(kind=InvoiceLineKind.ENERGY, description=description, amount_cents=12_345)
    return invoice_pdf(invoice, [line], customer(name))


def history_of(name: str, description: str = "Invoice INV-0042") -> RenderedPdf:
    entry = LedgerEntry(id=1, kind=LedgerKind.INVOICE, description=description, amount_cents=12_345,
                        effective_on=date(2026, 10, 31))
    return history_pdf(customer(name), [HistoryRow(entry, 12_345)])


def letter_of(name: str) -> bytes:
    return render_letter("Welcome, {{ customer.name }}", "<p>Dear <b>{{ customer.name }}</b>, <i>welcome</i>.</p>",
                         data(name)).pdf


DOCUMENTS = {
    "letter": letter_of,
    "invoice": lambda n: invoice_of(n).content,
    "ar-history": lambda n: history_of(n).content,
}


class TestCoveredScripts:
    @pytest.mark.parametrize("document", DOCUMENTS)
    @pytest.mark.parametrize("name", NAMES.values(), ids=NAMES.keys())
    def test_the_name_reads_back_exactly(self, document, name):
        # when the document is rendered for a customer of that name
        content = DOCUMENTS[document](name)
        # then its text holds the name letter for letter: no '?', no boxes
        assert name in text_of(content)
        assert unprintable(name) == ""

    @pytest.mark.parametrize("name", ["Nguyễn Thị Minh", "Zoë Ångström", "Ἀθηναῖος"])
    def test_decomposed_input_prints_as_composed_letters(self, name):
        decomposed = unicodedata.normalize("NFD", name)
        assert decomposed != name
        assert name in text_of(invoice_of(decomposed).content)
        assert name in text_of(letter_of(decomposed))

    def test_invoices_and_history_carry_only_the_bundled_font(self):
        for content in (invoice_of("Ελένη").content, history_of("Ελένη").content, letter_of("Ελένη")):
            fonts = {str(f["/BaseFont"]) for page in PdfReader(io.BytesIO(content)).pages
                     for f in page["/Resources"]["/Font"].values()}
            assert fonts, fonts
            assert all("DejaVuSans" in f for f in fonts), fonts

    def test_the_font_ships_inside_the_package_with_its_license(self):
        assert pdf.FONT_DIR.parent == __import__("pathlib").Path(pdf.__file__).parent
        assert all((pdf.FONT_DIR / name).is_file() for name in pdf.FACES.values())
        assert "Bitstream Vera" in (pdf.FONT_DIR / "LICENSE").read_text()


class TestUncoveredScripts:
    @pytest.mark.parametrize(("name", "missing"), UNCOVERED.values(), ids=UNCOVERED.keys())
    def test_the_characters_the_font_lacks_are_named(self, name, missing):
        assert invoice_of(f"Pat {name}").unprintable == missing
        assert history_of(f"Pat {name}").unprintable == missing

    @pytest.mark.parametrize(("name", "missing"), UNCOVERED.values(), ids=UNCOVERED.keys())
    def test_a_letter_that_would_show_boxes_is_refused(self, name, missing):
        with pytest.raises(UnprintableText) as caught:
            letter_of(name)
        assert caught.value.code == "UNPRINTABLE_CHARACTERS"
        assert all(f"U+{ord(ch):04X}" in caught.value.message for ch in missing)

    def test_printable_hands_over_the_bytes_only_when_nothing_is_missing(self):
        assert printable(invoice_of("Ελένη")).startswith(b"%PDF")
        with pytest.raises(UnprintableText, match="U\\+674E"):
            printable(invoice_of("李"), ["invoice_id"])

    def test_spaces_and_line_breaks_are_never_unprintable(self):
        assert unprintable("a\u00a0b\tc\nd\r\ne") == ""


class TestLongText:
    def test_long_descriptions_wrap_and_lose_nothing(self):
        description = " ".join(f"word{n:03d}" for n in range(120))  # far wider than its column
        for rendered in (invoice_of("Pat", description), history_of("Pat", description)):
            flat = " ".join(text_of(rendered.content).split())
            assert description in flat

    def test_a_long_unbroken_run_is_kept_whole(self):
        run = "x" * 400
        flat = "".join(text_of(invoice_of("Pat", run).content).split())
        assert run in flat

    def test_a_long_title_wraps_instead_of_running_off_the_page(self):
        name = "Maximiliana " * 20
        flat = " ".join(text_of(invoice_of(name.strip()).content).split())
        assert name.strip() in flat

    def test_many_rows_run_onto_more_pages_with_the_heading_repeated(self):
        entries = [HistoryRow(LedgerEntry(id=n, kind=LedgerKind.PAYMENT, description=f"Payment {n}", amount_cents=-100,
                                          effective_on=date(2026, 1, 1)), -100 * n) for n in range(1, 121)]
        reader = PdfReader(io.BytesIO(history_pdf(customer("Pat"), entries).content))
        assert len(reader.pages) > 1
        assert all("Balance" in p.extract_text() for p in reader.pages)
        assert "Payment 120" in reader.pages[-1].extract_text()
