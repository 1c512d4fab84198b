"""Log records with structured fields, written as `key=value` text or as one JSON object a line.

`log.info("request", extra=fields(status=200, ...))` carries the fields on the record; the formatters
put them after the message (plain) or into the object (JSON). `CSRGRAPH_LOG_FORMAT=json` picks JSON.
A line written often (the request line) can skip the record: `stream_handlers`, `fields_line` and `write_line`
write the same line when the server's own configuration (`logging_config`) is what would handle it.
"""

import json
import logging
import math
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime
from json.encoder import encode_basestring_ascii
from typing import Any

FORMATS = ("plain", "json")  # CSRGRAPH_LOG_FORMAT (graph/settings.py)
FIELDS = "csrgraph_fields"  # the record attribute that holds the fields
TIME_FORMAT = logging.Formatter.default_time_format  # logging's `%Y-%m-%d %H:%M:%S`, then `,msecs`
_NEEDS_QUOTES = re.compile(r'[\s"=]')  # \s is exactly str.isspace()
_BARE = (int, float)  # exactly these types (not a subclass: an enum's str() could hold anything)
# json.dumps(entry, default=str) makes an encoder each call; this one is the same (separators, ASCII, NaN allowed)
_ENCODER = json.JSONEncoder(default=str)
_json_string = encode_basestring_ascii  # what json.dumps writes for a str (ensure_ascii, its default)
_HEAD_KEYS = frozenset({"time", "level", "logger", "message"})


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
        """`head key=value ...`: a loop rather than a generator of `_plain` calls (a request line's eight fields
        were a third of its cost); the same text as `_plain` for every value."""
        parts = [asctime, level_name, logger_name, message]
        for key, value in values.items():
            kind = type(value)
            if kind is str:  # _bare's test of a printable text written here: most fields, most lines
                if value and value.isprintable() and " " not in value and '"' not in value and "=" not in value:
                    parts.append(f"{key}={value}")
                else:
                    parts.append(f"{key}={value}" if _bare(value) else f"{key}={_json_string(value)}")
            elif value is None:
                parts.append(f"{key}=-")
            elif kind in _BARE:
                parts.append(f"{key}={value}")
            else:
                parts.append(f"{key}={_plain(value)}")
        return " ".join(parts)

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        """logging's default `2026-12-03 17:38:19,637`, the seconds formatted once per second."""
        return self._time(record.created, record.msecs)

    def _time(self, created: float, msecs: float) -> str:
        second, text = self._second
        whole = int(created)
        if second != whole:
            text = time.strftime(TIME_FORMAT, self.converter(created))
            self._second = (whole, text)
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
    return text if _bare(text) else _json_string(text)


def _bare(text: str) -> bool:
    """Whether `text` is written as it is: not quoted (JSON string rules) as one that could be mistaken for several
    fields or lines (empty, a space, quote or equals sign). Every isspace() character but the space is unprintable, so
    a printable text without those three needs no regular expression (a few times faster: most values)."""
    if text.isprintable():
        return bool(text) and " " not in text and '"' not in text and "=" not in text
    return not _NEEDS_QUOTES.search(text)


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, the fields, and `exception` (the traceback)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._second: tuple[float, str] = (-1.0, "")  # the last second's ISO text: one request line each, many a second

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
        moment = self._time(created)
        if exception is None and type(message) is str and not _HEAD_KEYS.intersection(values):
            line = _flat_json(moment, level_name, logger_name, message, values)  # every request line
            if line is not None:
                return line
        entry = {"time": moment, "level": level_name, "logger": logger_name, "message": message, **values}
        if exception is not None:
            entry["exception"] = exception
        return _ENCODER.encode(entry)

    def _time(self, created: float) -> str:
        """`datetime.fromtimestamp(created, UTC).isoformat(timespec="milliseconds")`, the second's text made once
        per second: the microseconds rounded half to even as datetime rounds them, then cut to milliseconds."""
        fraction, whole = math.modf(created)
        micros = round(fraction * 1e6)
        if micros >= 1_000_000:
            micros, whole = micros - 1_000_000, whole + 1.0
        elif micros < 0:
            micros, whole = micros + 1_000_000, whole - 1.0
        second, text = self._second
        if second != whole:
            text = datetime.fromtimestamp(whole, UTC).isoformat()[:19]  # YYYY-MM-DDTHH:MM:SS
            self._second = (whole, text)
        return f"{text}.{micros // 1000:03d}+00:00"


def _flat_json(moment: str, level_name: str, logger_name: str, message: str, values: dict[str, Any]) -> str | None:
    """`_ENCODER.encode({"time": moment, "level": ..., **values})` when every key is a str and every value a str,
    int, float, bool or None (exactly those types, written as the encoder writes them); None otherwise."""
    parts = [f'{{"time": "{moment}", {_head(level_name, logger_name, message)}']
    for key, value in values.items():
        kind = type(value)
        if kind is str:
            text = _json_string(value)
        elif value is None:
            text = "null"
        elif kind is bool:
            text = "true" if value else "false"
        elif kind is int:
            text = int.__repr__(value)
        elif kind is float:
            text = float.__repr__(value) if math.isfinite(value) else _ENCODER.encode(value)
        else:
            return None
        name = _KEYS.get(key) if type(key) is str else None
        if name is None:
            if type(key) is not str:
                return None
            name = _json_string(key)
            if len(_KEYS) < _MAX_KEYS:  # a logger's field names: a few dozen
                _KEYS[key] = name
        parts.append(f"{name}: {text}")
    return ", ".join(parts) + "}"


def _head(level_name: str, logger_name: str, message: str) -> str:
    """`"level": ..., "logger": ..., "message": ...` as the encoder writes them, kept for lines written often."""
    head = _HEADS.get((level_name, logger_name, message))
    if head is None:
        head = f'"level": {_json_string(level_name)}, "logger": {_json_string(logger_name)}, ' \
               f'"message": {_json_string(message)}'
        if len(_HEADS) < _MAX_KEYS:
            _HEADS[(level_name, logger_name, message)] = head
    return head


_KEYS: dict[str, str] = {}
_HEADS: dict[tuple[str, str, str], str] = {}
_MAX_KEYS = 256


# Handlers whose emit, once their stream is open, is StreamHandler.emit: a FileHandler opens its file at the first
# record when made with delay=True (until then its stream is None), and otherwise is a StreamHandler of that file.
# Not their subclasses (a rotating or watched file handler checks its file before each record).
_STREAMS = (logging.StreamHandler, logging.FileHandler)


def stream_handlers(logger: logging.Logger, level: int) -> list[logging.StreamHandler] | None:
    """The handlers a record of `level` from `logger` would reach, when each is a plain StreamHandler (or
    FileHandler, its file open) with one of these formatters and nothing filters the record: a line can then be
    written to their streams directly, as `fields_line` formats it. None otherwise (a test's capture, a filter, a
    rotating file handler): log a record then."""
    if logger.filters:
        return None
    found: list[logging.StreamHandler] = []
    current: logging.Logger | None = logger
    while current is not None:  # as Logger.callHandlers walks them
        for handler in current.handlers:
            if handler.level > level:
                continue
            if (type(handler) not in _STREAMS or handler.filters
                    or type(handler.formatter) not in (PlainFormatter, JsonFormatter)):
                return None
            # _STREAMS are StreamHandlers
            if handler.stream is None:  # type: ignore[attr-defined]
                return None
            found.append(handler)  # type: ignore[arg-type]
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
