/* goalsite: the portal's search box, on Pagefind's chunked index (the site's pagefind/ folder).
 *
 * A button in Material's header (and the keys /, s and f) opens a dialog. Nothing of search
 * is downloaded before that: the first opening imports pagefind/pagefind.js, which fetches the
 * index's small entry files and its wasm; each query then fetches only the index chunks of its
 * words, and the fragments of the ten results shown. Pagefind searches in a web worker, so
 * typing never blocks the page, whatever the characters typed.
 *
 * Records are files named after the anchor they open (generator/search/records.py):
 * "/units/x/2026-Q4/obj-y.html" opens "/units/x/2026-Q4/#obj-y", and its key result
 * "/units/x/2026-Q4/obj-y.html#kr-y__z" opens "/units/x/2026-Q4/#kr-y__z". An objective's
 * status and owner filters hold its key results' too; a record has a word per filter value (filterWord).
 *
 * Everything a result shows is set as text; the excerpt's <mark> highlights are rebuilt as
 * elements, never parsed as HTML. Styles (search.css) use Material's colour variables, so the
 * dialog follows the light and dark palettes.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  // assets/search.js -> the site root, absolute, so that it holds on every page instant navigation reaches.
  var ROOT = new URL("../", script && script.src ? script.src : window.location.href);
  var BUNDLE = new URL("pagefind/", ROOT).href;
  var PAGE_SIZE = 10;
  var DEBOUNCE_MS = 150;
  var HINT = "Type a name, a unit, a goal or a KPI.";
  var FILTER_LABELS = { unit: "Unit", department: "Department", owner: "Owner", tag: "Tag", period: "Period",
    status: "Status", kind: "Kind" };
  var MENUS = [["kind", "Everything"], ["period", "Any period"], ["status", "Any status"]];
  // The filters shown as chips when chosen, and how many of each a result offers (a department: the "Find goals" row).
  var CHIPS = { unit: 4, department: 0, owner: 3, tag: 4 };
  var FILTER_WORD = /\s*(<mark>)?\bzqx[a-z]{7,}\b(<\/mark>)?\.?/g; // records.py: FILTER_WORD_PREFIX, filter_word
  var ICON_PATH = "M9.5 3A6.5 6.5 0 0 1 16 9.5c0 1.61-.59 3.09-1.56 4.23l.27.27h.79l5 5-1.5 1.5-5-5v-.79l-.27-.27A6.52 " +
    "6.52 0 0 1 9.5 16 6.5 6.5 0 0 1 3 9.5 6.5 6.5 0 0 1 9.5 3m0 2C7 5 5 7 5 9.5S7 14 9.5 14 14 12 14 9.5 12 5 9.5 5Z";

  var ui = null; // the dialog and its parts, made once
  var engine = null; // Promise of the Pagefind module, initialised
  var menus = null; // Promise of goalsite.json
  var kinds = {}; // kind -> [one, many]
  var state = { seq: 0, timer: 0, results: [], shown: 0, chosen: {} };

  // --- small DOM helpers ------------------------------------------------------------------------

  function el(tag, cls, text, attrs) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    return node;
  }

  function button(cls, text, label) {
    return el("button", cls, text, label ? { type: "button", "aria-label": label } : { type: "button" });
  }

  function icon() {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.appendChild(document.createElementNS(ns, "path")).setAttribute("d", ICON_PATH);
    return svg;
  }

  // Pagefind's excerpt: the record's text, "<" and ">" escaped, matches in <mark>; filter words dropped.
  function excerpt(text) {
    var target = el("span", "goalsite-search__excerpt");
    var inMark = false;
    String(text || "").replace(FILTER_WORD, "").trim().split(/(<mark>|<\/mark>)/).forEach(function (part) {
      if (part === "<mark>" || part === "</mark>") { inMark = part === "<mark>"; return; }
      if (!part) return;
      var plain = part.replace(/&lt;/g, "<").replace(/&gt;/g, ">");
      target.appendChild(inMark ? el("mark", null, plain) : document.createTextNode(plain));
    });
    return target;
  }

  function pageUrl(url) {
    var m = /^(.*\/)([^\/#?]+)\.html(#.*)?$/.exec(url || "");
    return m ? m[1] + (m[3] || "#" + m[2]) : url;
  }

  // --- Pagefind and the menus -------------------------------------------------------------------

  function loadEngine() {
    if (!engine) {
      engine = import(BUNDLE + "pagefind.js").then(function (pagefind) {
        return pagefind.options({ excerptLength: 24 }).then(pagefind.init).then(function () { return pagefind; });
      });
      engine.catch(function () { engine = null; }); // a later opening tries again
    }
    return engine;
  }

  // goalsite.json: the menus' choices, and the filter values split into shards (browse); null when missing.
  function loadMenus() {
    if (!menus) {
      menus = fetch(BUNDLE + "goalsite.json").then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      });
      menus.then(fillMenus, function () { menus = null; });
    }
    return menus.catch(function () { return null; });
  }

  function fillMenus(data) {
    var lists = { kind: [], period: [], status: [] }; // [value, label] of each choice
    (data.kinds || []).forEach(function (k) { kinds[k[0]] = [k[1], k[2]]; lists.kind.push([k[0], k[2]]); });
    (data.periods || []).forEach(function (p) { lists.period.push([p, p]); });
    (data.statuses || []).forEach(function (s) { lists.status.push([s, s]); });
    Object.keys(lists).forEach(function (name) {
      var select = ui.selects[name];
      if (select.options.length > 1) return; // filled at an earlier opening
      lists[name].forEach(function (pair) { select.appendChild(el("option", null, pair[1])).value = pair[0]; });
      select.value = state.chosen[name] || ""; // chosen before the menu was filled (a preset)
    });
  }

  // --- the dialog ------------------------------------------------------------------------------

  function makeSelect(name, anyLabel) {
    var select = el("select", "goalsite-search__select", null, { "aria-label": FILTER_LABELS[name],
      "data-filter": name });
    select.appendChild(el("option", null, anyLabel)).value = "";
    select.addEventListener("change", function () { choose(name, select.value); });
    return select;
  }

  function makeDialog() {
    var dialog = el("dialog", "goalsite-search", null, { "aria-label": "Search the portal" });
    var bar = el("div", "goalsite-search__bar", null, { role: "search" });
    var input = el("input", "goalsite-search__input", null, { type: "search", "aria-label": "Search",
      placeholder: "Search people, units, goals, KPIs", autocomplete: "off", spellcheck: "false" });
    var close = button("goalsite-search__close", "\u00d7", "Close search");
    [icon(), input, close].forEach(function (part) { bar.appendChild(part); });
    var filters = el("div", "goalsite-search__filters");
    var selects = {};
    MENUS.forEach(function (m) { selects[m[0]] = filters.appendChild(makeSelect(m[0], m[1])); });
    var status = el("p", "goalsite-search__status", null, { role: "status", "aria-live": "polite" });
    var chosen = filters.appendChild(el("span", "goalsite-search__chosen"));
    var more = button("goalsite-search__more", "More results");
    more.hidden = true;
    ui = { dialog: dialog, input: input, selects: selects, chosen: chosen, status: status,
      list: el("ol", "goalsite-search__results"), more: more };
    [bar, filters, status, ui.list, ui.more].forEach(function (part) { dialog.appendChild(part); });
    wireDialog(close);
    document.body.appendChild(dialog);
  }

  function wireDialog(close) {
    var keys = {
      Enter: function () { var first = ui.list.querySelector("a"); if (first) first.click(); },
      ArrowDown: function () { moveFocus(1); },
      Escape: function () { ui.dialog.close(); } // a search field would only clear itself: the reader wants it closed
    };
    ui.input.addEventListener("input", schedule);
    ui.input.addEventListener("keydown", function (event) {
      if (!keys[event.key]) return;
      event.preventDefault();
      keys[event.key]();
    });
    ui.list.addEventListener("keydown", function (event) {
      if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
      event.preventDefault();
      moveFocus(event.key === "ArrowDown" ? 1 : -1);
    });
    // A result opens its page (Material's instant navigation takes the click): the dialog goes first.
    ui.list.addEventListener("click", function (event) {
      if (event.target.closest && event.target.closest("a")) ui.dialog.close();
    });
    close.addEventListener("click", function () { ui.dialog.close(); });
    ui.dialog.addEventListener("click", function (event) {
      if (event.target === ui.dialog) ui.dialog.close(); // the backdrop
    });
    ui.more.addEventListener("click", function () { showMore(state.seq); });
  }

  function moveFocus(step) {
    var links = Array.prototype.slice.call(ui.list.querySelectorAll("a"));
    var at = links.indexOf(document.activeElement);
    if (!links.length || (at < 0 && step < 0)) return;
    if (at + step < 0) ui.input.focus();
    else links[Math.min(at + step, links.length - 1)].focus();
  }

  function open() {
    if (!ui) makeDialog();
    if (!ui.dialog.open) ui.dialog.showModal();
    ui.input.focus();
    ui.input.select();
    loadMenus();
    loadEngine().catch(function () { /* said when a query runs */ });
    if (!ui.input.value && !hasFilters()) say(HINT);
  }

  // --- filters ---------------------------------------------------------------------------------

  function hasFilters() {
    return Object.keys(state.chosen).length > 0;
  }

  function choose(name, value) {
    if (value) state.chosen[name] = value;
    else delete state.chosen[name];
    if (ui.selects[name]) ui.selects[name].value = value || "";
    ui.chosen.textContent = "";
    Object.keys(CHIPS).forEach(function (chosen) {
      if (state.chosen[chosen]) ui.chosen.appendChild(chip(chosen, state.chosen[chosen], true));
    });
    run();
  }

  // A filter as a chip: chosen (`on`), a click removes it; offered by a result, a click chooses it.
  function chip(name, value, on) {
    var label = FILTER_LABELS[name];
    var node = button("goalsite-search__chip" + (on ? " goalsite-search__chip--on" : ""), null,
      on ? "Remove the filter " + label + ": " + value : "Only " + label.toLowerCase() + " " + value);
    node.appendChild(el("span", "goalsite-search__chip-name", label));
    node.appendChild(document.createTextNode(on ? value + " \u00d7" : value));
    node.addEventListener("click", function () { choose(name, on ? "" : value); ui.input.focus(); });
    return node;
  }

  // --- searching ---------------------------------------------------------------------------------

  function say(text) {
    ui.status.textContent = text;
  }

  // The query whose results (or "No results") the dialog shows in full: for tests and measurements.
  function settled(term) {
    ui.dialog.setAttribute("data-settled", term);
  }

  function clear(text) {
    ui.list.textContent = "";
    ui.more.hidden = true;
    say(text);
  }

  function schedule() {
    window.clearTimeout(state.timer);
    state.timer = window.setTimeout(run, DEBOUNCE_MS);
  }

  function run() {
    var seq = ++state.seq;
    var term = ui.input.value.trim();
    state.results = [];
    state.shown = 0;
    ui.dialog.removeAttribute("data-settled");
    if (!term && !hasFilters()) return clear(HINT);
    say("Searching\u2026");
    search(term).then(function (results) {
      if (seq !== state.seq || !results) return;
      state.results = results;
      if (!results.length) {
        clear(term ? "No results for \u201c" + term + "\u201d" : "No results");
        return settled(term);
      }
      clear(results.length + (results.length === 1 ? " result" : " results"));
      return showMore(seq).then(function () { if (seq === state.seq) settled(term); });
    }).catch(function (err) {
      if (seq !== state.seq) return;
      clear("Search is not available: " + (err && err.message ? err.message : err));
      settled(term);
    });
  }

  // Dashes separate words: "customer-care" searches "customer care". Pagefind would join the two into
  // "customercare", which only text that writes "customer-care" holds (it indexes a dashed word whole
  // and in parts), not "Customer Care". Other punctuation it drops and joins, as it does in the index
  // ("units/h" is the word "unitsh", "12.5" the word "125").
  function search(term) {
    if (!term) return Promise.all([loadEngine(), loadMenus()]).then(browse);
    var words = term.replace(/\p{Pd}+/gu, " ").trim();
    var phrase = phraseOf(words);
    var options = { filters: Object.assign({}, state.chosen) };
    return loadEngine().then(function (pagefind) {
      return Promise.all([pagefind.search(words, options), phrase ? pagefind.search(phrase, options) : null]);
    }).then(function (found) {
      return found[0] && phraseFirst(found[0].results || [], found[1] ? found[1].results || [] : []);
    });
  }

  // With no words typed, the chosen filters' words are searched: a record holds the word of each of its filter
  // values (records.py), a key result's section its status's and owner's. So the results are the filters', the
  // key results of the status or owner come as sub-results, and Pagefind loads those words' chunks only (with
  // no words, null, it loads every chunk of the index). A value of many records has its word split into shards
  // (goalsite.json: how many): Pagefind's work grows with the square of the records one search finds, so each
  // shard of the most split value chosen is searched on its own, with the whole word of each shard (Pagefind
  // loads one index chunk a word, so a word that begins several would miss those in other chunks).
  function browse(loaded) {
    var pagefind = loaded[0], data = loaded[1], names = Object.keys(state.chosen), filters = {};
    if (!data) { // which words are split is unknown (a whole word finds those of one chunk): Pagefind's filters
      return pagefind.search(null, { filters: Object.assign({}, state.chosen) }).then(function (f) {
        return f.results;
      });
    }
    var counts = names.map(function (n) { return ((data.shards || {})[n] || {})[state.chosen[n]] || 1; });
    var searches = [];
    (data.same_words || []).forEach(function (p) { if (state.chosen[p[0]] === p[1]) filters[p[0]] = p[1]; });
    for (var shard = 0; shard < Math.max.apply(null, counts); shard++) {
      var words = names.map(function (n, i) { return filterWord(n, state.chosen[n]) + shardSuffix(shard, counts[i]); });
      searches.push(pagefind.search(words.join(" "), { filters: filters }));
    }
    return Promise.all(searches).then(function (found) {
      var results = [].concat.apply([], found.map(function (f) { return f.results || []; }));
      return results.sort(function (a, b) { return b.score - a.score; });
    });
  }

  // The low log2(count) bits of the shard, lowest first, "a" for 0 and "b" for 1 (records.py: shard_suffix).
  function shardSuffix(shard, count) {
    for (var bit = 1, suffix = ""; bit < count; bit *= 2) suffix += shard & bit ? "b" : "a";
    return suffix;
  }

  // "zqx" + the FNV-1a 32-bit hash of the UTF-8 of "name=value" in base 26, 7 letters (records.py).
  function filterWord(name, value) {
    var bytes = new TextEncoder().encode(name + "=" + String(value).trim().split(/\s+/).join(" "));
    var hash = 0x811c9dc5, word = "";
    bytes.forEach(function (b) { hash = Math.imul(hash ^ b, 0x01000193) >>> 0; });
    for (; word.length < 7; hash = Math.floor(hash / 26)) word = String.fromCharCode(97 + hash % 26) + word;
    return "zqx" + word;
  }
  window.goalsiteFilterWord = filterWord; // for the tests, which check it against records.py

  // Two words or more are also searched as a phrase (Pagefind's exact search, in quotes), and the
  // records that hold the phrase come first: a key result's title, typed whole, finds its objective
  // first even where its words are common in the titles of other objectives.
  function phraseOf(term) {
    if (/["\u201c\u201d]/.test(term)) return null; // quoted by the reader: Pagefind searches it exactly
    var words = term.split(/[\s\p{P}\p{S}]+/u).filter(Boolean);
    return words.length >= 2 ? "\"" + term + "\"" : null;
  }

  function phraseFirst(results, exact) {
    var holding = {}, seen = {};
    exact.forEach(function (r) { holding[r.id] = true; });
    var first = results.filter(function (r) { return holding[r.id]; });
    return first.concat(exact, results).filter(function (r) { return !seen[r.id] && (seen[r.id] = true); });
  }

  function showMore(seq) {
    var slice = state.results.slice(state.shown, state.shown + PAGE_SIZE);
    state.shown += slice.length;
    ui.more.hidden = true;
    return Promise.all(slice.map(function (r) { return r.data(); })).then(function (items) {
      if (seq !== state.seq) return;
      items.forEach(function (data) { ui.list.appendChild(result(data)); });
      ui.more.hidden = state.shown >= state.results.length;
    });
  }

  // --- one result --------------------------------------------------------------------------------

  function result(data) {
    var meta = data.meta || {};
    var li = el("li", "goalsite-search__result");
    var link = li.appendChild(el("a", "goalsite-search__link"));
    link.href = pageUrl(data.url);
    var head = link.appendChild(el("span", "goalsite-search__head"));
    head.appendChild(el("span", "goalsite-search__kind", (kinds[meta.kind] || [meta.kind || ""])[0]));
    if (meta.private) head.appendChild(el("span", "portal-badge portal-badge--private", "private"));
    head.appendChild(el("span", "goalsite-search__title", meta.title || data.url));
    if (meta.context) link.appendChild(el("span", "goalsite-search__context", meta.context));
    link.appendChild(excerpt(data.excerpt));
    var subs = (data.sub_results || []).filter(function (s) { return s.anchor; }).slice(0, 3);
    if (subs.length) li.appendChild(subResults(subs));
    var chips = filterChips(data.filters || {});
    if (chips.childNodes.length) li.appendChild(chips);
    return li;
  }

  // Unit, owners and tags of a result: a click narrows the search to them.
  function filterChips(filters) {
    var box = el("span", "goalsite-search__chips");
    Object.keys(CHIPS).forEach(function (name) {
      (filters[name] || []).slice(0, CHIPS[name]).forEach(function (value) {
        if (state.chosen[name] !== value) box.appendChild(chip(name, value, false));
      });
    });
    return box;
  }

  function subResults(subs) {
    var list = el("ul", "goalsite-search__subs");
    subs.forEach(function (sub) {
      var link = list.appendChild(el("li")).appendChild(el("a", "goalsite-search__sub"));
      link.href = pageUrl(sub.url);
      link.appendChild(el("span", "goalsite-search__sub-title", sub.title));
      link.appendChild(excerpt(sub.excerpt));
    });
    return list;
  }

  // --- the header button and the keys ----------------------------------------------------------------

  function mountButton() {
    var header = document.querySelector(".md-header__inner");
    if (!header || header.querySelector(".goalsite-search-button")) return;
    var node = button("md-header__button goalsite-search-button", null, "Search");
    node.title = "Search (/)";
    node.appendChild(icon());
    node.appendChild(el("span", "goalsite-search-button__label", "Search"));
    node.addEventListener("click", open);
    // A pointer on its way to the button: start fetching the search engine (the click follows soon).
    node.addEventListener("pointerenter", function () { loadEngine().catch(function () {}); }, { once: true });
    header.insertBefore(node, header.querySelector(".md-header__source"));
  }

  document.addEventListener("keydown", function (event) {
    var target = event.target || {};
    var typing = /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName) || target.isContentEditable;
    if (typing || event.ctrlKey || event.metaKey || event.altKey || (ui && ui.dialog.open)) return;
    if (["/", "s", "f"].indexOf(event.key) < 0) return;
    event.preventDefault();
    open();
  });

  // The "Find goals" row of a period's page (hidden until mount shows it): a button opens the box with its filters.
  document.addEventListener("click", function (event) {
    var node = event.target.closest && event.target.closest("button[data-goalsite-search]");
    if (!node) return;
    var preset = JSON.parse(node.getAttribute("data-goalsite-search"));
    open();
    ui.input.value = "";
    Object.keys(FILTER_LABELS).forEach(function (name) {
      if (typeof preset[name] === "string") state.chosen[name] = preset[name]; else delete state.chosen[name];
      if (ui.selects[name]) ui.selects[name].value = state.chosen[name] || "";
    });
    choose("period", state.chosen.period); // shows the chips, and runs the search once
  });

  function mount() {
    mountButton();
    document.querySelectorAll("[data-goalsite-find]").forEach(function (row) { row.hidden = false; });
    if (ui && ui.dialog.open) ui.dialog.close(); // a page was opened another way (back, a link in the page)
  }

  if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(mount);
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mount);
  else mount();
})();
