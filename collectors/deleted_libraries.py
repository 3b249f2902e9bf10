#!/usr/bin/python3
"""Processes that still map a shared library that was deleted (replaced by an upgrade):
they run the old code until restarted. Counted per systemd unit, from /proc/PID/maps
and /proc/PID/cgroup. Needs root to read every process's maps.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))
from lantern_textfile import Exposition, ToolError, host_path, main  # noqa: E402

# Deleted mappings that are not libraries: shared memory, memfd, SysV segments.
NOT_LIBRARIES = ("/memfd:", "/dev/shm/", "/SYSV", "/dev/zero", "/run/", "/tmp/", "/var/tmp/")


def deleted_libraries(maps_text):
    """Paths of deleted shared objects in the text of /proc/PID/maps."""
    found = set()
    for line in maps_text.splitlines():
        fields = line.split(None, 5)
        if len(fields) < 6 or not fields[5].endswith(" (deleted)"):
            continue
        path = fields[5][: -len(" (deleted)")]
        name = os.path.basename(path)
        if path.startswith(NOT_LIBRARIES) or not (name.endswith(".so") or ".so." in name):
            continue
        found.add(path)
    return found


def systemd_unit(cgroup_text):
    """The unit of the process (nginx.service, session-3.scope), or "" outside any."""
    for line in cgroup_text.splitlines():
        hierarchy, _, path = line.partition("::")
        if hierarchy != "0" and not line.startswith("1:name=systemd:"):
            continue
        path = path or line.split(":", 2)[-1]
        for component in reversed(path.strip("/").split("/")):
            if component.endswith((".service", ".scope", ".socket", ".mount", ".timer")):
                return component
    return ""


def read(path):
    with open(path, encoding="utf-8", errors="replace") as handle:
        return handle.read()


def collect():
    exposition = Exposition()
    processes = exposition.family(
        "lantern_deleted_libraries_processes", "Processes mapping a deleted shared library, by systemd unit.")
    units = exposition.family(
        "lantern_deleted_libraries_services_need_restart", "Systemd services with a process mapping a deleted shared library.")
    proc = host_path("/proc")
    try:
        pids = [entry for entry in os.listdir(proc) if entry.isdigit()]
    except OSError as error:
        raise ToolError(f"cannot list {proc}: {error}") from error

    per_unit = {}
    for pid in pids:
        try:
            libraries = deleted_libraries(read(os.path.join(proc, pid, "maps")))
            if not libraries:
                continue
            unit = systemd_unit(read(os.path.join(proc, pid, "cgroup")))
        except OSError:
            continue  # the process exited, or is a kernel thread we may not read
        per_unit[unit] = per_unit.get(unit, 0) + 1

    for unit, count in sorted(per_unit.items()):
        exposition.add(processes, count, unit=unit)
    exposition.add(units, sum(1 for unit in per_unit if unit.endswith(".service")))
    return exposition


if __name__ == "__main__":
    main(collect)
