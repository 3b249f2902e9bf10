"""bench/run sections 4-6: lantern-server against Debian's Prometheus 2.42 on the same targets.

4. Ingest and storage: both servers scrape the same endpoints (bench/targets.py plus a real
   lantern-exporter) at the same time, for a fixed time, with short blocks: resident
   memory (steady, peak), CPU, samples/s, WAL bytes written per sample, block bytes per
   sample over the block ranges both have cut.
5. Query speed: the dashboard queries of bench/queries.py against both, over the data
   section 4 stored (targets stopped first, so nothing changes), interleaved.
6. Remote-write sender: each server scrapes the same targets and remote-writes to its
   own Prometheus receiver (--web.enable-remote-write-receiver): samples/s sent, the
   sender's memory and CPU, samples the receiver got.
"""

import json
import math
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

from benchlib import CLK_TCK, exposition_sum, free_port, log, percentile, proc_cpu_ticks, proc_mem, ratio, tree_bytes
from queries import DASHBOARD_QUERIES, same_series

PROMETHEUS = "/usr/bin/prometheus"
BENCH = os.path.dirname(os.path.abspath(__file__))

# DESIGN.md "Targets": lantern / Prometheus.
TARGET_MEMORY = 0.3
TARGET_BYTES_PER_SAMPLE = 1.0
TARGET_QUERY_LATENCY = 1.0


def http_get(port, path, timeout=120):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=timeout) as r:
        return r.read()


def stop_process(proc, grace=30):
    """SIGTERM, then SIGKILL after `grace` seconds."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class Targets:
    """bench/targets.py: `count` endpoints of 1 000 series, values changing every `step` s."""

    def __init__(self, count, step):
        self.proc = subprocess.Popen([sys.executable, os.path.join(BENCH, "targets.py"), "--count", str(count),
                                      "--step", str(step)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.pid = self.proc.pid
        info = json.loads(self.proc.stdout.readline())
        self.ports = info["ports"]
        self.series = info["series_per_endpoint"] * count

    def stop(self):
        self.proc.stdin.close()  # its signal to exit
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            stop_process(self.proc, grace=5)


class Server:
    """A running lantern-server or Prometheus with its own data directory and log."""

    def __init__(self, name, binary, config, work, min_block, extra=()):
        self.name = name
        self.port = free_port()
        self.data = os.path.join(work, name + "-data")
        os.makedirs(self.data, exist_ok=True)
        self.log_path = os.path.join(work, name + ".log")
        self.log = open(self.log_path, "w")
        argv = [binary, f"--config.file={config}", f"--storage.tsdb.path={self.data}",
                f"--web.listen-address=127.0.0.1:{self.port}", "--storage.tsdb.retention.time=1d"]
        if min_block:
            argv += [f"--storage.tsdb.min-block-duration={min_block}", f"--storage.tsdb.max-block-duration={min_block}"]
        self.proc = subprocess.Popen(argv + list(extra), stdout=self.log, stderr=subprocess.STDOUT)
        self.pid = self.proc.pid
        self.started = time.time()
        self.rss_samples = []
        self.wal_segments = {}
        deadline = time.time() + 120
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{name} exited with {self.proc.returncode}; log: {self.log_path}")
            try:
                http_get(self.port, "/-/ready", timeout=5)
                break
            except Exception:
                if time.time() > deadline:
                    self.stop()
                    raise RuntimeError(f"{name} not ready after 120 s; log: {self.log_path}")
                time.sleep(0.2)

    def metric(self, name):
        return exposition_sum(http_get(self.port, "/metrics").decode(), name)

    def observe(self):
        """One sample of resident memory and of the WAL segment sizes. Segments only grow
        until they are deleted behind a checkpoint, so the largest size seen per segment
        summed is the WAL bytes written so far (checkpoints not included)."""
        self.rss_samples.append((time.time(), proc_mem(self.pid)["rss_kb"]))
        wal = os.path.join(self.data, "wal")
        try:
            names = os.listdir(wal)
        except OSError:
            return
        for n in names:
            if n.isdigit():
                try:
                    size = os.path.getsize(os.path.join(wal, n))
                except OSError:
                    continue
                self.wal_segments[n] = max(size, self.wal_segments.get(n, 0))

    def blocks(self, duration_ms):
        """{aligned range start: (bytes, samples, series)} of the persisted blocks.
        Prometheus records the first sample's time as minTime, lantern the range's start:
        both cut at multiples of the block duration, so the start identifies the range."""
        out = {}
        for d in os.listdir(self.data):
            meta = os.path.join(self.data, d, "meta.json")
            if not os.path.exists(meta):
                continue
            with open(meta) as f:
                m = json.load(f)
            out[m["minTime"] // duration_ms * duration_ms] = (tree_bytes(os.path.join(self.data, d)), m["stats"]["numSamples"],
                                                 m["stats"]["numSeries"])
        return out

    def stop(self):
        stop_process(self.proc)
        self.log.close()


def write_config(path, interval, target_ports, exporter_port, remote_write_port=None):
    lines = ["global:", f"  scrape_interval: {interval}s", f"  scrape_timeout: {interval}s", "scrape_configs:",
             "  - job_name: bench", "    static_configs:", "      - targets:"]
    lines += [f"          - 127.0.0.1:{p}" for p in target_ports]
    lines += ["  - job_name: node", "    static_configs:", "      - targets:", f"          - 127.0.0.1:{exporter_port}"]
    if remote_write_port:
        lines += ["remote_write:", f"  - url: http://127.0.0.1:{remote_write_port}/api/v1/write"]
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


class Scene:
    """Targets, a real lantern-exporter, and the servers scraping them."""

    def __init__(self, args, bins, work, remote_write=False):
        self.args, self.work = args, work
        self.servers, self.receivers = [], []
        self.targets = Targets(args.server_targets, args.server_interval)
        self.exporter_port = free_port()
        self.exporter_log = open(os.path.join(work, "exporter.log"), "w")
        self.exporter = subprocess.Popen([bins["lantern-exporter"], f"--web.listen-address=127.0.0.1:{self.exporter_port}"],
                                         stdout=self.exporter_log, stderr=subprocess.STDOUT)
        try:
            for name, binary in (("lantern", bins["lantern-server"]), ("prometheus", PROMETHEUS)):
                rw_port = None
                if remote_write:
                    receiver_config = os.path.join(work, f"receiver-for-{name}.yml")
                    with open(receiver_config, "w") as f:
                        f.write("scrape_configs: []\n")
                    receiver = Server(f"receiver-for-{name}", PROMETHEUS, receiver_config, work, None,
                                      extra=["--web.enable-remote-write-receiver"])
                    self.receivers.append(receiver)
                    rw_port = receiver.port
                config = os.path.join(work, f"{name}.yml")
                write_config(config, args.server_interval, self.targets.ports, self.exporter_port, rw_port)
                self.servers.append(Server(name, binary, config, work, None if remote_write else args.block_duration))
        except Exception:
            self.stop()
            raise

    def wait_all_up(self, timeout=90):
        """Until every server has scraped every target successfully (Prometheus starts its
        scrape loops only after its discovery manager's first 5 s update), so measuring
        windows start with all loops running in both."""
        want = len(self.targets.ports) + 1
        deadline = time.time() + timeout
        pending = list(self.servers)
        while pending:
            try:
                reply = json.loads(http_get(pending[0].port, "/api/v1/query?query=count(up%3D%3D1)", timeout=10))
                result = reply["data"]["result"]
                if result and int(float(result[0]["value"][1])) >= want:
                    pending.pop(0)
                    continue
            except Exception:
                pass  # not answering yet
            if time.time() > deadline:
                raise RuntimeError(f"{pending[0].name}: not all {want} targets up after {timeout} s")
            time.sleep(0.5)

    def run_for(self, seconds):
        """Lets the servers scrape for `seconds`, observing them every second. Returns
        per server: CPU ticks over the window and the wall time."""
        start_ticks = {s.name: proc_cpu_ticks(s.pid) for s in self.servers}
        target_ticks = proc_cpu_ticks(self.targets.pid)
        t0 = time.time()
        while time.time() - t0 < seconds:
            for s in self.servers:
                s.observe()
            time.sleep(1.0)
        wall = time.time() - t0
        self.targets_cpu_share = (proc_cpu_ticks(self.targets.pid) - target_ticks) / CLK_TCK / wall
        return {s.name: proc_cpu_ticks(s.pid) - start_ticks[s.name] for s in self.servers}, wall

    def stop_targets(self):
        if self.targets:
            self.targets.stop()
            self.targets = None
        if self.exporter:
            stop_process(self.exporter)
            self.exporter_log.close()
            self.exporter = None

    def stop(self):
        self.stop_targets()
        for s in self.servers + self.receivers:
            s.stop()
        self.servers, self.receivers = [], []


def steady_rss(server, since):
    """Median VmRSS over the samples taken after `since` (the second half of a run)."""
    return percentile([kb for t, kb in server.rss_samples if t >= since], 50)


def section_ingest_and_queries(args, bins, report):
    sec = report.setdefault("ingest", {})
    sec.update({"targets": args.server_targets, "series_per_target": 1000, "interval_s": args.server_interval,
                "seconds": args.ingest_seconds, "block_duration": args.block_duration})
    with tempfile.TemporaryDirectory(prefix="bench-server-") as work:
        log(f"bench: server ingest, {args.server_targets} x 1000 series + lantern-exporter every "
            f"{args.server_interval}s for {args.ingest_seconds}s, blocks of {args.block_duration}")
        scene = Scene(args, bins, work)
        try:
            scene.wait_all_up()
            appended0 = {s.name: s.metric("prometheus_tsdb_head_samples_appended_total") or 0 for s in scene.servers}
            # WAL bytes are counted from the window's start, as samples are: what each server
            # wrote before (its first scrapes' series records, and the seconds it scraped
            # while the other was not up yet, which differ between the two) is left out.
            for s in scene.servers:
                s.observe()
            wal0 = {s.name: sum(s.wal_segments.values()) for s in scene.servers}
            ticks, wall = scene.run_for(args.ingest_seconds)
            end_ms = int(time.time() * 1000)
            half = time.time() - wall / 2
            for s in scene.servers:
                appended = (s.metric("prometheus_tsdb_head_samples_appended_total") or 0) - appended0[s.name]
                s.observe()
                mem = proc_mem(s.pid)
                wal_bytes = sum(s.wal_segments.values()) - wal0[s.name]
                sec[s.name] = {
                    "samples_appended": appended,
                    "samples_per_s": appended / wall,
                    "head_series": s.metric("prometheus_tsdb_head_series"),
                    "cpu_s": ticks[s.name] / CLK_TCK,
                    "cpu_cores": ticks[s.name] / CLK_TCK / wall,
                    "cpu_s_per_million_samples": ticks[s.name] / CLK_TCK / appended * 1e6 if appended else None,
                    "rss_kb": steady_rss(s, half),
                    "hwm_kb": mem["hwm_kb"],
                    "wal_bytes_written": wal_bytes,
                    "wal_bytes_per_sample": wal_bytes / appended if appended else None,
                    "data_dir_bytes": tree_bytes(s.data),
                }
            sec["targets_cpu_cores"] = scene.targets_cpu_share
            # Same values from here on: later scrapes fail and write staleness markers after end_ms.
            scene.stop_targets()
            storage_per_sample(scene, sec, duration_ms(args.block_duration))
            section_queries(args, scene, end_ms, report)
        finally:
            scene.stop()
            for s in ("lantern", "prometheus"):
                sec.setdefault("logs_tail", {})[s] = log_tail(os.path.join(work, s + ".log"))


def storage_per_sample(scene, sec, duration_ms):
    """Block bytes per sample over the block ranges both servers have cut (one may be a
    maintenance tick late), except the first: the servers started inside it, at moments
    a few seconds apart, so it holds fewer samples per series than a full range."""
    blocks = {s.name: s.blocks(duration_ms) for s in scene.servers}
    L, P = blocks["lantern"], blocks["prometheus"]
    first = min(list(L) + list(P), default=None)
    common = sorted(r for r in set(L) & set(P) if r != first)
    sec["common_blocks"] = common
    for name, b in blocks.items():
        size = sum(b[r][0] for r in common)
        samples = sum(b[r][1] for r in common)
        sec[name]["blocks"] = len(b)
        sec[name]["block_bytes"] = size
        sec[name]["block_samples"] = samples
        sec[name]["block_bytes_per_sample"] = size / samples if samples else None


def duration_ms(text):
    """A Prometheus duration of one unit ("10s", "2m", "1h") in milliseconds."""
    units = {"ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000}
    unit = text.lstrip("0123456789")
    return int(text[:len(text) - len(unit)]) * units[unit]


def log_tail(path, lines=5):
    try:
        with open(path, errors="replace") as f:
            return f.read().splitlines()[-lines:]
    except OSError:
        return []


def query(port, expr, start_s, end_s, step_s):
    q = urllib.parse.urlencode({"query": expr, "start": f"{start_s:.3f}", "end": f"{end_s:.3f}", "step": f"{step_s}s"})
    t = time.perf_counter()
    body = http_get(port, "/api/v1/query_range?" + q)
    elapsed = time.perf_counter() - t
    reply = json.loads(body)
    if reply.get("status") != "success":
        raise RuntimeError(f"{expr}: {reply}")
    return elapsed, reply["data"]["result"]


def section_queries(args, scene, end_ms, report):
    end_s = end_ms / 1000.0
    window = min(args.query_window, max(args.server_interval * 5, args.ingest_seconds - 2 * args.server_interval - 10))
    start_s = end_s - window
    sec = report.setdefault("queries", {"window_s": window, "step_s": args.query_step, "repeats": args.query_repeats,
                                        "queries": []})
    log(f"bench: {len(DASHBOARD_QUERIES)} dashboard queries x {args.query_repeats} on both, range {window:.0f}s "
        f"step {args.query_step}s")
    servers = {s.name: s for s in scene.servers}
    times = {(q, n): [] for _, q in DASHBOARD_QUERIES for n in servers}
    results = {}
    for rep in range(args.query_repeats):
        for i, (_, expr) in enumerate(DASHBOARD_QUERIES):
            order = ["lantern", "prometheus"] if (rep + i) % 2 == 0 else ["prometheus", "lantern"]
            for n in order:
                try:
                    elapsed, result = query(servers[n].port, expr, start_s, end_s, args.query_step)
                except Exception as e:
                    results[(expr, n)] = f"error: {e}"
                    continue
                times[(expr, n)].append(elapsed)
                results.setdefault((expr, n), result)
    ratios = []
    for title, expr in DASHBOARD_QUERIES:
        entry = {"title": title, "query": expr}
        for n in servers:
            entry[n + "_median_ms"] = (percentile(times[(expr, n)], 50) or 0) * 1000 if times[(expr, n)] else None
            r = results.get((expr, n))
            entry[n + "_series"] = len(r) if isinstance(r, list) else r
        entry["ratio"] = ratio(entry["lantern_median_ms"], entry["prometheus_median_ms"])
        l, p = results.get((expr, "lantern")), results.get((expr, "prometheus"))
        entry["same_series"] = same_series(l, p) if isinstance(l, list) and isinstance(p, list) else False
        if entry["ratio"] is not None:
            ratios.append(entry["ratio"])
        sec["queries"].append(entry)
    sec["median_ratio"] = percentile(ratios, 50)
    sec["geomean_ratio"] = math.exp(sum(math.log(r) for r in ratios) / len(ratios)) if ratios else None
    sec["lantern_total_ms"] = sum(q["lantern_median_ms"] or 0 for q in sec["queries"])
    sec["prometheus_total_ms"] = sum(q["prometheus_median_ms"] or 0 for q in sec["queries"])


def section_remote_write(args, bins, report):
    sec = report.setdefault("remote_write", {"seconds": args.remote_write_seconds, "targets": args.server_targets})
    with tempfile.TemporaryDirectory(prefix="bench-rw-") as work:
        log(f"bench: remote write, each server to its own Prometheus receiver, {args.remote_write_seconds}s")
        scene = Scene(args, bins, work, remote_write=True)
        try:
            scene.wait_all_up()
            sent0 = {s.name: s.metric("prometheus_remote_storage_samples_total") or 0 for s in scene.servers}
            received0 = [r.metric("prometheus_tsdb_head_samples_appended_total") or 0 for r in scene.receivers]
            ticks, wall = scene.run_for(args.remote_write_seconds)
            half = time.time() - wall / 2
            now = time.time()
            for s, receiver, r0 in zip(scene.servers, scene.receivers, received0):
                sent = (s.metric("prometheus_remote_storage_samples_total") or 0) - sent0[s.name]
                highest = s.metric("prometheus_remote_storage_queue_highest_sent_timestamp_seconds")
                received = (receiver.metric("prometheus_tsdb_head_samples_appended_total") or 0) - r0
                sec[s.name] = {
                    "samples_sent": sent,
                    "samples_per_s": sent / wall,
                    "samples_failed": s.metric("prometheus_remote_storage_samples_failed_total"),
                    "pending": s.metric("prometheus_remote_storage_samples_pending"),
                    "lag_s": now - highest if highest else None,
                    "receiver_samples_appended": received,
                    "cpu_cores": ticks[s.name] / CLK_TCK / wall,
                    "rss_kb": steady_rss(s, half),
                    "hwm_kb": proc_mem(s.pid)["hwm_kb"],
                }
            silent = [n for n in ("lantern", "prometheus") if not sec[n]["samples_sent"]]
            if silent:
                sec["error"] = f"no samples sent by {', '.join(silent)} (logs in the JSON)"
        finally:
            scene.stop()
            for s in ("lantern", "prometheus"):
                sec.setdefault("logs_tail", {})[s] = log_tail(os.path.join(work, s + ".log"))


def server_targets(report):
    i, q, rw = report.get("ingest", {}), report.get("queries", {}), report.get("remote_write", {})
    L, P = i.get("lantern", {}), i.get("prometheus", {})
    checks = [
        ("server steady RSS vs Prometheus", ratio(L.get("rss_kb"), P.get("rss_kb")), TARGET_MEMORY),
        ("server peak RSS vs Prometheus", ratio(L.get("hwm_kb"), P.get("hwm_kb")), TARGET_MEMORY),
        ("block bytes per sample vs Prometheus", ratio(L.get("block_bytes_per_sample"), P.get("block_bytes_per_sample")),
         TARGET_BYTES_PER_SAMPLE),
        ("WAL bytes per sample vs Prometheus", ratio(L.get("wal_bytes_per_sample"), P.get("wal_bytes_per_sample")),
         TARGET_BYTES_PER_SAMPLE),
        ("query latency vs Prometheus (median of ratios)", q.get("median_ratio"), TARGET_QUERY_LATENCY),
        ("remote-write sender RSS vs Prometheus", ratio(rw.get("lantern", {}).get("rss_kb"),
                                                        rw.get("prometheus", {}).get("rss_kb")), TARGET_MEMORY),
    ]
    return checks
