"""Shared helpers of the export tests: download an export as a user, read it back as rows."""

import csv
import io

import httpx

from tests.conftest import token_for

EXPORTS = ("customers.csv", "utility-accounts.csv", "ar-ledger.csv", "aging.csv")


async def download(api, name: str, user, query: str = "") -> httpx.Response:
    return await api.client.get(f"/files/exports/{name}{query}", headers={"authorization": f"Bearer {token_for(user)}"})


def rows_of(response: httpx.Response) -> list[list[str]]:
    """The CSV body as rows; line breaks inside quoted cells kept as sent."""
    assert response.status_code == 200, response.text
    return list(csv.reader(io.StringIO(response.text, newline="")))


async def export_rows(api, name: str, user, query: str = "") -> list[dict[str, str]]:
    """The data rows as {column: cell}, checked to be under the header row."""
    header, *rows = rows_of(await download(api, name, user, query))
    assert all(len(row) == len(header) for row in rows)
    return [dict(zip(header, row, strict=False)) for row in rows]
