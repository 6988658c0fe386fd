"""Prometheus metrics of one server process, in the text exposition format (hand-written: four
families need no client library).

Labels are route templates (`/api/integrations/{integration_id}`), methods, statuses and health
statuses only: never a tenant, an actor, an id from a path or anything from a body. With
`--workers N` each worker counts its own requests (a scrape reaches one of them); the counters
are per process, as Prometheus' `process_*` are."""

from __future__ import annotations

import threading
from collections import defaultdict

# seconds: the latency buckets of `http_request_duration_seconds`
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

_lock = threading.Lock()
_requests: dict[tuple[str, str, str], int] = defaultdict(int)
_latency: dict[tuple[str, str], list[float]] = {}  # per bucket, then sum and count
_health: dict[str, int] = defaultdict(int)
_log_entries = [0]


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    """One request answered: counted by method, route template and status, timed."""
    with _lock:
        _requests[(method, route, str(status))] += 1
        row = _latency.setdefault((method, route), [0.0] * (len(BUCKETS) + 2))
        for i, bound in enumerate(BUCKETS):
            if seconds <= bound:
                row[i] += 1
        row[-2] += seconds
        row[-1] += 1


def health_result(status: str) -> None:
    """One health check run through the API, by its result's status."""
    with _lock:
        _health[status] += 1


def log_entries_written(n: int) -> None:
    """`n` log entries accepted through the API (the logs routes call this)."""
    with _lock:
        _log_entries[0] += n


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def render() -> str:
    """Every family, in the text format (version 0.0.4)."""
    with _lock:
        requests = dict(_requests)
        latency = {k: list(v) for k, v in _latency.items()}
        health = dict(_health)
        entries = _log_entries[0]
    lines = [
        "# HELP mercato_int_http_requests_total Requests answered, by method, route and status.",
        "# TYPE mercato_int_http_requests_total counter",
    ]
    for (method, route, status), n in sorted(requests.items()):
        labels = f'method="{method}",route="{_label(route)}",status="{status}"'
        lines.append(f"mercato_int_http_requests_total{{{labels}}} {n}")
    lines += [
        "# HELP mercato_int_http_request_duration_seconds Time to answer, by method and route.",
        "# TYPE mercato_int_http_request_duration_seconds histogram",
    ]
    for (method, route), row in sorted(latency.items()):
        labels = f'method="{method}",route="{_label(route)}"'
        name = "mercato_int_http_request_duration_seconds"
        for bound, count in zip(BUCKETS, row, strict=False):
            lines.append(f'{name}_bucket{{{labels},le="{bound}"}} {int(count)}')
        lines.append(f'{name}_bucket{{{labels},le="+Inf"}} {int(row[-1])}')
        lines.append(f"{name}_sum{{{labels}}} {row[-2]:.6f}")
        lines.append(f"{name}_count{{{labels}}} {int(row[-1])}")
    lines += [
        "# HELP mercato_int_health_checks_total Health checks run through the API, by result.",
        "# TYPE mercato_int_health_checks_total counter",
    ]
    for status, n in sorted(health.items()):
        lines.append(f'mercato_int_health_checks_total{{status="{_label(status)}"}} {n}')
    lines += [
        "# HELP mercato_int_log_entries_written_total Log entries accepted through the API.",
        "# TYPE mercato_int_log_entries_written_total counter",
        f"mercato_int_log_entries_written_total {entries}",
    ]
    return "\n".join(lines) + "\n"
