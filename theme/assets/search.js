/* Search behind Material's search box, with Pagefind (generator/search.py), loaded only when a
   reader types. This script runs before Material's bundle: it renames the form Material looks
   for, so Material never fetches its own index (the whole site's text) on page load, and takes
   the box over. Results are built with textContent; only Pagefind's <mark> survives from its
   excerpts. Without JavaScript there is no search box, as with Material. */
(function () {
  "use strict";
  var form = document.forms.namedItem("search");
  var script = document.currentScript;
  if (!form || !script) return;
  form.name = "explainer-search";
  var component = form.closest("[data-md-component=search]");
  if (component) component.removeAttribute("data-md-component");

  var root = new URL("..", script.src);
  var input = form.querySelector("input[name=query]");
  var output = document.querySelector(".md-search-result__list");
  var meta = document.querySelector(".md-search-result__meta");
  var toggle = document.getElementById("__search");
  var reset = form.querySelector("button[type=reset]");
  var pagefind = null;
  var latest = 0;
  var timer = 0;
  /* Results shown at once, then "Show more": each costs a fragment of about 0.5 KB. */
  var LIMIT = 10;

  function load() {
    if (!pagefind) {
      /* noWorker: searching the few chunks a query needs is quick in the page, and the
         worker would be one more script to download (41 KB). */
      var options = { baseUrl: root.pathname, noWorker: true };
      pagefind = import(new URL("pagefind/pagefind.js", root).href).then(function (module) {
        return module.options(options).then(function () { return module; });
      });
    }
    return pagefind;
  }

  function say(text) {
    if (meta) meta.textContent = text;
  }

  function excerpt(html) {
    /* Pagefind's excerpt is escaped text with <mark> around the matched words. */
    var paragraph = document.createElement("p");
    html.split(/(<mark>|<\/mark>)/).reduce(function (marked, piece) {
      if (piece === "<mark>") return true;
      if (piece === "</mark>") return false;
      /* Inside an element: text at the very start of a document loses its leading spaces
         ("Witkoff</mark> and" read "Witkoffand"). */
      var text = new DOMParser().parseFromString("<b>" + piece + "</b>", "text/html").body
        .textContent || "";
      var node = marked ? document.createElement("mark") : document.createTextNode(text);
      if (marked) node.textContent = text;
      paragraph.appendChild(node);
      return marked;
    }, false);
    return paragraph;
  }

  function item(data) {
    var li = document.createElement("li");
    li.className = "md-search-result__item";
    var link = document.createElement("a");
    link.className = "md-search-result__link";
    link.href = data.url;
    var article = document.createElement("article");
    article.className = "md-search-result__article md-typeset";
    var title = document.createElement("h1");
    title.textContent = (data.meta && data.meta.title) || data.url;
    article.appendChild(title);
    article.appendChild(excerpt(data.excerpt || ""));
    link.appendChild(article);
    li.appendChild(link);
    return li;
  }

  function show(query, found, results) {
    output.textContent = "";
    results.forEach(function (data) { output.appendChild(item(data)); });
    if (!query) say("Type to start searching");
    else if (!found) say("No matching documents");
    else say(found === 1 ? "1 matching document" : found + " matching documents");
  }

  function more(ticket, search, shown) {
    /* Each result costs its own fragment: the next ones are fetched when asked for. */
    var rest = search.results.length - shown;
    if (rest <= 0) return;
    var li = document.createElement("li");
    li.className = "md-search-result__item";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "md-button";
    button.textContent = "Show " + Math.min(rest, LIMIT) + " more of " + rest;
    button.addEventListener("click", function () {
      button.disabled = true;
      page(search, shown).then(function (data) {
        if (ticket !== latest) return;
        li.remove();
        data.forEach(function (d) { output.appendChild(item(d)); });
        more(ticket, search, shown + data.length);
      });
    });
    li.appendChild(button);
    output.appendChild(li);
  }

  function page(search, from) {
    var slice = search.results.slice(from, from + LIMIT);
    return Promise.all(slice.map(function (r) { return r.data(); }));
  }

  function run() {
    var query = input.value.trim();
    var ticket = ++latest;
    if (!query) { show("", 0, []); return; }
    say("Searching…");
    load()
      .then(function (module) { return module.search(query); })
      .then(function (search) {
        return page(search, 0).then(function (data) {
          if (ticket !== latest) return;
          show(query, search.results.length, data);
          more(ticket, search, data.length);
        });
      })
      .catch(function () { if (ticket === latest) say("Search is unavailable"); });
  }

  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(run, 120);
  });
  input.addEventListener("keyup", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(run, 120);
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var first = output.querySelector("a");
    if (first) window.location.href = first.href;
  });
  if (reset) reset.addEventListener("click", function () { show("", 0, []); });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && toggle && toggle.checked) toggle.checked = false;
  });
  input.addEventListener("focus", function () { if (toggle) toggle.checked = true; });
})();
