/* goalsite: draws the portal's charts.
 *
 * Every chart is a <div class="portal-chart" data-figure="{plotly JSON}"
 * data-plotly="../assets/plotly.min.js">. This script is loaded on every page
 * (it is tiny); plotly.js is fetched only when a page has a chart, once, and
 * then cached by the browser. Drawing is subscribed to Material's document$,
 * which fires on full loads and after each instant-navigation hop (inline
 * scripts in page content are not re-run there).
 *
 * A chart is drawn when it comes near the viewport (an IntersectionObserver),
 * one chart per task, so a page with many charts stays responsive: the charts
 * in view come first, the others as the reader scrolls to them. Printing
 * draws the rest first.
 */
(function () {
  "use strict";

  var loading = null;
  // Charts drawn so far. Instant navigation swaps the content without a reload, so charts of the
  // previous page are purged: that removes Plotly's resize listener from their detached nodes.
  var drawn = [];
  // The current page's watcher of its charts, and the charts near the viewport waiting for their turn.
  var observer = null;
  var queue = [];
  var pumping = false;
  // How far outside the viewport a chart starts drawing: half a screen ahead, so scrolling rarely shows a blank.
  var AHEAD = "50% 0px";

  function loadPlotly(src) {
    if (window.Plotly) return Promise.resolve(window.Plotly);
    if (loading) return loading;
    loading = new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = src;
      script.async = true;
      script.onload = function () { resolve(window.Plotly); };
      script.onerror = function () { loading = null; reject(new Error("plotly.js did not load from " + src)); };
      document.head.appendChild(script);
    });
    return loading;
  }

  function dark() {
    return document.body.getAttribute("data-md-color-scheme") === "slate";
  }

  function themed(layout) {
    var fg = dark() ? "#e2e4e9" : "#212121";
    var grid = dark() ? "rgba(226, 228, 233, 0.15)" : "rgba(0, 0, 0, 0.1)";
    var out = Object.assign({}, layout, {
      // No drag-to-zoom: these small charts read at a glance, and on a phone a drag scrolls the page.
      dragmode: false,
      paper_bgcolor: "rgba(0,0,0,0)",
      plot_bgcolor: "rgba(0,0,0,0)",
      font: Object.assign({ family: "inherit", color: fg }, layout.font || {})
    });
    ["xaxis", "yaxis", "yaxis2"].forEach(function (axis) {
      if (out[axis]) out[axis] = Object.assign({ gridcolor: grid, linecolor: grid }, out[axis]);
    });
    return out;
  }

  function draw(el, Plotly) {
    var figure;
    try {
      figure = JSON.parse(el.getAttribute("data-figure"));
    } catch (err) {
      el.classList.add("portal-chart--broken");
      return;
    }
    // Responsive: the chart follows its slot's width (down to a phone). No mode bar: with nothing to
    // zoom or select it would only cover the plot on touch screens, where it never hides.
    var config = { displaylogo: false, displayModeBar: false, responsive: true };
    Plotly.react(el, figure.data, themed(figure.layout), config).then(function () {
      el.setAttribute("data-drawn", "true");
      if (drawn.indexOf(el) < 0) drawn.push(el);
    }, function (err) {
      el.classList.add("portal-chart--broken");
      if (window.console) console.warn("chart not drawn: " + (err && err.message));
    });
  }

  function purgeDetached(Plotly) {
    drawn = drawn.filter(function (el) {
      if (document.body.contains(el)) return true;
      if (Plotly) Plotly.purge(el);
      return false;
    });
  }

  // Draw the next waiting chart, then yield to the browser (paint, input) before the one after it.
  function pump() {
    pumping = false;
    if (!queue.length) return;
    if (!window.Plotly) {  // every chart waits for plotly.js, then they are drawn one by one again
      pumping = true;
      loadPlotly(queue[0].getAttribute("data-plotly")).then(function () {
        pumping = false;
        schedule();
      }, function (err) {
        queue = [];
        broken(err);
      });
      return;
    }
    var el = queue.shift();
    if (document.body.contains(el)) draw(el, window.Plotly);
    schedule();
  }

  function schedule() {
    if (pumping || !queue.length) return;
    pumping = true;
    window.requestAnimationFrame(function () { window.setTimeout(pump, 0); });
  }

  function enqueue(el) {
    if (queue.indexOf(el) < 0) queue.push(el);
    schedule();
  }

  function broken(err) {
    document.querySelectorAll(".portal-chart[data-figure]").forEach(function (el) {
      el.classList.add("portal-chart--broken");
    });
    if (window.console) console.warn(err.message);
  }

  function watch() {
    purgeDetached(window.Plotly);
    if (observer) observer.disconnect();
    observer = null;
    queue = [];
    var charts = document.querySelectorAll(".portal-chart[data-figure]");
    if (!charts.length) return;
    // Fetch plotly.js at once: the first chart in view should not wait for it.
    loadPlotly(charts[0].getAttribute("data-plotly")).catch(broken);
    if (!("IntersectionObserver" in window)) {
      charts.forEach(enqueue);
      return;
    }
    observer = new IntersectionObserver(function (entries, self) {
      entries.forEach(function (entry) {
        if (!entry.isIntersecting) return;
        self.unobserve(entry.target);
        enqueue(entry.target);
      });
    }, { rootMargin: AHEAD });
    charts.forEach(function (el) { observer.observe(el); });
  }

  // Paper has no viewport to scroll: draw every chart not drawn yet before the page is printed.
  window.addEventListener("beforeprint", function () {
    if (!window.Plotly) return;
    document.querySelectorAll(".portal-chart[data-figure]:not([data-drawn])").forEach(function (el) {
      if (observer) observer.unobserve(el);
      draw(el, window.Plotly);
    });
    queue = [];
  });

  // Redraw in the other palette when the reader flips the light/dark switch.
  new MutationObserver(function () {
    if (!window.Plotly) return;
    purgeDetached(window.Plotly);
    drawn.forEach(enqueue);
  }).observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(watch);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", watch);
  } else {
    watch();
  }
})();

// Material's search overlay is a role="dialog" with no name (axe: aria-dialog-name, serious); the
// header stays put through instant navigation, so naming it once is enough.
(function () {
  var dialog = document.querySelector('.md-search[role="dialog"]');
  if (dialog && !dialog.hasAttribute("aria-label")) dialog.setAttribute("aria-label", "Search");
})();
