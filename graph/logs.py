"""Log records with structured fields, written as `key=value` text or as one JSON object a line.

`log.info("request", extra=fields(status=200, ...))` carries the fields on the record; the formatters
put them after the message (plain) or into the object (JSON). `CSRGRAPH_LOG_FORMAT=json` picks JSON.
"""

import json
import logging
import re
import time
from datetime import UTC, datetime
from typing import Any

FORMATS = ("plain", "json")  # CSRGRAPH_LOG_FORMAT (graph/settings.py)
FIELDS = "csrgraph_fields"  # the record attribute that holds the fields
TIME_FORMAT = logging.Formatter.default_time_format  # logging's `%Y-%m-%d %H:%M:%S`, then `,msecs`
_NEEDS_QUOTES = re.compile(r'[\s"=]')  # \s is exactly str.isspace()
_BARE = (int, float)  # exactly these types (not a subclass: an enum's str() could hold anything)


def fields(**values: Any) -> dict[str, Any]:
    """`extra=` for a log call: these fields, in this order, on the record."""
    return {FIELDS: values}


def fields_of(record: logging.LogRecord) -> dict[str, Any]:
    return getattr(record, FIELDS, {})


class PlainFormatter(logging.Formatter):
    """`time level logger message key=value ...`, then the traceback if any."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")
        self._second: tuple[int, str] = (-1, "")  # the last second formatted: one request line each, many a second

    def format(self, record: logging.LogRecord) -> str:
        """logging's format, written out for a record without a traceback or stack (every request line)."""
        if record.exc_info or record.exc_text or record.stack_info:
            return super().format(record)
        record.message = record.getMessage()
        record.asctime = self.formatTime(record)
        return self.formatMessage(record)

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 (logging's name)
        head = f"{record.asctime} {record.levelname} {record.name} {record.message}"
        pairs = " ".join(f"{key}={_plain(value)}" for key, value in fields_of(record).items())
        return f"{head} {pairs}" if pairs else head

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        """logging's default `2026-12-03 17:38:19,637`, the seconds formatted once per second."""
        second, text = self._second
        if second != int(record.created):
            text = time.strftime(TIME_FORMAT, self.converter(record.created))
            self._second = (int(record.created), text)
        return f"{text},{int(record.msecs):03d}"


def _plain(value: Any) -> str:
    if value is None:
        return "-"
    if type(value) in _BARE:  # a status, an id, a duration: never a space, quote or equals sign
        return str(value)
    text = str(value)
    # quoted (JSON string rules) when it could be mistaken for several fields or lines
    return json.dumps(text) if not text or _NEEDS_QUOTES.search(text) else text


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, the fields, and `exception` (the traceback)."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {"time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
                 "level": record.levelname, "logger": record.name, "message": record.getMessage(),
                 **fields_of(record)}
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def logging_config(log_format: str) -> dict[str, Any]:
    """A `logging.config.dictConfig` for the server: our lines and uvicorn's in one format on stderr.

    uvicorn's own access log is left off: the request line (graph/request_log.py) replaces it.
    """
    formatter = {"()": JsonFormatter if log_format == "json" else PlainFormatter}
    handler = {"class": "logging.StreamHandler", "formatter": "default", "stream": "ext://sys.stderr"}
    quiet = {"level": "WARNING"}
    return {
        "version": 1, "disable_existing_loggers": False,
        "formatters": {"default": formatter}, "handlers": {"default": handler},
        "root": {"handlers": ["default"], "level": "INFO"},
        "loggers": {"uvicorn": {"level": "INFO"}, "uvicorn.access": {"level": "WARNING", "propagate": False},
                    "aiosqlite": quiet, "sqlalchemy": quiet, "httpx": quiet},
    }
