// Helpers every page uses: the API call, element building, label and time formatting.
"use strict";

const Lantern = {
  /** GET an API path; resolves to `data`, rejects with the API's own error text. */
  async api(path, params) {
    const query = params ? "?" + new URLSearchParams(params).toString() : "";
    let response;
    try {
      response = await fetch(path + query, { headers: { Accept: "application/json" } });
    } catch (error) {
      throw new Error(`cannot reach the server: ${error.message}`);
    }
    const text = await response.text();
    let body;
    try {
      body = JSON.parse(text);
    } catch {
      throw new Error(`${response.status} ${response.statusText}: ${text.trim()}`);
    }
    if (body.status !== "success") throw new Error(body.error || `${response.status} ${response.statusText}`);
    return body.data;
  },

  /** An element with attributes (`on*` functions become listeners) and children. */
  el(tag, attributes, ...children) {
    const element = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (name.startsWith("on") && typeof value === "function") element.addEventListener(name.slice(2), value);
      else if (name === "class") element.className = value;
      else element.setAttribute(name, value === true ? "" : value);
    }
    for (const child of children.flat()) {
      if (child === undefined || child === null || child === false) continue;
      element.append(child instanceof Node ? child : String(child));
    }
    return element;
  },

  /** `name{a="1", b="2"}` as PromQL writes a series. */
  seriesName(metric) {
    const name = metric.__name__ || "";
    const pairs = Object.keys(metric).filter((key) => key !== "__name__").sort()
      .map((key) => `${key}=${JSON.stringify(metric[key])}`);
    return pairs.length ? `${name}{${pairs.join(", ")}}` : name || "{}";
  },

  /** Labels as a list of `name="value"` chips. */
  labelList(labels) {
    const names = Object.keys(labels || {}).sort();
    if (!names.length) return Lantern.el("span", { class: "muted" }, "none");
    return Lantern.el("ul", { class: "labels" },
      names.map((name) => Lantern.el("li", {}, Lantern.el("span", { class: "label-name" }, name), "=",
        Lantern.el("span", { class: "label-value" }, JSON.stringify(labels[name])))));
  },

  /** Seconds as `1.234s`, `12.3ms` or `45µs`. */
  duration(seconds) {
    if (!Number.isFinite(seconds)) return "–";
    if (seconds >= 1) return `${seconds.toFixed(3)}s`;
    if (seconds >= 0.001) return `${(seconds * 1000).toFixed(1)}ms`;
    return `${Math.round(seconds * 1e6)}µs`;
  },

  /** An RFC 3339 time as "12.3s ago" with the absolute time in a tooltip; Go's zero time as "never". */
  ago(rfc3339) {
    const time = Date.parse(rfc3339);
    if (!rfc3339 || Number.isNaN(time) || time <= 0) return Lantern.el("span", { class: "muted" }, "never");
    const seconds = Math.max(0, (Date.now() - time) / 1000);
    const text = seconds < 60 ? `${seconds.toFixed(1)}s ago`
      : seconds < 3600 ? `${Math.floor(seconds / 60)}m ${Math.round(seconds % 60)}s ago`
      : `${(seconds / 3600).toFixed(1)}h ago`;
    return Lantern.el("time", { datetime: new Date(time).toISOString(), title: new Date(time).toISOString() }, text);
  },

  /** A state as a coloured badge whose text says the state (colour is never the only cue). */
  badge(state) {
    return Lantern.el("span", { class: `badge badge-${String(state).toLowerCase()}` }, String(state).toUpperCase());
  },

  /** Replaces a region's content with an error message announced to screen readers. */
  showError(region, message) {
    region.replaceChildren(Lantern.el("p", { class: "error", role: "alert" }, message));
  },
};
