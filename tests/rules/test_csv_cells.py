"""safe_text (CSV injection), csv_text (RFC 4180) and safe_csv_text (the same, checked once per batch)."""

import csv
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from resolvers.rules.csv_cells import csv_text, safe_csv_text, safe_text


@pytest.mark.parametrize("text, cell", [
    ("Pat Doe", "Pat Doe"), ("", ""), (None, ""), (42, "42"),
    ("=1+1", "'=1+1"), ('=HYPERLINK("x")', '\'=HYPERLINK("x")'), ("@SUM(A1)", "'@SUM(A1)"),
    ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"), ("-2+3+cmd|x", "'-2+3+cmd|x"), ("\tindent", "'\tindent"),
    ("\rreturn", "'\rreturn"), ("-", "'-"), ("+", "'+"), ("- dash", "'- dash"),
    # plain numbers stay numbers: amounts, phone numbers, versions
    ("-20.00", "-20.00"), ("+12155550123", "+12155550123"), ("20", "20"), ("+1.2.3", "+1.2.3"),
    # only the first character matters
    ("a=b", "a=b"), (" =x", " =x"), ("'=x", "'=x"),
])
def test_safe_text(text, cell):
    assert safe_text(text) == cell


def test_csv_text_is_rfc_4180():
    rows = [["a,b", 'say "hi"', "line\nbreak", "cr\r\nlf", None, "plain", 7]]
    assert csv_text(rows) == '"a,b","say ""hi""","line\nbreak","cr\r\nlf",,plain,7\r\n'


# Text that exercises the writer and the screen: formula starts, digits, dots, delimiters, quotes, line breaks.
cells = st.one_of(st.none(), st.text(alphabet=st.sampled_from('=+-@\t\r\n",.0123456789 aZé李'), max_size=8),
                  st.text(max_size=6))
rows = st.lists(st.lists(cells, min_size=1, max_size=5), min_size=1, max_size=6)


@pytest.mark.parametrize("table", [[["-0,0"]], [["a", '+1"x']], [["-5"], ["+1.2", "-"]], [["x,=y"]], [["=a\nb"]]])
def test_safe_csv_text_examples(table):
    assert safe_csv_text(table) == csv_text([[safe_text(cell) for cell in row] for row in table])


@settings(max_examples=2_000)
@given(rows)
def test_safe_csv_text_is_every_cell_through_safe_text(table):
    assert safe_csv_text(table) == csv_text([[safe_text(cell) for cell in row] for row in table])


@given(rows)
def test_csv_text_reads_back_as_written(table):
    read = list(csv.reader(io.StringIO(csv_text(table), newline="")))
    assert read == [["" if cell is None else cell for cell in row] for row in table]
