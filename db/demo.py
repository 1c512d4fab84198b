"""Deterministic demo and benchmark data: three clients, reference data, customers at any scale.

Rows are generated in chunks and written with the driver's own executemany (`db.bulk`, never the unit of
work), with explicit primary keys so children can be generated without reading ids back.
"""

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from db.bulk import copy_dicts
from db.demo_accounts import add_account_history
from db.demo_letters import seed_letter_templates
from db.demo_settings import seed_demo_settings
from db.demo_tickets import seed_demo_tickets
from db.enums import (
    CommLogKind,
    CustomerKind,
    EnrollmentStatus,
    NoteFindingMode,
    RatePlanKind,
    Role,
)
from db.ldc_rules import missing_rule_inserts
from db.models import (
    Client,
    CommLogEntry,
    Customer,
    CustomerNameToken,
    DeliveryRate,
    Disposition,
    Enrollment,
    EnrollmentStatusChange,
    Market,
    MarketTransaction,
    RatePlan,
    RatePlanPrice,
    TaxRate,
    UsagePeriod,
    User,
    Utility,
    UtilityAccount,
)
from db.search_keys import address_key, name_key, name_token_columns

CLIENTS = [("lumen", "Lumen Energy"), ("keystone", "Keystone Power"), ("prairie", "Prairie Electric")]
# Keystone refuses notes with notes-policy findings; the others only warn.
NOTE_POLICY = {"keystone": NoteFindingMode.BLOCK}
DISPOSITIONS = [("BILLING", "Billing inquiry"), ("PAYMENT", "Payment"), ("MOVE", "Move in / move out"),
                ("CANCEL", "Cancellation"), ("ENROLL", "Enrollment"), ("CONTACT", "Contact information update"),
                ("RATE", "Rate or plan question"), ("COMPLAINT", "Complaint"), ("OTHER", "Other")]
SAMPLE_NOTES = [
    ("BILLING", "High bill", "Customer asked why the last bill was higher than usual.",
     "Explained the usage increase in July; no adjustment due."),
    ("PAYMENT", "Payment arrangement", "Customer asked to split the past-due balance.",
     "Set up a 3-month arrangement; customer will pay the first installment on the 15th."),
    ("CONTACT", "Email change", "Customer asked to update the email on file.",
     "Changed email; confirmation sent to the new address."),
    ("RATE", "Renewal options", "Customer asked about renewal offers before the contract ends.",
     "Reviewed the 12- and 24-month fixed offers; customer will call back."),
]
CRITICAL_NOTES = ["Customer only speaks Spanish.", "Medical certificate on file: do not disconnect.",
                  "Account holder is deaf: use email or relay service."]
ROLES = [("agent", Role.AGENT), ("lead", Role.TEAM_LEAD), ("admin", Role.ADMIN)]
MARKETS = {
    "TX": ("Texas", [("ONCOR", "Oncor Electric Delivery"), ("CENTERPOINT", "CenterPoint Energy Houston Electric"),
                     ("AEPTCC", "AEP Texas Central")], ["Dallas", "Houston", "Austin", "Fort Worth", "Corpus Christi"]),
    "PA": ("Pennsylvania", [("PECO", "PECO Energy"), ("PPL", "PPL Electric Utilities")],
           ["Philadelphia", "Allentown", "Harrisburg", "Scranton"]),
    "OH": ("Ohio", [("AEPOH", "AEP Ohio"), ("DUKEOH", "Duke Energy Ohio")], ["Columbus", "Cincinnati", "Dayton"]),
    "IL": ("Illinois", [("COMED", "Commonwealth Edison"), ("AMERENIL", "Ameren Illinois")],
           ["Chicago", "Naperville", "Peoria", "Springfield"]),
    "NY": ("New York", [("CONED", "Consolidated Edison"), ("NGRID", "National Grid NY")],
           ["New York", "Buffalo", "Albany", "Syracuse"]),
    "MD": ("Maryland", [("BGE", "Baltimore Gas and Electric"), ("PEPCO", "Potomac Electric Power")],
           ["Baltimore", "Silver Spring", "Annapolis"]),
}
FIRST = ["James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David", "Elizabeth",
         "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Carlos", "Maria",
         "José", "Lucía", "Wei", "Mei", "Aisha", "Omar", "Priya", "Arjun", "Olga", "Dmitri", "Chloé", "Noah"]
LAST = ["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
        "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin",
        "Lee", "Pérez", "Thompson", "White", "Harris", "Sánchez", "Clark", "Ramirez", "Lewis", "Robinson",
        "Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores", "Erickson"]
COMPANY = ["Acme", "Summit", "Harbor", "Pioneer", "Granite", "Cedar", "Riverside", "Lakeshore", "Keystone",
           "Liberty", "Heritage", "Frontier", "Golden", "Evergreen", "Maple", "Northstar", "Bluebird", "Ironwood"]
COMPANY_KIND = ["Bakery", "Dental Group", "Logistics", "Hardware", "Property Management", "Foods", "Auto Repair",
                "Medical Center", "Storage", "Printing", "Fitness", "Dry Cleaners", "Holdings", "Market"]
STREETS = ["Maple", "Oak", "Pine", "Cedar", "Elm", "Washington", "Lake", "Hill", "Main", "Park", "Walnut",
           "Sunset", "Lincoln", "Jackson", "Highland", "Meadow", "Forest", "River", "Church", "Willow", "Spring"]
SUFFIX = ["St", "Ave", "Rd", "Blvd", "Ln", "Dr", "Ct", "Way"]
STATUS_WEIGHTS = {
    EnrollmentStatus.ACTIVE: 60, EnrollmentStatus.PENDING: 8, EnrollmentStatus.PENDING_DROP: 5,
    EnrollmentStatus.DROP_ACCEPTED: 5, EnrollmentStatus.DROPPED: 14, EnrollmentStatus.INACTIVE: 8,
}
TODAY = date(2026, 11, 1)  # demo data is generated relative to a fixed day: same seed, same rows
CHUNK = 5_000
DEMO_CUSTOMERS = 300  # what `csrgraph serve` loads into an empty database


@dataclass
class Ids:
    """Next primary key per table, so generated children can reference generated parents."""

    next: dict[str, int] = field(default_factory=dict)

    def take(self, table: str) -> int:
        self.next[table] += 1
        return self.next[table] - 1


@dataclass
class Reference:
    markets: dict[str, int]
    utilities: dict[str, list[tuple[int, str]]]  # market code -> [(utility id, code)]
    plans: dict[tuple[int, str], list[int]]  # (client id, market code) -> plan ids


@dataclass
class Batch:
    """Rows of one chunk, per model, written together."""

    rows: dict[Any, list[dict[str, Any]]] = field(default_factory=dict)

    def add(self, model: Any, row: dict[str, Any]) -> None:
        self.rows.setdefault(model, []).append(row)


async def is_empty(engine: AsyncEngine) -> bool:
    async with engine.connect() as conn:
        return (await conn.execute(select(func.count()).select_from(Client))).scalar_one() == 0


async def seed(engine: AsyncEngine, customers: int = DEMO_CUSTOMERS, *, seed: int = 42,
               progress: Callable[[int], None] | None = None) -> None:
    """Write reference data, three clients with users, and `customers` customers spread over them."""
    rng = random.Random(seed)
    async with engine.begin() as conn:
        ids = Ids({t: await _next_id(conn, m) for t, m in _TABLES.items()})
        reference = await _reference_data(conn, ids)
        client_ids = await _clients_and_users(conn, ids, reference, rng)
        for client_id in client_ids:
            await seed_letter_templates(conn, client_id)
        per_client = [customers // len(client_ids) + (i < customers % len(client_ids)) for i in range(len(client_ids))]
        for client_id, count in zip(client_ids, per_client, strict=False):
            for batch in _customer_batches(client_id, count, ids, reference, rng):
                for model in (Customer, CustomerNameToken, UtilityAccount, Enrollment, CommLogEntry, MarketTransaction,
                              EnrollmentStatusChange, UsagePeriod):
                    if batch.rows.get(model):  # the driver's executemany (COPY on PostgreSQL), as the import stages
                        await copy_dicts(conn, model.__table__, batch.rows[model])
                if progress:
                    progress(len(batch.rows.get(Customer, [])))
            await seed_demo_tickets(conn, client_id, TODAY)
            await seed_demo_settings(conn, client_id, TODAY)
        await _fix_sequences(conn)


_TABLES = {"markets": Market, "utilities": Utility, "clients": Client, "users": User, "rate_plans": RatePlan,
           "customers": Customer, "utility_accounts": UtilityAccount, "enrollments": Enrollment,
           "market_transactions": MarketTransaction}


async def _next_id(conn: AsyncConnection, model: Any) -> int:
    return ((await conn.execute(select(func.max(model.id)))).scalar() or 0) + 1


async def _reference_data(conn: AsyncConnection, ids: Ids) -> Reference:
    existing = dict((await conn.execute(select(Market.code, Market.id))).tuples().all())
    markets, utilities = {}, {}
    for code, (name, _utils, _cities) in MARKETS.items():
        if code not in existing:
            existing[code] = ids.take("markets")
            await conn.execute(insert(Market), [{"id": existing[code], "code": code, "name": name}])
        markets[code] = existing[code]
    known = dict((await conn.execute(select(Utility.code, Utility.id))).tuples().all())
    for code, (_name, utils, _cities) in MARKETS.items():
        for ucode, uname in utils:
            if ucode not in known:
                known[ucode] = ids.take("utilities")
                await conn.execute(insert(Utility), [{"id": known[ucode], "code": ucode, "name": uname,
                                                      "market_id": markets[code]}])
        utilities[code] = [(known[u], u) for u, _ in utils]
    for statement in missing_rule_inserts():
        await conn.execute(statement)
    return Reference(markets, utilities, {})


# Delivery charges per utility (thousandths of a cent per kWh, monthly customer charge) and sales
# tax per market (parts per million): what the billing run prices besides the supplier's energy.
DELIVERY = {"ONCOR": (3_850, 395), "CENTERPOINT": (4_120, 490), "AEPTCC": (4_480, 390), "PECO": (6_900, 1_025),
            "PPL": (6_250, 1_410), "AEPOH": (4_930, 1_000), "DUKEOH": (4_610, 600), "COMED": (5_020, 1_400),
            "AMERENIL": (5_510, 1_380), "CONED": (10_500, 1_800), "NGRID": (7_400, 1_700), "BGE": (5_300, 1_200),
            "PEPCO": (5_800, 1_000)}
SALES_TAX_PPM = {"TX": 0, "PA": 60_000, "OH": 57_500, "IL": 50_000, "NY": 40_000, "MD": 60_000}
PRICED_FROM = date(2015, 1, 1)  # the demo's rates and plan prices are in force from before its oldest customer


async def _rates(conn: AsyncConnection, client_id: int, reference: Reference) -> None:
    """A new client's own delivery charges and sales tax (each client keeps its own, dated)."""
    dated = {"client_id": client_id, "effective_from": PRICED_FROM, "created_at": _at(PRICED_FROM)}
    await conn.execute(insert(DeliveryRate), [
        {"utility_id": uid, "per_kwh_millicents": DELIVERY[code][0], "fixed_cents": DELIVERY[code][1], **dated}
        for utilities in reference.utilities.values() for uid, code in utilities if code in DELIVERY])
    await conn.execute(insert(TaxRate), [{"market_id": mid, "rate_ppm": SALES_TAX_PPM[code], **dated}
                                         for code, mid in reference.markets.items() if code in SALES_TAX_PPM])


async def _clients_and_users(conn: AsyncConnection, ids: Ids, reference: Reference, rng: random.Random) -> list[int]:
    client_ids = []
    known = dict((await conn.execute(select(Client.slug, Client.id))).tuples().all())
    for slug, name in CLIENTS:
        if slug in known:
            client_ids.append(known[slug])
            reference.plans.update(await _existing_plans(conn, known[slug]))
            continue
        client_id = ids.take("clients")
        client_ids.append(client_id)
        settings = {"note_policy": NOTE_POLICY.get(slug, NoteFindingMode.WARN).value,
                    "bulk_note_defaults": {"kind": "NOTE", "category": "Account"}}
        await conn.execute(insert(Client), [{"id": client_id, "slug": slug, "name": name, "settings": settings,
                                             "created_at": _at(TODAY - timedelta(days=900))}])
        await conn.execute(insert(Disposition), [{"client_id": client_id, "code": code, "label": label, "active": True}
                                                 for code, label in DISPOSITIONS])
        await conn.execute(insert(User), [
            {"id": ids.take("users"), "client_id": client_id, "email": f"{who}@{slug}.example",
             "name": f"{name} {role.value.replace('_', ' ').title()}", "role": role, "active": True,
             "preferences": {}, "created_at": _at(TODAY - timedelta(days=900))}
            for who, role in ROLES
        ])
        plans = list(_plans(client_id, slug, ids, reference, rng))
        await conn.execute(insert(RatePlan), [plan for plan, _price in plans])
        await conn.execute(insert(RatePlanPrice), [price for _plan, price in plans])
        await _rates(conn, client_id, reference)
    return client_ids


async def _existing_plans(conn: AsyncConnection, client_id: int) -> dict[tuple[int, str], list[int]]:
    rows = await conn.execute(select(RatePlan.id, Market.code).join(Market, Market.id == RatePlan.market_id)
                              .where(RatePlan.client_id == client_id).order_by(RatePlan.id))
    plans: dict[tuple[int, str], list[int]] = {}
    for plan_id, code in rows.all():
        plans.setdefault((client_id, code), []).append(plan_id)
    return plans


def _plans(client_id: int, slug: str, ids: Ids, reference: Reference,
           rng: random.Random) -> Iterator[tuple[dict, dict]]:
    """Each plan's row and its price row."""
    for code, market_id in reference.markets.items():
        for term, kind in ((12, RatePlanKind.FIXED), (24, RatePlanKind.FIXED), (None, RatePlanKind.VARIABLE)):
            plan_id = ids.take("rate_plans")
            reference.plans.setdefault((client_id, code), []).append(plan_id)
            label = f"{term}-Month Fixed" if term else "Monthly Variable"
            yield (
                {
                    "id": plan_id,
                    "client_id": client_id,
                    "code": f"{slug[:3].upper()}-{code}-{term or 'VAR'}",
                    "name": f"{label} ({code})",
                    "kind": kind,
                    "market_id": market_id,
                    "term_months": term,
                },
                {
                    "client_id": client_id,
                    "rate_plan_id": plan_id,
                    "effective_from": PRICED_FROM,
                    "energy_rate_millicents": rng.randint(8_000, 16_000),
                    "monthly_fee_cents": rng.choice([0, 495, 995]),
                    "created_at": _at(PRICED_FROM),
                },
            )


def _customer_batches(client_id: int, count: int, ids: Ids, reference: Reference,
                      rng: random.Random) -> Iterator[Batch]:
    masters: list[int] = []  # recent masters, so children sit next to their master
    for start in range(0, count, CHUNK):
        batch = Batch()
        for _ in range(min(CHUNK, count - start)):
            _customer(batch, client_id, ids, reference, rng, masters)
        yield batch


def _customer(batch: Batch, client_id: int, ids: Ids, ref: Reference, rng: random.Random, masters: list[int]) -> None:
    customer_id = ids.take("customers")
    kind = CustomerKind.COMMERCIAL if rng.random() < 0.25 else CustomerKind.RESIDENTIAL
    is_master = kind is CustomerKind.COMMERCIAL and rng.random() < 0.12
    master_id = _pick_master(rng, masters, is_master)
    name = _company(rng) if kind is CustomerKind.COMMERCIAL else f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    market = rng.choice(list(MARKETS))
    billing = _address(rng, market)
    services = [] if is_master else [billing if i == 0 and rng.random() < 0.8 else _address(rng, market)
                                     for i in range(1 if kind is CustomerKind.RESIDENTIAL else rng.randint(1, 4))]
    since = TODAY - timedelta(days=rng.randint(30, 2_500))
    batch.add(Customer, {
        "id": customer_id, "client_id": client_id, "number": str(100_000_000 + customer_id), "name": name,
        "name_key": name_key(name), "kind": kind, "email": _email(name, customer_id), "phone": _phone(rng),
        "billing_line1": billing[0], "billing_line2": billing[1], "billing_city": billing[2],
        "billing_state": billing[3], "billing_zip": billing[4], "language": "es" if rng.random() < 0.1 else "en",
        "is_master": is_master, "master_id": master_id, "address_key": address_key([billing, *services]),
        "created_at": _at(since),
    })
    for columns in name_token_columns(name):
        batch.add(CustomerNameToken, {"client_id": client_id, "customer_id": customer_id, **columns})
    for service in services:
        _account(batch, client_id, customer_id, market, service, since, ids, ref, rng)
    _notes(batch, client_id, customer_id, name, since, rng)
    if is_master:
        masters.append(customer_id)


def _notes(batch: Batch, client_id: int, customer_id: int, name: str, since: date, rng: random.Random) -> None:
    """A few past notes in the notes-policy shape, now and then a critical one."""
    for n in range(rng.randint(0, 3)):
        disposition, subject, reason, resolution = rng.choice(SAMPLE_NOTES)
        batch.add(
            CommLogEntry,
            {
                "client_id": client_id,
                "customer_id": customer_id,
                "kind": rng.choice([CommLogKind.NOTE, CommLogKind.CALL]),
                "category": "Account",
                "disposition": disposition,
                "subject": subject,
                "contact_name": name,
                "is_account_holder": True,
                "reason": reason,
                "resolution": resolution,
                "body": None,
                "critical": False,
                "created_at": _at(min(since + timedelta(days=30 * (n + 1)), TODAY)),
            },
        )
    if rng.random() < 0.03:
        batch.add(CommLogEntry, {
            "client_id": client_id, "customer_id": customer_id, "kind": CommLogKind.NOTE, "category": "Account",
            "disposition": None, "subject": "Handling note", "contact_name": None, "is_account_holder": None,
            "reason": None, "resolution": None, "body": rng.choice(CRITICAL_NOTES), "critical": True,
            "created_at": _at(since),
        })


def _pick_master(rng: random.Random, masters: list[int], is_master: bool) -> int | None:
    if not masters:
        return None
    # most masters stand alone; a few sit under an earlier master (a three-level trail)
    chance = 0.15 if is_master else 0.08
    return rng.choice(masters[-5:]) if rng.random() < chance else None


def _account(batch: Batch, client_id: int, customer_id: int, market: str, service: tuple, since: date,
             ids: Ids, ref: Reference, rng: random.Random) -> None:
    account_id = ids.take("utility_accounts")
    utility_id, utility_code = rng.choice(ref.utilities[market])
    plans = ref.plans[(client_id, market)]
    status = rng.choices(list(STATUS_WEIGHTS), weights=list(STATUS_WEIGHTS.values()))[0]
    periods = _periods(rng, since, status)
    plan_ids = [rng.choice(plans) for _ in periods]
    start, end = periods[-1]
    batch.add(
        UtilityAccount,
        {
            "id": account_id,
            "client_id": client_id,
            "customer_id": customer_id,
            "ldc_account_number": _ldc(market, utility_code, account_id),
            "utility_id": utility_id,
            "market_id": ref.markets[market],
            "rate_plan_id": plan_ids[-1],
            "status": status,
            "start_date": start,
            "end_date": end,
            "contract_term_months": rng.choice([12, 24, None]),
            "renewal_pending": status is EnrollmentStatus.ACTIVE and end is not None and (end - TODAY).days < 60,
            "pending_transfer": status is EnrollmentStatus.PENDING and rng.random() < 0.3,
            "service_line1": service[0],
            "service_line2": service[1],
            "service_city": service[2],
            "service_state": service[3],
            "service_zip": service[4],
            "meter_number": f"M{rng.randint(10**7, 10**8 - 1)}",
            "rate_class": rng.choice(["RS", "GS-1", "GS-2", "LP"]),
            "load_profile": rng.choice(["RESLOWR", "BUSMEDLF", "RESHIWR"]),
            "premise_type": "RESIDENTIAL" if service is not None else None,
            "created_at": _at(since),
        },
    )
    for (p_start, p_end), plan_id in zip(periods, plan_ids, strict=False):
        last = (p_start, p_end) == periods[-1]
        batch.add(Enrollment, {
            "id": ids.take("enrollments"), "client_id": client_id, "utility_account_id": account_id,
            "rate_plan_id": plan_id, "status": status if last else EnrollmentStatus.INACTIVE,
            "start_date": p_start, "end_date": p_end, "created_at": _at(p_start),
        })
    add_account_history(batch, ids, batch.rows[UtilityAccount][-1], TODAY)


def _periods(rng: random.Random, since: date, status: EnrollmentStatus) -> list[tuple[date, date | None]]:
    """Consecutive plan periods from `since`; the last one is the current enrollment."""
    periods: list[tuple[date, date | None]] = []
    start = since
    for _ in range(rng.randint(0, 2)):
        end = start + timedelta(days=rng.choice([365, 730]))
        if end >= TODAY - timedelta(days=30):
            break
        periods.append((start, end))
        start = end + timedelta(days=1)
    if status is EnrollmentStatus.PENDING:
        start = TODAY + timedelta(days=rng.randint(3, 30))
    ended = status in (EnrollmentStatus.DROPPED, EnrollmentStatus.INACTIVE)
    end = TODAY - timedelta(days=rng.randint(1, 20)) if ended else start + timedelta(days=rng.choice([365, 730]))
    periods.append((start, max(end, start)))
    return periods


def _company(rng: random.Random) -> str:
    return f"{rng.choice(COMPANY)} {rng.choice(COMPANY_KIND)}"


def _address(rng: random.Random, market: str) -> tuple[str, str | None, str, str, str]:
    line1 = f"{rng.randint(1, 9999)} {rng.choice(STREETS)} {rng.choice(SUFFIX)}"
    line2 = f"Apt {rng.randint(1, 40)}" if rng.random() < 0.2 else None
    return (line1, line2, rng.choice(MARKETS[market][2]), market, f"{rng.randint(10000, 99999)}")


def _email(name: str, customer_id: int) -> str:
    local = "".join(ch for ch in name_key(name) if ch.isalnum() and ch.isascii())[:20] or "customer"
    return f"{local}{customer_id}@mail.example"


def _phone(rng: random.Random) -> str:
    return f"+1{rng.choice(['215', '312', '713', '614', '410', '518'])}555{rng.randint(1000, 9999)}"


def _ldc(market: str, utility_code: str, account_id: int) -> str:
    if market == "TX":  # an ESI ID: 17 digits in Texas
        return f"1044372{account_id:010d}"
    return f"{utility_code[:3]}{account_id:012d}"


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


async def _fix_sequences(conn: AsyncConnection) -> None:
    """Explicit ids leave PostgreSQL's sequences behind; move each past its table's max id."""
    if conn.dialect.name != "postgresql":
        return
    for table in _TABLES:
        await conn.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"GREATEST((SELECT max(id) FROM {table}), 1))"
        ))
