"""Where `bench load`'s delivery latency goes: the server's stage stamps (graph/event_trace.py) beside the client's.

Stages of a note on a followed customer, all wall-clock: the addNote answer at the agent; `committed`
(the writing worker, after COMMIT); `read` (the subscriber's worker's feed read the event from the log);
`taken` (the subscription took it from its mailbox); `built` (the update was read and built); received
at the subscriber's socket. Plus how late each event loop ran a timer: the servers' and the client's.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from bench.common import ms, percentile, print_table
from bench.load_agents import Tally

STAGE = re.compile(r"event stage stage=(\w+) ids=([\d,]+) at=([\d.]+) pid=(\d+)")
LAG = re.compile(r"loop lag worst_ms=([\d.]+) mean_ms=([\d.]+) pid=(\d+)")


@dataclass
class Trace:
    """The server's stamps: stage -> event id -> [(pid, time)]; per-second loop lags (worst, mean)."""

    stamps: dict[str, dict[int, list[tuple[int, float]]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list))
    )
    lags: list[tuple[float, float]] = field(default_factory=list)


def read_trace(log: Path) -> Trace:
    trace = Trace()
    for line in log.read_text(errors="replace").splitlines():
        if match := STAGE.search(line):
            stage, ids, at, pid = match.groups()
            for event_id in ids.split(","):
                trace.stamps[stage][int(event_id)].append((int(pid), float(at)))
        elif match := LAG.search(line):
            trace.lags.append((float(match[1]), float(match[2])))
    return trace


def print_stages(engine: str, tally: Tally, trace: Trace) -> None:
    """One row per stage: p50/p95 of the time from the previous stage, over the delivered notes."""
    spans: dict[str, list[float]] = defaultdict(list)
    for entry, arrivals in tally.received.items():
        event_id, answered = tally.events.get(entry), tally.written.get(entry)
        if answered is None or event_id is None:
            continue
        stamps = {stage: trace.stamps[stage].get(event_id, []) for stage in ("committed", "taken", "built")}
        if not all(stamps.values()):
            continue
        (writer, committed), = stamps["committed"]
        worker, taken = stamps["taken"][0]
        built = stamps["built"][0][1]
        read = next((at for pid, at in trace.stamps["read"].get(event_id, []) if pid == worker), None)
        if read is None:
            continue
        where = "same worker" if writer == worker else "other worker"
        spans["answer -> received (the benchmark's figure)"].append(arrivals[0] - answered)
        spans["committed -> answer at the agent"].append(answered - committed)
        spans["committed -> received"].append(arrivals[0] - committed)
        spans[f"committed -> read by the feed ({where})"].append(read - committed)
        spans["read -> taken by the subscription"].append(taken - read)
        spans["taken -> update built (entry read)"].append(built - taken)
        spans["built -> received at the socket"].append(arrivals[0] - built)
    rows = [[name, len(values), *(ms(percentile(sorted(v * 1000 for v in values), q)) for q in (50, 95))]
            for name, values in spans.items()]
    server_worst = sorted(w for w, _mean in trace.lags)
    server_mean = sorted(m for _worst, m in trace.lags)
    client = sorted(tally.lags)
    notes = [f"server event loops: a 10 ms timer ran late by {ms(percentile(server_mean, 50))} ms on average "
             f"(median second), worst in a second p50 {ms(percentile(server_worst, 50))} / p95 "
             f"{ms(percentile(server_worst, 95))} ms",
             f"client event loops: a 10 ms timer ran late p50 {ms(percentile(client, 50))} / p95 "
             f"{ms(percentile(client, 95))} / p99 {ms(percentile(client, 99))} ms"]
    headers = ["stage", "notes", "p50 ms", "p95 ms"]
    print_table(f"delivery stages on {engine} (wall clock, ms)", headers, rows, notes=notes)
