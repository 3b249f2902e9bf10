// The status page: build and runtime facts, TSDB head figures, top metric names by series,
// blocks with their time ranges, flags and the loaded configuration; each section loads on
// its own, so one failing endpoint leaves the others readable.
"use strict";

(() => {
  const { el } = Lantern;
  const byId = (id) => document.getElementById(id);

  function facts(list, pairs) {
    list.replaceChildren(...pairs.flatMap(([name, value]) => [el("dt", {}, name), el("dd", {}, value)]));
  }

  function table(headings, rows, caption) {
    return el("table", { class: "stack" }, el("caption", { class: "visually-hidden" }, caption),
      el("thead", {}, el("tr", {}, headings.map((title) => el("th", { scope: "col" }, title)))),
      el("tbody", {}, rows.map((row) => el("tr", {}, row.map((value, index) => el("td", { "data-label": headings[index] }, value))))));
  }

  /** Milliseconds since the epoch as an ISO time; the head's empty sentinels as "–". */
  function time(milliseconds) {
    const value = Number(milliseconds);
    return Math.abs(value) < 8.64e15 ? new Date(value).toISOString() : "–";
  }

  async function section(target, load) {
    try {
      await load();
    } catch (error) {
      Lantern.showError(target, error.message);
    }
  }

  section(byId("build"), async () => {
    const [build, runtime] = await Promise.all([Lantern.api("/api/v1/status/buildinfo"), Lantern.api("/api/v1/status/runtimeinfo")]);
    facts(byId("build"), [
      ["Version", build.version], ["Revision", build.revision], ["Compiler", build.goVersion],
      ["Started", runtime.startTime], ["Working directory", runtime.CWD],
      ["Configuration reload", runtime.reloadConfigSuccess ? "successful" : "failed"], ["Last configuration load", runtime.lastConfigTime],
      ["Storage retention", runtime.storageRetention],
    ]);
  });

  section(byId("head"), async () => {
    const tsdb = await Lantern.api("/api/v1/status/tsdb");
    const head = tsdb.headStats;
    facts(byId("head"), [
      ["Head series", String(head.numSeries)], ["Head label pairs", String(head.numLabelPairs)],
      ["Head time range", `${time(head.minTime)} – ${time(head.maxTime)}`],
    ]);
    byId("top-metrics").replaceChildren(table(["Metric name", "Series"],
      tsdb.seriesCountByMetricName.map((entry) => [entry.name, String(entry.value)]), "Top metric names by series count"));
  });

  section(byId("blocks"), async () => {
    const { blocks } = await Lantern.api("/api/v1/status/tsdb/blocks");
    byId("blocks").replaceChildren(blocks.length
      ? table(["ULID", "From", "To", "Series", "Samples", "Level"],
        blocks.map((block) => [block.ulid, time(block.minTime), time(block.maxTime), String(block.stats.numSeries),
          String(block.stats.numSamples), String(block.compaction.level)]), "Blocks")
      : el("p", { class: "muted" }, "No persisted blocks yet: all data is in the head."));
  });

  section(byId("flags"), async () => {
    const flags = await Lantern.api("/api/v1/status/flags");
    byId("flags").replaceChildren(table(["Flag", "Value"], Object.keys(flags).sort().map((name) => [`--${name}`, flags[name]]), "Flags"));
  });

  section(byId("config"), async () => {
    byId("config").textContent = (await Lantern.api("/api/v1/status/config")).yaml;
  });
})();
