// Trygg's outbox in the page: templates/base.html loads it bundled (static/js/build/outbox.js).
// Every new finding is kept on the phone first (store.js), then sent (send.js); the modules
// of this folder are listed in events.js. `TryggOutbox` is what static/js/capture/ and the browser
// tests use.
import { listeners, progress, state } from "./events.js";
import { formStatus, refreshFindings, rememberFields } from "./form.js";
import { config } from "./http.js";
import { watchLeave } from "./leave.js";
import { initPanel, render, rerender } from "./panel.js";
import { downscale, loadExifr, readExif } from "./photos.js";
import { dropPhoto, exportItems, queue, replacePhoto, retry } from "./queue.js";
import { renderSendLine } from "./rows.js";
import { sendAll } from "./send.js";
import { allItems, removeItem, uuid4 } from "./store.js";
import { loadMessages, t } from "./ui.js";
import { PAGES_CACHE, csrfToken, lastUser, pageUser } from "./user.js";

var api = {
  queue: queue,
  dropPhoto: dropPhoto,
  replacePhoto: replacePhoto,
  readExif: readExif,
  loadExifr: loadExifr,
  sendAll: sendAll,
  retry: retry,
  remove: removeItem,
  items: allItems,
  exportItems: exportItems,
  downscale: downscale,
  uuid4: uuid4,
  lastUser: lastUser,
  PAGES_CACHE: PAGES_CACHE,
  state: state,
  progress: progress,
  config: config,
  on: function (fn) { listeners.push(fn); }
};
self.TryggOutbox = api;

listeners.push(function (kind, detail) {
  if (kind === "progress") {
    document.querySelectorAll('progress[data-photo="' + detail.uuid + '"]').forEach(function (bar) { bar.value = detail.percent; });
    document.querySelectorAll('.send-percent[data-photo="' + detail.uuid + '"]').forEach(function (span) {
      span.textContent = " " + detail.percent + " %";
    });
    renderSendLine();
    return;
  }
  if (kind === "posted") refreshFindings(detail.walkId);
  if (kind === "sent") {
    refreshFindings(detail.walkId);
    var form = document.querySelector("form[data-outbox-walk]");
    if (form && form.dataset.lastUuid === detail.uuid) {
      formStatus(form, t("savedNumber", "Saved — #%(num)d", detail.findingId || 0), "success");
    }
  }
  if (kind === "partial") {
    refreshFindings(detail.walkId);
    var capture = document.querySelector("form[data-outbox-walk]");
    if (capture && capture.dataset.lastUuid === detail.uuid) {
      formStatus(capture, t("savedPhotoRefused", "Saved — but a photo could not be accepted: see the list."), "error");
    }
  }
  rerender();
});

function init() {
  loadMessages();
  rememberFields();
  initPanel();
  watchLeave();
  render();
  if (navigator.storage && navigator.storage.persist) {
    navigator.storage.persisted().then(function (persisted) {
      if (!persisted) return navigator.storage.persist();
      return true;
    }).catch(function () { /* best effort */ });
  }
  checkUser().then(sendAll);  // the app was opened
}

// A page rendered for someone other than the last user the server named (a new login on
// this phone, or a session that expired): ask the server, which clears the last one's
// cached pages. Offline, or the same user: nothing to do.
function checkUser() {
  var here = pageUser();
  if (here === null || navigator.onLine === false) return Promise.resolve();
  return lastUser().then(function (last) {
    if (last === here) { state.userId = here; return null; }
    return csrfToken().then(function () { rerender(); }, function () { /* offline after all */ });
  });
}

window.addEventListener("online", function () { sendAll(); });
document.addEventListener("visibilitychange", function () {
  if (document.visibilityState === "visible") sendAll();
});
if (navigator.serviceWorker) {
  navigator.serviceWorker.addEventListener("message", function (event) {
    if (event.data && event.data.type === "outbox-sync") sendAll();
  });
}
if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
else init();
