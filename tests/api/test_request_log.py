"""The server log: one line per request, tracebacks only for faults, under the request id the client got."""

import io
import json
import logging
import logging.config
import os
import time
from datetime import UTC, datetime
from logging.handlers import RotatingFileHandler
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from graph import logs
from graph.billing import files as billing_files
from graph.core.relay import to_global_id
from graph.logs import FORMATS, JsonFormatter, PlainFormatter, fields_of, logging_config, stream_handlers
from graph.request_log import access, log_request, new_request_id
from graph.scope_keys import OPERATION_KEY, PLAN_KEY, USER_KEY
from graph.settings import Settings
from resolvers.accounts import queries as account_queries
from resolvers.admin.errors import SignInRefusal
from tests.conftest import token_for
from tests.factories.customers import make_customer

GQL = "application/graphql-response+json"
SECRET_EMAIL = "private.person@mail.example"
# A sweep a client could make: each answer is a client error, none a fault.
SWEEP = [
    ("query Cursor { customers(after: \"zzz\") { totalCount } }", None),
    ("query Short { customers(search: {address: \"x\"}) { totalCount } }", None),
    ("query TooMany($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": ["x"] * 101}),
    ("query Theirs($id: ID!) { node(id: $id) { id } }", {"id": to_global_id("Customer", 10**12)}),
    ("query Invalid { nope }", None),
    ("query Broken { viewer {", None),
    ("mutation Update($i: UpdateCustomerInput!) { updateCustomer(input: $i) { userErrors { code } } }",
     {"i": {"id": to_global_id("Customer", 10**12), "email": SECRET_EMAIL}}),
    ("query Deep { customers(first: 1) { edges { node { master { master { master { master { master { master { "
     "master { master { master { master { master { id } } } } } } } } } } } } } } }", None),
]


def records(caplog, name: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == name]


def auth(user, **extra) -> dict:
    return {"authorization": f"Bearer {token_for(user)}", **extra}


class TestClientErrors:
    async def test_a_sweep_logs_no_traceback_and_one_line_each(self, api, tenant, caplog):
        # when a client sends requests that are all client errors, and two malformed or unauthenticated ones
        with caplog.at_level(logging.DEBUG):
            answers = [await api.client.post("/graphql", json={"query": q, "variables": v},
                                             headers=auth(tenant.admin, accept=GQL)) for q, v in SWEEP]
            answers.append(await api.client.post("/graphql", content=b'"x"', headers=auth(
                tenant.admin, **{"content-type": "application/json"})))
            answers.append(await api.client.post("/graphql", json={"query": "{ viewer { role } }"}))
        # then nothing is logged as an error, with or without a traceback
        assert [r for r in caplog.records if r.exc_info or r.levelno >= logging.WARNING] == []
        # and each request has one line, with its status, request id and user
        lines = [fields_of(r) for r in records(caplog, "csrgraph.access")]
        assert [line["status"] for line in lines] == [a.status_code for a in answers]
        assert [line["request_id"] for line in lines] == [a.headers["x-request-id"] for a in answers]
        assert [line["user_id"] for line in lines] == [tenant.admin.id] * (len(SWEEP) + 1) + [None]
        assert [line["operation"] for line in lines][:4] == ["Cursor", "Short", "TooMany", "Theirs"]
        assert all(
            line["method"] == "POST" and line["path"] == "/graphql" and line["duration_ms"] >= 0 for line in lines
        )

    async def test_the_line_holds_no_personal_data_or_token(self, api, session, tenant, caplog):
        customer = await make_customer(session, tenant, "Private Person")
        await session.commit()
        token = token_for(tenant.admin)
        query = SWEEP[6][0]
        variables = {"i": {"id": to_global_id("Customer", customer.id), "email": SECRET_EMAIL}}
        with caplog.at_level(logging.DEBUG):
            await api.client.get("/graphql", params={"query": "{ viewer { role } }", "variables": json.dumps(
                {"email": SECRET_EMAIL})}, headers={"authorization": f"Bearer {token}"})
            await api.client.post("/graphql", json={"query": query, "variables": variables},
                                  headers={"authorization": f"Bearer {token}"})
        ours = [r for r in caplog.records if r.name.startswith(("csrgraph", "strawberry", "uvicorn"))]
        written = "\n".join(PlainFormatter().format(r) + JsonFormatter().format(r) for r in ours)
        assert SECRET_EMAIL not in written
        assert token not in written
        assert "viewer" not in written
        assert len(records(caplog, "csrgraph.access")) == 2

    @pytest.mark.parametrize("content_type", [b"application/json", b"multipart/form-data; boundary=x"])
    async def test_a_client_that_leaves_before_its_body_arrives_is_no_fault(self, app, tenant, caplog, content_type):
        sent: list[dict] = []

        async def receive() -> dict:
            return {"type": "http.disconnect"}

        async def send(message: dict) -> None:
            sent.append(message)

        headers = [(b"authorization", f"Bearer {token_for(tenant.agent)}".encode()), (b"content-type", content_type),
                   (b"content-length", b"40"), (b"apollo-require-preflight", b"true")]
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
                 "path": "/graphql", "raw_path": b"/graphql", "root_path": "", "query_string": b"", "headers": headers,
                 "client": ("127.0.0.1", 5000), "server": ("127.0.0.1", 8000), "scheme": "http"}
        with caplog.at_level(logging.DEBUG):
            await app(scope, receive, send)
        assert sent == []  # nobody to answer
        assert [r for r in caplog.records if r.exc_info or r.levelno >= logging.WARNING] == []
        [line] = records(caplog, "csrgraph.access")
        assert (fields_of(line)["status"], fields_of(line)["user_id"]) == (499, tenant.agent.id)

    async def test_a_client_operation_name_that_is_not_a_graphql_name_is_left_out(self, api, tenant, caplog):
        with caplog.at_level(logging.INFO):
            await api.client.post("/graphql", json={"query": "query A { viewer { role } }",
                                                    "operationName": "A\nforged line"}, headers=auth(tenant.agent))
        assert fields_of(records(caplog, "csrgraph.access")[0])["operation"] is None


class TestFaults:
    @pytest.mark.parametrize(
        "fault", [RuntimeError("secret internal detail"), RecursionError("maximum recursion depth")]
    )
    async def test_a_fault_logs_one_traceback_under_the_request_id_the_client_got(
        self, api, tenant, monkeypatch, caplog, fault
    ):
        async def broken(scope):
            raise fault

        monkeypatch.setattr(account_queries, "list_markets", broken)
        with caplog.at_level(logging.DEBUG):
            response = await api.client.post("/graphql", json={"query": "query Markets { markets { code } }"},
                                             headers=auth(tenant.agent))
        error = response.json()["errors"][0]
        assert response.status_code == 200
        assert error["message"] == "Unexpected error."
        traced = [r for r in caplog.records if r.exc_info]
        assert len(traced) == 1
        assert traced[0].exc_info[1] is fault
        assert (
            fields_of(traced[0])["request_id"] == error["extensions"]["requestId"] == response.headers["x-request-id"]
        )
        assert fields_of(records(caplog, "csrgraph.access")[0])["operation"] == "Markets"

    async def test_a_fault_outside_graphql_is_a_500_with_the_request_id(
        self, api, session, tenant, monkeypatch, caplog
    ):
        async def broken(scope, invoice_id):
            raise RuntimeError("disk on fire")

        monkeypatch.setattr(billing_files, "invoice_file", broken)
        with caplog.at_level(logging.DEBUG):
            response = await api.client.get(
                "/files/invoices/1.pdf", headers=auth(tenant.agent, **{"x-request-id": "r-9"})
            )
        assert response.status_code == 500
        assert "disk on fire" not in response.text
        assert response.json()["errors"][0]["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "requestId": "r-9"}
        traced = [r for r in caplog.records if r.exc_info]
        assert len(traced) == 1
        assert fields_of(traced[0])["request_id"] == "r-9"
        assert fields_of(records(caplog, "csrgraph.access")[0])["status"] == 500
        # and the next request on the same client is answered
        assert (await api.run("{ viewer { role } }", user=tenant.agent)) == {"viewer": {"role": "AGENT"}}


def test_a_forked_worker_does_not_repeat_its_parents_request_ids():
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # the child: its first id, then out without pytest's teardown
        os.write(write, new_request_id().encode())
        os._exit(0)
    os.waitpid(child, 0)
    os.close(write)
    assert os.read(read, 64).decode() != new_request_id()


class TestFormats:
    def record(self, **extra) -> logging.LogRecord:
        try:
            raise ValueError("boom")
        except ValueError as error:
            record = logging.LogRecord("csrgraph.errors", logging.ERROR, __file__, 1, "unexpected error", (),
                                       (ValueError, error, error.__traceback__))
        record.__dict__.update(logs.fields(request_id="r 1", path="node.x", **extra))
        return record

    def test_json_is_one_object_a_line_with_the_fields_and_the_traceback(self):
        line = JsonFormatter().format(self.record(user_id=7))
        entry = json.loads(line)
        assert "\n" not in line
        assert entry["message"] == "unexpected error"
        assert entry["level"] == "ERROR"
        assert entry["request_id"] == "r 1"
        assert entry["user_id"] == 7
        assert "ValueError: boom" in entry["exception"]

    def test_plain_is_key_value_with_quoted_values_then_the_traceback(self):
        text = PlainFormatter().format(self.record(operation=None))
        first, *rest = text.splitlines()
        assert first.endswith('ERROR csrgraph.errors unexpected error request_id="r 1" path=node.x operation=-')
        assert "ValueError: boom" in rest[-1]

    @given(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=8),
                     st.sampled_from(list(SignInRefusal))))
    def test_plain_values_read_as_str_quoted_when_they_could_split_the_line(self, value):
        line = PlainFormatter().format(self.record(user_id=value))
        written = line.splitlines()[0].rpartition(" user_id=")[2]
        text = "-" if value is None else str(value)
        needs_quotes = not text or any(c.isspace() or c in '"=' for c in text)
        assert written == (json.dumps(text) if needs_quotes else text)

    async def test_the_request_line_names_the_middleware_as_its_source(self, api, tenant, caplog):
        with caplog.at_level(logging.INFO):
            await api.client.post("/graphql", json={"query": "{ __typename }"}, headers=auth(tenant.agent))
        [line] = records(caplog, "csrgraph.access")
        assert (line.levelno, line.getMessage(), line.module) == (logging.INFO, "request", "request_log")
        assert line.funcName == "_log_request"
        assert fields_of(line)["user_id"] == tenant.agent.id

    @given(st.text(max_size=12), st.sampled_from([logging.INFO, logging.WARNING]), st.booleans())
    def test_plain_lines_are_loggings_format_then_the_fields(self, message, level, with_fields):
        record = logging.LogRecord("csrgraph.access", level, __file__, 1, "%s", (message,), None)
        if with_fields:
            record.__dict__.update(logs.fields(status=200, user_id=None))
        reference = logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s").format(record)
        assert PlainFormatter().format(record) == reference + (" status=200 user_id=-" if with_fields else "")

    @given(st.floats(min_value=0, max_value=4e9), st.integers(min_value=0, max_value=3))
    def test_plain_times_are_loggings_default_format_also_from_its_per_second_cache(self, created, later):
        formatter, reference = PlainFormatter(), logging.Formatter()
        for at in (created, created + later / 4, created + later):
            record = logging.LogRecord("csrgraph.access", logging.INFO, __file__, 1, "request", (), None)
            record.created, record.msecs = at, int((at - int(at)) * 1000)
            assert formatter.formatTime(record) == reference.formatTime(record)

    def test_the_environment_chooses_the_format_for_the_server(self):
        assert Settings.from_environ({"CSRGRAPH_SECRET": "s"}).log_format == "plain"
        assert Settings.from_environ({"CSRGRAPH_SECRET": "s", "CSRGRAPH_LOG_FORMAT": "json"}).log_format == "json"
        with pytest.raises(ValueError, match="CSRGRAPH_LOG_FORMAT"):
            Settings.from_environ({"CSRGRAPH_SECRET": "s", "CSRGRAPH_LOG_FORMAT": "xml"})

    def test_the_server_config_writes_json_lines(self, monkeypatch):
        stream = io.StringIO()
        monkeypatch.setattr("sys.stderr", stream)
        root = logging.getLogger()
        saved = root.handlers[:], root.level
        try:
            logging.config.dictConfig(logging_config("json"))
            logging.getLogger("csrgraph.access").info("request", extra=logs.fields(status=200, request_id="abc"))
        finally:
            root.handlers, root.level = saved[0], saved[1]
        entry = json.loads(stream.getvalue().splitlines()[-1])
        assert entry["logger"] == "csrgraph.access"
        assert entry["status"] == 200
        assert entry["request_id"] == "abc"



    @given(st.floats(min_value=0, max_value=4e9), st.dictionaries(
        st.one_of(st.sampled_from(["time", "message", "status", "user_id", "exception"]), st.text(max_size=4),
                  st.integers(-3, 3)),
        st.one_of(st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70), st.floats(),
                  st.text(max_size=6), st.sampled_from([SignInRefusal.MISSING_TOKEN, ("a", 1), [None]])),
        max_size=5), st.sampled_from(["request", "é \u2028 \"q\"", ""]))
    def test_json_lines_are_the_encoders_text_of_the_entry(self, created, values, message):
        # json.dumps of the entry, written directly for the request line's kinds of values (a collision with the
        # head's keys, a non-str key, a value of another kind: the encoder's way), at any moment in a second
        reference = {"time": datetime.fromtimestamp(created, UTC).isoformat(timespec="milliseconds"),
                     "level": "INFO", "logger": "csrgraph.access", "message": message, **values}
        formatter = JsonFormatter()
        for _ in range(2):  # the second time, the second's text from the cache
            assert formatter.fields_line(created, "INFO", "csrgraph.access", message, values) == json.dumps(
                reference, default=str)

    @pytest.mark.parametrize("created", [1764870000.0, 1764870000.9995, 1764870000.9999995, 1764870000.0005,
                                         1764870000.0004995, 0.0, 1e9 + 0.5e-6, 1e9 + 1.5e-6])
    def test_json_times_round_as_datetime_does(self, created):
        line = json.loads(JsonFormatter().fields_line(created, "INFO", "x", "m", {}))
        assert line["time"] == datetime.fromtimestamp(created, UTC).isoformat(timespec="milliseconds")

    @pytest.mark.parametrize("value", ["", " ", "a b", "a=b", 'a"b', "\t", "a\x85b", "\xa0", "\u2028", "\x1c",
                                       "\x00", "é", "\u3000x", "x\u200a", "plain", "/graphql"])
    def test_plain_values_quoted_exactly_when_they_could_split_the_line(self, value):
        # every kind of whitespace Python knows, a control character that is none, and printable text
        line = PlainFormatter().fields_line(1764870000.5, "INFO", "csrgraph.access", "request", {"path": value})
        needs_quotes = not value or any(c.isspace() or c in '"=' for c in value)
        assert line.rpartition(" path=")[2] == (json.dumps(value) if needs_quotes else value)


@pytest.fixture
def server_logging(monkeypatch):
    """`configure(format)`: the server's logging configuration (logging_config) writing to a string; the stream."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level

    def configure(log_format: str) -> io.StringIO:
        stream = io.StringIO()
        monkeypatch.setattr("sys.stderr", stream)
        logging.config.dictConfig(logging_config(log_format))
        return stream

    yield configure
    root.handlers, root.level = saved[0], saved[1]


class TestTheLineWrittenDirectly:
    """Under the server's configuration the request line skips logging's record (graph/request_log.py)."""

    @pytest.mark.parametrize("log_format", FORMATS)
    @pytest.mark.parametrize("request_id, operation, user_id, plan", [
        ("4a3b9171c3de1b89da82ca09f14beaae", "CustomerProfile", 7, None),
        ("a b", None, None, "compiled"),
        ('q"=x', "Op", 0, None),
        ("é ü\\ n", None, 3, None),
    ])
    def test_it_is_the_records_line(self, server_logging, monkeypatch, log_format, request_id, operation, user_id,
                                    plan):
        stream = server_logging(log_format)
        monkeypatch.setattr(time, "time", lambda: 1764870000.5)  # the record's time and the direct line's
        monkeypatch.setattr(time, "perf_counter", lambda: 10.25)
        scope = {"method": "POST", "path": "/graphql", OPERATION_KEY: operation}
        if user_id is not None:
            scope[USER_KEY] = (SimpleNamespace(id=user_id), None)
        if plan is not None:
            scope[PLAN_KEY] = plan
        [handler] = logging.getLogger().handlers
        assert stream_handlers(access, logging.INFO) == [handler]
        log_request(scope, 200, 10.0, request_id)
        handler.addFilter(lambda record: True)  # a filter: the record's way
        assert stream_handlers(access, logging.INFO) is None
        log_request(scope, 200, 10.0, request_id)
        direct, recorded = stream.getvalue().splitlines()
        assert direct == recorded
        assert "request_id" in direct
        assert (log_format == "json") == direct.startswith("{")

    def test_a_failed_write_is_reported_as_logging_reports_it_with_the_record(self, server_logging, monkeypatch):
        server_logging("plain")
        [handler] = logging.getLogger().handlers

        class Broken(io.StringIO):
            def write(self, text: str) -> int:
                raise OSError("disk full")

        handler.setStream(Broken())
        reported: list[logging.LogRecord] = []
        monkeypatch.setattr(handler, "handleError", reported.append)
        log_request({"method": "GET", "path": "/healthz"}, 200, time.perf_counter(), "r-1")
        [record] = reported
        assert (record.name, record.getMessage(), record.funcName) == ("csrgraph.access", "request", "_log_request")
        assert fields_of(record)["request_id"] == "r-1"

    def test_anything_but_the_servers_stream_handlers_gets_a_record(self, server_logging, tmp_path):
        server_logging("plain")
        root = logging.getLogger()
        [handler] = root.handlers
        quiet = logging.StreamHandler(io.StringIO())
        quiet.setLevel(logging.WARNING)  # never reached by a request line: not in the way
        root.addHandler(quiet)
        assert stream_handlers(access, logging.INFO) == [handler]
        ours = logging.getLogger("csrgraph")
        rotating = RotatingFileHandler(tmp_path / "rotating", maxBytes=10**6)
        rotating.setFormatter(handler.formatter)
        for other in (logging.FileHandler(tmp_path / "log"), logging.StreamHandler(io.StringIO()), rotating):
            ours.addHandler(other)  # handlers without our formatter; one that checks its file before each record
            try:
                assert stream_handlers(access, logging.INFO) is None
            finally:
                ours.removeHandler(other)
                other.close()
        access.addFilter(lambda record: True)
        try:
            assert stream_handlers(access, logging.INFO) is None
        finally:
            access.filters.clear()
        access.propagate = False  # no handler at all: logging's last resort decides
        try:
            assert stream_handlers(access, logging.INFO) is None
        finally:
            access.propagate = True

    @pytest.mark.parametrize("log_format", FORMATS)
    def test_a_file_handler_with_our_formatter_gets_the_line_written_directly(self, server_logging, tmp_path,
                                                                              monkeypatch, log_format):
        # an operator's configuration writing to a file (delay: the file opens at the first record)
        server_logging(log_format)
        root = logging.getLogger()
        [handler] = root.handlers
        root.removeHandler(handler)
        to_file = logging.FileHandler(tmp_path / "access.log", delay=True)
        to_file.setFormatter(handler.formatter)
        root.addHandler(to_file)
        monkeypatch.setattr(time, "time", lambda: 1764870000.25)
        monkeypatch.setattr(time, "perf_counter", lambda: 10.25)
        scope = {"method": "GET", "path": "/healthz"}
        try:
            assert stream_handlers(access, logging.INFO) is None  # not open yet: a record opens it
            log_request(scope, 200, 10.0, "r-1")
            assert stream_handlers(access, logging.INFO) == [to_file]
            log_request(scope, 200, 10.0, "r-1")
        finally:
            root.removeHandler(to_file)
            to_file.close()
        recorded, direct = (tmp_path / "access.log").read_text().splitlines()
        assert direct == recorded
        assert "r-1" in direct
