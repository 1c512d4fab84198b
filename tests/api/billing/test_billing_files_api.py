"""Invoice and AR history downloads (PDF, CSV) and emailing them, with tenancy."""

import io
from datetime import date

from pypdf import PdfReader
from sqlalchemy import select

from db.enums import NotificationStatus
from db.models import CommLogEntry, Notification
from tests.api.billing.helpers import gid, pk, post
from tests.conftest import token_for
from tests.factories.billing import make_invoice
from tests.factories.customers import make_customer

EMAIL_INVOICE = (
    """mutation($input: EmailInvoiceInput!) { emailInvoice(input: $input) { document { id } userErrors { code } } }"""
)
EMAIL_HISTORY = """mutation($input: EmailArHistoryInput!) { emailArHistory(input: $input) { document { id }
  userErrors { code } } }"""


async def get(api, path, user):
    return await api.client.get(path, headers={"authorization": f"Bearer {token_for(user)}"})


async def test_downloads_and_email(api, database, session, tenant, other_tenant):
    customer = await make_customer(session, tenant)
    invoice = await make_invoice(session, customer, 12_345, due_on=date(2025, 1, 1))
    await session.commit()
    await post(api, tenant.agent, customer, "20.00")
    pdf = await get(api, f"/files/invoices/{invoice.id}.pdf", tenant.agent)
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert invoice.number in PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    csv = await get(api, f"/files/ar-history/{customer.id}.csv", tenant.agent)
    assert csv.status_code == 200
    assert csv.text.splitlines()[-1].endswith(",-20.00,103.45")
    history_pdf = await get(api, f"/files/ar-history/{customer.id}.pdf?start=2024-01-01", tenant.agent)
    assert history_pdf.status_code == 200
    assert history_pdf.content.startswith(b"%PDF")
    assert (await get(api, f"/files/invoices/{invoice.id}.pdf", other_tenant.agent)).status_code == 404
    assert (await get(api, f"/files/ar-history/{customer.id}.csv", other_tenant.agent)).status_code == 404
    sent = (await api.run(EMAIL_INVOICE, {"input": {"invoiceId": gid("Invoice", invoice.id)}}, user=tenant.agent))[
        "emailInvoice"
    ]
    assert sent["userErrors"] == []
    history = (await api.run(EMAIL_HISTORY, {"input": {"customerId": gid("Customer", customer.id)}}, user=tenant.agent))
    assert history["emailArHistory"]["userErrors"] == []
    async with database.sessionmaker() as s:
        notes = (await s.execute(select(Notification).where(Notification.customer_id == customer.id))).scalars().all()
        entries = (await s.execute(select(CommLogEntry).where(CommLogEntry.customer_id == customer.id))).scalars().all()
    assert [n.status for n in notes] == [NotificationStatus.QUEUED] * 2
    assert len(entries) == 2
    assert notes[0].document_id == pk(sent["document"]["id"])
    other = await api.run(EMAIL_INVOICE, {"input": {"invoiceId": gid("Invoice", invoice.id)}}, user=other_tenant.agent)
    assert other["emailInvoice"]["userErrors"][0]["code"] == "NOT_FOUND"
