#!/usr/bin/python3
"""apt/deb package state: pending upgrades (by origin and architecture), held
packages, packages autoremove would remove, and whether a reboot is required.

Reads `apt-get --just-print dist-upgrade` and `... autoremove` (a simulation: no lock,
no change) and `apt-mark showhold`; /run/reboot-required is written by Debian's
update-notifier hooks and unattended-upgrades.
"""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))
from lantern_textfile import Exposition, host_path, main, tool_output  # noqa: E402

# "Inst bash [5.2.15-2+b8] (5.2.15-2+b13 Debian:12.15/oldstable [amd64])": the part in
# parentheses is the new version, the archives it comes from, and the architecture.
INSTALL_LINE = re.compile(r"^Inst (\S+) (?:\[[^\]]*\] )?\((\S+) (.*) \[([^\]]+)\]\)")
REMOVE_LINE = re.compile(r"^Remv (\S+)")
SIMULATE = ["-o", "Debug::NoLocking=1", "--just-print"]


def collect():
    exposition = Exposition()
    upgrades = exposition.family("lantern_apt_upgrades_pending", "Packages apt would upgrade, by origin and architecture.")
    security = exposition.family("lantern_apt_security_upgrades_pending", "Pending upgrades that come from a security archive.")
    held = exposition.family("lantern_apt_held_packages", "Packages on hold (apt-mark showhold).")
    autoremove = exposition.family("lantern_apt_autoremove_pending", "Packages apt-get autoremove would remove.")
    reboot = exposition.family("lantern_reboot_required", "1 if /run/reboot-required exists (a reboot is needed to finish upgrades).")

    counts = {}
    security_count = 0
    for line in tool_output("dist-upgrade.txt", ["apt-get", *SIMULATE, "dist-upgrade"]).splitlines():
        match = INSTALL_LINE.match(line)
        if not match:
            continue
        origin, arch = match.group(3), match.group(4)
        counts[(origin, arch)] = counts.get((origin, arch), 0) + 1
        if "security" in origin.lower():
            security_count += 1
    for (origin, arch), count in sorted(counts.items()):
        exposition.add(upgrades, count, origin=origin, arch=arch)
    if not counts:
        exposition.add(upgrades, 0, origin="", arch="")
    exposition.add(security, security_count)

    holds = [name for name in tool_output("showhold.txt", ["apt-mark", "showhold"]).split() if name]
    exposition.add(held, len(holds))

    removals = [line for line in tool_output("autoremove.txt", ["apt-get", *SIMULATE, "autoremove"]).splitlines() if REMOVE_LINE.match(line)]
    exposition.add(autoremove, len(removals))

    exposition.add(reboot, 1 if os.path.exists(host_path("/run/reboot-required")) else 0)
    return exposition


if __name__ == "__main__":
    main(collect)
