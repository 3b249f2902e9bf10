// Completion for the expression box: metric names (and PromQL functions) where a name is
// typed, label names inside `{…}` and `by (…)`, label values after `name="`. Names come from
// /api/v1/label/__name__/values and /api/v1/labels, values from /api/v1/label/NAME/values.
// The box is an ARIA combobox: arrows move, Enter or Tab accept, Escape closes; Enter with
// the list closed runs the query, Shift+Enter adds a line.
"use strict";

const LanternCompletion = (() => {
  const FUNCTIONS = [
    "abs", "absent", "absent_over_time", "avg_over_time", "ceil", "changes", "clamp", "clamp_max", "clamp_min",
    "count_over_time", "day_of_month", "day_of_week", "day_of_year", "days_in_month", "delta", "deriv", "exp", "floor",
    "histogram_quantile", "holt_winters", "hour", "idelta", "increase", "irate", "label_join", "label_replace", "last_over_time",
    "ln", "log10", "log2", "max_over_time", "min_over_time", "minute", "month", "predict_linear", "present_over_time",
    "quantile_over_time", "rate", "resets", "round", "scalar", "sgn", "sort", "sort_desc", "sqrt", "stddev_over_time",
    "stdvar_over_time", "sum_over_time", "time", "timestamp", "vector", "year",
    "avg", "bottomk", "count", "count_values", "group", "max", "min", "quantile", "stddev", "stdvar", "sum", "topk",
  ];
  const MAX_OPTIONS = 12;
  const cache = new Map();

  /** One request per list per page; a failed request is retried next time. */
  function fetchList(path) {
    if (!cache.has(path)) {
      cache.set(path, Lantern.api(path).catch((error) => { cache.delete(path); throw error; }));
    }
    return cache.get(path);
  }

  /** What the text before the caret is asking for, and the partial word to replace. */
  function context(before) {
    let depth = 0, inString = false, quote = "";
    for (let index = 0; index < before.length; index++) {
      const character = before[index];
      if (inString) {
        if (character === "\\") index++;
        else if (character === quote) inString = false;
      } else if (character === "\"" || character === "'") {
        inString = true;
        quote = character;
      } else if (character === "{") depth++;
      else if (character === "}") depth = Math.max(0, depth - 1);
    }
    if (depth > 0) {
      const value = /([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*["']([^"']*)$/.exec(before);
      if (value && inString) return { kind: "value", label: value[1], word: value[3], quoted: true };
      const name = /(?:[{,]\s*)([a-zA-Z_][a-zA-Z0-9_]*)?$/.exec(before);
      if (name && !inString) return { kind: "label", word: name[1] || "" };
      return null;
    }
    if (inString) return null;
    const grouping = /\b(by|without|on|ignoring|group_left|group_right)\s*\(([^()]*,\s*)?([a-zA-Z_][a-zA-Z0-9_]*)?$/.exec(before);
    if (grouping) return { kind: "label", word: grouping[3] || "" };
    const word = /([a-zA-Z_:][a-zA-Z0-9_:]*)$/.exec(before);
    if (word && !/\[[^\]]*$/.test(before)) return { kind: "metric", word: word[1] };
    return null;
  }

  /** Prefix matches first, then other substring matches. */
  function rank(candidates, word) {
    const lower = word.toLowerCase();
    const prefix = [], inside = [];
    for (const candidate of candidates) {
      const position = candidate.toLowerCase().indexOf(lower);
      if (candidate === word) continue;
      if (position === 0) prefix.push(candidate);
      else if (position > 0 && lower) inside.push(candidate);
    }
    return prefix.concat(inside).slice(0, MAX_OPTIONS);
  }

  async function candidates(found) {
    if (found.kind === "label") return (await fetchList("/api/v1/labels")).filter((name) => name !== "__name__");
    if (found.kind === "value") return fetchList(`/api/v1/label/${encodeURIComponent(found.label)}/values`);
    const metrics = await fetchList("/api/v1/label/__name__/values");
    return metrics.concat(FUNCTIONS);
  }

  /** Wires completion onto `textarea`; `run` executes the query. */
  function attach(textarea, run) {
    const list = Lantern.el("ul", { role: "listbox", class: "completions", id: `${textarea.id}-completions`, hidden: true,
      "aria-label": "Suggestions" });
    textarea.parentElement.append(list);
    textarea.setAttribute("role", "combobox");
    textarea.setAttribute("aria-autocomplete", "list");
    textarea.setAttribute("aria-expanded", "false");
    textarea.setAttribute("aria-controls", list.id);
    let options = [], active = -1, current = null, generation = 0;

    function close() {
      list.hidden = true;
      options = [];
      active = -1;
      textarea.setAttribute("aria-expanded", "false");
      textarea.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      active = index;
      [...list.children].forEach((item, itemIndex) => item.setAttribute("aria-selected", String(itemIndex === index)));
      if (index >= 0) {
        textarea.setAttribute("aria-activedescendant", list.children[index].id);
        list.children[index].scrollIntoView({ block: "nearest" });
      }
    }

    function accept(index) {
      const choice = options[index];
      const caret = textarea.selectionStart;
      const start = caret - current.word.length;
      textarea.setRangeText(choice, start, caret, "end");
      close();
      textarea.dispatchEvent(new Event("input"));
      textarea.focus();
    }

    async function update() {
      const caret = textarea.selectionStart;
      if (caret !== textarea.selectionEnd) return close();
      const found = context(textarea.value.slice(0, caret));
      if (!found || (found.kind === "metric" && !found.word)) return close();
      const mine = ++generation;
      let all;
      try {
        all = await candidates(found);
      } catch {
        return close();
      }
      if (mine !== generation) return;
      current = found;
      options = rank(all, found.word);
      if (!options.length) return close();
      list.replaceChildren(...options.map((option, index) => Lantern.el("li", {
        role: "option", id: `${list.id}-${index}`, "aria-selected": "false",
        onmousedown: (event) => { event.preventDefault(); accept(index); },
      }, option)));
      list.hidden = false;
      textarea.setAttribute("aria-expanded", "true");
      highlight(-1);
    }

    textarea.addEventListener("input", (event) => { if (event.isTrusted) update(); });
    textarea.addEventListener("blur", close);
    textarea.addEventListener("keydown", (event) => {
      const open = !list.hidden && options.length > 0;
      if (open && (event.key === "ArrowDown" || event.key === "ArrowUp")) {
        event.preventDefault();
        const step = event.key === "ArrowDown" ? 1 : options.length - 1;
        highlight(active < 0 && step !== 1 ? options.length - 1 : (active + step) % options.length);
      } else if (open && (event.key === "Enter" || event.key === "Tab") && active >= 0) {
        event.preventDefault();
        accept(active);
      } else if (open && event.key === "Escape") {
        event.preventDefault();
        close();
      } else if (event.key === "Enter" && !event.shiftKey) {
        event.preventDefault();
        close();
        run();
      }
    });
    return { close };
  }

  return { attach, context };
})();
