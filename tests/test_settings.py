"""Settings.from_environ: a fresh machine's environment (nothing set) gives working defaults, mail included."""

import dataclasses
import email
import email.policy
from pathlib import Path

import pytest

from graph.settings import Settings
from resolvers.commlog.letters.outbox import DEFAULT_SENDER, FileTransport, Outgoing, make_transport

NOT_FROM_ENVIRON = {"database_url", "secret"}  # required fields: no dataclass default to compare with


@pytest.fixture
def fresh_dir(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


class TestFromEmptyEnviron:
    @pytest.mark.parametrize("field", [f for f in dataclasses.fields(Settings) if f.name not in NOT_FROM_ENVIRON],
                             ids=lambda f: f.name)
    def test_every_default_is_the_declared_value(self, fresh_dir, field):
        # given nothing in the environment; when settings are read
        settings = Settings.from_environ({})
        # then each field holds the value the dataclass declares (never a slot descriptor)
        assert getattr(settings, field.name) == field.default

    def test_database_and_secret_live_in_var(self, fresh_dir):
        settings = Settings.from_environ({})
        assert settings.database_url == "sqlite+aiosqlite:///var/csrgraph.db"
        assert settings.secret == (fresh_dir / "var" / "secret.key").read_text().strip()
        assert Settings.from_environ({}).secret == settings.secret  # kept, not regenerated

    async def test_mail_is_written_to_the_outbox_folder_from_the_default_sender(self, fresh_dir):
        # given the settings of a fresh machine (no SMTP_URL, no CSRGRAPH_MAIL_FROM)
        transport = make_transport(Settings.from_environ({}))
        # when a message goes through the transport they choose
        assert isinstance(transport, FileTransport)
        await transport.send(Outgoing(7, None, "robin@mail.example", "Welcome", "Hello", 0, None))
        # then it is an .eml file in var/outbox, from the default sender
        (path,) = (fresh_dir / "var" / "outbox").glob("notification-00000007-*.eml")
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        assert (message["From"], message["To"]) == (DEFAULT_SENDER, "robin@mail.example")
        assert message["Message-ID"].endswith("@csrgraph.example>")


class TestFromEnviron:
    def test_var_folder_moves_database_secret_and_outbox(self, tmp_path):
        settings = Settings.from_environ({"CSRGRAPH_VAR": str(tmp_path / "state")})
        assert settings.database_url == f"sqlite+aiosqlite:///{tmp_path / 'state' / 'csrgraph.db'}"
        assert settings.outbox_dir == tmp_path / "state" / "outbox"
        assert (tmp_path / "state" / "secret.key").is_file()

    @pytest.mark.parametrize("value", ["Lumen <letters@lumen.example>", "letters@lumen.example",
                                       '"Lumen, Billing" <billing@lumen.example>', "Łumen Énergie <a@b.example>"])
    def test_a_sender_with_an_address_is_taken_as_given(self, value):
        settings = Settings.from_environ({"CSRGRAPH_MAIL_FROM": value, "CSRGRAPH_SECRET": "s" * 40})
        assert settings.mail_from == value

    def test_a_blank_sender_means_the_default(self):
        settings = Settings.from_environ({"CSRGRAPH_MAIL_FROM": "", "CSRGRAPH_SECRET": "s" * 40})
        assert settings.mail_from == DEFAULT_SENDER

    @pytest.mark.parametrize("value", ["Lumen", "letters", "@lumen.example", "letters@", "Lumen <>"])
    def test_a_sender_without_an_address_is_refused_at_start(self, value):
        with pytest.raises(ValueError, match="CSRGRAPH_MAIL_FROM must be an email address"):
            Settings.from_environ({"CSRGRAPH_MAIL_FROM": value, "CSRGRAPH_SECRET": "s" * 40})


class TestPathSwitches:
    """The fast paths are on unless switched off with "0" (docs/compiled-plans.md, graph/persisted/seen_texts.py)."""

    @pytest.mark.parametrize(("value", "on"), [(None, True), ("1", True), ("yes", True), ("0", False)])
    @pytest.mark.parametrize(("variable", "field"), [("CSRGRAPH_COMPILED_PLANS", "compiled_plans"),
                                                     ("CSRGRAPH_KNOWN_TEXTS", "known_texts")])
    def test_on_unless_zero(self, fresh_dir, variable, field, value, on):
        environ = {"CSRGRAPH_SECRET": "s" * 40, **({variable: value} if value is not None else {})}
        assert getattr(Settings.from_environ(environ), field) is on


class TestStatisticsInterval:
    """How often a SQLite worker refreshes the planner's statistics (db/maintenance.py); 0 switches it off."""

    @pytest.mark.parametrize(("value", "minutes"), [(None, 60.0), ("", 60.0), ("15", 15.0), ("0.5", 0.5), ("0", 0.0)])
    def test_minutes_from_the_environment(self, fresh_dir, value, minutes):
        environ = {"CSRGRAPH_SECRET": "s" * 40, **({"CSRGRAPH_STATISTICS_MINUTES": value} if value is not None else {})}
        assert Settings.from_environ(environ).statistics_minutes == minutes
