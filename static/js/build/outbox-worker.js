// Built by scripts/bundle_js.py from static/js/outbox/ (edit those modules, then run it).
(function () {
"use strict";
// --- outbox/events.js
var __events = (function () {
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

var isWindow = typeof document !== "undefined";
var channel = typeof BroadcastChannel !== "undefined" ? new BroadcastChannel("trygg-outbox") : null;

var listeners = [];
var progress = {};  // photo uuid → percent, not stored (changes many times a second)
// current: {item, photo} on its way now; nextTryAt: when the next try after a failed one is.
var state = { authRequired: false, sending: false, recentlySent: [], userId: null, current: null, nextTryAt: null };

function emit(kind, detail) {
  listeners.forEach(function (fn) { try { fn(kind, detail || {}); } catch (e) { /* UI only */ } });
}
function changed() {
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
return { isWindow: isWindow, channel: channel, listeners: listeners, progress: progress, state: state, emit: emit, changed: changed };
})();
// --- outbox/http.js
var __http = (function () {
// The network: one POST that always ends (XHR in the page for upload progress, fetch in the
// worker), and what an answer means for the item.

var API = "/api/v1";

// How long sending waits before it gives up on a request, and how it waits to try again.
// A request may take 30 s plus the time its body needs at 8 KB/s (a weak mobile link);
// with no progress at all for 45 s the link is taken as dead. After a failed try the
// next waits 2, 4, 8 … up to 300 s (±25 %, so phones back on one mast do not all come
// at once), or as long as the server's Retry-After asks. Tests shorten them.
var config = {
  timeoutMs: 30000,
  bytesPerSecond: 8 * 1024,
  stallMs: 45000,
  backoffMinMs: 2000,
  backoffMaxMs: 300000
};

// Retry-After in seconds or as an HTTP date → milliseconds (0: none).
function retryAfterMs(value) {
  if (!value) return 0;
  var seconds = Number(value);
  if (isFinite(seconds)) return Math.max(0, seconds * 1000);
  var at = Date.parse(value);
  return isFinite(at) ? Math.max(0, at - Date.now()) : 0;
}

function parseBody(text) {
  try { return JSON.parse(text); } catch (e) { return { message: String(text || "").slice(0, 200) }; }
}

// One POST that always ends: answered → {status, data, retryAfter}; a dead link, a
// timeout or a stall → rejected. XHR in the page (upload progress), fetch in the worker.
function post(url, body, headers, size, onProgress) {
  var limit = config.timeoutMs + Math.round(size / config.bytesPerSecond * 1000);
  if (typeof XMLHttpRequest === "undefined") {
    var controller = typeof AbortController !== "undefined" ? new AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, limit) : null;
    return fetch(url, {
      method: "POST", credentials: "same-origin", headers: headers, body: body,
      signal: controller ? controller.signal : undefined
    }).then(function (response) {
      return response.text().then(function (text) {
        clearTimeout(timer);
        return { status: response.status, data: parseBody(text),
          retryAfter: retryAfterMs(response.headers.get("Retry-After")) };
      });
    }, function (error) { clearTimeout(timer); throw error; });
  }
  return new Promise(function (resolve, reject) {
    var xhr = new XMLHttpRequest();
    var settled = false;
    var stall = null;
    function finish(fn, value) {
      if (settled) return;
      settled = true;
      clearTimeout(stall);
      fn(value);
    }
    function moved() {
      clearTimeout(stall);
      stall = setTimeout(function () {
        finish(reject, new Error("stalled"));
        xhr.abort();
      }, config.stallMs);
    }
    xhr.open("POST", url);
    xhr.timeout = limit;
    Object.keys(headers).forEach(function (name) { xhr.setRequestHeader(name, headers[name]); });
    xhr.upload.onprogress = function (event) {
      moved();
      if (onProgress && event.lengthComputable) onProgress(event.loaded, event.total);
    };
    xhr.onprogress = moved;
    xhr.onload = function () {
      finish(resolve, { status: xhr.status, data: parseBody(xhr.responseText),
        retryAfter: retryAfterMs(xhr.getResponseHeader("Retry-After")) });
    };
    xhr.onerror = function () { finish(reject, new Error("network")); };
    xhr.onabort = function () { finish(reject, new Error("aborted")); };
    xhr.ontimeout = function () { finish(reject, new Error("timeout")); };
    moved();
    xhr.send(body);
  });
}

function postJson(url, body, token) {
  var text = JSON.stringify(body);
  return post(url, text, { "Content-Type": "application/json", "X-CSRFToken": token, Accept: "application/json" },
    text.length, null);
}

function postPhoto(url, photo, token, onProgress) {
  var form = new FormData();
  form.append("client_uuid", photo.uuid);
  form.append("photo", photo.blob, photo.name || "photo.jpg");
  var exif = photo.exif || {};
  if (exif.latitude !== null && exif.latitude !== undefined && exif.longitude !== null && exif.longitude !== undefined) {
    form.append("exif_latitude", String(exif.latitude));
    form.append("exif_longitude", String(exif.longitude));
  }
  if (exif.direction !== null && exif.direction !== undefined) form.append("exif_direction", String(exif.direction));
  if (exif.takenAt) form.append("exif_taken_at", exif.takenAt);
  if (exif.offset) form.append("exif_offset", exif.offset);
  return post(url, form, { "X-CSRFToken": token, Accept: "application/json" }, photo.blob.size, onProgress);
}

// The body with when the phone captured it: if someone completes the walk before the phone
// is back online, the server still takes a finding captured while the walk was on.
function withCaptureTime(item) {
  var body = {};
  Object.keys(item.body).forEach(function (key) { body[key] = item.body[key]; });
  if (item.createdAt) body.captured_at = new Date(item.createdAt).toISOString();
  return body;
}

// The server's answer → what happens to the item: "ok", "retry", "auth", "csrf", "failed",
// or "photo" (this photo is refused; the finding stays saved). Decided by the `code` of the
// API's error contract (`error` from servers before it); by the status only when neither
// names a known code (a proxy's page, a lost connection).
var CODES = {
  malformed_json: "failed", csrf: "csrf", unauthenticated: "auth", forbidden: "failed",
  not_found: "failed", method_not_allowed: "failed", conflict: "failed", invalid: "failed",
  too_large: "photo", photo_rejected: "photo", rate_limited: "retry", server_error: "retry",
  busy: "retry"
};
function errorCode(result) {
  var data = result.data || {};
  return data.code || data.error || null;
}
function outcome(result) {
  if (result.status >= 200 && result.status < 300) return "ok";
  var code = errorCode(result);
  if (code && Object.prototype.hasOwnProperty.call(CODES, code)) return CODES[code];
  if (result.status === 413) return "photo";
  if (result.status === 401) return "auth";
  if (result.status === 400 && result.data && !result.data.field) return "csrf";
  if (result.status >= 500 || result.status === 408 || result.status === 429 || result.status === 0) return "retry";
  return "failed";
}
return { API: API, config: config, postJson: postJson, postPhoto: postPhoto, withCaptureTime: withCaptureTime, errorCode: errorCode, outcome: outcome };
})();
// --- outbox/store.js
var __store = (function () {
var changed = __events.changed;
// Every new finding is first written to IndexedDB (with its photos, already downscaled) under
// a client UUID, then sent: the server answers the same UUID with the same finding, so sending
// again is always safe.

var DB_NAME = "trygg-outbox";
var STORE = "items";

var dbPromise = null;
function openDb() {
  if (dbPromise) return dbPromise;
  dbPromise = new Promise(function (resolve, reject) {
    var request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = function () {
      var db = request.result;
      if (!db.objectStoreNames.contains(STORE)) db.createObjectStore(STORE, { keyPath: "uuid" });
    };
    request.onsuccess = function () {
      var db = request.result;
      // Another tab (or a new worker) upgrading the database: let it, reopen later.
      db.onversionchange = function () { db.close(); dbPromise = null; };
      resolve(db);
    };
    request.onerror = function () { dbPromise = null; reject(request.error); };
  });
  return dbPromise;
}

function withStore(mode, fn) {
  return openDb().then(function (db) {
    return new Promise(function (resolve, reject) {
      var tx = db.transaction(STORE, mode);
      var result;
      tx.oncomplete = function () { resolve(result); };
      tx.onerror = function () { reject(tx.error); };
      tx.onabort = function () { reject(tx.error); };
      var request = fn(tx.objectStore(STORE));
      if (request) request.onsuccess = function () { result = request.result; };
    });
  });
}

function allItems() {
  return withStore("readonly", function (store) { return store.getAll(); }).then(function (items) {
    return (items || []).sort(function (a, b) { return a.createdAt - b.createdAt; });
  });
}
function getItem(uuid) { return withStore("readonly", function (s) { return s.get(uuid); }); }
function putItem(item) {
  return withStore("readwrite", function (s) { return s.put(item); }).then(function () { changed(); });
}
function removeItem(uuid) {
  return withStore("readwrite", function (s) { return s.delete(uuid); }).then(function () { changed(); });
}

function uuid4() {
  if (self.crypto && self.crypto.randomUUID) return self.crypto.randomUUID();
  var b = self.crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
  return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
}
return { allItems: allItems, getItem: getItem, putItem: putItem, removeItem: removeItem, uuid4: uuid4 };
})();
// --- outbox/user.js
var __user = (function () {
var isWindow = __events.isWindow;
var state = __events.state;
var API = __http.API;
// Whose phone it is now. Each item keeps the id of the user who captured it, and is sent only
// while /api/v1/csrf says that user is logged in: a phone passed from one walker to the next
// never sends the first one's findings as the second's. The others' items stay (shown,
// exportable). When the user seen by /api/v1/csrf changes, the cached pages of the last one
// are deleted.

var PAGES_CACHE = "trygg-pages-v1";  // the service worker's (templates/pwa/sw.js)
var USER_CACHE = "trygg-user";       // one entry: the last user /api/v1/csrf named
var USER_KEY = "/__trygg/last-user";

// Kept in Cache Storage (the page and the worker both reach it; no IndexedDB upgrade).
function lastUser() {
  if (typeof caches === "undefined") return Promise.resolve(null);
  return caches.open(USER_CACHE).then(function (cache) { return cache.match(USER_KEY); })
    .then(function (response) { return response ? response.text() : null; })
    .then(function (text) { return text ? parseInt(text, 10) : null; })
    .catch(function () { return null; });
}

// The server named `userId`: if someone else used the phone before, their cached pages go.
// With no user recorded yet there is nothing to compare: the worker empties the pages
// cache when it activates without a recorded user (first install, or an older version).
function noteUser(userId) {
  state.userId = userId;
  if (typeof caches === "undefined" || userId === null || userId === undefined) return Promise.resolve();
  return lastUser().then(function (previous) {
    if (previous === userId) return null;
    var clear = previous === null ? Promise.resolve() : caches.delete(PAGES_CACHE);
    return clear.then(function () { return caches.open(USER_CACHE); }).then(function (cache) {
      return cache.put(USER_KEY, new Response(String(userId), { headers: { "Content-Type": "text/plain" } }));
    });
  }).catch(function () { /* best effort: the next answer tries again */ });
}

function csrfToken() {
  return fetch(API + "/csrf", { credentials: "same-origin", cache: "no-store" }).then(function (response) {
    if (response.status === 401) return { auth: true };
    if (!response.ok) throw new Error("HTTP " + response.status);
    return response.json().then(function (data) {
      var userId = typeof data.user_id === "number" ? data.user_id : null;
      return noteUser(userId).then(function () { return { token: data.csrf_token, userId: userId }; });
    });
  });
}

// Who captures in this page (#outbox-panel[data-user-id], rendered by the server); in the
// worker, and on pages nobody is logged in to, null.
function pageUser() {
  if (!isWindow) return null;
  var panel = document.getElementById("outbox-panel");
  var id = panel ? parseInt(panel.dataset.userId || "", 10) : NaN;
  return isFinite(id) ? id : null;
}

function belongsTo(item, userId) {
  return userId !== null && userId !== undefined && item.userId === userId;
}
return { PAGES_CACHE: PAGES_CACHE, lastUser: lastUser, csrfToken: csrfToken, pageUser: pageUser, belongsTo: belongsTo };
})();
// --- outbox/steps.js
var __steps = (function () {
var channel = __events.channel;
var emit = __events.emit;
var progress = __events.progress;
var state = __events.state;
var API = __http.API;
var errorCode = __http.errorCode;
var outcome = __http.outcome;
var postJson = __http.postJson;
var postPhoto = __http.postPhoto;
var withCaptureTime = __http.withCaptureTime;
var putItem = __store.putItem;
var removeItem = __store.removeItem;
var PAGES_CACHE = __user.PAGES_CACHE;
// Sending one step: a finding, or one of its photos, and what its answer does to the item.

// The longest Retry-After the server asked for in this run (send.js resets it per run).
var waits = { asked: 0 };
function retryLater(result) {
  if (result && result.retryAfter) waits.asked = Math.max(waits.asked, result.retryAfter);
  return "retry";
}

function fail(item, result) {
  item.state = "failed";
  item.error = (result.data && result.data.message) || ("HTTP " + result.status);
  item.field = (result.data && result.data.field) || null;
  return putItem(item).then(function () { return "failed"; });
}

function unsentPhotos(item) {
  return item.photos.filter(function (p) { return !p.sent && p.state !== "rejected"; });
}

function sentSummary(item) {
  return { uuid: item.uuid, walkId: item.walkId, label: item.label, url: item.url,
    photos: item.photos.length, findingId: item.findingId };
}

// All of it is on the server: it leaves the outbox, listed with the last ones sent (here and
// in the other tabs).
function leaveSent(item) {
  var summary = sentSummary(item);
  state.recentlySent.unshift(summary);
  return removeItem(item.uuid).then(function () {
    emit("sent", summary);
    if (channel) channel.postMessage({ type: "sent", item: summary });
  });
}

// After each answer: more to send (it stays in the outbox), everything there (it leaves as
// sent), or all there but a refused photo (it stays, for the walker to replace or drop).
function afterStep(item) {
  if (unsentPhotos(item).length) return putItem(item).then(function () { return "ok"; });
  if (item.photos.some(function (p) { return p.state === "rejected"; })) {
    item.state = "partial";
    return putItem(item).then(function () {
      emit("partial", { uuid: item.uuid, walkId: item.walkId, findingId: item.findingId });
      if (channel) channel.postMessage({ type: "change" });
      return "ok";
    });
  }
  item.state = "sent";
  return leaveSent(item).then(function () { return "ok"; });
}

function sendFinding(item, token) {
  item.state = "sending";
  item.error = "";
  item.attempts = (item.attempts || 0) + 1;
  state.current = { item: item.uuid, photo: null };
  return putItem(item).then(function () {
    return postJson(API + "/walks/" + item.walkId + "/findings", withCaptureTime(item), token);
  }).then(function (result) {
    var next = outcome(result);
    if (next === "ok") {
      item.findingId = result.data.id;
      item.url = result.data.url;
      return afterStep(item).then(function (status) {
        emit("posted", { uuid: item.uuid, walkId: item.walkId, findingId: item.findingId });
        return status;
      });
    }
    if (next === "failed" || next === "photo") return fail(item, result);
    return next === "retry" ? retryLater(result) : next;
  }, function () { return "retry"; });  // no answer: the same uuid goes again later
}

function sendPhoto(item, photo, token) {
  var url = API + "/findings/" + item.findingId + "/photos";
  item.state = "sending";
  photo.state = "sending";
  progress[photo.uuid] = 0;
  state.current = { item: item.uuid, photo: photo.uuid };
  emit("progress", { uuid: photo.uuid, item: item.uuid, percent: 0 });
  return putItem(item).then(function () {
    return postPhoto(url, photo, token, function (loaded, total) {
      var percent = Math.min(99, Math.floor(loaded / total * 100));  // 100: when stored
      if (percent === progress[photo.uuid]) return;
      progress[photo.uuid] = percent;
      emit("progress", { uuid: photo.uuid, item: item.uuid, percent: percent });
    });
  }).then(function (result) {
    var status = outcome(result);
    if (status === "ok") {
      photo.sent = true;
      photo.state = "sent";
      photo.error = "";
      photo.blob = null;  // stored on the server: free the phone's space (item.thumb stays)
      progress[photo.uuid] = 100;
      emit("progress", { uuid: photo.uuid, item: item.uuid, percent: 100 });
      keepThumb(item, result.data && result.data.thumb_url);
      return afterStep(item);
    }
    if (status === "photo") {
      photo.state = "rejected";
      photo.error = (result.data && result.data.message) || ("HTTP " + result.status);
      photo.reason = (result.data && result.data.reason) || errorCode(result) || "";
      return afterStep(item);
    }
    photo.state = "waiting";
    if (status === "failed") {
      photo.error = (result.data && result.data.message) || ("HTTP " + result.status);
      return fail(item, result);
    }
    return status === "retry" ? retryLater(result) : status;
  }, function () {
    // No answer (lost link, timeout, stall): this photo goes again later, with its uuid.
    photo.state = "waiting";
    delete progress[photo.uuid];
    return putItem(item).then(function () { return "retry"; });
  });
}

// The phone's own small copy, kept where the service worker looks for the server's
// thumbnail when there is no network: a sent finding's thumbnail shows offline too.
function keepThumb(item, url) {
  if (!item.thumb || !url || typeof caches === "undefined" || item.thumbKept) return;
  item.thumbKept = true;
  caches.open(PAGES_CACHE).then(function (cache) {
    return cache.match(url).then(function (hit) {
      if (hit) return null;
      return cache.put(url, new Response(item.thumb, { headers: { "Content-Type": item.thumb.type || "image/jpeg" } }));
    });
  }).catch(function () { /* best effort: online the server's copy shows */ });
}
return { waits: waits, unsentPhotos: unsentPhotos, leaveSent: leaveSent, afterStep: afterStep, sendFinding: sendFinding, sendPhoto: sendPhoto };
})();
// --- outbox/send.js
var __send = (function () {
var emit = __events.emit;
var state = __events.state;
var config = __http.config;
var afterStep = __steps.afterStep;
var sendFinding = __steps.sendFinding;
var sendPhoto = __steps.sendPhoto;
var unsentPhotos = __steps.unsentPhotos;
var waits = __steps.waits;
var allItems = __store.allItems;
var putItem = __store.putItem;
var belongsTo = __user.belongsTo;
var csrfToken = __user.csrfToken;
var pageUser = __user.pageUser;
// A sending run: what waits goes, findings before photos, one sender at a time across tabs
// and the worker, and after a run that left something, a next try that waits longer each
// time. No DOM: the service worker sends with it (Background Sync), bundled alone.

// What to send next: every finding before any photo (a finding on the server is safe; its
// photos follow), oldest first. Re-read each time: a finding saved meanwhile is taken too.
function nextStep(userId) {
  return allItems().then(function (items) {
    var open = items.filter(function (item) {
      return belongsTo(item, userId) && item.state !== "failed" && item.state !== "partial";
    });
    var finding = open.filter(function (item) { return !item.findingId; })[0];
    if (finding) return { item: finding };
    var first = open[0];
    if (!first) return null;
    var photo = unsentPhotos(first)[0];
    if (photo) return { item: first, photo: photo };
    // Nothing left to send (the page closed before it was marked): settle it, go on.
    return afterStep(first).then(function () { return nextStep(userId); });
  });
}

var running = null;
var backoff = { attempt: 0, timer: null, notBefore: 0 };

// Send what waits. Not while the server's Retry-After lasts, unless `now` (the walker
// tapped "Try again"); a run already going takes whatever is saved meanwhile.
function sendAll(now) {
  if (running) return running;
  // Known to be offline: nothing to try (and no failed request in the console).
  if (self.navigator && self.navigator.onLine === false) return Promise.resolve("retry");
  if (now !== true && Date.now() < backoff.notBefore) return Promise.resolve("retry");
  clearTimeout(backoff.timer);
  backoff.timer = null;
  state.nextTryAt = null;
  waits.asked = 0;
  running = locked(sendQueued).then(function (result) {
    running = null;
    afterRun(result);
    return result;
  }, function () {
    running = null;
    state.sending = false;
    state.current = null;  // nothing is on its way any more: the line must not say so
    afterRun("retry");
    return "retry";
  });
  return running;
}

// After a run that left something: try again later, each time waiting longer.
function afterRun(result) {
  if (result === "done" || result === "empty") {
    backoff.attempt = 0;
    backoff.notBefore = 0;
    state.nextTryAt = null;
    emit("change");
    return;
  }
  var delay;
  if (result === "busy") {
    delay = 30000;  // another tab or the worker is sending
  } else {
    backoff.attempt += 1;
    delay = Math.min(config.backoffMaxMs, config.backoffMinMs * Math.pow(2, backoff.attempt - 1));
    delay = Math.min(config.backoffMaxMs, Math.max(config.backoffMinMs, delay * (0.75 + Math.random() * 0.5)));
    if (waits.asked) {
      delay = Math.max(delay, waits.asked);
      backoff.notBefore = Date.now() + waits.asked;
    }
  }
  state.nextTryAt = Date.now() + delay;
  clearTimeout(backoff.timer);
  backoff.timer = setTimeout(function () {
    backoff.timer = null;
    if (!self.navigator || self.navigator.onLine !== false) sendAll();
  }, delay);
  emit("change");
}

// One sender at a time across tabs and the worker (the server would cope, the UI less so).
function locked(fn) {
  var nav = self.navigator;
  if (nav && nav.locks && nav.locks.request) {
    return nav.locks.request("trygg-outbox", { ifAvailable: true }, function (lock) {
      return lock ? fn() : "busy";
    });
  }
  return fn();
}

function sendQueued() {
  return allItems().then(function (items) {
    var queued = items.filter(function (item) { return item.state !== "failed" && item.state !== "partial"; });
    // A page knows its user: nothing of theirs waiting, no need to ask the server.
    var here = pageUser();
    if (here !== null) queued = queued.filter(function (item) { return belongsTo(item, here); });
    if (!queued.length) return "empty";
    state.sending = true;
    emit("change");
    return csrfToken().then(function (answer) {
      if (answer.auth) {
        state.authRequired = true;
        return "auth";
      }
      state.authRequired = false;
      var token = answer.token;
      var userId = answer.userId;
      var freshToken = false;
      // Only what this user captured: the rest stays on the phone for its author.
      function loop() {
        return nextStep(userId).then(function (next) {
          if (!next) return "done";
          var step = next.photo ? sendPhoto(next.item, next.photo, token) : sendFinding(next.item, token);
          return step.then(function (status) {
            if (status === "ok" || status === "failed") { freshToken = false; return loop(); }
            if (status === "auth") { state.authRequired = true; return "auth"; }
            if (status === "csrf" && !freshToken) {
              // A token the server no longer takes (new session): fetch one and go on.
              freshToken = true;
              return csrfToken().then(function (fresh) {
                if (fresh.auth) { state.authRequired = true; return "auth"; }
                if (fresh.userId !== userId) return "retry";  // someone else logged in meanwhile
                token = fresh.token;
                return loop();
              });
            }
            return "retry";
          });
        });
      }
      return loop();
    }, function () { return "retry"; }).then(function (result) {
      return settleSending().then(function () {
        state.sending = false;
        emit("change");
        return result;
      });
    });
  });
}

// The run is over: nothing is "sending" any more.
function settleSending() {
  state.current = null;
  return allItems().then(function (items) {
    return Promise.all(items.filter(function (item) { return item.state === "sending"; }).map(function (item) {
      item.state = "waiting";
      return putItem(item);
    }));
  });
}
return { sendAll: sendAll };
})();
self.TryggOutboxWorker = __send;
})();
