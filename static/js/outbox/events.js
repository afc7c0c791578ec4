// The outbox's shared state and its notices between the page, other tabs and the worker.
// Trygg's outbox, one module per job (all in this folder; pages load them bundled from
// index.js as static/js/build/outbox.js, the worker from send.js: scripts/bundle_js.py):
//   store.js   IndexedDB: every new finding (with its photos) under a client UUID
//   user.js    whose phone it is: /api/v1/csrf, the last user, the page's user
//   photos.js  downscaling, EXIF read before it, thumbnails
//   http.js    one POST that always ends; what an answer means
//   steps.js   sending one finding or one photo
//   send.js    a run: what next, one sender at a time, back-off
//   queue.js   saving a finding, retry, drop or replace a photo, export
//   ui.js, rows.js, panel.js, form.js   the page: messages, the walk's list, the panel, the form
// The sending modules use no DOM: the service worker sends with them (Background Sync).

export var isWindow = typeof document !== "undefined";
export var channel = typeof BroadcastChannel !== "undefined" ? new BroadcastChannel("trygg-outbox") : null;

export var listeners = [];
export var progress = {};  // photo uuid → percent, not stored (changes many times a second)
// current: {item, photo} on its way now; nextTryAt: when the next try after a failed one is.
export var state = { authRequired: false, sending: false, recentlySent: [], userId: null, current: null, nextTryAt: null };

export function emit(kind, detail) {
  listeners.forEach(function (fn) { try { fn(kind, detail || {}); } catch (e) { /* UI only */ } });
}
export function changed() {
  emit("change");
  if (channel) channel.postMessage({ type: "change" });
}
if (channel) {
  channel.onmessage = function (event) {
    var data = event.data || {};
    if (data.type === "sent") {
      state.recentlySent.unshift(data.item);
      emit("sent", data.item);
    } else {
      emit("change");
    }
  };
}
