"""Files, uploads and counts shared by the customer import tests."""

import csv
import io
import json
from dataclasses import replace

from sqlalchemy import func, select

from db.demo_imports import HEADER, customer_file
from db.ldc_rules import DEFAULT_RULES
from db.models import AuditEvent, Customer, CustomerImportJob, Enrollment, EnrollmentStatusChange, UtilityAccount
from resolvers.rules.ldc_numbers import LdcRule, example_number
from tests.conftest import token_for

IMPORT = """
mutation($input: ImportCustomersInput!) { importCustomers(input: $input) {
  replayed resumed clientMutationId userErrors { field code message }
  job { id status dryRun source total created updated unchanged refused customersCreated customersUpdated downloadUrl
        createdBy { email } }
} }
"""
PREFLIGHT = {"apollo-require-preflight": "true"}
RULES = {
    code: LdcRule(tuple(r["lengths"]), r["digits_only"], r["prefix"], r["check_digit"])
    for code, r in DEFAULT_RULES.items()
}
COLUMNS = HEADER.split(",")


def number_for(utility: str, serial: int) -> str:
    """A valid number of `utility`; a leading digit per utility keeps utilities with equally long numbers
    (PECO's with a check digit, PPL's without) from ever making the same one."""
    leading = str(sorted(RULES).index(utility) % 9 + 1)
    return example_number(replace(RULES[utility], prefix=RULES[utility].prefix or leading), serial)


def book(rows: int, first_customer: int = 0, prefix: str = "IMP") -> bytes:
    return customer_file(rows, number_for, first_customer=first_customer, prefix=prefix)


def rows_of(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode())))


def file_of(rows: list[dict[str, str]], columns: list[str] | None = None) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns or COLUMNS, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()


async def post_import(api, user, data: bytes, filename: str = "book.csv", **input):
    operations = {"query": IMPORT, "variables": {"input": {**input, "file": None}}}
    return await api.client.post(
        "/graphql", data={"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.input.file"]})},
        files={"0": (filename, data, "text/csv")}, headers={"authorization": f"Bearer {token_for(user)}", **PREFLIGHT})


async def upload(api, user, data: bytes, **input) -> dict:
    response = await post_import(api, user, data, **input)
    body = response.json()
    assert response.status_code == 200, body
    assert "errors" not in body, body
    return body["data"]["importCustomers"]


async def results(api, user, payload: dict) -> list[dict[str, str]]:
    response = await api.client.get(
        payload["job"]["downloadUrl"], headers={"authorization": f"Bearer {token_for(user)}"}
    )
    assert response.status_code == 200, response.text
    return list(csv.DictReader(io.StringIO(response.text)))


async def counts(database, tenant) -> dict[str, int]:
    """Rows of each written table in the tenant: what a refused row or a re-import must not change."""
    found = {}
    async with database.sessionmaker() as s:
        for model in (Customer, UtilityAccount, Enrollment, EnrollmentStatusChange, AuditEvent, CustomerImportJob):
            stmt = select(func.count()).select_from(model).where(model.client_id == tenant.client.id)
            found[model.__tablename__] = (await s.execute(stmt)).scalar_one()
    return found
