"""Letters: a client's Jinja2 template, sandboxed and autoescaped, rendered with customer data into a PDF."""

import functools
import operator
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment, SecurityError
from markupsafe import Markup

from db.models import Customer, Market, RatePlan, RatePlanPrice, Utility, UtilityAccount
from resolvers.commlog.letters.errors import LetterErrorCode
from resolvers.commlog.pdf import PdfLayoutError, html_to_pdf, printable
from resolvers.errors import UserInputError

MAX_OUTPUT_CHARS = 200_000  # a letter is a few pages; more is a runaway loop in a template
MAX_TITLE_CHARS = 200  # documents.title and notifications.subject are VARCHAR(200)
# printf widths (%999999s) and str.format widths ({:>999999}) of a million characters or more
_WIDE_FORMAT = re.compile(r"%[-+ #0]*\d{6,}|%[-+ #0]*\d*\.\d{6,}|\{[^{}]*:[^{}]*\d{6,}[^{}]*\}")
LAYOUT = """<h2>{{ client.name }}</h2>
<p align="right">{{ today }}</p>
<p>{{ customer.name }}{% for line in customer.billing_lines %}<br>{{ line }}{% endfor %}</p>
{{ body }}"""


@dataclass(frozen=True, slots=True)
class RenderedLetter:
    title: str
    pdf: bytes


class LetterRenderFailed(UserInputError):
    def __init__(self, reason: str):
        super().__init__(LetterErrorCode.TEMPLATE_RENDER_FAILED, f"The letter could not be rendered: {reason}")


class LetterSandbox(SandboxedEnvironment):
    """The stock sandbox, plus caps on sizes a template asks for: `'x' * 10**10`, `center(10**10)` or a
    `%999999999s` format would otherwise allocate gigabytes before any output limit could apply."""

    intercepted_binops = frozenset({"*", "**", "%"})

    def __init__(self, **options: Any):
        super().__init__(**options)
        self.filters = {name: _guarded(f) for name, f in self.filters.items()}

    def call_binop(self, context: Any, operator_: str, left: Any, right: Any) -> Any:
        if operator_ == "**" and abs(right) > 64:
            raise SecurityError("exponent too large")
        if operator_ == "*" and _repeats(left, right) * _length(left, right) > MAX_OUTPUT_CHARS:
            raise SecurityError("repetition too large")
        if operator_ == "%" and isinstance(left, str):
            _check_format(left)
        return {"*": operator.mul, "**": operator.pow, "%": operator.mod}[operator_](left, right)

    def call(self, context: Any, obj: Any, /, *args: Any, **kwargs: Any) -> Any:
        if isinstance(getattr(obj, "__self__", None), str):  # "x".ljust(10**10), "x".center(10**10)
            _check_sizes(args, kwargs)
        return super().call(context, obj, *args, **kwargs)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        if getattr(value, "__name__", "") in ("format", "format_map") and isinstance(
            getattr(value, "__self__", None), str
        ):
            _check_format(value.__self__)  # "{:>999999999}".format(...)
        return super().wrap_str_format(value)


def _guarded(template_filter: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(template_filter)  # keeps Jinja's pass_context / pass_environment markers
    def checked(*args: Any, **kwargs: Any) -> Any:
        if template_filter.__name__ != "do_format":
            _check_sizes(args[1:], kwargs)  # widths and counts: center(10**10), indent(10**10)
        elif isinstance(args[0], str):
            _check_format(args[0])  # "%999999999s"|format(x); the values formatted may be any size
        return template_filter(*args, **kwargs)

    return checked


def _check_sizes(args: Sequence[Any], kwargs: dict[str, Any]) -> None:
    for value in (*args, *kwargs.values()):
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_OUTPUT_CHARS:
            raise SecurityError("argument too large")


def _check_format(text: str) -> None:
    if _WIDE_FORMAT.search(text):
        raise SecurityError("format width too large")


def _repeats(left: Any, right: Any) -> int:
    counts = [v for v in (left, right) if isinstance(v, int)]
    return abs(counts[0]) if counts else 0


def _length(left: Any, right: Any) -> int:
    return max((len(v) for v in (left, right) if isinstance(v, (str, list, tuple))), default=0)


_HTML = LetterSandbox(autoescape=True, undefined=StrictUndefined)
_TEXT = LetterSandbox(autoescape=False, undefined=StrictUndefined)  # subjects are plain text, never HTML


def render_letter(subject: str, body_html: str, data: dict[str, Any]) -> RenderedLetter:
    """The letter's title and PDF; any template or layout failure is the template's, a user error."""
    title = " ".join(_render(_TEXT, subject, data).split())[:MAX_TITLE_CHARS]
    if not title:
        raise LetterRenderFailed("the subject is blank.")
    body = Markup(_render(_HTML, body_html, data))  # autoescaped already: safe to place in the layout
    html = _render(_HTML, LAYOUT, {**data, "body": body})
    try:
        rendered = html_to_pdf(html, title, data["client"]["name"])
    except PdfLayoutError as error:
        raise LetterRenderFailed(f"the HTML could not be laid out ({error}).") from None
    return RenderedLetter(title=title, pdf=printable(rendered))  # a letter is always for the customer


def _render(env: SandboxedEnvironment, source: str, data: dict[str, Any]) -> str:
    # A template is code a client admin wrote: whatever it raises is its fault, never ours.
    try:
        chunks, size = [], 0
        for chunk in env.from_string(source).generate(**data):
            size += len(chunk)
            if size > MAX_OUTPUT_CHARS:
                raise LetterRenderFailed(f"it is longer than {MAX_OUTPUT_CHARS} characters.")
            chunks.append(chunk)
        return "".join(chunks)
    except SecurityError as error:
        raise LetterRenderFailed(f"the template tried something not allowed ({str(error).rstrip('.')}).") from None
    except TemplateError as error:
        hint = " (the customer has no utility account)" if "account" not in data and "'account'" in str(error) else ""
        raise LetterRenderFailed(f"{error}{hint}.") from None
    except (ArithmeticError, LookupError, TypeError, ValueError, RecursionError) as error:
        raise LetterRenderFailed(f"{type(error).__name__}: {error}.") from None


# ---- the data a template sees ---------------------------------------------------------------

def letter_data(customer: Customer, account: dict[str, Any] | None, client_name: str, today: date) -> dict[str, Any]:
    """What a template can use: `customer`, `account` (absent when the customer has none), `client`, `today`."""
    data: dict[str, Any] = {
        "customer": customer_data(customer),
        "client": {"name": client_name},
        "today": long_date(today),
    }
    if account is not None:
        data["account"] = account
    return data


def customer_data(c: Customer) -> dict[str, Any]:
    lines = billing_lines(c)
    return {"name": c.name, "number": c.number, "email": c.email or "", "phone": c.phone or "",
            "billing_address": ", ".join(lines), "billing_lines": lines}


def billing_lines(c: Customer) -> list[str]:
    """The billing address as printed on an envelope; empty parts are left out."""
    city = " ".join(p for p in (f"{c.billing_city}," if c.billing_city else None, c.billing_state, c.billing_zip) if p)
    return [p for p in (c.billing_line1, c.billing_line2, city.rstrip(",")) if p]


def account_data(a: UtilityAccount, utility: Utility, market: Market, plan: RatePlan | None,
                 price: RatePlanPrice | None) -> dict[str, Any]:
    """The account's fields for a letter; `price` is the plan's price in force on the letter's day."""
    service = ", ".join(p for p in (a.service_line1, a.service_line2, a.service_city) if p)
    return {
        "ldc_number": a.ldc_account_number, "utility": utility.name, "market": market.name, "status": a.status.value,
        "service_address": f"{service}, {a.service_state} {a.service_zip}",
        "plan_name": plan.name if plan else "", "plan_code": plan.code if plan else "",
        "rate": rate_text(price.energy_rate_millicents) if price else "",
        "monthly_fee": dollars(price.monthly_fee_cents) if price else "",
        "term_months": a.contract_term_months or (plan.term_months if plan else None) or "",
        "start_date": long_date(a.start_date), "end_date": long_date(a.end_date),
    }


def rate_text(millicents: int) -> str:
    """Thousandths of a cent per kWh as customers read it: 11500 -> '11.5¢ per kWh'."""
    cents = f"{Decimal(millicents).scaleb(-3):.3f}".rstrip("0").rstrip(".")
    return f"{cents}¢ per kWh"


def dollars(cents: int) -> str:
    return f"${cents // 100:,}.{cents % 100:02d}"


def long_date(day: date | None) -> str:
    return f"{day:%B} {day.day}, {day.year}" if day else ""


def attachment_name(title: str) -> str:
    """A file name safe in any mail client or file system, from the document's title."""
    cleaned = re.sub(r"[^\w .,()-]+", "", title, flags=re.UNICODE).strip(" .") or "letter"
    return f"{cleaned[:100]}.pdf"
