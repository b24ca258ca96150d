/* Optional, for pages that embed the explainer's timeline in an iframe: fits each frame marked
   data-explainer-embed to the height its page reports. Messages are trusted only from the
   frame's own window and origin, and only a number is read from them. Include it once:
   <script src="https://<site>/assets/embed-resize.js" async></script> */
(function () {
  "use strict";
  var SELECTOR = "iframe[data-explainer-embed]";

  /* The frame reports its height when its filters apply, which may be before this script has
     loaded (it is async): ask each frame once now, and again whenever one loads. */
  function ask(frame) {
    try {
      var origin = new URL(frame.src, window.location.href).origin;
      if (frame.contentWindow) frame.contentWindow.postMessage({ type: "explainer:ask-height" }, origin);
    } catch (error) { /* no src yet, or not a URL: it reports when it loads */ }
  }

  window.addEventListener("message", function (event) {
    var data = event.data;
    if (!data || data.type !== "explainer:height") return;
    var height = Number(data.height);
    if (!isFinite(height) || height <= 0) return;
    var frames = document.querySelectorAll(SELECTOR);
    Array.prototype.forEach.call(frames, function (frame) {
      if (frame.contentWindow !== event.source) return;
      if (new URL(frame.src, window.location.href).origin !== event.origin) return;
      frame.style.height = Math.min(Math.ceil(height), 100000) + "px";
    });
  });

  Array.prototype.forEach.call(document.querySelectorAll(SELECTOR), function (frame) {
    frame.addEventListener("load", function () { ask(frame); });
    ask(frame);
  });
})();
