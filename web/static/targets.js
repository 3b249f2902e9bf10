// The targets page: each scrape pool with its targets' health, last scrape, duration,
// error, and labels before (discovered) and after relabeling, from /api/v1/targets.
"use strict";

(() => {
  const { el } = Lantern;
  const container = document.getElementById("pools");
  const unhealthyOnly = document.getElementById("unhealthy-only");

  function cell(label, ...content) {
    return el("td", { "data-label": label }, ...content);
  }

  function targetRow(target) {
    return el("tr", { class: `target target-${target.health}` },
      cell("Endpoint", el("a", { href: target.scrapeUrl }, target.scrapeUrl)),
      cell("State", Lantern.badge(target.health)),
      cell("Labels", Lantern.labelList(target.labels),
        el("details", {}, el("summary", {}, "Before relabeling"), Lantern.labelList(target.discoveredLabels))),
      cell("Last scrape", Lantern.ago(target.lastScrape)),
      cell("Duration", Lantern.duration(Number(target.lastScrapeDuration))),
      cell("Error", target.lastError ? el("span", { class: "error-text target-error" }, target.lastError) : el("span", { class: "muted" }, "–")));
  }

  function render(targets) {
    const pools = new Map();
    for (const target of targets) {
      if (!pools.has(target.scrapePool)) pools.set(target.scrapePool, []);
      pools.get(target.scrapePool).push(target);
    }
    const sections = [...pools.keys()].sort().map((name) => {
      const all = pools.get(name);
      const shown = unhealthyOnly.checked ? all.filter((target) => target.health !== "up") : all;
      const up = all.filter((target) => target.health === "up").length;
      const headingId = `pool-${name.replace(/[^a-zA-Z0-9_-]/g, "_")}`;
      return el("section", { class: "card", "aria-labelledby": headingId },
        el("h2", { id: headingId }, name, " ", el("span", { class: "muted" }, `(${up}/${all.length} up)`)),
        shown.length
          ? el("table", { class: "stack targets" },
            el("thead", {}, el("tr", {}, ["Endpoint", "State", "Labels", "Last scrape", "Duration", "Error"].map((title) => el("th", { scope: "col" }, title)))),
            el("tbody", {}, shown.map(targetRow)))
          : el("p", { class: "muted" }, "All targets of this pool are up."));
    });
    container.replaceChildren(...(sections.length ? sections : [el("p", { class: "muted" }, "No targets are configured.")]));
  }

  async function load() {
    try {
      const data = await Lantern.api("/api/v1/targets", { state: "active" });
      render(data.activeTargets);
      container.dataset.state = "done";
    } catch (error) {
      Lantern.showError(container, `Cannot load targets: ${error.message}`);
      container.dataset.state = "error";
    }
  }

  unhealthyOnly.addEventListener("change", load);
  document.getElementById("refresh").addEventListener("click", load);
  load();
})();
