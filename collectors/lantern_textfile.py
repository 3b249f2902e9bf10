"""Helpers shared by Lantern's textfile drop-in scripts (Python 3 standard library only).

A script prints the Prometheus text format on stdout; `lantern-textfile-run` writes it
atomically into the textfile directory together with lantern_textfile_script_success.

Tools are run through `tool_output`, which replays recorded output instead when the
environment variable LANTERN_COLLECTORS_REPLAY_DIR names a directory: the tests run the
scripts against output recorded from the real tools.
"""

import json
import math
import os
import subprocess
import sys


class ToolError(Exception):
    """A tool could not be run or failed in a way that leaves nothing to report."""


def tool_output(recording, argv, accept_status=lambda status: status == 0):
    """The stdout of `argv` (run with LC_ALL=C), or of the recording named `recording`."""
    replay = os.environ.get("LANTERN_COLLECTORS_REPLAY_DIR")
    if replay:
        try:
            with open(os.path.join(replay, recording), encoding="utf-8") as recorded:
                return recorded.read()
        except OSError as error:
            raise ToolError(f"no recording {recording!r} for {argv[0]}: {error}") from error
    environment = dict(os.environ, LC_ALL="C")
    try:
        completed = subprocess.run(argv, capture_output=True, text=True, env=environment, timeout=300, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise ToolError(f"cannot run {argv[0]}: {error}") from error
    if not accept_status(completed.returncode):
        raise ToolError(f"{' '.join(argv)} exited with {completed.returncode}: {completed.stderr.strip()[:500]}")
    return completed.stdout


def parse_json(text, what):
    """The JSON document a tool printed; a ToolError naming `what` when it is not JSON."""
    try:
        return json.loads(text)
    except ValueError as error:
        raise ToolError(f"{what}: not JSON: {error}") from error


def host_path(path):
    """A host path, below LANTERN_COLLECTORS_ROOT when set (tests point it at a fixture tree)."""
    root = os.environ.get("LANTERN_COLLECTORS_ROOT", "/")
    return os.path.join(root, path.lstrip("/"))


def _escape(value):
    return str(value).replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _format_value(value):
    value = float(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


class Exposition:
    """Families in the order they are declared, each with HELP, TYPE and its samples."""

    def __init__(self):
        self._families = {}

    def family(self, name, help_text, metric_type="gauge"):
        self._families.setdefault(name, (help_text.replace("\\", "\\\\").replace("\n", "\\n"), metric_type, []))
        return name

    def add(self, name, value, /, **labels):
        if name not in self._families:
            raise KeyError(f"family {name} not declared")
        label_text = ",".join(f'{key}="{_escape(val)}"' for key, val in sorted(labels.items()))
        series = f"{name}{{{label_text}}}" if label_text else name
        self._families[name][2].append(f"{series} {_format_value(value)}")

    def text(self):
        lines = []
        for name, (help_text, metric_type, samples) in self._families.items():
            if not samples:
                continue
            lines.append(f"# HELP {name} {help_text}")
            lines.append(f"# TYPE {name} {metric_type}")
            lines.extend(samples)
        return "".join(line + "\n" for line in lines)


def main(collect):
    """Runs `collect() -> Exposition`, prints it; a ToolError is one line on stderr, exit 1."""
    try:
        exposition = collect()
    except ToolError as error:
        print(f"{os.path.basename(sys.argv[0])}: {error}", file=sys.stderr)
        sys.exit(1)
    sys.stdout.write(exposition.text())
