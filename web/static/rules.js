// The rules page: every rule group and rule with its health, last evaluation, evaluation
// duration and last error, from /api/v1/rules.
"use strict";

(() => {
  const { el } = Lantern;
  const container = document.getElementById("rule-groups");

  function ruleRow(rule) {
    const kind = rule.type === "alerting" ? "alert" : "record";
    return el("tr", { class: `rule rule-${rule.health}` },
      el("td", { "data-label": "Rule" },
        el("pre", { class: "block" }, `${kind}: ${rule.name}\nexpr: ${rule.query}`),
        Object.keys(rule.labels || {}).length ? Lantern.labelList(rule.labels) : null),
      el("td", { "data-label": "Health" }, Lantern.badge(rule.health)),
      el("td", { "data-label": "Last evaluation" }, Lantern.ago(rule.lastEvaluation)),
      el("td", { "data-label": "Evaluation time" }, Lantern.duration(Number(rule.evaluationTime))),
      el("td", { "data-label": "Error" }, rule.lastError ? el("span", { class: "error-text" }, rule.lastError) : el("span", { class: "muted" }, "–")));
  }

  function groupCard(group, index) {
    const headingId = `group-${index}`;
    return el("section", { class: "card", "aria-labelledby": headingId },
      el("h2", { id: headingId }, group.name, " ", el("span", { class: "muted" }, group.file)),
      el("p", { class: "muted" }, `Every ${group.interval}s · last evaluated `, Lantern.ago(group.lastEvaluation),
        ` in ${Lantern.duration(Number(group.evaluationTime))}`),
      el("table", { class: "stack" },
        el("thead", {}, el("tr", {}, ["Rule", "Health", "Last evaluation", "Evaluation time", "Error"].map((title) => el("th", { scope: "col" }, title)))),
        el("tbody", {}, group.rules.map(ruleRow))));
  }

  async function load() {
    try {
      const data = await Lantern.api("/api/v1/rules");
      container.replaceChildren(...(data.groups.length ? data.groups.map(groupCard) : [el("p", { class: "muted" }, "No rules are loaded.")]));
      container.dataset.state = "done";
    } catch (error) {
      Lantern.showError(container, `Cannot load rules: ${error.message}`);
      container.dataset.state = "error";
    }
  }

  document.getElementById("refresh").addEventListener("click", load);
  load();
})();
