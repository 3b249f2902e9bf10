"""Helpers bench/run and its server sections (bench/server.py) share: /proc readings,
statistics, exposition parsing and Markdown formatting. Python 3 standard library only."""

import math
import os
import socket
import sys

CLK_TCK = os.sysconf("SC_CLK_TCK")


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def parse_proc_stat(text):
    """utime+stime in clock ticks from the content of /proc/PID/stat.

    The command name (field 2) is in parentheses and may itself contain spaces and
    parentheses, so fields are counted from the LAST ')'. utime and stime are fields
    14 and 15 (1-based), i.e. the 12th and 13th after the ')'.
    """
    rest = text[text.rindex(")") + 2:].split()
    # rest[0] is field 3 (state): field N is rest[N - 3].
    return int(rest[14 - 3]) + int(rest[15 - 3])


def parse_status_kb(text, key):
    """A 'VmHWM:   1234 kB' line of /proc/PID/status, in kB (None if absent)."""
    for line in text.splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return None


def percentile(values, p):
    """Linear interpolation between closest ranks (numpy's default), p in [0, 100]."""
    if not values:
        return None
    s = sorted(values)
    if len(s) == 1:
        return float(s[0])
    rank = (p / 100.0) * (len(s) - 1)
    lo = math.floor(rank)
    hi = math.ceil(rank)
    return s[lo] + (s[hi] - s[lo]) * (rank - lo)


def ratio(a, b):
    if a is None or b is None or b == 0:
        return None
    return a / b


def verdict(value, limit):
    if value is None:
        return "n/a"
    return "PASS" if value <= limit else "MISS"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proc_cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        return parse_proc_stat(f.read())


def proc_mem(pid):
    with open(f"/proc/{pid}/status") as f:
        text = f.read()
    return {"hwm_kb": parse_status_kb(text, "VmHWM"), "rss_kb": parse_status_kb(text, "VmRSS")}


# How each kind of figure is printed in the tables.
FORMATS = {
    "ms": lambda v: f"{v:.3f}",
    "s": lambda v: f"{v:.3f}",
    "kb": lambda v: f"{v / 1024:.1f} MB",
    "f2": lambda v: f"{v:.2f}",
    "x": lambda v: f"{v:.2f}x",
    "int": lambda v: f"{int(v)}",
    "rps": lambda v: f"{v:.0f}",
    "ir": lambda v: f"{v / 1e6:.2f} M",
    "bytes": lambda v: f"{v / 1e6:.2f} MB" if v >= 1e6 else f"{v / 1024:.1f} KiB",
}


def fmt(v, kind):
    if v is None:
        return "-"
    if isinstance(v, str):
        return v
    return FORMATS[kind](v) if kind in FORMATS else str(v)


def table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(out)


def exposition_sum(text, name):
    """Sum of the samples of metric `name` (any labels) in a text exposition, or None.
    Prometheus 2.42 splits some counters by a `type` label; lantern does not."""
    total, found = 0.0, False
    for line in text.splitlines():
        if line.startswith(name) and line[len(name):len(name) + 1] in ("{", " "):
            rest = line[line.rindex("}") + 1:] if "}" in line else line[len(name):]
            total += float(rest.split()[0])
            found = True
    return total if found else None


def tree_bytes(path):
    """Bytes of all regular files under `path` (0 if it does not exist)."""
    total = 0
    for d, _, files in os.walk(path):
        for f in files:
            try:
                total += os.lstat(os.path.join(d, f)).st_size
            except OSError:
                pass  # deleted meanwhile (compaction, WAL truncation)
    return total
