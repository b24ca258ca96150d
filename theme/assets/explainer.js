/* The explainer's only script; every page is complete without it.

   1. Timeline filters: by person, country and kind, with the state in the URL query
   (?person=<id>&country=<code>&kind=meeting) so a filtered view can be shared and back/forward
   work. Without JavaScript the form stays hidden and the whole timeline is shown.
   On a timeline split into pages, the first page's form filters the whole story: it fetches
   entries.json (only once a filter is chosen) and lists the matching entries.
   2. Material's search dialog has no accessible name (axe: aria-dialog-name); give it one.
   4. In the embeddable timeline (an iframe on another site), report the page's height to the
   host page (assets/embed-resize.js fits the frame to it); on the timeline page, keep the
   "Embed this timeline" code in step with the filters.
   3. Old links to an anchor on a split index (timeline/#<id>) are sent on to the record's own
   page, from the index's anchors.json (fetched only when the anchor is not on the page).
   Plain DOM, no framework; page text is only ever set with textContent. */
(function () {
  "use strict";
  var KEYS = ["person", "country", "kind"];

  function stateFromUrl(form) {
    var params = new URLSearchParams(window.location.search);
    var state = {};
    KEYS.forEach(function (key) {
      var value = params.get(key) || "";
      var select = form.elements[key];
      var known = Array.prototype.some.call(select.options, function (o) {
        return o.value === value;
      });
      state[key] = known ? value : "";
    });
    return state;
  }

  function urlFor(state) {
    var params = new URLSearchParams(window.location.search);
    KEYS.forEach(function (key) {
      if (state[key]) params.set(key, state[key]);
      else params.delete(key);
    });
    var query = params.toString();
    return window.location.pathname + (query ? "?" + query : "");
  }

  function matches(entry, state) {
    var people = (entry.getAttribute("data-people") || "").split(" ");
    var countries = (entry.getAttribute("data-countries") || "").split(" ");
    return (!state.person || people.indexOf(state.person) >= 0) &&
      (!state.country || countries.indexOf(state.country) >= 0) &&
      (!state.kind || entry.getAttribute("data-kind") === state.kind);
  }

  function describe(form, state, shown, total) {
    var parts = [];
    KEYS.forEach(function (key) {
      if (!state[key]) return;
      var select = form.elements[key];
      parts.push(select.options[select.selectedIndex].text);
    });
    if (!parts.length) return "Showing all " + total + " entries.";
    return "Showing " + shown + " of " + total + " entries: " + parts.join(", ") + ".";
  }

  var remote = null;

  function isEmpty(state) {
    return !KEYS.some(function (key) { return state[key]; });
  }

  function showRemote(form, state, list) {
    var results = document.querySelector(".explainer-results");
    var shown = list.filter(function (e) {
      return (!state.person || e.people.indexOf(state.person) >= 0) &&
        (!state.country || e.countries.indexOf(state.country) >= 0) &&
        (!state.kind || e.kind === state.kind);
    });
    results.textContent = "";
    shown.forEach(function (e) {
      var item = document.createElement("li");
      var meta = document.createElement("span");
      meta.className = "explainer-meta";
      meta.textContent = e.when + " · " + e.kind + (e.status !== "held" ? " · " + e.status : "");
      var link = document.createElement("a");
      link.href = e.url;
      link.textContent = e.title;
      item.appendChild(meta);
      item.appendChild(document.createTextNode(" "));
      item.appendChild(link);
      results.appendChild(item);
    });
    results.hidden = isEmpty(state);
    form.querySelector(".explainer-filter-status").textContent =
      isEmpty(state) ? "" : describe(form, state, shown.length, list.length);
    reportHeight();
  }

  function applyRemote(form, state) {
    KEYS.forEach(function (key) { form.elements[key].value = state[key]; });
    if (isEmpty(state) && !remote) { showRemote(form, state, []); return; }
    if (!remote) {
      remote = window.fetch(form.getAttribute("data-explainer-entries"))
        .then(function (response) { return response.json(); });
    }
    remote.then(function (list) { showRemote(form, state, list); });
  }

  function embedCode(state) {
    var code = document.querySelector("[data-explainer-embed-code]");
    if (!code) return;
    if (!code.hasAttribute("data-original")) code.setAttribute("data-original", code.textContent);
    var src = code.getAttribute("data-src");
    var params = new URLSearchParams();
    KEYS.forEach(function (key) { if (state[key]) params.set(key, state[key]); });
    var query = params.toString();
    code.textContent = code.getAttribute("data-original")
      .replace(src, src + (query ? "?" + query : ""));
  }

  function reportHeight() {
    if (!document.documentElement.hasAttribute("data-explainer-embed")) return;
    if (window.parent === window) return;
    window.parent.postMessage(
      { type: "explainer:height", height: document.documentElement.scrollHeight }, "*");
  }

  function apply(form, state) {
    embedCode(state);
    if (form.hasAttribute("data-explainer-entries")) { applyRemote(form, state); return; }
    var entries = document.querySelectorAll(".explainer-entry");
    var shown = 0;
    KEYS.forEach(function (key) { form.elements[key].value = state[key]; });
    Array.prototype.forEach.call(entries, function (entry) {
      var keep = matches(entry, state);
      entry.hidden = !keep;
      if (keep) shown += 1;
    });
    Array.prototype.forEach.call(document.querySelectorAll(".explainer-month"), function (month) {
      month.hidden = !month.querySelector(".explainer-entry:not([hidden])");
    });
    form.querySelector(".explainer-filter-status").textContent =
      describe(form, state, shown, entries.length);
    reportHeight();
  }

  function init() {
    var form = document.querySelector("form[data-explainer-filters]");
    if (!form || form.getAttribute("data-ready")) return;
    form.setAttribute("data-ready", "1");
    form.hidden = false;
    form.addEventListener("change", function () {
      var state = {};
      KEYS.forEach(function (key) { state[key] = form.elements[key].value; });
      window.history.pushState(state, "", urlFor(state));
      apply(form, state);
    });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.querySelector("[data-explainer-reset]").addEventListener("click", function () {
      var state = { person: "", country: "", kind: "" };
      window.history.pushState(state, "", urlFor(state));
      apply(form, state);
    });
    apply(form, stateFromUrl(form));
  }

  function nameSearch() {
    var dialog = document.querySelector(".md-search[role=dialog]");
    if (dialog && !dialog.hasAttribute("aria-label")) dialog.setAttribute("aria-label", "Search");
  }

  function forwardAnchor() {
    var holder = document.querySelector("[data-explainer-anchors]");
    var id = decodeURIComponent(window.location.hash.slice(1));
    if (!holder || !id || document.getElementById(id)) return;
    window.fetch(holder.getAttribute("data-explainer-anchors"))
      .then(function (response) { return response.json(); })
      .then(function (map) {
        if (Object.prototype.hasOwnProperty.call(map, id)) {
          window.location.replace(new URL(map[id], window.location.href).href);
        }
      });
  }

  function ready() {
    nameSearch();
    forwardAnchor();
    init();
    reportHeight();
  }

  window.addEventListener("resize", reportHeight);
  window.addEventListener("message", function (event) {
    /* the host page's resize script, loaded after this frame reported: say it again */
    if (event.source === window.parent && event.data && event.data.type === "explainer:ask-height")
      reportHeight();
  });

  window.addEventListener("popstate", function () {
    var form = document.querySelector("form[data-explainer-filters]");
    if (form) apply(form, stateFromUrl(form));
  });

  if (typeof window.document$ !== "undefined") window.document$.subscribe(ready);
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();
