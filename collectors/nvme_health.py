#!/usr/bin/python3
"""NVMe health from nvme-cli's JSON output: `nvme list -o json` for the devices, then
`nvme smart-log CONTROLLER -o json` once per controller (the SMART / health log page).

A host without NVMe (no /sys/class/nvme) reports 0 devices; that is not a failure.
"""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))
from lantern_textfile import Exposition, host_path, main, parse_json, tool_output  # noqa: E402

NAMESPACE_SUFFIX = re.compile(r"n\d+$")
# The data units of the health log are thousands of 512-byte units.
DATA_UNIT_BYTES = 512 * 1000
# (JSON key, metric, help, type, scale)
HEALTH_FIELDS = [
    ("critical_warning", "lantern_nvme_critical_warning", "Critical warning bit field of the health log (0: none).", "gauge", 1),
    ("avail_spare", "lantern_nvme_available_spare_ratio", "Remaining spare capacity.", "gauge", 0.01),
    ("spare_thresh", "lantern_nvme_available_spare_threshold_ratio", "Spare capacity below which the device warns.", "gauge", 0.01),
    ("percent_used", "lantern_nvme_percentage_used_ratio", "Vendor estimate of the life used (can exceed 1).", "gauge", 0.01),
    ("data_units_read", "lantern_nvme_read_bytes_total", "Bytes read by the host.", "counter", DATA_UNIT_BYTES),
    ("data_units_written", "lantern_nvme_written_bytes_total", "Bytes written by the host.", "counter", DATA_UNIT_BYTES),
    ("power_cycles", "lantern_nvme_power_cycles_total", "Power cycles.", "counter", 1),
    ("power_on_hours", "lantern_nvme_power_on_seconds_total", "Time powered on.", "counter", 3600),
    ("unsafe_shutdowns", "lantern_nvme_unsafe_shutdowns_total", "Shutdowns without prior notification.", "counter", 1),
    ("media_errors", "lantern_nvme_media_errors_total", "Unrecovered data integrity errors.", "counter", 1),
    ("num_err_log_entries", "lantern_nvme_error_log_entries_total", "Error information log entries over the device's life.", "counter", 1),
]


def number(value):
    """nvme-cli prints most fields as numbers, some versions as strings (`"1,234"`)."""
    if isinstance(value, (int, float)):
        return value
    return float(str(value).replace(",", "").split()[0])


def collect():
    exposition = Exposition()
    devices = exposition.family("lantern_nvme_devices", "NVMe controllers found.")
    info = exposition.family("lantern_nvme_device_info", "Identity of each NVMe controller, value 1.")
    temperature = exposition.family("lantern_nvme_temperature_celsius", "Composite temperature of the controller.")
    for _, metric, help_text, metric_type, _ in HEALTH_FIELDS:
        exposition.family(metric, help_text, metric_type)

    if not os.path.isdir(host_path("/sys/class/nvme")):
        exposition.add(devices, 0)
        return exposition

    listing = parse_json(tool_output("list.json", ["nvme", "list", "--output-format=json"]), "nvme list")
    controllers = {}
    for namespace in listing.get("Devices", []):
        path = namespace.get("DevicePath", "")
        if path:
            controllers.setdefault(NAMESPACE_SUFFIX.sub("", path), namespace)
    exposition.add(devices, len(controllers))

    for controller, namespace in sorted(controllers.items()):
        exposition.add(
            info, 1, device=controller, model=namespace.get("ModelNumber", "").strip(),
            serial=namespace.get("SerialNumber", "").strip(), firmware=namespace.get("Firmware", "").strip())
        recording = "smart-log-" + os.path.basename(controller) + ".json"
        health = parse_json(tool_output(recording, ["nvme", "smart-log", controller, "--output-format=json"]), f"nvme smart-log {controller}")
        if "temperature" in health:
            # The log reports Kelvin.
            exposition.add(temperature, number(health["temperature"]) - 273, device=controller)
        for key, metric, _, _, scale in HEALTH_FIELDS:
            if key in health:
                exposition.add(metric, number(health[key]) * scale, device=controller)
    return exposition


if __name__ == "__main__":
    main(collect)
