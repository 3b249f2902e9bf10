#!/usr/bin/python3
"""SMART disk health from smartctl's JSON output (smartmontools 7.0 or later).

Devices come from `smartctl --scan-open --json`, or from LANTERN_SMART_DEVICES (device
names separated by spaces) when set. Each is read with
`smartctl --json --info --health --attributes`. smartctl's exit status is a bit mask
(bit 0: bad command line, bit 1: device open failed, bit 3: disk failing, ...): it is
exposed as is, and bits 0-1 mean nothing else could be read from that device.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))
from lantern_textfile import Exposition, main, parse_json, tool_output  # noqa: E402

ANY_STATUS = lambda status: True  # noqa: E731  smartctl sets bits for disk problems too
UNREADABLE_BITS = 0b11


def scanned_devices():
    configured = os.environ.get("LANTERN_SMART_DEVICES", "").split()
    if configured:
        return [(name, None) for name in configured]
    scan = parse_json(tool_output("scan.json", ["smartctl", "--scan-open", "--json"], ANY_STATUS), "smartctl --scan-open")
    return [(device["name"], device.get("type")) for device in scan.get("devices", []) if "name" in device]


def collect():
    exposition = Exposition()
    devices = exposition.family("lantern_smart_devices", "Devices smartctl was asked about.")
    info = exposition.family("lantern_smart_device_info", "Identity of each device, value 1.")
    exit_status = exposition.family("lantern_smart_smartctl_exit_status", "smartctl's exit status bit mask for the device (0: all good).")
    passed = exposition.family("lantern_smart_health_passed", "1 if the device's SMART overall health self-assessment passed.")
    temperature = exposition.family("lantern_smart_temperature_celsius", "Current device temperature.")
    power_on = exposition.family("lantern_smart_power_on_seconds", "Time the device has been powered on.")
    power_cycles = exposition.family("lantern_smart_power_cycles", "Number of power-on events of the device.")
    attribute_value = exposition.family("lantern_smart_attribute_value", "Normalized value of an ATA SMART attribute.")
    attribute_threshold = exposition.family("lantern_smart_attribute_threshold", "Failure threshold of an ATA SMART attribute.")
    attribute_raw = exposition.family("lantern_smart_attribute_raw_value", "Raw value of an ATA SMART attribute.")
    attribute_failing = exposition.family("lantern_smart_attribute_failing", "1 if an ATA SMART attribute is at or below its threshold now or in the past.")

    found = scanned_devices()
    exposition.add(devices, len(found))
    for name, device_type in found:
        argv = ["smartctl", "--json", "--info", "--health", "--attributes"]
        if device_type:
            argv += ["--device", device_type]
        recording = "device-" + name.replace("/dev/", "").replace("/", "_") + ".json"
        report = parse_json(tool_output(recording, argv + [name], ANY_STATUS), f"smartctl {name}")
        status = report.get("smartctl", {}).get("exit_status", UNREADABLE_BITS)
        exposition.add(exit_status, status, device=name)
        if status & UNREADABLE_BITS:
            continue
        exposition.add(
            info, 1, device=name, type=report.get("device", {}).get("type", device_type or ""),
            model=report.get("model_name", report.get("model_family", "")), serial=report.get("serial_number", ""),
            firmware=report.get("firmware_version", ""))
        if "smart_status" in report:
            exposition.add(passed, 1 if report["smart_status"].get("passed") else 0, device=name)
        if "current" in report.get("temperature", {}):
            exposition.add(temperature, report["temperature"]["current"], device=name)
        if "hours" in report.get("power_on_time", {}):
            hours = report["power_on_time"]["hours"]
            minutes = report["power_on_time"].get("minutes", 0)
            exposition.add(power_on, hours * 3600 + minutes * 60, device=name)
        if "power_cycle_count" in report:
            exposition.add(power_cycles, report["power_cycle_count"], device=name)
        for attribute in report.get("ata_smart_attributes", {}).get("table", []):
            labels = {"device": name, "id": attribute.get("id", ""), "name": attribute.get("name", "")}
            exposition.add(attribute_value, attribute.get("value", 0), **labels)
            exposition.add(attribute_threshold, attribute.get("thresh", 0), **labels)
            exposition.add(attribute_raw, attribute.get("raw", {}).get("value", 0), **labels)
            exposition.add(attribute_failing, 1 if attribute.get("when_failed") else 0, **labels)
    return exposition


if __name__ == "__main__":
    main(collect)
