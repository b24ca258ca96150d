/* Optional, for pages that embed the explainer's timeline in an iframe: fits each frame marked
   data-explainer-embed to the height its page reports. Messages are trusted only from the
   frame's own window and origin, and only a number is read from them. Include it once:
   <script src="https://<site>/assets/embed-resize.js" async></script> */
(function () {
  "use strict";
  window.addEventListener("message", function (event) {
    var data = event.data;
    if (!data || data.type !== "explainer:height") return;
    var height = Number(data.height);
    if (!isFinite(height) || height <= 0) return;
    var frames = document.querySelectorAll("iframe[data-explainer-embed]");
    Array.prototype.forEach.call(frames, function (frame) {
      if (frame.contentWindow !== event.source) return;
      if (new URL(frame.src, window.location.href).origin !== event.origin) return;
      frame.style.height = Math.min(Math.ceil(height), 100000) + "px";
    });
  });
})();
