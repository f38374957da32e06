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
 * "/units/x/2026-Q4/obj-y.html#kr-y__z" opens "/units/x/2026-Q4/#kr-y__z".
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
  var FILTER_LABELS = { unit: "Unit", owner: "Owner", tag: "Tag", period: "Period", status: "Status", kind: "Kind" };
  var ICON_PATH = "M9.5 3A6.5 6.5 0 0 1 16 9.5c0 1.61-.59 3.09-1.56 4.23l.27.27h.79l5 5-1.5 1.5-5-5v-.79l-.27-.27A6.52 " +
    "6.52 0 0 1 9.5 16 6.5 6.5 0 0 1 3 9.5 6.5 6.5 0 0 1 9.5 3m0 2C7 5 5 7 5 9.5S7 14 9.5 14 14 12 14 9.5 12 5 9.5 5Z";

  var ui = null; // the dialog and its parts, made once
  var engine = null; // Promise of the Pagefind module, initialised
  var menus = null; // Promise of goalsite.json
  var kinds = {}; // kind -> [one, many]
  var state = { seq: 0, timer: 0, results: [], shown: 0, chosen: {} };

  // --- small DOM helpers ------------------------------------------------------------------------

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function icon() {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    var path = document.createElementNS(ns, "path");
    path.setAttribute("d", ICON_PATH);
    svg.appendChild(path);
    return svg;
  }

  // Pagefind's excerpt is the record's text with "<" and ">" escaped and the matches in <mark>.
  function excerpt(target, text) {
    var parts = String(text || "").split(/(<mark>|<\/mark>)/);
    var inMark = false;
    parts.forEach(function (part) {
      if (part === "<mark>") { inMark = true; return; }
      if (part === "</mark>") { inMark = false; return; }
      if (!part) return;
      var plain = part.replace(/&lt;/g, "<").replace(/&gt;/g, ">");
      target.appendChild(inMark ? el("mark", null, plain) : document.createTextNode(plain));
    });
  }

  function pageUrl(url) {
    var m = /^(.*\/)([^\/#?]+)\.html(#.*)?$/.exec(url || "");
    return m ? m[1] + (m[3] || "#" + m[2]) : url;
  }

  // --- Pagefind ----------------------------------------------------------------------------------

  function loadEngine() {
    if (!engine) {
      engine = import(BUNDLE + "pagefind.js").then(function (pagefind) {
        return pagefind.options({ excerptLength: 24 }).then(function () {
          return pagefind.init();
        }).then(function () { return pagefind; });
      });
      engine.catch(function () { engine = null; }); // a later opening tries again
    }
    return engine;
  }

  function loadMenus() {
    if (!menus) {
      menus = fetch(BUNDLE + "goalsite.json").then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      });
      menus.then(fillMenus, function () { menus = null; });
    }
    return menus;
  }

  function fillMenus(data) {
    (data.kinds || []).forEach(function (k) { kinds[k[0]] = [k[1], k[2]]; });
    var lists = {
      kind: (data.kinds || []).map(function (k) { return [k[0], k[2]]; }),
      period: (data.periods || []).map(function (p) { return [p, p]; }),
      status: (data.statuses || []).map(function (s) { return [s, s]; })
    };
    Object.keys(lists).forEach(function (name) {
      var select = ui.selects[name];
      if (select.options.length > 1) return;
      lists[name].forEach(function (pair) {
        var option = el("option", null, pair[1]);
        option.value = pair[0];
        select.appendChild(option);
      });
    });
  }

  // --- the dialog ------------------------------------------------------------------------------

  function makeSelect(name, anyLabel) {
    var select = el("select", "goalsite-search__select");
    select.setAttribute("aria-label", FILTER_LABELS[name]);
    select.setAttribute("data-filter", name);
    var any = el("option", null, anyLabel);
    any.value = "";
    select.appendChild(any);
    select.addEventListener("change", function () { choose(name, select.value); });
    return select;
  }

  function makeDialog() {
    var dialog = el("dialog", "goalsite-search");
    dialog.setAttribute("aria-label", "Search the portal");
    var bar = el("div", "goalsite-search__bar");
    bar.setAttribute("role", "search");
    bar.appendChild(icon());
    var input = el("input", "goalsite-search__input");
    input.type = "search";
    input.placeholder = "Search people, units, goals, KPIs";
    input.setAttribute("aria-label", "Search");
    input.autocomplete = "off";
    input.spellcheck = false;
    bar.appendChild(input);
    var close = el("button", "goalsite-search__close", "\u00d7");
    close.type = "button";
    close.setAttribute("aria-label", "Close search");
    bar.appendChild(close);
    var filters = el("div", "goalsite-search__filters");
    var selects = { kind: makeSelect("kind", "Everything"), period: makeSelect("period", "Any period"),
      status: makeSelect("status", "Any status") };
    Object.keys(selects).forEach(function (k) { filters.appendChild(selects[k]); });
    var chosen = el("span", "goalsite-search__chosen");
    filters.appendChild(chosen);
    var status = el("p", "goalsite-search__status");
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    var list = el("ol", "goalsite-search__results");
    var more = el("button", "goalsite-search__more", "More results");
    more.type = "button";
    more.hidden = true;
    [bar, filters, status, list, more].forEach(function (part) { dialog.appendChild(part); });
    ui = { dialog: dialog, input: input, selects: selects, chosen: chosen, status: status, list: list, more: more };
    wireDialog(close);
    document.body.appendChild(dialog);
  }

  function wireDialog(close) {
    ui.input.addEventListener("input", schedule);
    ui.input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        var first = ui.list.querySelector("a");
        if (first) first.click();
      } else if (event.key === "ArrowDown") {
        event.preventDefault();
        moveFocus(1);
      } else if (event.key === "Escape") {
        event.preventDefault(); // a search field would only clear itself: the reader wants the box closed
        ui.dialog.close();
      }
    });
    ui.list.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        moveFocus(event.key === "ArrowDown" ? 1 : -1);
      }
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
    if (!links.length) return;
    var at = links.indexOf(document.activeElement);
    if (at < 0 && step < 0) return;
    var next = at + step;
    if (next < 0) ui.input.focus();
    else links[Math.min(next, links.length - 1)].focus();
  }

  function open() {
    if (!ui) makeDialog();
    if (!ui.dialog.open) ui.dialog.showModal();
    ui.input.focus();
    ui.input.select();
    loadMenus();
    loadEngine().catch(function () { /* said when a query runs */ });
    if (!ui.input.value && !hasFilters()) say("Type a name, a unit, a goal or a KPI.");
  }

  // --- filters ---------------------------------------------------------------------------------

  function hasFilters() {
    return Object.keys(state.chosen).length > 0;
  }

  function choose(name, value) {
    if (value) state.chosen[name] = value;
    else delete state.chosen[name];
    if (ui.selects[name]) ui.selects[name].value = value || "";
    showChosen();
    run();
  }

  function showChosen() {
    ui.chosen.textContent = "";
    ["unit", "owner", "tag"].forEach(function (name) {
      if (!state.chosen[name]) return;
      var chip = el("button", "goalsite-search__chip goalsite-search__chip--on");
      chip.type = "button";
      chip.appendChild(el("span", "goalsite-search__chip-name", FILTER_LABELS[name]));
      chip.appendChild(document.createTextNode(state.chosen[name] + " \u00d7"));
      chip.setAttribute("aria-label", "Remove the filter " + FILTER_LABELS[name] + ": " + state.chosen[name]);
      chip.addEventListener("click", function () { choose(name, ""); ui.input.focus(); });
      ui.chosen.appendChild(chip);
    });
  }

  // --- searching ---------------------------------------------------------------------------------

  function say(text) {
    ui.status.textContent = text;
  }

  // The query whose results (or "No results") the dialog shows in full: for tests and measurements.
  function settled(term) {
    ui.dialog.setAttribute("data-settled", term);
  }

  function schedule() {
    window.clearTimeout(state.timer);
    state.timer = window.setTimeout(run, DEBOUNCE_MS);
  }

  function run() {
    var seq = ++state.seq;
    var term = ui.input.value.trim();
    var filters = {};
    Object.keys(state.chosen).forEach(function (name) { filters[name] = state.chosen[name]; });
    state.results = [];
    state.shown = 0;
    ui.dialog.removeAttribute("data-settled");
    if (!term && !hasFilters()) {
      ui.list.textContent = "";
      ui.more.hidden = true;
      say("Type a name, a unit, a goal or a KPI.");
      return;
    }
    say("Searching\u2026");
    // Dashes separate words: "customer-care" searches "customer care". Pagefind would join the two
    // into "customercare", which only text that writes "customer-care" holds (it indexes a dashed
    // word whole and in parts), not "Customer Care". Other punctuation it drops and joins, as it
    // does in the index ("units/h" is the word "unitsh", "12.5" the word "125").
    var words = term.replace(/\p{Pd}+/gu, " ").trim();
    var phrase = phraseOf(words);
    loadEngine().then(function (pagefind) {
      return Promise.all([pagefind.search(term ? words : null, { filters: filters }),
        phrase ? pagefind.search(phrase, { filters: filters }) : null]);
    }).then(function (found) {
      if (seq !== state.seq || !found[0]) return;
      ui.list.textContent = "";
      state.results = phraseFirst(found[0].results || [], found[1] ? found[1].results || [] : []);
      if (!state.results.length) {
        ui.more.hidden = true;
        say(term ? "No results for \u201c" + term + "\u201d" : "No results");
        settled(term);
        return;
      }
      var n = state.results.length;
      say(n + (n === 1 ? " result" : " results"));
      return showMore(seq).then(function () { if (seq === state.seq) settled(term); });
    }).catch(function (err) {
      if (seq !== state.seq) return;
      ui.list.textContent = "";
      ui.more.hidden = true;
      say("Search is not available: " + (err && err.message ? err.message : err));
      settled(term);
    });
  }

  // Two words or more are also searched as a phrase (Pagefind's exact search, in quotes), and the
  // records that hold the phrase come first: a key result's title, typed whole, finds its objective
  // first even where its words are common in the titles of other objectives.
  function phraseOf(term) {
    if (/["\u201c\u201d]/.test(term)) return null; // quoted by the reader: Pagefind searches it exactly
    var words = term.split(/[\s\p{P}\p{S}]+/u).filter(Boolean);
    return words.length >= 2 ? "\"" + term + "\"" : null;
  }

  function phraseFirst(results, exact) {
    if (!exact.length) return results;
    var holding = {};
    exact.forEach(function (r) { holding[r.id] = true; });
    var seen = {};
    var first = results.filter(function (r) { return holding[r.id]; });
    first.forEach(function (r) { seen[r.id] = true; });
    exact.forEach(function (r) { if (!seen[r.id]) { first.push(r); seen[r.id] = true; } });
    return first.concat(results.filter(function (r) { return !seen[r.id]; }));
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

  function result(data) {
    var meta = data.meta || {};
    var li = el("li", "goalsite-search__result");
    var link = el("a", "goalsite-search__link");
    link.href = pageUrl(data.url);
    var head = el("span", "goalsite-search__head");
    head.appendChild(el("span", "goalsite-search__kind", (kinds[meta.kind] || [meta.kind || ""])[0]));
    if (meta.private) head.appendChild(el("span", "portal-badge portal-badge--private", "private"));
    head.appendChild(el("span", "goalsite-search__title", meta.title || data.url));
    link.appendChild(head);
    if (meta.context) link.appendChild(el("span", "goalsite-search__context", meta.context));
    var text = el("span", "goalsite-search__excerpt");
    excerpt(text, data.excerpt);
    link.appendChild(text);
    li.appendChild(link);
    var subs = (data.sub_results || []).filter(function (s) { return s.anchor; }).slice(0, 3);
    if (subs.length) li.appendChild(subResults(subs));
    var chips = filterChips(data.filters || {});
    if (chips) li.appendChild(chips);
    return li;
  }

  function subResults(subs) {
    var list = el("ul", "goalsite-search__subs");
    subs.forEach(function (sub) {
      var item = el("li");
      var link = el("a", "goalsite-search__sub");
      link.href = pageUrl(sub.url);
      link.appendChild(el("span", "goalsite-search__sub-title", sub.title));
      var text = el("span", "goalsite-search__excerpt");
      excerpt(text, sub.excerpt);
      link.appendChild(text);
      item.appendChild(link);
      list.appendChild(item);
    });
    return list;
  }

  // Unit, owners and tags of a result: a click narrows the search to them.
  function filterChips(filters) {
    var box = el("span", "goalsite-search__chips");
    ["unit", "owner", "tag"].forEach(function (name) {
      (filters[name] || []).slice(0, name === "owner" ? 3 : 4).forEach(function (value) {
        if (state.chosen[name] === value) return;
        var chip = el("button", "goalsite-search__chip");
        chip.type = "button";
        chip.appendChild(el("span", "goalsite-search__chip-name", FILTER_LABELS[name]));
        chip.appendChild(document.createTextNode(value));
        chip.setAttribute("aria-label", "Only " + FILTER_LABELS[name].toLowerCase() + " " + value);
        chip.addEventListener("click", function () { choose(name, value); ui.input.focus(); });
        box.appendChild(chip);
      });
    });
    return box.childNodes.length ? box : null;
  }

  // --- the header button and the keys ----------------------------------------------------------------

  function mountButton() {
    var header = document.querySelector(".md-header__inner");
    if (!header || header.querySelector(".goalsite-search-button")) return;
    var button = el("button", "md-header__button goalsite-search-button");
    button.type = "button";
    button.title = "Search (/)";
    button.setAttribute("aria-label", "Search");
    button.appendChild(icon());
    button.appendChild(el("span", "goalsite-search-button__label", "Search"));
    button.addEventListener("click", open);
    // A pointer on its way to the button: start fetching the search engine (the click follows soon).
    button.addEventListener("pointerenter", function () { loadEngine().catch(function () {}); }, { once: true });
    var source = header.querySelector(".md-header__source");
    header.insertBefore(button, source);
  }

  function typing(target) {
    if (!target || !target.tagName) return false;
    return /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName) || target.isContentEditable;
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    if (ui && ui.dialog.open) return;
    if (event.key === "/" || event.key === "s" || event.key === "f") {
      event.preventDefault();
      open();
    }
  });

  function mount() {
    mountButton();
    if (ui && ui.dialog.open) ui.dialog.close(); // a page was opened another way (back, a link in the page)
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(mount);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mount);
  } else {
    mount();
  }
})();
