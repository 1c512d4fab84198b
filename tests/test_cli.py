"""The csrgraph command: migrate, seed, token and export-schema against a scratch database."""

import jwt

from graph.cli import main


def test_migrate_seed_token_and_export(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("CSRGRAPH_SECRET", "cli-test-secret-0123456789-0123456789")
    assert main(["migrate"]) == 0
    assert main(["seed", "--customers", "30"]) == 0
    capsys.readouterr()
    assert main(["token", "lead@keystone.example"]) == 0
    token = capsys.readouterr().out.strip()
    claims = jwt.decode(token, "cli-test-secret-0123456789-0123456789", algorithms=["HS256"], issuer="csrgraph")
    assert claims["sub"].isdigit()
    assert main(["token", "nobody@nowhere.example"]) == 1
    out = tmp_path / "schema.graphql"
    assert main(["export-schema", "--output", str(out)]) == 0
    assert "type Customer implements Node" in out.read_text()
    capsys.readouterr()
    assert main(["export-schema"]) == 0  # stdout by default, like strawberry export-schema
    assert capsys.readouterr().out == out.read_text()
