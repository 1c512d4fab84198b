"""Log records with structured fields, written as `key=value` text or as one JSON object a line.

`log.info("request", extra=fields(status=200, ...))` carries the fields on the record; the formatters
put them after the message (plain) or into the object (JSON). `CSRGRAPH_LOG_FORMAT=json` picks JSON.
A line written often (the request line) can skip the record: `stream_handlers`, `fields_line` and `write_line`
write the same line when the server's own configuration (`logging_config`) is what would handle it.
"""

import json
import logging
import re
import time
from collections.abc import Callable
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
        return self._line(record.asctime, record.levelname, record.name, record.message, fields_of(record))

    def fields_line(self, created: float, level_name: str, logger_name: str, message: str,
                    values: dict[str, Any]) -> str:
        """The line `format` writes for a record of these parts (created: its time.time()), without the record."""
        return self._line(self._time(created, _msecs(created)), level_name, logger_name, message, values)

    def _line(self, asctime: str, level_name: str, logger_name: str, message: str, values: dict[str, Any]) -> str:
        head = f"{asctime} {level_name} {logger_name} {message}"
        pairs = " ".join(f"{key}={_plain(value)}" for key, value in values.items())
        return f"{head} {pairs}" if pairs else head

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        """logging's default `2026-12-03 17:38:19,637`, the seconds formatted once per second."""
        return self._time(record.created, record.msecs)

    def _time(self, created: float, msecs: float) -> str:
        second, text = self._second
        if second != int(created):
            text = time.strftime(TIME_FORMAT, self.converter(created))
            self._second = (int(created), text)
        return f"{text},{int(msecs):03d}"


def _msecs(created: float) -> float:
    """A LogRecord's msecs for a record created at `created` (as logging computes it)."""
    return int((created - int(created)) * 1000) + 0.0


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
        exception = self.formatException(record.exc_info) if record.exc_info else None
        return self._line(record.created, record.levelname, record.name, record.getMessage(), fields_of(record),
                          exception)

    def fields_line(self, created: float, level_name: str, logger_name: str, message: str,
                    values: dict[str, Any]) -> str:
        """The line `format` writes for a record of these parts (created: its time.time()), without the record."""
        return self._line(created, level_name, logger_name, message, values, None)

    def _line(self, created: float, level_name: str, logger_name: str, message: str, values: dict[str, Any],
              exception: str | None) -> str:
        entry = {"time": datetime.fromtimestamp(created, UTC).isoformat(timespec="milliseconds"),
                 "level": level_name, "logger": logger_name, "message": message, **values}
        if exception is not None:
            entry["exception"] = exception
        return json.dumps(entry, default=str)


def stream_handlers(logger: logging.Logger, level: int) -> list[logging.StreamHandler] | None:
    """The handlers a record of `level` from `logger` would reach, when each is a plain StreamHandler with one of
    these formatters and nothing filters the record: a line can then be written to their streams directly, as
    `fields_line` formats it. None otherwise (a test's capture, a filter, a file handler): log a record then."""
    if logger.filters:
        return None
    found: list[logging.StreamHandler] = []
    current: logging.Logger | None = logger
    while current is not None:  # as Logger.callHandlers walks them
        for handler in current.handlers:
            if handler.level > level:
                continue
            if (type(handler) is not logging.StreamHandler or handler.filters
                    or type(handler.formatter) not in (PlainFormatter, JsonFormatter)):
                return None
            found.append(handler)
        current = current.parent if current.propagate else None
    return found or None


def write_line(handler: logging.StreamHandler, line: str, record: Callable[[], logging.LogRecord]) -> None:
    """What StreamHandler.handle and emit do with a formatted line (under the handler's lock, then flushed);
    `record`: the record a write error is reported with (logging's handleError)."""
    handler.acquire()
    try:
        handler.stream.write(line + handler.terminator)
        handler.flush()
    except RecursionError:  # as StreamHandler.emit: see CPython issue 36272
        raise
    except Exception:
        handler.handleError(record())
    finally:
        handler.release()


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
