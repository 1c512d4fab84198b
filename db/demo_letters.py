"""Default letter templates, one per kind, in every demo client (Jinja2 + the HTML fpdf2 lays out).

Templates see `customer`, `account`, `client` and `today`; see the LetterTemplate type's description.
"""

from typing import Any

from sqlalchemy import insert, select

from db.enums import LetterKind
from db.models import LetterTemplate

_SERVICE = """<ul>
<li><b>Service address:</b> {{ account.service_address }}</li>
<li><b>Utility:</b> {{ account.utility }}, account number {{ account.ldc_number }}</li>
{% if account.plan_name %}<li><b>Plan:</b> {{ account.plan_name }} at {{ account.rate }}</li>{% endif %}
</ul>"""
_SIGNATURE = """<p>Questions? Reply to this email or call our customer service team, Monday to Friday, 8 a.m. to 6 p.m.
Please have your customer number, <b>{{ customer.number }}</b>, at hand.</p>
<p>Sincerely,<br>Customer Care<br>{{ client.name }}</p>"""

TEMPLATES: list[dict[str, Any]] = [
    {
        "code": "WELCOME_KIT", "kind": LetterKind.WELCOME_KIT, "name": "Welcome kit",
        "subject": "Welcome to {{ client.name }}",
        "body_html": """<h1>Welcome to {{ client.name }}</h1>
<p>Dear {{ customer.name }},</p>
<p>Thank you for choosing {{ client.name }} as your electricity supplier. We have sent your enrollment to
{{ account.utility }}, your local utility. The utility still delivers your power, reads your meter and answers
outage calls; we supply the energy and set your price.</p>
<h3>Your service</h3>
""" + _SERVICE + """
<h3>What happens next</h3>
<ul>
<li>Service with us starts on {{ account.start_date or "your next meter read date" }}.</li>
<li>Your first bill with our charges arrives after your first full billing cycle.</li>
<li>You may cancel within three business days of receiving this letter at no cost.</li>
</ul>
""" + _SIGNATURE,
    },
    {
        "code": "CONTRACT", "kind": LetterKind.CONTRACT, "name": "Contract summary",
        "subject": "Your electricity supply agreement, account {{ account.ldc_number }}",
        "body_html": """<h1>Your electricity supply agreement</h1>
<p>Dear {{ customer.name }},</p>
<p>This letter confirms the terms of your agreement with {{ client.name }}. Please keep it for your records.</p>
""" + _SERVICE + """
<h3>Terms</h3>
<ul>
<li><b>Term:</b> {{ account.term_months or "month to month" }}{% if account.term_months %} months{% endif %}</li>
<li><b>Start date:</b> {{ account.start_date }}</li>
{% if account.end_date %}<li><b>End date:</b> {{ account.end_date }}</li>{% endif %}
{% if account.monthly_fee %}<li><b>Monthly service fee:</b> {{ account.monthly_fee }}</li>{% endif %}
</ul>
<p>Your price covers the energy we supply. Delivery charges from {{ account.utility }} appear on your bill and are
set by the utility. We will write to you at least 30 days before your agreement ends.</p>
""" + _SIGNATURE,
    },
    {
        "code": "RENEWAL_LETTER", "kind": LetterKind.RENEWAL_LETTER, "name": "Renewal notice",
        "subject": "Your agreement ends on {{ account.end_date }}: your renewal options",
        "body_html": """<h1>Time to renew</h1>
<p>Dear {{ customer.name }},</p>
<p>Your current agreement for {{ account.service_address }} ends on <b>{{ account.end_date }}</b>.</p>
<h3>Your options</h3>
<ul>
<li><b>Renew:</b> call us or reply to this email before the end date to lock in a new fixed price.</li>
<li><b>Do nothing:</b> your service continues on our month-to-month variable plan, whose price can change
each billing cycle.</li>
<li><b>Leave:</b> you may choose another supplier or return to {{ account.utility }}; there is no fee to leave
at the end of your term.</li>
</ul>
""" + _SIGNATURE,
    },
    {
        "code": "RATE_CHANGE", "kind": LetterKind.RATE_CHANGE, "name": "Rate change notice",
        "subject": "A new price for your {{ account.plan_name or 'variable' }} plan",
        "body_html": """<h1>Notice of a price change</h1>
<p>Dear {{ customer.name }},</p>
<p>Your plan's price follows the wholesale energy market. Starting with your next billing cycle, the energy
price for {{ account.service_address }} is <b>{{ account.rate }}</b>.</p>
<p>Nothing else about your service changes. You may switch to one of our fixed-price plans at any time, or leave
without a fee.</p>
""" + _SIGNATURE,
    },
    {
        "code": "GENERAL", "kind": LetterKind.GENERAL, "name": "General letter",
        "subject": "A message about your {{ client.name }} account",
        "body_html": """<p>Dear {{ customer.name }},</p>
<p>We are writing about your account, customer number <b>{{ customer.number }}</b>
{%- if account is defined %}, for the service at {{ account.service_address }}{% endif %}.</p>
<p>As we discussed, our customer service team has reviewed your request. If anything in this letter does not match
your records, please contact us so we can correct it.</p>
""" + _SIGNATURE,
    },
]


def letter_template_rows(client_id: int) -> list[dict[str, Any]]:
    """The default templates as rows for `insert(LetterTemplate)`."""
    return [{**template, "client_id": client_id, "active": True} for template in TEMPLATES]


async def seed_letter_templates(conn: Any, client_id: int) -> None:
    """Add the default templates a client does not have yet (by code); safe to run again."""
    known = set(
        (await conn.execute(select(LetterTemplate.code).where(LetterTemplate.client_id == client_id))).scalars()
    )
    rows = [row for row in letter_template_rows(client_id) if row["code"] not in known]
    if rows:
        await conn.execute(insert(LetterTemplate), rows)
