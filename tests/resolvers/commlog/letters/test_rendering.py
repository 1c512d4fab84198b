"""Letter rendering: sandboxed, autoescaped Jinja2 into a real PDF; a bad template is a user error."""

import io
from datetime import date

import pytest
from pypdf import PdfReader

from db.demo_letters import TEMPLATES
from db.enums import EnrollmentStatus
from db.models import Customer, Market, RatePlan, RatePlanPrice, Utility, UtilityAccount
from resolvers.commlog.letters import rendering
from resolvers.commlog.letters.rendering import (
    LetterRenderFailed,
    account_data,
    letter_data,
    render_letter,
)


def customer(name: str = "Pat Doe") -> Customer:
    return Customer(name=name, number="100000042", email="pat@mail.example", billing_line1="1 Billing Rd",
                    billing_line2=None, billing_city="Dallas", billing_state="TX", billing_zip="75201")


def account() -> dict:
    row = UtilityAccount(ldc_account_number="10443720000000042", status=EnrollmentStatus.ACTIVE,
                         service_line1="100 Main St", service_line2="Unit 2", service_city="Dallas",
                         service_state="TX", service_zip="75201", start_date=date(2025, 1, 1),
                         end_date=date(2026, 12, 31), contract_term_months=12)
    plan = RatePlan(name="Fixed 12", code="FIX12", term_months=12)
    price = RatePlanPrice(energy_rate_millicents=11_500, monthly_fee_cents=495)
    return account_data(row, Utility(name="Example Delivery Co"), Market(name="Texas"), plan, price)


def data(name: str = "Pat Doe", with_account: bool = True) -> dict:
    return letter_data(customer(name), account() if with_account else None, "Lumen Energy", date(2026, 11, 23))


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


class TestDemoTemplates:
    @pytest.mark.parametrize("template", TEMPLATES, ids=[t["code"] for t in TEMPLATES])
    def test_each_renders_a_pdf_with_the_customer_and_account(self, template):
        # when
        letter = render_letter(template["subject"], template["body_html"], data())
        # then
        assert letter.pdf.startswith(b"%PDF")
        assert letter.title
        text = text_of(letter.pdf)
        assert "Pat Doe" in text
        assert "Lumen Energy" in text
        assert "November 23, 2026" in text
        assert "1 Billing Rd" in text
        assert "Dallas, TX 75201" in text

    def test_account_fields_reach_the_letter(self):
        contract = next(t for t in TEMPLATES if t["code"] == "CONTRACT")
        letter = render_letter(contract["subject"], contract["body_html"], data())
        text = text_of(letter.pdf)
        assert letter.title == "Your electricity supply agreement, account 10443720000000042"
        for expected in ("100 Main St, Unit 2, Dallas, TX 75201", "Example Delivery Co", "11.5¢ per kWh",
                         "January 1, 2025", "December 31, 2026", "$4.95", "12 months"):
            assert expected in text, expected

    def test_general_letter_needs_no_account(self):
        general = next(t for t in TEMPLATES if t["code"] == "GENERAL")
        letter = render_letter(general["subject"], general["body_html"], data(with_account=False))
        assert "100000042" in text_of(letter.pdf)


class TestSafety:
    def test_customer_data_is_escaped_so_markup_shows_as_text(self):
        # given a customer whose name is markup
        name = "<script>alert(1)</script> <b>Bold</b>"
        # when
        letter = render_letter("Hello {{ customer.name }}", "<p>Dear {{ customer.name }},</p>", data(name))
        # then the tags are printed, not interpreted
        assert text_of(letter.pdf).count("<script>alert(1)</script> <b>Bold</b>") == 2  # address block + body

    @pytest.mark.parametrize("source", [
        "{{ ''.__class__.__mro__ }}",
        "{{ customer.name.__class__.__base__.__subclasses__() }}",
        "{{ cycler.__init__.__globals__ }}",
        "{{ 'x' * 1000000000 }}",
        "{{ 2 ** 100000 }}",
    ])
    def test_sandbox_violations_are_user_errors(self, source):
        with pytest.raises(LetterRenderFailed) as caught:
            render_letter("Subject", source, data())
        assert caught.value.code == "TEMPLATE_RENDER_FAILED"

    @pytest.mark.parametrize("source", [
        "{{ 'x'|center(10**7) }}", "{{ 'x'|indent(10**7) }}", "{{ 'x'.ljust(10**7) }}",
        "{{ '%9999999s'|format('x') }}", "{{ '%9999999s' % 'x' }}", "{{ '%.9999999f' % 1 }}",
        "{{ '{:>9999999}'.format('x') }}",
    ])
    def test_huge_sizes_are_refused_before_anything_is_allocated(self, source):
        with pytest.raises(LetterRenderFailed, match="too large"):
            render_letter("Subject", source, data())

    def test_ordinary_operators_filters_and_formats_still_work(self):
        source = ("<p>{{ 7 % 3 }} {{ '%05d'|format(42) }} {{ '%s-%s' % ('a', 'b') }} {{ '{:>3}|'.format('x') }} "
                  "{{ '{:,}'.format(1234567) }} {{ '%d'|format(7654321) }} {{ 9876543|string }}</p>")
        assert "1 00042 a-b x| 1,234,567 7654321 9876543" in text_of(render_letter("Subject", source, data()).pdf)

    def test_undefined_variable_is_a_user_error_naming_it(self):
        with pytest.raises(LetterRenderFailed, match="'balance' is undefined"):
            render_letter("Subject", "<p>{{ balance }}</p>", data())

    def test_missing_account_says_why(self):
        with pytest.raises(LetterRenderFailed, match="no utility account"):
            render_letter("Subject", "<p>{{ account.ldc_number }}</p>", data(with_account=False))

    def test_undefined_variable_in_the_subject_is_a_user_error(self):
        with pytest.raises(LetterRenderFailed):
            render_letter("{{ nope }}", "<p>Hi</p>", data())

    @pytest.mark.parametrize("source", ["{% if %}", "{{ 1 / 0 }}", "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}"])
    def test_broken_templates_are_user_errors(self, source):
        with pytest.raises(LetterRenderFailed):
            render_letter("Subject", source, data())

    @pytest.mark.parametrize("source", ['<img src="/etc/passwd">', '<img src="http://127.0.0.1/x.png">'])
    def test_images_are_refused_so_nothing_is_read_or_fetched(self, source):
        with pytest.raises(LetterRenderFailed, match="images"):
            render_letter("Subject", source, data())

    def test_runaway_output_is_refused(self):
        with pytest.raises(LetterRenderFailed, match="longer than"):
            render_letter("Subject", "{% for i in range(99999) %}<p>line {{ i }}</p>{% endfor %}", data())

    def test_blank_subject_is_refused_and_newlines_are_collapsed(self):
        with pytest.raises(LetterRenderFailed, match="blank"):
            render_letter("  {{ '' }} ", "<p>Hi</p>", data())
        assert render_letter("Line one\nLine\r\ntwo", "<p>Hi</p>", data()).title == "Line one Line two"


class TestFormatting:
    def test_values_read_as_customers_expect(self):
        assert rendering.rate_text(11_500) == "11.5¢ per kWh"
        assert rendering.rate_text(12_000) == "12¢ per kWh"
        assert rendering.rate_text(9_875) == "9.875¢ per kWh"
        assert rendering.dollars(123_456) == "$1,234.56"
        assert rendering.dollars(5) == "$0.05"
        assert rendering.long_date(date(2026, 3, 7)) == "March 7, 2026"
        assert rendering.long_date(None) == ""

    def test_billing_lines_leave_out_empty_parts(self):
        assert rendering.billing_lines(customer()) == ["1 Billing Rd", "Dallas, TX 75201"]
        partial = Customer(name="X", billing_line1="1 Rd", billing_state="TX")
        assert rendering.billing_lines(partial) == ["1 Rd", "TX"]

    def test_attachment_names_are_safe_everywhere(self):
        assert rendering.attachment_name("Welcome / kit: <2026>") == "Welcome  kit 2026.pdf"
        assert rendering.attachment_name("...") == "letter.pdf"
        assert rendering.attachment_name("Café contract") == "Café contract.pdf"
