/* goalsite: the alignment map of a period page (render/tree.py writes its top levels).
 *
 * Without this script the map is a nested list of links: the company's objectives, the goals aligned
 * to each, and links to where each branch continues. This script makes it a tree of cards that
 * expands and collapses: a card with aligned goals gets a toggle button (aria-expanded); opening a
 * card whose goals are not on the page fetches its branch file (api/alignment/<period>/...json, one
 * small file per objective) and draws it. Clicking or focusing a card highlights its path up to the
 * company objective. Goal text from a branch file is only ever set as textContent.
 *
 * Self-written, no library; loaded on every page (it is small) and run on Material's document$
 * (full loads and every instant-navigation hop).
 */
(function () {
  "use strict";

  function safeUrl(base, url) {
    if (typeof url !== "string" || /^\s*[a-z][a-z0-9+.-]*:/i.test(url)) return null;  // relative paths only
    return base + url;
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function link(cls, text, href) {
    if (href === null) return el("span", cls, text);
    var a = el("a", cls, text);
    a.setAttribute("href", href);
    return a;
  }

  function chip(base, item, word) {
    var span = el("span", "portal-card__also", word + " ");
    if (item.private) {
      span.appendChild(document.createTextNode(String(item.title || "a private goal")));
      return span;
    }
    span.appendChild(link(null, String(item.title), safeUrl(base, item.url)));
    if (item.period) span.appendChild(document.createTextNode(" (" + item.period + ")"));
    return span;
  }

  // One card from a branch file's facts: the same markup as render/tree.py's _card().
  function card(base, c) {
    var box = el("div", "portal-card");
    box.appendChild(link("portal-card__title", String(c.title), safeUrl(base, c.url)));
    box.appendChild(el("span", "portal-card__meta", c.owner ? c.unit + " · " + c.owner : String(c.unit)));
    var facts = el("span", "portal-card__facts");
    if (c.status) {
      var badge = el("span", "portal-status portal-status--" + String(c.status).replace(/[^a-z-]/g, ""),
                     String(c.status_label || c.status));
      facts.appendChild(badge);
      facts.appendChild(document.createTextNode(" "));
    }
    facts.appendChild(el("span", "portal-card__score", String(c.score)));
    box.appendChild(facts);
    if (c.via) {
      var via = el("span", "portal-card__via", "through ");
      via.appendChild(link(null, String(c.via.title), safeUrl(base, c.via.url)));
      box.appendChild(via);
    }
    (c.also || []).forEach(function (item) { box.appendChild(chip(base, item, "also supports")); });
    (c.supports || []).forEach(function (item) { box.appendChild(chip(base, item, "supports")); });
    return box;
  }

  function node(base, c) {
    var li = el("li", "portal-map__node");
    li.setAttribute("data-ref", String(c.ref));
    if (c.branch && c.kids) {
      li.setAttribute("data-branch", String(c.branch));
      li.setAttribute("data-kids", String(c.kids));
    }
    if (c.secondary) li.setAttribute("data-secondary", "true");
    li.appendChild(card(base, c));
    return li;
  }

  function label(li, open) {
    var title = li.querySelector(":scope > .portal-card > .portal-card__title");
    var kids = li.getAttribute("data-kids");
    var what = kids + (kids === "1" ? " aligned goal" : " aligned goals");
    return (open ? "Hide " : "Show ") + what + (title ? " of " + title.textContent : "");
  }

  function setOpen(li, button, open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    button.setAttribute("aria-label", label(li, open));
    var list = li.querySelector(":scope > ul");
    if (list) list.hidden = !open;
    li.classList.toggle("portal-map__node--open", open);
  }

  function fetchBranch(map, path) {
    var url = safeUrl(map.getAttribute("data-map-base") || "", path);
    if (url === null) return Promise.reject(new Error("not a branch path: " + path));
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) throw new Error(url + ": HTTP " + response.status);
      return response.json();
    });
  }

  // Add a branch file's cards to `list` (those not there yet), and a "more" item when the branch goes on.
  function fill(map, list, branch) {
    var base = map.getAttribute("data-map-base") || "";
    var there = {};
    list.querySelectorAll(":scope > li.portal-map__node").forEach(function (li) { there[li.getAttribute("data-ref")] = true; });
    var added = el("ul");
    (branch.children || []).forEach(function (c) {
      if (!there[c.ref]) added.appendChild(node(base, c));
    });
    enhance(map, added);
    while (added.firstChild) list.appendChild(added.firstChild);
    if (branch.next) {
      var more = el("li", "portal-map__more");
      more.setAttribute("data-next", String(branch.next));
      var shown = list.querySelectorAll(":scope > li.portal-map__node").length;
      more.appendChild(document.createTextNode(String(Math.max(0, (branch.total || 0) - shown)) + " more aligned goals"));
      list.appendChild(more);
      moreButton(map, more);
    }
  }

  // The "n more" item: a button that loads the next file of the branch in its place.
  function moreButton(map, item) {
    var text = item.textContent.trim();
    item.textContent = "";
    var button = el("button", "portal-map__toggle portal-map__next", "Show " + text);
    button.type = "button";
    item.appendChild(button);
    button.addEventListener("click", function () {
      if (item.hasAttribute("aria-busy")) return;
      item.setAttribute("aria-busy", "true");
      fetchBranch(map, item.getAttribute("data-next"))
        .then(function (branch) {
          var list = item.parentElement;
          item.remove();
          fill(map, list, branch);
        })
        .catch(function () {
          item.removeAttribute("aria-busy");
          button.classList.add("portal-map__toggle--failed");
        });
    });
  }

  function load(map, li, button) {
    li.setAttribute("aria-busy", "true");  // not `disabled`: the button keeps the keyboard's focus
    return fetchBranch(map, li.getAttribute("data-branch"))
      .then(function (branch) {
        var list = el("ul");
        li.appendChild(list);
        fill(map, list, branch);
        setOpen(li, button, true);
      })
      .catch(function () {
        button.classList.add("portal-map__toggle--failed");  // the card's link still leads to the goals
      })
      .then(function () {
        li.removeAttribute("aria-busy");
      });
  }

  function toggle(map, li, button) {
    if (li.hasAttribute("aria-busy")) return;  // its branch is on its way
    if (li.querySelector(":scope > ul")) {
      setOpen(li, button, button.getAttribute("aria-expanded") !== "true");
    } else if (li.hasAttribute("data-branch")) {
      load(map, li, button);
    }
  }

  function highlight(map, li) {
    map.querySelectorAll(".portal-map__node--path, .portal-map__node--current").forEach(function (n) {
      n.classList.remove("portal-map__node--path", "portal-map__node--current");
    });
    li.classList.add("portal-map__node--current");
    for (var up = li; up && up !== map; up = up.parentElement) {
      if (up.classList && up.classList.contains("portal-map__node")) up.classList.add("portal-map__node--path");
    }
  }

  // Give each card of `scope` that has aligned goals a toggle; the top level starts open.
  function enhance(map, scope) {
    scope.querySelectorAll(":scope > li.portal-map__node").forEach(function (li) {
      var box = li.querySelector(":scope > .portal-card");
      if (!box || box.querySelector(":scope > .portal-map__toggle")) return;
      var more = box.querySelector(":scope > .portal-card__more");
      if (more) more.remove();  // the no-JavaScript link: the toggle replaces it
      if (!li.hasAttribute("data-branch") && !li.querySelector(":scope > ul")) return;
      var kids = li.getAttribute("data-kids") || String(li.querySelectorAll(":scope > ul > li").length);
      li.setAttribute("data-kids", kids);
      var button = el("button", "portal-map__toggle", kids + (kids === "1" ? " aligned goal" : " aligned goals"));
      button.type = "button";
      box.appendChild(button);
      setOpen(li, button, !!li.querySelector(":scope > ul"));
      li.querySelectorAll(":scope > ul").forEach(function (list) { enhance(map, list); });
    });
    scope.querySelectorAll(":scope > li.portal-map__more").forEach(function (item) {
      if (!item.querySelector("button")) moreButton(map, item);
    });
  }

  function setup(map) {
    if (map.hasAttribute("data-map-ready")) return;
    map.setAttribute("data-map-ready", "true");
    map.classList.add("portal-map--js");
    var tree = map.querySelector(".portal-map__tree");
    if (!tree) return;
    enhance(map, tree);
    map.addEventListener("click", function (event) {
      var button = event.target.closest(".portal-map__toggle");
      var li = event.target.closest(".portal-map__node");
      if (!li || !map.contains(li)) return;
      highlight(map, li);
      if (button) toggle(map, li, button);
    });
    map.addEventListener("focusin", function (event) {
      var li = event.target.closest(".portal-map__node");
      if (li && map.contains(li)) highlight(map, li);
    });
  }

  function run() {
    document.querySelectorAll(".portal-map").forEach(setup);
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(run);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", run);
  } else {
    run();
  }
})();
