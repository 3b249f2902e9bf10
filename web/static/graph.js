// The graph page: several query panels, each with a table (instant query) and a graph
// (range query, drawn by Debian's dygraphs). The whole page state lives in the URL with
// Prometheus' parameter names (g0.expr, g0.tab, g0.range_input, g0.end_input,
// g0.moment_input, g0.step_input, g0.stacked), so a copied link reproduces the view.
"use strict";

const GraphPage = (() => {
  const TAB_GRAPH = "0", TAB_TABLE = "1";
  const RANGE_STEPS = ["1m", "5m", "15m", "30m", "1h", "2h", "6h", "12h", "1d", "2d", "1w", "2w", "4w", "8w", "26w", "1y"];
  const UNIT_SECONDS = { y: 31536000, w: 604800, d: 86400, h: 3600, m: 60, s: 1, ms: 0.001 };
  const TABLE_ROW_LIMIT = 10000;
  let panelCounter = 0;

  /** `1h30m` → 5400; null when not a Prometheus duration. */
  function parseDuration(text) {
    const match = /^((\d+)y)?((\d+)w)?((\d+)d)?((\d+)h)?((\d+)m)?((\d+)s)?((\d+)ms)?$/.exec(String(text).trim());
    if (!match || !String(text).trim()) return null;
    const [y, w, d, h, m, s, ms] = [2, 4, 6, 8, 10, 12, 14].map((index) => Number(match[index] || 0));
    return y * UNIT_SECONDS.y + w * UNIT_SECONDS.w + d * UNIT_SECONDS.d + h * 3600 + m * 60 + s + ms / 1000;
  }

  /** `2024-05-01 12:00:00` in UTC, as Prometheus writes end_input and moment_input. */
  function formatURLTime(milliseconds) {
    return new Date(milliseconds).toISOString().slice(0, 19).replace("T", " ");
  }

  function parseURLTime(text) {
    if (!text) return null;
    const time = Date.parse(text.trim().replace(" ", "T") + "Z");
    return Number.isNaN(time) ? null : time;
  }

  /** A datetime-local input shows local time. */
  function toLocalInput(milliseconds) {
    if (milliseconds === null) return "";
    const date = new Date(milliseconds - new Date(milliseconds).getTimezoneOffset() * 60000);
    return date.toISOString().slice(0, 19);
  }

  function fromLocalInput(value) {
    if (!value) return null;
    const time = new Date(value).getTime();
    return Number.isNaN(time) ? null : time;
  }

  /** Panels from the URL: g0.*, g1.*, …; `expr` and `range` alone stand for the first panel. */
  function statesFromURL() {
    const params = new URLSearchParams(window.location.search);
    const states = [];
    for (let index = 0; params.has(`g${index}.expr`) || params.has(`g${index}.tab`); index++) {
      const get = (name) => params.get(`g${index}.${name}`);
      states.push({
        expr: get("expr") || "", tab: get("tab") === TAB_TABLE ? TAB_TABLE : TAB_GRAPH,
        range: get("range_input") || "1h", end: parseURLTime(get("end_input")), moment: parseURLTime(get("moment_input")),
        step: get("step_input") || "", stacked: get("stacked") === "1",
      });
    }
    if (!states.length && (params.has("expr") || params.has("range"))) {
      states.push({ ...defaultState(), expr: params.get("expr") || "", range: params.get("range") || "1h" });
    }
    return states.length ? states : [defaultState()];
  }

  function defaultState() {
    return { expr: "", tab: TAB_GRAPH, range: "1h", end: null, moment: null, step: "", stacked: false };
  }

  function writeURL(panels) {
    const params = new URLSearchParams();
    panels.forEach((panel, index) => {
      const state = panel.state();
      params.set(`g${index}.expr`, state.expr);
      params.set(`g${index}.tab`, state.tab);
      params.set(`g${index}.stacked`, state.stacked ? "1" : "0");
      params.set(`g${index}.range_input`, state.range);
      if (state.end !== null) params.set(`g${index}.end_input`, formatURLTime(state.end));
      if (state.moment !== null) params.set(`g${index}.moment_input`, formatURLTime(state.moment));
      if (state.step) params.set(`g${index}.step_input`, state.step);
    });
    window.history.replaceState(null, "", `${window.location.pathname}?${params.toString()}`);
  }

  /** Shows an API error under the query; a parse error's `line:column` gets a caret under that column. */
  function showQueryError(region, textarea, message) {
    region.replaceChildren();
    const errorId = `${textarea.id}-error`;
    const box = Lantern.el("div", { class: "error", role: "alert", id: errorId }, Lantern.el("p", {}, message));
    const position = /(\d+):(\d+): parse error/.exec(message);
    if (position) {
      const line = Number(position[1]), column = Number(position[2]);
      const sourceLine = textarea.value.split("\n")[line - 1] || "";
      box.append(Lantern.el("pre", { class: "error-position", "aria-label": `Error at line ${line}, column ${column}` },
        sourceLine, "\n", " ".repeat(Math.max(0, column - 1)) + "^"));
    }
    region.append(box);
    textarea.setAttribute("aria-invalid", "true");
    textarea.setAttribute("aria-describedby", errorId);
  }

  function clearQueryError(region, textarea) {
    region.replaceChildren();
    textarea.removeAttribute("aria-invalid");
    textarea.removeAttribute("aria-describedby");
  }

  function cssColor(name) {
    return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  }

  /** Range query result → dygraphs rows [Date, v1, v2, …] on the step grid, null where a series has no point. */
  function chartRows(result, start, end, step) {
    const rowIndex = new Map();
    const rows = [];
    for (let time = start; time <= end + 1e-9; time += step) {
      rowIndex.set(Math.round(time * 1000), rows.length);
      rows.push([new Date(Math.round(time * 1000)), ...result.map(() => null)]);
    }
    result.forEach((series, column) => {
      for (const [time, value] of series.values || []) {
        const key = Math.round(time * 1000);
        if (!rowIndex.has(key)) {
          rowIndex.set(key, rows.length);
          rows.push([new Date(key), ...result.map(() => null)]);
        }
        const number = Number(value);
        rows[rowIndex.get(key)][column + 1] = Number.isFinite(number) ? number : null;
      }
    });
    return rows.sort((a, b) => a[0] - b[0]);
  }

  class Panel {
    constructor(state, onChange, onRemove) {
      this.id = `p${panelCounter++}`;
      this.onChange = onChange;
      this.root = document.getElementById("panel-template").content.firstElementChild.cloneNode(true);
      this.root.id = this.id;
      this.field = (name) => this.root.querySelector(`[data-id="${name}"]`);
      for (const element of this.root.querySelectorAll("[data-id]")) element.id = `${this.id}-${element.dataset.id}`;
      for (const label of this.root.querySelectorAll("label[data-for]")) label.htmlFor = `${this.id}-${label.dataset.for}`;
      this.expr = this.field("expr");
      this.errorRegion = this.root.querySelector(".query-error");
      this.chartElement = this.root.querySelector(".chart");
      this.status = this.root.querySelector(".graph-status");
      this.chart = null;
      this.tab = state.tab;

      this.expr.value = state.expr;
      this.field("range").value = state.range;
      this.field("end").value = toLocalInput(state.end);
      this.field("moment").value = toLocalInput(state.moment);
      this.field("step").value = state.step;
      this.field("stacked").checked = state.stacked;
      this.wireTabs();
      this.completion = LanternCompletion.attach(this.expr, () => this.execute());
      this.root.querySelector(".query-form").addEventListener("submit", (event) => { event.preventDefault(); this.execute(); });
      this.root.querySelector(".remove-panel").addEventListener("click", () => onRemove(this));
      this.root.querySelector(".range-shorter").addEventListener("click", () => this.stepRange(-1));
      this.root.querySelector(".range-longer").addEventListener("click", () => this.stepRange(1));
      for (const name of ["range", "end", "moment", "step"]) this.field(name).addEventListener("change", () => this.execute());
      this.field("stacked").addEventListener("change", () => this.execute());
      this.expr.addEventListener("input", () => this.fitHeight());
    }

    wireTabs() {
      const tabs = [...this.root.querySelectorAll("[role=tab]")];
      for (const tab of tabs) {
        const panel = this.root.querySelector(`[data-tabpanel="${tab.dataset.tab}"]`);
        tab.id = `${this.id}-tab-${tab.dataset.tab}`;
        panel.id = `${this.id}-tabpanel-${tab.dataset.tab}`;
        tab.setAttribute("aria-controls", panel.id);
        panel.setAttribute("aria-labelledby", tab.id);
        tab.addEventListener("click", () => { this.tab = tab.dataset.tab; this.showTab(); this.execute(); });
        // Arrow keys move between tabs, as the ARIA tabs pattern has it.
        tab.addEventListener("keydown", (event) => {
          if (event.key !== "ArrowLeft" && event.key !== "ArrowRight") return;
          const next = tabs[(tabs.indexOf(tab) + (event.key === "ArrowRight" ? 1 : tabs.length - 1)) % tabs.length];
          next.focus();
          next.click();
        });
      }
      this.showTab();
    }

    showTab() {
      for (const tab of this.root.querySelectorAll("[role=tab]")) {
        const selected = tab.dataset.tab === this.tab;
        tab.setAttribute("aria-selected", String(selected));
        tab.tabIndex = selected ? 0 : -1;
        this.root.querySelector(`[data-tabpanel="${tab.dataset.tab}"]`).hidden = !selected;
      }
    }

    fitHeight() {
      this.expr.rows = Math.min(10, Math.max(1, this.expr.value.split("\n").length));
    }

    state() {
      return {
        expr: this.expr.value, tab: this.tab, range: this.field("range").value.trim() || "1h",
        end: fromLocalInput(this.field("end").value), moment: fromLocalInput(this.field("moment").value),
        step: this.field("step").value.trim(), stacked: this.field("stacked").checked,
      };
    }

    stepRange(direction) {
      const seconds = parseDuration(this.field("range").value) || 3600;
      const durations = RANGE_STEPS.map(parseDuration);
      const index = direction > 0 ? durations.findIndex((value) => value > seconds) : durations.findLastIndex((value) => value < seconds);
      if (index >= 0) this.field("range").value = RANGE_STEPS[index];
      this.execute();
    }

    async execute() {
      this.fitHeight();
      this.onChange();
      const expression = this.expr.value.trim();
      if (!expression) return;
      this.root.dataset.state = "loading";
      try {
        if (this.tab === TAB_TABLE) await this.runInstant(expression);
        else await this.runRange(expression);
        clearQueryError(this.errorRegion, this.expr);
        this.root.dataset.state = "done";
      } catch (error) {
        this.clearChart();
        this.status.textContent = "";
        showQueryError(this.errorRegion, this.expr, error.message);
        this.root.dataset.state = "error";
      }
    }

    async runInstant(expression) {
      const state = this.state();
      const params = { query: expression };
      if (state.moment !== null) params.time = state.moment / 1000;
      const data = await Lantern.api("/api/v1/query", params);
      this.root.querySelector(".result-table").replaceChildren(this.resultTable(data));
    }

    resultTable(data) {
      const { el } = Lantern;
      if (data.resultType === "scalar" || data.resultType === "string") {
        return el("table", {}, el("tbody", {}, el("tr", {}, el("th", { scope: "row" }, data.resultType), el("td", { class: "value" }, data.result[1]))));
      }
      if (!data.result.length) return el("p", { class: "muted" }, "Empty query result");
      const rows = data.result.slice(0, TABLE_ROW_LIMIT).map((series) => {
        const value = data.resultType === "vector" ? series.value[1]
          : (series.values || []).map(([time, sample]) => `${sample} @${time}`).join("\n");
        return el("tr", {}, el("td", { class: "series" }, Lantern.seriesName(series.metric)), el("td", { class: "value" }, value));
      });
      const note = data.result.length > TABLE_ROW_LIMIT ? el("p", { class: "muted" }, `Showing ${TABLE_ROW_LIMIT} of ${data.result.length} series`) : null;
      return el("div", {},
        el("table", { class: "results" }, el("caption", { class: "visually-hidden" }, "Query result"),
          el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "Series"), el("th", { scope: "col" }, "Value"))),
          el("tbody", {}, rows)),
        note);
    }

    async runRange(expression) {
      const state = this.state();
      const range = parseDuration(state.range);
      if (range === null || range <= 0) throw new Error(`invalid range "${state.range}": use a duration such as 30m, 1h or 1d`);
      const end = (state.end ?? Date.now()) / 1000;
      const start = end - range;
      const step = state.step ? Number(state.step) : Math.max(Math.floor(range / 250), 1);
      if (!(step > 0)) throw new Error(`invalid resolution "${state.step}": use a positive number of seconds`);
      this.status.textContent = "Loading…";
      const data = await Lantern.api("/api/v1/query_range", { query: expression, start, end, step });
      if (data.resultType !== "matrix") throw new Error(`the graph needs a range vector result, got ${data.resultType}`);
      this.draw(data.result, start, end, step, state.stacked);
    }

    clearChart() {
      if (this.chart) this.chart.destroy();
      this.chart = null;
      this.chartElement.classList.remove("drawn");
      this.root.querySelector(".series-list").replaceChildren();
      this.root.dataset.seriesDrawn = "0";
    }

    draw(result, start, end, step, stacked) {
      this.clearChart();
      const list = this.root.querySelector(".series-list");
      if (!result.length) {
        this.status.textContent = "No data: the query returned no series in this range.";
        return;
      }
      const names = result.map((series) => Lantern.seriesName(series.metric));
      const dark = window.matchMedia("(prefers-color-scheme: dark)").matches;
      this.chartElement.setAttribute("aria-label", `Graph of ${names.length} series over ${this.field("range").value}`);
      this.chartElement.classList.add("drawn");
      this.chart = new Dygraph(this.chartElement, chartRows(result, start, end, step), {
        labels: ["Time", ...names],
        stackedGraph: stacked,
        fillGraph: stacked,
        connectSeparatedPoints: false,
        legend: "onmouseover",
        labelsDiv: this.root.querySelector(".legend-values"),
        labelsSeparateLines: true,
        colorValue: dark ? 0.85 : 0.6,
        colorSaturation: dark ? 0.6 : 0.8,
        gridLineColor: cssColor("--grid"),
        axisLineColor: cssColor("--border"),
        labelsKMB: true,
        strokeWidth: 1.5,
        highlightSeriesOpts: { strokeWidth: 2.5 },
        axes: { y: { axisLabelWidth: 64 } },
        dateWindow: [start * 1000, end * 1000],
        drawCallback: (chart) => { this.root.dataset.seriesDrawn = String(chart.numColumns() - 1); },
      });
      this.root.lanternChart = this.chart;
      const colors = this.chart.getColors();
      names.forEach((name, index) => {
        const toggle = Lantern.el("button", {
          type: "button", class: "series-toggle", "aria-pressed": "true",
          onclick: () => {
            const visible = toggle.getAttribute("aria-pressed") !== "true";
            toggle.setAttribute("aria-pressed", String(visible));
            this.chart.setVisibility(index, visible);
          },
        }, Lantern.el("span", { class: "swatch", style: `background:${colors[index]}`, "aria-hidden": "true" }), name);
        list.append(Lantern.el("li", {}, toggle));
      });
      this.status.textContent = `${names.length} series, resolution ${step}s`;
    }
  }

  function start() {
    const container = document.getElementById("panels");
    const panels = [];
    const changed = () => writeURL(panels);
    const remove = (panel) => {
      if (panels.length === 1) return;
      panels.splice(panels.indexOf(panel), 1);
      panel.root.remove();
      changed();
    };
    const add = (state) => {
      const panel = new Panel(state, changed, remove);
      panels.push(panel);
      container.append(panel.root);
      return panel;
    };
    for (const state of statesFromURL()) add(state).execute();
    document.getElementById("add-panel").addEventListener("click", () => {
      const panel = add(defaultState());
      changed();
      panel.expr.focus();
    });
    window.lanternPanels = panels;
  }

  return { start, parseDuration };
})();

GraphPage.start();
