/* The explainer's only script; every page is complete without it.

   1. Timeline filters: by person, country and kind, with the state in the URL query
   (?person=<id>&country=<code>&kind=meeting) so a filtered view can be shared and back/forward
   work. Without JavaScript the form stays hidden and the whole timeline is shown.
   2. Material's search dialog has no accessible name (axe: aria-dialog-name); give it one.
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

  function apply(form, state) {
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

  function ready() {
    nameSearch();
    init();
  }

  window.addEventListener("popstate", function () {
    var form = document.querySelector("form[data-explainer-filters]");
    if (form) apply(form, stateFromUrl(form));
  });

  if (typeof window.document$ !== "undefined") window.document$.subscribe(ready);
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();
