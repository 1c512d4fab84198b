"""emailInvoice and emailArHistory: the payload carries the document, its notification and the log entry; the PDF
prints the customer's name in any covered script; a period ending before it starts is refused; the address on file
when the transaction commits is the one used."""

import asyncio
import io

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select, update

from db.engine import make_write_sessionmaker
from db.models import CommLogEntry, Customer, Document, Notification
from tests.api.billing.helpers import gid, pk
from tests.factories.billing import make_invoice
from tests.factories.customers import make_customer

DELIVERY = """document { id kind title sentAt downloadUrl notifications { id } }
  notification { id channel recipient subject status transport lastError document { id } }
  entry { id kind subject body document { id } }
  documentId userErrors { field code message }"""
EMAIL_INVOICE = f"mutation($input: EmailInvoiceInput!) {{ emailInvoice(input: $input) {{ {DELIVERY} }} }}"
EMAIL_HISTORY = f"mutation($input: EmailArHistoryInput!) {{ emailArHistory(input: $input) {{ {DELIVERY} }} }}"
NAMES = ["Nguyễn Thị Minh", "Łukasz Żółkiewski", "Ελένη Παπαδοπούλου", "Дмитрий Шостакович", "Արամ Խաչատրյան"]


async def email_invoice(api, user, invoice) -> dict:
    return (await api.run(EMAIL_INVOICE, {"input": {"invoiceId": gid("Invoice", invoice.id)}}, user=user))[
        "emailInvoice"
    ]


async def email_history(api, user, customer, **window) -> dict:
    variables = {"input": {"customerId": gid("Customer", customer.id), **window}}
    return (await api.run(EMAIL_HISTORY, variables, user=user))["emailArHistory"]


async def written(database, customer_id: int) -> tuple[int, int, int]:
    async with database.sessionmaker() as s:
        async def count(model) -> int:
            stmt = select(func.count()).select_from(model).where(model.customer_id == customer_id)
            return (await s.execute(stmt)).scalar_one()

        return await count(Document), await count(Notification), await count(CommLogEntry)


async def pdf_text(database, document_id: str) -> str:
    async with database.sessionmaker() as s:
        content = (await s.execute(select(Document.content).where(Document.id == pk(document_id)))).scalar_one()
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def assert_delivery(payload: dict, recipient: str) -> None:
    """One document, its one QUEUED email, and the LETTER entry about it, all in the payload: nothing to refetch."""
    document, notification, entry = payload["document"], payload["notification"], payload["entry"]
    assert payload["userErrors"] == []
    assert payload["documentId"] == document["id"]
    assert document["notifications"] == [{"id": notification["id"]}]
    assert document["sentAt"] is None
    assert (notification["channel"], notification["status"], notification["recipient"]) == (
        "EMAIL",
        "QUEUED",
        recipient,
    )
    assert notification["subject"] == document["title"]
    assert notification["document"] == {"id": document["id"]}
    assert entry["kind"] == "LETTER"
    assert entry["document"] == {"id": document["id"]}


class TestEmailInvoice:
    async def test_returns_the_document_its_notification_and_the_entry(self, api, database, session, tenant):
        customer = await make_customer(session, tenant, "Robin Biller", email="robin@mail.example")
        invoice = await make_invoice(session, customer, 12_345)
        await session.commit()
        payload = await email_invoice(api, tenant.agent, invoice)
        assert_delivery(payload, "robin@mail.example")
        assert payload["document"]["title"] == f"Invoice {invoice.number}"
        assert invoice.number in await pdf_text(database, payload["document"]["id"])
        assert await written(database, customer.id) == (1, 1, 1)

    @pytest.mark.parametrize("name", NAMES)
    async def test_the_pdf_prints_the_name_in_its_script(self, api, database, session, tenant, name):
        customer = await make_customer(session, tenant, name)
        invoice = await make_invoice(session, customer)
        await session.commit()
        payload = await email_invoice(api, tenant.agent, invoice)
        assert name in await pdf_text(database, payload["document"]["id"])

    async def test_a_name_the_font_cannot_print_is_refused_and_nothing_is_written(self, api, database, session, tenant):
        customer = await make_customer(session, tenant, "李小龍")
        invoice = await make_invoice(session, customer)
        await session.commit()
        payload = await email_invoice(api, tenant.agent, invoice)
        (error,) = payload["userErrors"]
        assert (error["code"], error["field"]) == ("UNPRINTABLE_CHARACTERS", ["input", "invoiceId"])
        assert "U+674E" in error["message"]
        assert payload["document"] is None
        assert await written(database, customer.id) == (0, 0, 0)

    async def test_no_email_on_file_blames_the_invoice(self, api, database, session, tenant):
        customer = await make_customer(session, tenant, email=None)
        invoice = await make_invoice(session, customer)
        await session.commit()
        (error,) = (await email_invoice(api, tenant.agent, invoice))["userErrors"]
        assert (error["code"], error["field"]) == ("NO_EMAIL_ADDRESS", ["input", "invoiceId"])
        assert await written(database, customer.id) == (0, 0, 0)


class TestEmailArHistory:
    @pytest.mark.parametrize("window", [{}, {"start": "2025-01-01"}, {"end": "2025-01-01"},
                                        {"start": "2025-01-01", "end": "2025-01-01"},
                                        {"start": "2024-01-01", "end": "2025-12-31"}])
    async def test_any_window_that_does_not_end_before_it_starts_is_sent(self, api, database, session, tenant, window):
        customer = await make_customer(session, tenant, "Ελένη Παπαδοπούλου", email="eleni@mail.example")
        await make_invoice(session, customer)
        await session.commit()
        payload = await email_history(api, tenant.agent, customer, **window)
        assert_delivery(payload, "eleni@mail.example")
        assert "Ελένη Παπαδοπούλου" in await pdf_text(database, payload["document"]["id"])

    @pytest.mark.parametrize(("start", "end"), [("2025-02-01", "2025-01-31"), ("2026-01-01", "2025-12-31"),
                                                ("2025-03-01", "2024-03-01")])
    async def test_a_window_ending_before_it_starts_is_refused(self, api, database, session, tenant, start, end):
        customer = await make_customer(session, tenant)
        await session.commit()
        payload = await email_history(api, tenant.agent, customer, start=start, end=end)
        (error,) = payload["userErrors"]
        assert (error["code"], error["field"]) == ("INVALID_BILLING_PERIOD", ["input", "end"])
        assert start in error["message"]
        assert end in error["message"]
        assert payload["document"] is None
        assert await written(database, customer.id) == (0, 0, 0)

    async def test_another_clients_customer_is_not_found(self, api, session, tenant, other_tenant):
        customer = await make_customer(session, tenant)
        await session.commit()
        (error,) = (await email_history(api, other_tenant.agent, customer))["userErrors"]
        assert error["code"] == "NOT_FOUND"


class TestAddressChangedWhileSending:
    """The address is read again, and the customer's row locked, in the sending transaction: a contact change that
    commits while the email is being sent (after its PDF was laid out) decides where it goes."""

    @pytest.mark.parametrize("send", ["invoice", "history"])
    @pytest.mark.parametrize("new_email", ["robin.moved@mail.example", None])
    async def test_the_address_on_file_at_commit_is_used(self, api, database, session, tenant, send, new_email):
        customer = await make_customer(session, tenant, "Robin Mover", email="robin@mail.example")
        invoice = await make_invoice(session, customer)
        await session.commit()
        async with make_write_sessionmaker(database.engine)() as change, change.begin():
            await change.execute(update(Customer).where(Customer.id == customer.id).values(email=new_email))
            sending = asyncio.create_task(email_invoice(api, tenant.agent, invoice) if send == "invoice"
                                          else email_history(api, tenant.agent, customer))
            await asyncio.sleep(0.5)  # it has laid the PDF out, and waits for the row (SQLite: for the write lock)
            assert not sending.done()
        payload = await sending
        if new_email is None:
            (error,) = payload["userErrors"]
            assert (error["code"], error["field"]) == ("NO_EMAIL_ADDRESS", ["input", f"{send}Id" if send == "invoice"
                                                                                   else "customerId"])
            assert await written(database, customer.id) == (0, 0, 0)
        else:
            assert_delivery(payload, new_email)
            assert await written(database, customer.id) == (1, 1, 1)
