// The alerts page: every alerting rule with its state; pending and firing alerts with
// their labels, annotations, value and active-since; from /api/v1/rules?type=alert.
"use strict";

(() => {
  const { el } = Lantern;
  const container = document.getElementById("alert-rules");
  const summary = document.getElementById("alert-summary");
  const filters = [...document.querySelectorAll("input[data-state]")];

  function alertTable(alerts) {
    return el("table", { class: "stack alerts" },
      el("thead", {}, el("tr", {}, ["Labels", "State", "Active since", "Value", "Annotations"].map((title) => el("th", { scope: "col" }, title)))),
      el("tbody", {}, alerts.map((alert) => el("tr", { class: `alert alert-${alert.state}` },
        el("td", { "data-label": "Labels" }, Lantern.labelList(alert.labels)),
        el("td", { "data-label": "State" }, Lantern.badge(alert.state)),
        el("td", { "data-label": "Active since" }, alert.activeAt ? Lantern.ago(alert.activeAt) : "–"),
        el("td", { "data-label": "Value", class: "value" }, alert.value ?? "–"),
        el("td", { "data-label": "Annotations" }, annotations(alert.annotations))))));
  }

  function annotations(values) {
    const names = Object.keys(values || {}).sort();
    if (!names.length) return el("span", { class: "muted" }, "none");
    return el("dl", { class: "facts" }, names.flatMap((name) => [el("dt", {}, name), el("dd", {}, values[name])]));
  }

  function ruleCard(rule, group) {
    const active = (rule.alerts || []).filter((alert) => alert.state !== "inactive");
    const details = el("details", { class: `card rule rule-${rule.state}`, open: active.length > 0 },
      el("summary", {}, Lantern.badge(rule.state), " ", el("strong", {}, rule.name), " ",
        el("span", { class: "muted" }, `(${active.length} active) · group ${group.name}`)),
      el("pre", { class: "block" }, ruleDefinition(rule)),
      rule.lastError ? el("p", { class: "error" }, `Last evaluation failed: ${rule.lastError}`) : null,
      active.length ? alertTable(active) : null);
    return details;
  }

  /** The rule as it reads in its YAML file. */
  function ruleDefinition(rule) {
    const lines = [`alert: ${rule.name}`, `expr: ${rule.query}`];
    if (rule.duration) lines.push(`for: ${rule.duration}s`);
    for (const [title, values] of [["labels", rule.labels], ["annotations", rule.annotations]]) {
      const names = Object.keys(values || {}).sort();
      if (names.length) lines.push(`${title}:`, ...names.map((name) => `  ${name}: ${JSON.stringify(values[name])}`));
    }
    return lines.join("\n");
  }

  async function load() {
    try {
      const data = await Lantern.api("/api/v1/rules", { type: "alert" });
      const wanted = new Set(filters.filter((box) => box.checked).map((box) => box.dataset.state));
      const counts = { inactive: 0, pending: 0, firing: 0 };
      const cards = [];
      for (const group of data.groups) {
        for (const rule of group.rules.filter((candidate) => candidate.type === "alerting")) {
          counts[rule.state] = (counts[rule.state] || 0) + 1;
          if (wanted.has(rule.state)) cards.push(ruleCard(rule, group));
        }
      }
      summary.textContent = `${counts.firing} firing, ${counts.pending} pending, ${counts.inactive} inactive alerting rules`;
      container.replaceChildren(...(cards.length ? cards : [el("p", { class: "muted" }, "No alerting rules to show.")]));
      container.dataset.state = "done";
    } catch (error) {
      Lantern.showError(container, `Cannot load alerting rules: ${error.message}`);
      container.dataset.state = "error";
    }
  }

  for (const box of filters) box.addEventListener("change", load);
  document.getElementById("refresh").addEventListener("click", load);
  load();
})();
