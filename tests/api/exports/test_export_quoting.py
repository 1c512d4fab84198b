"""RFC 4180 quoting of what customers' names and addresses may hold, on every export that writes names."""

import pytest

from tests.api.exports.helpers import download, rows_of
from tests.factories.accounts import make_account
from tests.factories.billing import make_invoice
from tests.factories.customers import make_customer

NAMES = [
    # (name as stored, the cell a CSV reader gets back)
    ("Smith, John", "Smith, John"),
    ('Pat "PJ" Doe', 'Pat "PJ" Doe'),
    ('"', '"'),
    ("Line one\nline two", "Line one\nline two"),
    ("Windows\r\nbreak", "Windows\r\nbreak"),
    ("Lone\rreturn", "Lone\rreturn"),
    ('All, of "it"\ntogether', 'All, of "it"\ntogether'),
    ("  spaced  ", "  spaced  "),
    ("Tab\tinside", "Tab\tinside"),
    ("Zoë Ångström-Ñúñez", "Zoë Ångström-Ñúñez"),
    ("李小龍", "李小龍"),
    ("محمد عبد الله", "محمد عبد الله"),
    ("Дмитрий Иванов", "Дмитрий Иванов"),
    ("ज्योति 🙂 Ōkubo", "ज्योति 🙂 Ōkubo"),
    # text a spreadsheet would run as a formula is defused with an apostrophe; plain numbers are not
    ('=HYPERLINK("http://x.example","click")', '\'=HYPERLINK("http://x.example","click")'),
    ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("-2+3", "'-2+3"),
    ("-42", "-42"),
]


@pytest.mark.parametrize("name, cell", NAMES, ids=[repr(n)[1:-1][:24] for n, _ in NAMES])
async def test_names_come_back_exactly_from_customers_and_aging(api, session, tenant, name, cell):
    # given a customer with that name, an address line holding it too, an account and an open invoice
    customer = await make_customer(session, tenant, name, billing=(name, None, "Dallas", "TX", "75201"))
    await make_account(session, customer, line1=name)
    await make_invoice(session, customer, 1_234)
    await session.commit()
    for export, columns in (("customers.csv", ("name", "billing_line1")), ("aging.csv", ("customer_name",)),
                            ("utility-accounts.csv", ("service_line1",))):
        # when exported
        response = await download(api, export, tenant.lead, "?asOf=2025-06-01" if export == "aging.csv" else "")
        header, row = rows_of(response)
        # then a CSV reader gets the text back, each record on one CRLF-ended line, quotes doubled in a quoted cell
        assert [row[header.index(c)] for c in columns] == [cell] * len(columns), export
        assert response.text.endswith("\r\n")
        assert response.text.count('"') % 2 == 0
        if any(ch in name for ch in ',"\r\n'):
            assert '"' + cell.replace('"', '""') + '"' in response.text
