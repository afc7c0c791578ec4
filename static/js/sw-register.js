// Trygg: install the service worker (offline app shell), clear cached pages on logout, and
// tell iPhone users once how to add Trygg to the home screen.
(function () {
  "use strict";

  if ("serviceWorker" in navigator) {
    var registered = false;
    var register = function () {
      if (registered) return;
      registered = true;
      navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(function (registration) {
        // Look for a new version when the walker comes back to the app.
        document.addEventListener("visibilitychange", function () {
          if (document.visibilityState === "visible") registration.update().catch(function () {});
        });
      }).catch(function () { /* no worker: the app still works online */ });
    };
    // After the page has loaded, so the worker's downloads don't compete with it; but no later
    // than 3 s: map tiles that hang on a bad connection hold back "load" for a long time.
    if (document.readyState === "complete") register();
    else {
      window.addEventListener("load", register);
      setTimeout(register, 3000);
    }

    // The next person on this phone must not see the cached pages of the last one.
    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (!form.action || !/\/logout$/.test(new URL(form.action, location.href).pathname)) return;
      if (navigator.serviceWorker.controller) {
        navigator.serviceWorker.controller.postMessage({ type: "clear-pages" });
      }
    }, true);
  }

  function showHomeScreenHint() {
    var hint = document.getElementById("a2hs-hint");
    if (!hint) return;
    var ua = navigator.userAgent || "";
    var iOS = /iPhone|iPad|iPod/.test(ua) || (navigator.platform === "MacIntel" && navigator.maxTouchPoints > 1);
    var standalone = window.navigator.standalone === true ||
      (window.matchMedia && window.matchMedia("(display-mode: standalone)").matches);
    var key = "trygg-a2hs-hint-shown";
    var shown;
    try { shown = localStorage.getItem(key); } catch (e) { shown = "1"; }
    if (!iOS || standalone || shown) return;
    hint.hidden = false;
    try { localStorage.setItem(key, "1"); } catch (e) { /* private mode: shown again next time */ }
    var close = hint.querySelector("button");
    if (close) close.addEventListener("click", function () { hint.hidden = true; });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", showHomeScreenHint);
  else showHomeScreenHint();
})();
