// Trygg: small enhancements on top of forms that already work without JavaScript.
(function () {
  "use strict";

  // Invalid forms come back as 422 with the form and its messages: show them.
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr && event.detail.xhr.status === 422) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // <form data-confirm="question">: ask before sending (a strict CSP allows no onsubmit="").
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // Ask the service worker to keep what this walk needs offline: the page, the finding form
  // (whole page and htmx fragment) and the district's buildings for nearest suggestions.
  function prepareOffline() {
    if (!("serviceWorker" in navigator)) return;
    var match = location.pathname.match(/^\/walks\/(\d+)(\/findings\/new)?$/);
    // A guest's page of the walk they joined (/join/walk) names its walk.
    var guestPage = document.querySelector("[data-offline-walk]");
    if (!match && !guestPage) return;
    var walk = "/walks/" + (match ? match[1] : guestPage.dataset.offlineWalk);
    var urls = [{ url: match ? walk : location.pathname }, { url: "/api/v1" + walk + "/buildings" }];
    if (document.querySelector("#finding-form-slot a[href$='/findings/new'], form[data-outbox-walk]")) {
      urls.push({ url: walk + "/findings/new" }, { url: walk + "/findings/new", fragment: true });
    }
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.active) registration.active.postMessage({ type: "cache-urls", urls: urls });
    });
  }

  // A page sent back with a field's error (422) opens on that field, wherever it sits on the
  // page (a finding's assign form is far below its photos): the message is where the eye is.
  function focusFirstError() {
    if (document.activeElement && document.activeElement !== document.body) return;
    var field = Array.prototype.find.call(document.querySelectorAll(".field-error"),
      function (el) { return !el.closest("[hidden]"); });
    if (!field) return;
    var details = field.closest("details");
    if (details) details.open = true;
    var control = field.querySelector("input:not([type=hidden]), select, textarea") || field;
    if (control === field && !field.hasAttribute("tabindex")) field.setAttribute("tabindex", "-1");
    control.focus();
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusFirstError();
    if (navigator.onLine !== false) prepareOffline();
  });
})();
