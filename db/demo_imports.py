"""Customer import files of any size, made up like the demo data: for the benchmark, the tests and trying it out.

A customer has one utility account (six in ten), two (three in ten) or three, so a million rows hold about
670,000 customers. LDC numbers come from `number_for(utility code, serial)`, which the caller makes from the
utilities' rules.
"""

import csv
import io
from collections.abc import Callable, Iterator

from db.demo import FIRST, LAST, STREETS, SUFFIX

HEADER = ("customer_number,name,kind,email,phone,billing_line1,billing_line2,billing_city,billing_state,billing_zip,"
          "language,ldc_account_number,utility,rate_plan,status,start_date,end_date,contract_term_months,service_line1,"
          "service_line2,service_city,service_state,service_zip,meter_number")
UTILITIES = (
    ("ONCOR", "TX", "Dallas", "752"),
    ("CENTERPOINT", "TX", "Houston", "770"),
    ("PECO", "PA", "Philadelphia", "191"),
    ("PPL", "PA", "Allentown", "181"),
    ("AEPOH", "OH", "Columbus", "432"),
    ("COMED", "IL", "Chicago", "606"),
)
STATUSES = ("ACTIVE",) * 7 + ("PENDING", "DROPPED", "PENDING_DROP")


def accounts_of(customer: int) -> int:
    return 1 if customer % 10 < 6 else 2 if customer % 10 < 9 else 3


def customer_rows(rows: int, number_for: Callable[[str, int], str], *, first_customer: int = 0,
                  prefix: str = "IMP") -> Iterator[list[str]]:
    """`rows` rows (utility accounts) of customers numbered from `first_customer`, in customer order."""
    made, customer = 0, first_customer
    while made < rows:
        name = f"{FIRST[customer % len(FIRST)]} {LAST[customer // len(FIRST) % len(LAST)]}"
        utility, state, city, zip3 = UTILITIES[customer % len(UTILITIES)]
        street = f"{customer % 9000 + 1} {STREETS[customer % len(STREETS)]} {SUFFIX[customer % len(SUFFIX)]}"
        email = f"c{customer}@mail.example"
        phone = f"+1215555{customer % 10000:04d}"
        zip_ = f"{zip3}{customer % 100:02d}"
        for n in range(min(accounts_of(customer), rows - made)):
            serial = customer * 3 + n
            status = STATUSES[serial % len(STATUSES)]
            start = f"20{22 + serial % 4}-{serial % 12 + 1:02d}-01"
            end = f"20{24 + serial % 4}-{serial % 12 + 1:02d}-01" if status != "PENDING" else ""
            service = street if n == 0 else f"{serial % 9000 + 1} {STREETS[serial % len(STREETS)]} Ave"
            yield [f"{prefix}{customer:08d}", name, "RESIDENTIAL" if customer % 4 else "COMMERCIAL", email, phone,
                   street, "", city, state, zip_, "es" if customer % 10 == 7 else "en", number_for(utility, serial),
                   utility, "", status, start, end, "12" if serial % 2 else "", service, "", city, state, zip_,
                   f"M{serial:09d}"]
            made += 1
        customer += 1


def customer_file(rows: int, number_for: Callable[[str, int], str], **options: object) -> bytes:
    """A whole file of `rows` rows, header included (for tests; the benchmark streams to disk instead)."""
    buffer = io.StringIO()
    buffer.write(HEADER + "\n")
    csv.writer(buffer, lineterminator="\n").writerows(customer_rows(rows, number_for, **options))  # type: ignore[arg-type]
    return buffer.getvalue().encode()
