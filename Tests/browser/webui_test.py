#!/usr/bin/python3
"""Drives lantern-server's web UI in Debian's headless Chromium (through chromium-driver and
selenium) and checks what a person would see: the graph of a rate() query draws one line per
series the API returns, completion offers metric, label and value names, a syntax error shows
next to the query with its position, a down target shows its error, a firing alert shows.
Screenshots of every page (light, dark, phone width) go to --artifacts.

Run by Tests/LanternServerTests/WebUITests.swift against a real lantern-server scraping a real
lantern-exporter; exits non-zero with a message on the first failed check."""

import argparse
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import TimeoutException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

WAIT_SECONDS = 30


class CheckFailed(Exception):
    pass


def check(condition, message):
    if not condition:
        raise CheckFailed(message)


def api(server, path, **params):
    url = f"{server}{path}?{urllib.parse.urlencode(params)}"
    with urllib.request.urlopen(url, timeout=10) as response:
        body = json.load(response)
    check(body["status"] == "success", f"{path}: {body}")
    return body["data"]


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1280,900", "--hide-scrollbars", "--force-device-scale-factor=1"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def wait(driver, what, condition):
    try:
        return WebDriverWait(driver, WAIT_SECONDS, poll_frequency=0.2).until(lambda _: condition())
    except TimeoutException:
        raise CheckFailed(f"timed out waiting for {what}; page said: {driver.find_element(By.TAG_NAME, 'main').text[:600]!r}")


def color_scheme(driver, scheme):
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": scheme}]})


class Session:
    def __init__(self, driver, server, artifacts):
        self.driver, self.server, self.artifacts = driver, server, artifacts

    def open(self, path):
        self.driver.get(self.server + path)

    def screenshot(self, name):
        path = os.path.join(self.artifacts, f"{name}.png")
        self.driver.save_screenshot(path)
        print(f"screenshot: {path}")

    def js(self, script, *arguments):
        return self.driver.execute_script(script, *arguments)

    def script_errors(self):
        """JavaScript errors logged so far (failed requests are checked where they matter)."""
        return [entry for entry in self.driver.get_log("browser") if entry["level"] == "SEVERE" and entry.get("source") != "network"]

    # /graph with a rate() over the exporter: one drawn line per series of the API's answer.
    def graph(self):
        query = "rate(node_cpu_seconds_total[1m])"
        self.open("/graph?" + urllib.parse.urlencode({"g0.expr": query, "g0.tab": "0", "g0.range_input": "5m"}))
        panel = "document.querySelector('.panel')"
        wait(self.driver, "the chart", lambda: self.js(f"return {panel}.dataset.state") == "done"
             and self.js(f"return {panel}.dataset.seriesDrawn") not in (None, "0"))
        now = time.time()
        expected = api(self.server, "/api/v1/query_range", query=query, start=now - 300, end=now, step=1)["result"]
        check(len(expected) > 0, "the API returned no series for the graph's query")
        drawn = self.js(f"return {panel}.lanternChart.numColumns() - 1")
        check(drawn == len(expected), f"chart has {drawn} lines, the API returned {len(expected)} series")
        # Each line really has plotted points on the canvas (dygraphs' laid-out points).
        points = self.js(f"return {panel}.lanternChart.layout_.points.map(p => p.filter(q => !isNaN(q.canvasy)).length)")
        check(len(points) == len(expected) and all(count > 0 for count in points), f"plotted points per line: {points}")
        listed = len(self.driver.find_elements(By.CSS_SELECTOR, ".panel .series-list li"))
        check(listed == len(expected), f"legend lists {listed} series, the API returned {len(expected)}")
        labels = set(self.js(f"return {panel}.lanternChart.getLabels().slice(1)"))
        names = {self.js("return Lantern.seriesName(arguments[0])", series["metric"]) for series in expected}
        check(labels == names, f"chart series {sorted(labels)[:3]}… differ from the API's {sorted(names)[:3]}…")
        print(f"graph: {drawn} lines for {len(expected)} series")
        self.screenshot("graph")
        color_scheme(self.driver, "dark")
        self.open(self.driver.current_url.replace(self.server, ""))
        wait(self.driver, "the dark chart", lambda: self.js(f"return {panel}.dataset.seriesDrawn") not in (None, "0"))
        self.screenshot("graph-dark")
        color_scheme(self.driver, "light")

    # The table tab by keyboard: arrow keys move between tabs; one row per series.
    def table_by_keyboard(self):
        graph_tab = self.driver.find_element(By.CSS_SELECTOR, ".panel [role=tab][data-tab='0']")
        graph_tab.send_keys(Keys.ARROW_LEFT)
        wait(self.driver, "the table tab", lambda: self.js(
            "return document.querySelector(\".panel [role=tab][data-tab='1']\").getAttribute('aria-selected')") == "true")
        wait(self.driver, "table rows", lambda: len(self.driver.find_elements(By.CSS_SELECTOR, ".panel table.results tbody tr")) > 0)
        check("g0.tab=1" in self.driver.current_url, f"the URL does not keep the tab: {self.driver.current_url}")
        self.screenshot("graph-table")

    # Completion of metric names, label names and label values from the API.
    def completion(self):
        self.open("/graph")
        box = self.driver.find_element(By.CSS_SELECTOR, ".panel textarea.expression")
        box.send_keys("node_cpu_sec")
        # Read in one script call: the list is re-rendered as suggestions arrive.
        options = lambda: self.js("return [...document.querySelectorAll('.panel [role=option]')].map(option => option.textContent)")
        wait(self.driver, "metric name suggestions", lambda: "node_cpu_seconds_total" in options())
        check(box.get_attribute("aria-expanded") == "true", "the combobox does not say it is expanded")
        self.screenshot("graph-completion")
        index = options().index("node_cpu_seconds_total")
        for _ in range(index + 1):
            box.send_keys(Keys.ARROW_DOWN)
        box.send_keys(Keys.ENTER)
        check(box.get_attribute("value") == "node_cpu_seconds_total", f"accepting gave {box.get_attribute('value')!r}")
        box.send_keys("{mo")
        wait(self.driver, "label name suggestions", lambda: "mode" in options())
        box.send_keys(Keys.ARROW_DOWN, Keys.TAB, '="id')
        wait(self.driver, "label value suggestions", lambda: "idle" in options())
        box.send_keys(Keys.ARROW_DOWN, Keys.ENTER)
        check(box.get_attribute("value") == 'node_cpu_seconds_total{mode="idle', f"completed to {box.get_attribute('value')!r}")
        print("completion: metric name, label name and label value")

    # A syntax error shows next to the query, with a caret at the reported column.
    def syntax_error(self):
        self.open("/graph")
        box = self.driver.find_element(By.CSS_SELECTOR, ".panel textarea.expression")
        broken = "sum(rate(node_cpu_seconds_total[1m])"
        box.send_keys(broken, Keys.ESCAPE, Keys.ENTER)
        wait(self.driver, "the error message", lambda: self.driver.find_elements(By.CSS_SELECTOR, ".panel .query-error .error"))
        message = self.driver.find_element(By.CSS_SELECTOR, ".panel .query-error .error p").text
        try:
            api(self.server, "/api/v1/query", query=broken)
            raise CheckFailed("the API accepted a broken query")
        except urllib.error.HTTPError as error:
            api_message = json.load(error)["error"]
        check(message == api_message, f"page shows {message!r}, API said {api_message!r}")
        check("parse error" in message, f"not a parse error: {message!r}")
        marker = self.driver.find_element(By.CSS_SELECTOR, ".panel .error-position").text.split("\n")
        column = int(message.split(": parse error")[0].split(":")[-1])
        check(marker[0] == broken and marker[1].index("^") == column - 1, f"caret line {marker!r} for column {column}")
        check(box.get_attribute("aria-invalid") == "true", "the expression box is not marked invalid")
        print(f"syntax error: {message}")
        self.screenshot("graph-error")

    # /targets: the down target with its error, the up one without.
    def targets(self, down_target):
        self.open("/targets")
        container = "document.getElementById('pools')"
        wait(self.driver, "the targets", lambda: self.js(f"return {container}.dataset.state") == "done")
        rows = self.driver.find_elements(By.CSS_SELECTOR, "tr.target-down")
        row = next((row for row in rows if down_target in row.text), None)
        check(row is not None, f"no down row for {down_target}: {[row.text for row in rows]}")
        error = row.find_element(By.CSS_SELECTOR, ".target-error").text
        api_targets = api(self.server, "/api/v1/targets")["activeTargets"]
        api_error = next(target["lastError"] for target in api_targets if down_target in target["scrapeUrl"])
        check(error and error == api_error, f"page shows error {error!r}, API says {api_error!r}")
        check(len(self.driver.find_elements(By.CSS_SELECTOR, "tr.target-up")) >= 1, "no up target shown")
        print(f"targets: {down_target} down with {error!r}")
        self.screenshot("targets")
        self.driver.set_window_size(390, 844)
        self.screenshot("targets-phone")
        self.driver.set_window_size(1280, 900)

    # /alerts: the firing alert with its labels and active-since.
    def alerts(self, alert_name):
        self.open("/alerts")
        container = "document.getElementById('alert-rules')"
        wait(self.driver, "the alerts", lambda: self.js(f"return {container}.dataset.state") == "done")
        wait(self.driver, "a firing alert", lambda: self.driver.find_elements(By.CSS_SELECTOR, ".rule-firing tr.alert-firing"))
        card = self.driver.find_element(By.CSS_SELECTOR, ".rule-firing")
        check(alert_name in card.text, f"firing rule card does not name {alert_name}: {card.text[:200]!r}")
        check(f'"{alert_name}"' in card.find_element(By.CSS_SELECTOR, "tr.alert-firing").text, "the alert's labels lack alertname")
        check(card.find_elements(By.CSS_SELECTOR, "tr.alert-firing time"), "no active-since time")
        print(f"alerts: {alert_name} firing")
        self.screenshot("alerts")

    def other_pages(self):
        self.open("/rules")
        wait(self.driver, "the rules", lambda: self.js("return document.getElementById('rule-groups').dataset.state") in ("done", "error"))
        self.screenshot("rules")
        self.open("/status")
        wait(self.driver, "the flags", lambda: "--web.ui-assets" in self.driver.find_element(By.ID, "flags").text)
        wait(self.driver, "the head figures", lambda: "Head series" in self.driver.find_element(By.ID, "head").text)
        self.screenshot("status")
        self.driver.set_window_size(390, 844)
        self.open("/graph?" + urllib.parse.urlencode({"g0.expr": "rate(node_network_receive_bytes_total[1m])", "g0.range_input": "5m"}))
        wait(self.driver, "the phone chart", lambda: self.js("return document.querySelector('.panel').dataset.seriesDrawn") not in (None, "0"))
        self.screenshot("graph-phone")
        self.driver.set_window_size(1280, 900)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--server", required=True, help="lantern-server's base URL")
    parser.add_argument("--artifacts", required=True, help="directory for screenshots")
    parser.add_argument("--down-target", required=True, help="host:port of a target that is down")
    parser.add_argument("--alert", help="name of an alert that fires (checks /alerts)")
    arguments = parser.parse_args()
    os.makedirs(arguments.artifacts, exist_ok=True)
    driver = browser()
    session = Session(driver, arguments.server.rstrip("/"), arguments.artifacts)
    try:
        session.graph()
        session.table_by_keyboard()
        session.completion()
        session.syntax_error()
        session.targets(arguments.down_target)
        if arguments.alert:
            session.alerts(arguments.alert)
        session.other_pages()
        errors = session.script_errors()
        check(not errors, f"JavaScript errors: {errors}")
    except (CheckFailed, WebDriverException) as failure:
        session.screenshot("failure")
        print(f"FAILED on {driver.current_url}: {failure}", file=sys.stderr)
        return 1
    finally:
        driver.quit()
    print("all browser checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
