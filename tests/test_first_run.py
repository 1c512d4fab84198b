"""A new user's first run: `csrgraph serve` (what `make serve` runs) from an empty environment and folder, a letter
sent by email through /graphql, and the .eml file in var/outbox within seconds. SQLite, the default engine."""

import email
import email.policy
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from resolvers.commlog.letters.outbox import DEFAULT_SENDER
from tests.resolvers.commlog.letters.test_outbox import free_port

BIN = Path(sys.executable).parent
STARTUP_SECONDS = 180  # migrate, demo data and its billing run, on a busy two-core machine
DELIVERY_SECONDS = 30  # the outbox looks every 2 seconds
CUSTOMERS = "{ customers(first: 20, search: {}) { edges { node { id email } } } }"
SEND = """mutation($input: SendLetterInput!) { sendLetter(input: $input) {
  document { id } notification { id status } userErrors { code message } } }"""
STATE = (
    """query($id: ID!) { node(id: $id) { ... on Notification { status transport lastError document { sentAt } } } }"""
)


@pytest.fixture
def server(tmp_path):
    """`csrgraph serve` in an empty folder with nothing but PATH set: no SMTP_URL, no sender, no database URL."""
    port = free_port()
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    log = (tmp_path / "serve.log").open("wb")
    process = subprocess.Popen([BIN / "csrgraph", "serve", "--port", str(port)], cwd=tmp_path, env=env,
                               stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_until_up(url, process, tmp_path / "serve.log")
        token = subprocess.run([BIN / "csrgraph", "token", "agent@lumen.example"], cwd=tmp_path, env=env,
                               capture_output=True, text=True, check=True).stdout.strip()
        with httpx.Client(base_url=url, headers={"authorization": f"Bearer {token}"}, timeout=30) as client:
            yield client
    finally:
        os.killpg(process.pid, signal.SIGTERM)  # its own session: the uvicorn server and nothing else
        process.wait(timeout=30)
        log.close()


def _wait_until_up(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    pytest.fail(f"csrgraph serve did not answer in {STARTUP_SECONDS} s:\n{log.read_text()}")


def run(client: httpx.Client, query: str, variables: dict | None = None) -> dict:
    body = client.post("/graphql", json={"query": query, "variables": variables or {}}).json()
    assert "errors" not in body, body
    return body["data"]


def test_a_letter_by_email_reaches_the_outbox_folder_with_the_default_settings(server, tmp_path):
    # given the demo data of a fresh install and a customer with an email address
    customer = next(e["node"] for e in run(server, CUSTOMERS)["customers"]["edges"] if e["node"]["email"])
    # when the agent sends a letter by email
    sent = run(server, SEND, {"input": {"customerId": customer["id"], "templateCode": "WELCOME_KIT",
                                        "channel": "EMAIL"}})["sendLetter"]
    assert sent["userErrors"] == []
    assert sent["notification"]["status"] == "QUEUED"
    # then within seconds the outbox delivers it as an .eml file, and the notification and document say so
    deadline = time.monotonic() + DELIVERY_SECONDS
    while (state := run(server, STATE, {"id": sent["notification"]["id"]})["node"])["status"] == "QUEUED":
        assert state["lastError"] is None, state
        assert time.monotonic() < deadline, "still queued"
        time.sleep(0.2)
    assert (state["status"], state["transport"], state["lastError"]) == ("SENT", "FILE", None)
    assert state["document"]["sentAt"] is not None
    (path,) = (tmp_path / "var" / "outbox").glob("*.eml")
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert (message["From"], message["To"]) == (DEFAULT_SENDER, customer["email"])
    (attachment,) = message.iter_attachments()
    assert attachment.get_content().startswith(b"%PDF")
