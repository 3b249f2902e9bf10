#!/usr/bin/env python3
"""bench/targets.py: N static exposition endpoints of 1 000 series each, values changing
every second, for the server benchmarks (bench/run sections 4-6).

    python3 bench/targets.py --count 100 --step 2

One process, one event loop, N listening ports (each port is its own `instance`, so
by-instance queries see N instances). It prints the ports as one JSON line on stdout,
then serves until stdin is closed or it gets SIGTERM.

Kept cheap so it does not dominate the CPU the servers are measured with: a body is
formatted at most once per endpoint and second and then shared by every scraper
(Prometheus and lantern-server scrape it in the same second), responses are plain
(no gzip), connections stay open (both scrapers use keep-alive).

The 1 000 series of every endpoint, a dashboard's usual mix:
  120 counters    bench_http_requests_total{handler, method, code}
  260 histogram   bench_http_request_duration_seconds_{bucket,sum,count}{handler[, le]}
   64 counters    bench_cpu_seconds_total{cpu, mode}
   50 gauges      bench_memory_bytes{area, pool}
  506 gauges      bench_queue_length{queue}
"""

import argparse
import json
import os
import random
import selectors
import socket
import sys
import time

HANDLERS = [f"/api/v1/h{i:02d}" for i in range(20)]
METHODS = ["GET", "POST"]
CODES = ["200", "404", "500"]
BUCKETS = ["0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "+Inf"]
# Cumulative share of requests at or below each bucket bound (monotone, ends at 1).
BUCKET_SHARE = [0.05, 0.12, 0.3, 0.5, 0.7, 0.85, 0.93, 0.97, 0.99, 0.998, 1.0]
MODES = ["user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal"]
AREAS = ["heap", "stack", "cache", "buffers", "other"]
SERIES_PER_ENDPOINT = 1000


def endpoint_series(index):
    """(kind, line prefix, parameters) for the 1 000 series of endpoint `index`; the
    random parameters are seeded by the index, so every run serves the same data."""
    rng = random.Random(index)
    out = []
    for h in HANDLERS:
        for m in METHODS:
            for c in CODES:
                rate = rng.uniform(0.1, 40.0) if c == "200" else rng.uniform(0.0, 2.0)
                out.append(("counter", f'bench_http_requests_total{{code="{c}",handler="{h}",method="{m}"}}',
                            (rng.randint(0, 10_000), rate)))
    for h in HANDLERS:
        rate = rng.uniform(1.0, 50.0)
        base = rng.randint(0, 10_000)
        for le, share in zip(BUCKETS, BUCKET_SHARE):
            out.append(("bucket", f'bench_http_request_duration_seconds_bucket{{handler="{h}",le="{le}"}}',
                        (base, rate, share)))
        out.append(("hsum", f'bench_http_request_duration_seconds_sum{{handler="{h}"}}', (base, rate)))
        out.append(("counter", f'bench_http_request_duration_seconds_count{{handler="{h}"}}', (base, rate)))
    for cpu in range(8):
        for mode in MODES:
            out.append(("cpu", f'bench_cpu_seconds_total{{cpu="{cpu}",mode="{mode}"}}',
                        (rng.uniform(0, 1e5), 0.9 if mode == "idle" else rng.uniform(0.0, 0.05))))
    for area in AREAS:
        for pool in range(10):
            out.append(("memory", f'bench_memory_bytes{{area="{area}",pool="p{pool}"}}',
                        (rng.randint(1, 512) * 1 << 20, rng.randint(1, 97))))
    queues = SERIES_PER_ENDPOINT - len(out)
    for q in range(queues):
        out.append(("queue", f'bench_queue_length{{queue="q{q:03d}"}}', (rng.randint(0, 50), rng.randint(1, 13))))
    assert len(out) == SERIES_PER_ENDPOINT
    return out


HELP = {
    "bench_http_requests_total": ("counter", "Requests served."),
    "bench_http_request_duration_seconds": ("histogram", "Request latency."),
    "bench_cpu_seconds_total": ("counter", "CPU time."),
    "bench_memory_bytes": ("gauge", "Memory in use."),
    "bench_queue_length": ("gauge", "Items queued."),
}


def with_metadata(series):
    """Puts the HELP and TYPE lines in front of the first series of each family."""
    out, seen = [], set()
    for kind, prefix, p in series:
        family = prefix.split("{")[0]
        for suffix in ("_bucket", "_sum", "_count"):
            if family.startswith("bench_http_request_duration_seconds"):
                family = "bench_http_request_duration_seconds"
        if family not in seen:
            seen.add(family)
            mtype, text = HELP[family]
            prefix = f"# HELP {family} {text}\n# TYPE {family} {mtype}\n{prefix}"
        out.append((kind, prefix, p))
    return out


def value(kind, p, t):
    """The series' value at second t: counters grow at their rate, gauges wander."""
    if kind == "counter":
        return str(p[0] + int(p[1] * t))
    if kind == "bucket":
        return str(int((p[0] + int(p[1] * t)) * p[2]))
    if kind == "hsum":
        return f"{(p[0] + int(p[1] * t)) * 0.137:.3f}"
    if kind == "cpu":
        return f"{p[0] + p[1] * t:.2f}"
    if kind == "memory":
        return str(p[0] + ((t * p[1]) % 256) * 4096)
    return str((p[0] + t * p[1]) % 64)


def body(series, t):
    return ("".join(f"{prefix} {value(kind, p, t)}\n" for kind, prefix, p in series)).encode()


# Values count seconds from here, so counters start at realistic sizes.
EPOCH = 1767225600  # 2026-01-01


class Endpoint:
    def __init__(self, index, step):
        self.series = with_metadata(endpoint_series(index))
        self.step = step
        self.second = None
        self.response = b""

    def current(self):
        # One value per step (the scrape interval): both servers see the same samples.
        t = int(time.time() - EPOCH) // self.step * self.step
        if t != self.second:
            b = body(self.series, t)
            self.response = (b"HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\n"
                             b"Content-Length: " + str(len(b)).encode() + b"\r\n\r\n" + b)
            self.second = t
        return self.response


def serve(count, step):
    sel = selectors.DefaultSelector()
    ports = []
    for i in range(count):
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", 0))
        s.listen(64)
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ, ("listen", Endpoint(i, step)))
        ports.append(s.getsockname()[1])
    sel.register(sys.stdin, selectors.EVENT_READ, ("stdin", None))
    print(json.dumps({"ports": ports, "series_per_endpoint": SERIES_PER_ENDPOINT}), flush=True)
    buffers = {}
    while True:
        for key, events in sel.select():
            role, data = key.data
            if role == "stdin":
                if not os.read(sys.stdin.fileno(), 4096):
                    return
            elif role == "listen":
                try:
                    conn, _ = key.fileobj.accept()
                except BlockingIOError:
                    continue
                conn.setblocking(False)
                buffers[conn] = [b"", b""]
                sel.register(conn, selectors.EVENT_READ, ("conn", data))
            else:
                conn = key.fileobj
                state = buffers[conn]
                try:
                    if events & selectors.EVENT_READ:
                        chunk = conn.recv(65536)
                        if not chunk:
                            raise ConnectionError
                        state[0] += chunk
                        while b"\r\n\r\n" in state[0]:
                            _, state[0] = state[0].split(b"\r\n\r\n", 1)
                            state[1] += data.current()
                    if state[1]:
                        try:
                            state[1] = state[1][conn.send(state[1]):]
                        except BlockingIOError:
                            pass  # socket buffer full: wait for EVENT_WRITE
                    sel.modify(conn, selectors.EVENT_READ | (selectors.EVENT_WRITE if state[1] else 0), key.data)
                except OSError:
                    sel.unregister(conn)
                    conn.close()
                    del buffers[conn]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, default=100, help="endpoints (ports)")
    ap.add_argument("--step", type=int, default=1, help="seconds between value changes (the scrape interval)")
    args = ap.parse_args()
    serve(args.count, args.step)


if __name__ == "__main__":
    main()
