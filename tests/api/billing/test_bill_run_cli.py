"""`csrgraph bill-run` over demo data: the runBilling resolver from a terminal, ADMIN only, then the books balance."""

import asyncio

import pytest
from sqlalchemy import select

from db.engine import make_engine, make_sessionmaker
from db.models import Client
from graph.cli import main
from tests.billing_invariants import check_invariants


def test_bill_run_issues_invoices_for_demo_accounts(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'demo.db'}")
    assert main(["seed", "--customers", "30"]) == 0
    # July: the seed itself bills the three months after it (graph/demo_billing.py)
    args = ["bill-run", "--client", "lumen", "--start", "2026-07-01", "--end", "2026-07-31", "--issued", "2026-08-02"]
    assert main([*args, "--as", "agent@lumen.example"]) == 1
    assert "ADMIN" in capsys.readouterr().err
    assert main([*args, "--as", "admin@lumen.example"]) == 0
    out = capsys.readouterr().out
    assert "issued" in out
    assert "issued 0 " not in out
    assert main([*args, "--as", "admin@lumen.example"]) == 0  # a second run bills nothing twice
    assert "issued 0 invoices" in capsys.readouterr().out
    # a period straddling July and August, both billed now: every account is skipped as already billed
    straddling = [
        "bill-run",
        "--client",
        "lumen",
        "--start",
        "2026-07-15",
        "--end",
        "2026-08-14",
        "--issued",
        "2026-08-20",
    ]
    assert main([*straddling, "--as", "admin@lumen.example"]) == 0
    out = capsys.readouterr().out
    assert "issued 0 invoices" in out
    assert "already billed for part of the period" in out
    assert " 0 already billed" not in out.replace("(", " ")
    assert asyncio.run(_problems(f"sqlite+aiosqlite:///{tmp_path / 'demo.db'}")) == []


async def _problems(url: str) -> list[str]:
    engine = make_engine(url)
    async with make_sessionmaker(engine)() as session:
        client_id = (await session.execute(select(Client.id).where(Client.slug == "lumen"))).scalar_one()
        problems = await check_invariants(session, client_id)
    await engine.dispose()
    return problems


def test_bill_run_takes_only_iso_days_and_sane_periods(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'demo.db'}")
    assert main(["seed", "--customers", "3"]) == 0
    capsys.readouterr()
    base = ["bill-run", "--client", "lumen", "--as", "admin@lumen.example"]
    with pytest.raises(SystemExit) as exited:
        main([*base, "--start", "20260701", "--end", "2026-07-31"])
    assert exited.value.code == 2
    assert '"20260701" is not a date in the form YYYY-MM-DD' in capsys.readouterr().err
    assert main([*base, "--start", "2025-01-01", "--end", "2026-07-31", "--issued", "2026-08-02"]) == 1
    assert "at most 92" in capsys.readouterr().err
