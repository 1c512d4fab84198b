"""The graphql-http 1.23.1 server audit (GraphQL-over-HTTP: 61 MUST/SHOULD/MAY rules) against the served app, through
scripts/graphql-http-audit: documents sent as text, registered documents named by documentId (the fast path), and
the same with compiled plans on. The script installs graphql-http with npm into var/audit/ the first time."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "graphql-http-audit"

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="the audit is graphql-http's, on Node.js")


@pytest.mark.parametrize(
    ("arguments", "settings"),
    [
        pytest.param([], {}, id="text"),
        pytest.param(["--by-id"], {}, id="by-id"),
        pytest.param(["--by-id"], {"CSRGRAPH_COMPILED_PLANS": "1"}, id="by-id-compiled"),
    ],
)
def test_every_audit_passes(arguments: list[str], settings: dict[str, str]) -> None:
    environment = {**os.environ, **settings}
    environment.pop("DATABASE_URL", None)  # the script serves its own scratch database
    result = subprocess.run([SCRIPT, *arguments], env=environment, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert 'graphql-http audit: 61 audits, {"ok":61}' in result.stdout, result.stdout
    if arguments:
        assert "40 requests named their document by documentId" in result.stdout, result.stdout
