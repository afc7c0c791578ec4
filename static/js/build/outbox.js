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
// --- outbox/photos.js
var __photos = (function () {
var isWindow = __events.isWindow;
var uuid4 = __store.uuid4;
// Photos before they are kept: downscaled (long side 2048 px, JPEG), their EXIF position,
// direction and time read first (the canvas copy has none), a thumbnail for the walk's list.

var MAX_SIDE = 2048;
var JPEG_QUALITY = 0.85;
var EXIFR_WAIT_MS = 3000;
var THUMB_SIDE = 160;

function canvasFor(width, height) {
  if (typeof OffscreenCanvas !== "undefined") return new OffscreenCanvas(width, height);
  var canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  return canvas;
}

function toJpeg(canvas) {
  if (canvas.convertToBlob) return canvas.convertToBlob({ type: "image/jpeg", quality: JPEG_QUALITY });
  return new Promise(function (resolve, reject) {
    canvas.toBlob(function (blob) { return blob ? resolve(blob) : reject(new Error("toBlob")); },
      "image/jpeg", JPEG_QUALITY);
  });
}

// Long side at most 2048 px, JPEG. A photo that is already a small JPEG is kept as it is
// (its EXIF time and GPS still reach the server, which strips them from what it serves).
// Anything the browser cannot decode (HEIC in Chrome) goes as it is: the server converts.
// `redraw`: always a canvas copy (no EXIF), e.g. to leave a photo's GPS position behind.
function downscale(file, redraw) {
  if (typeof createImageBitmap === "undefined") return Promise.resolve(file);
  return createImageBitmap(file, { imageOrientation: "from-image" }).then(function (bitmap) {
    var long = Math.max(bitmap.width, bitmap.height);
    if (!redraw && long <= MAX_SIDE && file.type === "image/jpeg" && file.size <= 4 * 1024 * 1024) {
      bitmap.close();
      return file;
    }
    var scale = Math.min(1, MAX_SIDE / long);
    var width = Math.max(1, Math.round(bitmap.width * scale));
    var height = Math.max(1, Math.round(bitmap.height * scale));
    var canvas = canvasFor(width, height);
    var ctx = canvas.getContext("2d");
    ctx.fillStyle = "#fff";  // transparent PNGs on white, as the server would
    ctx.fillRect(0, 0, width, height);
    ctx.imageSmoothingQuality = "high";
    ctx.drawImage(bitmap, 0, 0, width, height);
    bitmap.close();
    return toJpeg(canvas);
  }).catch(function () { return file; });
}

// The camera's GPS, direction and time, read before downscaling: the canvas copy has no EXIF.
// exifr (static/vendor, loaded on first use; its URL is on #outbox-panel) reads JPEG and HEIC.
var exifrPromise = null;
function loadExifr() {
  if (self.exifr) return Promise.resolve(self.exifr);
  if (!isWindow) return Promise.resolve(null);
  if (exifrPromise) return exifrPromise;
  var panel = document.getElementById("outbox-panel");
  var url = panel && panel.dataset.exifrUrl;
  if (!url) return Promise.resolve(null);
  // Offline, only from the service worker's cache: a doomed request would be a console error.
  var available = navigator.onLine === false && self.caches
    ? self.caches.match(url).then(function (hit) { return !!hit; }, function () { return false; })
    : Promise.resolve(true);
  exifrPromise = available.then(function (ok) {
    if (!ok) { exifrPromise = null; return null; }
    return new Promise(function (resolve) {
      var script = document.createElement("script");
      script.src = url;
      script.onload = function () { resolve(self.exifr || null); };
      script.onerror = function () { exifrPromise = null; resolve(null); };
      // A stalled link must not hold a save: without it the photo goes whole (see readExif).
      setTimeout(function () { resolve(self.exifr || null); }, EXIFR_WAIT_MS);
      document.head.appendChild(script);
    });
  });
  return exifrPromise;
}

function finite(value) { return typeof value === "number" && isFinite(value) ? value : null; }

// → the tags found, null when the photo has none, or undefined when exifr could not be had
// (offline before it was ever loaded): then the photo is sent whole, so the server reads them.
function readExif(file) {
  return loadExifr().then(function (exifr) {
    if (!exifr) return undefined;
    return exifr.parse(file, { ifd0: false, exif: true, gps: true, reviveValues: false }).then(function (tags) {
      if (!tags) return null;
      var found = {
        latitude: finite(tags.latitude),
        longitude: finite(tags.longitude),
        direction: finite(tags.GPSImgDirection),
        takenAt: typeof tags.DateTimeOriginal === "string" ? tags.DateTimeOriginal : null,
        offset: typeof tags.OffsetTimeOriginal === "string" ? tags.OffsetTimeOriginal : null
      };
      return Object.keys(found).some(function (k) { return found[k] !== null; }) ? found : null;
    });
  }).catch(function () { return null; });  // unreadable EXIF: the photo still goes
}

// Sent as taken when its EXIF could not be read here and it is within the server's limit.
var KEEP_WHOLE_BYTES = 14 * 1024 * 1024;

// withoutPosition: the photo's GPS position stays on the phone (redrawn, not sent along).
function photoEntry(file, withoutPosition) {
  return readExif(file).then(function (exif) {
    var whole = exif === undefined && file.size <= KEEP_WHOLE_BYTES;
    var strip = !!(withoutPosition && exif && exif.latitude !== null);
    if (strip) exif = Object.assign({}, exif, { latitude: null, longitude: null });
    return (whole ? Promise.resolve(file) : downscale(file, strip)).then(function (blob) {
      return {
        uuid: uuid4(),
        blob: blob,
        name: (file.name || "photo").replace(/\.[^.]*$/, "") + (blob.type === "image/jpeg" ? ".jpg" : ""),
        originalName: file.name || "",
        size: blob.size,
        exif: exif || null,
        state: "waiting",
        sent: false,
        error: ""
      };
    });
  });
}

// A small JPEG of the first photo the phone can show, for the walk's list: kept when the
// photos themselves are sent and freed, offline too; never a broken image (an undecodable
// photo is skipped; none decodable: no thumbnail).
function makeThumb(photos) {
  if (typeof createImageBitmap === "undefined") return Promise.resolve(null);
  var i = 0;
  function next() {
    if (i >= photos.length) return Promise.resolve(null);
    var blob = photos[i++].blob;
    return createImageBitmap(blob, { imageOrientation: "from-image" }).then(function (bitmap) {
      var scale = Math.min(1, THUMB_SIDE / Math.min(bitmap.width, bitmap.height));
      var width = Math.max(1, Math.round(bitmap.width * scale));
      var height = Math.max(1, Math.round(bitmap.height * scale));
      var canvas = canvasFor(width, height);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, width, height);
      bitmap.close();
      return toJpeg(canvas);
    }).catch(next);
  }
  return next();
}
return { downscale: downscale, loadExifr: loadExifr, readExif: readExif, photoEntry: photoEntry, makeThumb: makeThumb };
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
// --- outbox/queue.js
var __queue = (function () {
var isWindow = __events.isWindow;
var makeThumb = __photos.makeThumb;
var photoEntry = __photos.photoEntry;
var sendAll = __send.sendAll;
var leaveSent = __steps.leaveSent;
var allItems = __store.allItems;
var getItem = __store.getItem;
var putItem = __store.putItem;
var uuid4 = __store.uuid4;
var lastUser = __user.lastUser;
var pageUser = __user.pageUser;
// What the walker does with the outbox: save a finding on the phone, try again, leave out or
// replace a refused photo, save everything as a file.

// userId: who captured it (the page's user; a page without one: the last user the server
// named). Without a user the item is kept and can be exported, but is never sent.
// options.ignorePhotoPosition: the walker chose not to place the finding where a photo
// was taken (far outside the walk): the photos go without their GPS position.
function queue(walkId, body, files, label, userId, options) {
  var ignorePosition = !!(options && options.ignorePhotoPosition);
  var item = {
    uuid: body.uuid || uuid4(),
    userId: null,
    walkId: walkId,
    body: body,
    label: label || "",
    createdAt: Date.now(),
    state: "waiting",
    error: "",
    attempts: 0,
    photos: []
  };
  item.body.uuid = item.uuid;
  var known = userId !== undefined && userId !== null ? userId : pageUser();
  return (known !== null ? Promise.resolve(known) : lastUser()).then(function (id) {
    item.userId = id;
  }).then(function () {
    return Promise.all(Array.prototype.map.call(files || [], function (file) {
      return photoEntry(file, ignorePosition);
    }));
  }).then(function (photos) {
    item.photos = photos;
    return makeThumb(photos);
  }).then(function (thumb) {
    item.thumb = thumb;
    return putItem(item);
  }).then(function () {
    requestBackgroundSync();
    return item;
  });
}

// A refused photo of a saved finding: leave it out, or put another in its place.
function dropPhoto(uuid, photoUuid) {
  return getItem(uuid).then(function (item) {
    if (!item) return null;
    item.photos = item.photos.filter(function (p) { return p.uuid !== photoUuid; });
    return settle(item);
  });
}

function replacePhoto(uuid, photoUuid, file) {
  return photoEntry(file).then(function (fresh) {
    return getItem(uuid).then(function (item) {
      if (!item) return null;
      item.photos = item.photos.map(function (p) { return p.uuid === photoUuid ? fresh : p; });
      item.state = "waiting";
      item.error = "";
      return (item.thumb ? Promise.resolve(item.thumb) : makeThumb([fresh])).then(function (thumb) {
        item.thumb = thumb;
        return putItem(item);
      }).then(function () { return sendAll(true); });
    });
  });
}

// Nothing left to send for a saved finding: it leaves the outbox as sent.
function settle(item) {
  var left = item.photos.some(function (p) { return !p.sent; });
  if (left) {
    item.state = item.photos.some(function (p) { return p.state === "rejected"; }) ? "partial" : "waiting";
    return putItem(item).then(function () { return item.state === "waiting" ? sendAll(true) : null; });
  }
  return leaveSent(item);
}

function requestBackgroundSync() {
  var nav = self.navigator;
  if (!isWindow || !nav.serviceWorker) return;
  nav.serviceWorker.ready.then(function (registration) {
    if (registration.sync) return registration.sync.register("trygg-outbox");
    return null;
  }).catch(function () { /* not available: online/visibility/timer do it */ });
}

function retry(uuid) {
  return getItem(uuid).then(function (item) {
    if (!item) return null;
    item.state = "waiting";
    item.error = "";
    item.photos.forEach(function (photo) { if (!photo.sent) { photo.state = "waiting"; photo.error = ""; } });
    return putItem(item);
  }).then(function () { return sendAll(true); });
}

function blobToBase64(blob) {
  return new Promise(function (resolve, reject) {
    var reader = new FileReader();
    reader.onload = function () { resolve(String(reader.result).split(",")[1] || ""); };
    reader.onerror = function () { reject(reader.error); };
    reader.readAsDataURL(blob);
  });
}

// A file the walker can keep or mail: nothing is ever only in the phone's database.
function exportItems(uuids) {
  return allItems().then(function (items) {
    if (uuids) items = items.filter(function (item) { return uuids.indexOf(item.uuid) !== -1; });
    return Promise.all(items.map(function (item) {
      return Promise.all(item.photos.map(function (photo) {
        var base = { uuid: photo.uuid, name: photo.name, sent: !!photo.sent, error: photo.error || "" };
        if (!photo.blob) return base;
        return blobToBase64(photo.blob).then(function (data) {
          base.type = photo.blob.type || "application/octet-stream";
          base.data_base64 = data;
          return base;
        });
      })).then(function (photos) {
        return {
          uuid: item.uuid, walk_id: item.walkId, label: item.label, state: item.state,
          captured_by_user_id: item.userId === undefined ? null : item.userId,
          error: item.error || "", created_at: new Date(item.createdAt).toISOString(),
          finding: item.body, photos: photos
        };
      });
    }));
  }).then(function (items) {
    return new Blob([JSON.stringify({ exported_at: new Date().toISOString(), items: items }, null, 2)],
      { type: "application/json" });
  });
}
return { queue: queue, dropPhoto: dropPhoto, replacePhoto: replacePhoto, retry: retry, exportItems: exportItems };
})();
// --- outbox/ui.js
var __ui = (function () {
var state = __events.state;
var pageUser = __user.pageUser;
// The page's small helpers: its messages (#outbox-i18n, in the user's language), elements,
// the labels of an item's state.

var messages = {};
function loadMessages() {
  var i18n = document.getElementById("outbox-i18n");
  if (i18n) { try { messages = JSON.parse(i18n.textContent); } catch (e) { messages = {}; } }
}

function t(key, fallback, num) {
  var text = messages[key] || fallback;
  if (num !== undefined) text = text.replace("%(num)d", String(num));
  return text;
}

function stateLabel(item) {
  if (item.state === "sending") return t("stateSending", "Sending");
  if (item.state === "failed") return t("stateFailed", "Failed");
  if (item.state === "partial") return refusedLabel(refusedCount(item));
  if (item.state === "sent") return t("stateSent", "Sent");
  return t("stateWaiting", "Waiting");
}

function refusedCount(item) {
  return item.photos.filter(function (p) { return p.state === "rejected"; }).length;
}
function refusedLabel(count) {
  return count === 1 ? t("refusedOne", "%(num)d photo refused", 1) : t("refusedMany", "%(num)d photos refused", count);
}

function el(tag, attrs, text) {
  var node = document.createElement(tag);
  Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
  if (text !== undefined) node.textContent = text;
  return node;
}

function download(blob, name) {
  var link = el("a", { href: URL.createObjectURL(blob), download: name });
  document.body.appendChild(link);
  link.click();
  setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
}

function currentUser() {
  var here = pageUser();
  return here !== null ? here : state.userId;
}

// The badge of a finding in the walk's list: what the walker needs to know about it.
function rowBadge(item) {
  var kind = item.state === "partial" ? "failed" : item.state;
  if (kind !== "failed" && kind !== "sending") kind = "waiting";
  return { kind: kind, text: stateLabel(item) };
}
return { loadMessages: loadMessages, t: t, stateLabel: stateLabel, refusedCount: refusedCount, refusedLabel: refusedLabel, el: el, download: download, currentUser: currentUser, rowBadge: rowBadge };
})();
// --- outbox/rows.js
var __rows = (function () {
var isWindow = __events.isWindow;
var progress = __events.progress;
var state = __events.state;
var el = __ui.el;
var rowBadge = __ui.rowBadge;
var t = __ui.t;
// What the walker sees of the outbox outside its panel: the walk's list (a row per finding
// still on the phone) and the line under Save on the capture screen.

// "The finding is saved — photo 2 (x.jpg) could not be accepted: <reason>", and what to do:
// try again, replace it, or leave it out.
function appendRefusals(li, item) {
  item.photos.forEach(function (photo, index) {
    if (photo.state !== "rejected") return;
    var name = photo.originalName || photo.name || "";
    var text = t("photoRefused", "The finding is saved — photo %(num)d could not be accepted:", index + 1)
      .replace("%(name)s", name);
    var problem = el("p", { "class": "queued-problem flash flash-error", role: "alert" });
    problem.textContent = text + (name ? " (" + name + ")" : "") + " " + (photo.error || "");
    li.appendChild(problem);
    var row = el("p", { "class": "row" });
    row.appendChild(el("button", { type: "button", "class": "btn btn-small", "data-action": "retry-photo",
      "data-photo": photo.uuid }, t("retry", "Try again")));
    var replace = el("label", { "class": "btn btn-small btn-secondary" }, t("replacePhoto", "Replace photo"));
    var input = el("input", { type: "file", accept: "image/*", "class": "photo-input", "data-action": "replace-photo",
      "data-photo": photo.uuid, "aria-label": t("replacePhoto", "Replace photo") + " " + (index + 1) });
    replace.appendChild(input);
    row.appendChild(replace);
    row.appendChild(el("button", { type: "button", "class": "btn btn-small btn-danger", "data-action": "drop-photo",
      "data-photo": photo.uuid }, t("dropPhoto", "Drop this photo")));
    li.appendChild(row);
  });
}

// One bar per photo still to send (and those sent in this run), with its percentage.
function appendPhotoBars(li, item) {
  if (item.state === "failed") return;
  item.photos.forEach(function (photo, index) {
    if (photo.state === "rejected") return;
    var percent = photo.sent ? 100 : (progress[photo.uuid] || 0);
    var name = t("photo", "Photo %(num)d", index + 1);
    var row = el("p", { "class": "send-photo" });
    row.appendChild(el("span", {}, name + " "));
    var bar = el("progress", { max: "100", "data-photo": photo.uuid, "aria-label": name });
    bar.value = percent;
    row.appendChild(bar);
    row.appendChild(el("span", { "class": "send-percent", "data-photo": photo.uuid }, " " + percent + " %"));
    li.appendChild(row);
  });
}

// The walk page lists each finding once. One the server has already (its photos still
// going, or one refused) shows its state inside the server's row; one only on the phone
// has a row of its own above the list, with the phone's thumbnail.
var queueUrls = [];
function renderWalkQueue(own) {
  var list = isWindow && document.getElementById("queued-findings");
  if (!list) return;
  var walkId = parseInt(list.dataset.walkId, 10);
  var mine = own.filter(function (item) { return item.walkId === walkId; });
  var findings = document.getElementById("findings");
  queueUrls.forEach(function (url) { URL.revokeObjectURL(url); });
  queueUrls = [];
  list.textContent = "";
  document.querySelectorAll("#findings .queued-extra, #findings .queued-thumb").forEach(function (node) { node.remove(); });
  var onPhoneOnly = 0;
  mine.forEach(function (item) {
    var host = item.findingId && findings ? findings.querySelector("#finding-" + item.findingId) : null;
    var li = host ? el("div", { "class": "queued-extra queued-" + item.state, "data-uuid": item.uuid })
      : el("li", { "class": "queued-item queued-" + item.state, "data-uuid": item.uuid });
    if (item.thumb && !(host && host.querySelector("img.thumb"))) {
      var url = URL.createObjectURL(item.thumb);
      queueUrls.push(url);
      var img = el("img", { src: url, alt: "", "class": "queued-thumb", width: "56", height: "56" });
      if (host) host.insertBefore(img, host.firstChild);
      else li.appendChild(img);
    }
    if (!host) li.appendChild(el("span", { "class": "queued-label" }, item.label || t("stateWaiting", "Waiting")));
    var badgeInfo = rowBadge(item);
    li.appendChild(el("span", { "class": "badge queued-" + badgeInfo.kind }, badgeInfo.text));
    if (item.state === "partial") appendRefusals(li, item);
    else if (item.state === "failed") {
      if (item.error) li.appendChild(el("p", { "class": "queued-problem outbox-error" }, item.error));
      var again = el("p", { "class": "row" });
      again.appendChild(el("button", { type: "button", "class": "btn btn-small", "data-action": "retry" }, t("retry", "Try again")));
      li.appendChild(again);
    } else appendPhotoBars(li, item);
    if (host) host.appendChild(li);
    else { list.appendChild(li); onPhoneOnly += 1; }
  });
  list.hidden = onPhoneOnly === 0;
  var none = document.getElementById("no-findings");
  if (none) none.hidden = onPhoneOnly !== 0;
  var count = document.getElementById("queued-count");
  if (count) {
    count.textContent = onPhoneOnly ? " + " + t("waitingMany", "%(num)d waiting to send", onPhoneOnly) : "";
  }
  var allSent = document.getElementById("all-sent");
  if (allSent) allSent.hidden = mine.length !== 0 || state.authRequired;
  renderCompletedWalk(mine);
}

// A guest's page after the walk was completed (templates/guests/walk_completed.html): how
// many of their findings this phone still has to send, or that all went.
function renderCompletedWalk(mine) {
  var sending = document.getElementById("walk-sending");
  var sent = document.getElementById("walk-sent");
  if (!sending || !sent) return;
  var count = mine.length;
  sending.textContent = count === 1 ? sending.dataset.one
    : (sending.dataset.many || "").replace("%(num)d", String(count));
  sending.hidden = count === 0;
  sent.hidden = count !== 0;
}

// The capture screen's line under Save: what is being sent now, how far, or when the next
// try is. Nothing waiting: no line. `own`: the user's items, when they were read again.
var lastOwn = [];
function renderSendLine(own) {
  if (own) lastOwn = own;
  var lines = isWindow ? document.querySelectorAll(".send-line") : [];
  if (!lines.length) return;
  var open = lastOwn.filter(function (item) { return item.state !== "failed" && item.state !== "partial"; });
  var text = "";
  var percent = null;
  var now = state.current && lastOwn.filter(function (item) { return item.uuid === state.current.item; })[0];
  if (state.authRequired && open.length) {
    text = t("loginAgain", "Log in again to send");
  } else if (now) {
    if (state.current.photo) {
      var index = 0;
      now.photos.forEach(function (p, i) { if (p.uuid === state.current.photo) index = i; });
      percent = progress[state.current.photo] || 0;
      text = t("sendingPhoto", "Sending photo %(num)d of %(total)s", index + 1)
        .replace("%(total)s", String(now.photos.length)) + " · " + percent + " %";
    } else {
      text = t("sendingFinding", "Sending the finding…");
    }
    if (open.length > 1) text += " · " + t("waitingMany", "%(num)d waiting to send", open.length - 1);
  } else if (open.length) {
    text = t("waitingMany", "%(num)d waiting to send", open.length);
    if (navigator.onLine === false) text += " · " + t("noConnection", "no connection");
    else if (state.nextTryAt) {
      var seconds = Math.max(1, Math.round((state.nextTryAt - Date.now()) / 1000));
      text += " · " + t("nextTry", "next try in %(num)d s", seconds);
    }
  }
  lines.forEach(function (line) {
    var label = line.querySelector(".send-text");
    var bar = line.querySelector("progress");
    if (label.textContent !== text) label.textContent = text;
    bar.hidden = percent === null;
    if (percent !== null) bar.value = percent;
    line.hidden = !text;
  });
}
// The countdown to the next try moves on its own.
if (isWindow) setInterval(function () { if (state.nextTryAt && !state.current) renderSendLine(); }, 1000);
return { appendRefusals: appendRefusals, appendPhotoBars: appendPhotoBars, renderWalkQueue: renderWalkQueue, renderSendLine: renderSendLine };
})();
// --- outbox/panel.js
var __panel = (function () {
var isWindow = __events.isWindow;
var state = __events.state;
var dropPhoto = __queue.dropPhoto;
var exportItems = __queue.exportItems;
var replacePhoto = __queue.replacePhoto;
var retry = __queue.retry;
var appendPhotoBars = __rows.appendPhotoBars;
var appendRefusals = __rows.appendRefusals;
var renderSendLine = __rows.renderSendLine;
var renderWalkQueue = __rows.renderWalkQueue;
var allItems = __store.allItems;
var removeItem = __store.removeItem;
var currentUser = __ui.currentUser;
var download = __ui.download;
var el = __ui.el;
var refusedCount = __ui.refusedCount;
var refusedLabel = __ui.refusedLabel;
var stateLabel = __ui.stateLabel;
var t = __ui.t;
var belongsTo = __user.belongsTo;
// The outbox badge in the top bar and its panel: every item on this phone, with what can be
// done with it (try again, save as file, delete), and the last ones sent.

var badge, panel;

function initPanel() {
  badge = document.getElementById("outbox-badge");
  panel = document.getElementById("outbox-panel");
  if (!badge || !panel) return;
  badge.addEventListener("click", function () {
    panel.hidden = !panel.hidden;
    badge.setAttribute("aria-expanded", String(!panel.hidden));
    if (!panel.hidden) render();
  });
  panel.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-action]");
    if (!button) return;
    var action = button.dataset.action;
    if (action === "close") { panel.hidden = true; badge.setAttribute("aria-expanded", "false"); return; }
    if (action === "export-all") { exportItems().then(function (blob) { download(blob, "trygg-outbox.json"); }); return; }
    var item = button.closest("[data-uuid]");
    if (!item) return;
    var uuid = item.dataset.uuid;
    if (action === "export") exportItems([uuid]).then(function (blob) { download(blob, "trygg-" + uuid.slice(0, 8) + ".json"); });
    else if (action === "delete" && confirm(t("confirmDelete", "Delete this finding from the phone? It has not reached the server."))) removeItem(uuid);
  });
}

// Everything on the phone is an ended guest session's (Guest.id is negative in app/policy.py):
// no login sends it, so "log in again" is not what to say.
function onlyGuests(items, me) {
  return items.length > 0 && items.every(function (item) { return !belongsTo(item, me) && item.userId < 0; });
}

function renderPanel(items) {
  if (!panel) return;
  var me = currentUser();
  var list = panel.querySelector(".outbox-items");
  list.textContent = "";
  if (state.authRequired && !onlyGuests(items, me)) {
    var login = el("p", { "class": "flash flash-error", role: "alert" });
    login.appendChild(el("a", { href: "/login?next=" + encodeURIComponent(location.pathname) }, t("loginAgain", "Log in again to send")));
    login.appendChild(document.createTextNode(" " + t("kept", "– nothing is lost, the findings stay on this phone.")));
    list.appendChild(login);
  }
  items.forEach(function (item) {
    var mine = belongsTo(item, me);
    var li = el("li", { "class": "outbox-item outbox-" + (mine ? item.state : "other-user"), "data-uuid": item.uuid });
    var head = el("p", {});
    var guest = !mine && item.userId < 0;  // a guest's (app/policy.py Guest.id is negative)
    head.appendChild(el("span", { "class": "badge outbox-state" },
      mine ? stateLabel(item) : guest ? t("stateGuest", "Guest") : t("stateOtherUser", "Another user")));
    head.appendChild(document.createTextNode(" " + (item.label || item.uuid.slice(0, 8))));
    li.appendChild(head);
    li.appendChild(el("p", { "class": "meta" }, new Date(item.createdAt).toLocaleString()));
    if (!mine) {
      li.appendChild(el("p", { "class": "outbox-other-user" }, guest
        ? t("guestEnded", "Saved while you were a guest on a walk. That guest session has ended, so it cannot be sent from here: save it as a file and give the file to the walk's leader.")
        : t("otherUser", "Saved by another user on this phone — log in as them to send, or export.")));
    }
    if (item.error) li.appendChild(el("p", { "class": "outbox-error", role: "alert" }, item.error));
    if (mine && item.state === "partial") appendRefusals(li, item);
    appendPhotoBars(li, item);
    var actions = el("p", { "class": "row" });
    // Another user's finding: only "Save as file"; sending or deleting is theirs to do.
    if (mine && (item.state === "failed" || item.state === "waiting")) {
      actions.appendChild(el("button", { type: "button", "class": "btn btn-small", "data-action": "retry" }, t("retry", "Try again")));
    }
    actions.appendChild(el("button", { type: "button", "class": "btn btn-small btn-secondary", "data-action": "export" }, t("export", "Save as file")));
    if (mine && item.state !== "sending" && !item.findingId) {
      actions.appendChild(el("button", { type: "button", "class": "btn btn-small btn-danger", "data-action": "delete" }, t("delete", "Delete")));
    }
    li.appendChild(actions);
    list.appendChild(li);
  });
  state.recentlySent.slice(0, 5).forEach(function (sent) {
    var li = el("li", { "class": "outbox-item outbox-sent" });
    li.appendChild(el("span", { "class": "badge outbox-state" }, t("stateSent", "Sent")));
    var link = el("a", { href: sent.url || "#" }, " " + (sent.label || sent.uuid.slice(0, 8)));
    li.appendChild(link);
    list.appendChild(li);
  });
  if (!items.length && !state.recentlySent.length) list.appendChild(el("li", { "class": "empty" }, t("empty", "Nothing waiting to send.")));
}


// Drop, replace or retry a refused photo, retry a finding: from the panel or the list.
function photoAction(event) {
  var target = event.target;
  var holder = target.closest && target.closest("[data-uuid]");
  if (!holder) return;
  var action = target.dataset.action;
  if (event.type === "click" && action === "drop-photo") {
    dropPhoto(holder.dataset.uuid, target.dataset.photo);
  } else if (event.type === "click" && (action === "retry-photo" || action === "retry")) {
    retry(holder.dataset.uuid);
  } else if (event.type === "change" && action === "replace-photo" && target.files && target.files[0]) {
    replacePhoto(holder.dataset.uuid, target.dataset.photo, target.files[0]);
  }
}
if (isWindow) {
  document.addEventListener("click", photoAction);
  document.addEventListener("change", photoAction);
}

function render() {
  if (!badge) return Promise.resolve();
  return allItems().then(function (items) {
    var me = currentUser();
    var own = items.filter(function (item) { return belongsTo(item, me); });
    var others = items.length - own.length;
    var waiting = own.filter(function (item) { return item.state !== "failed" && item.state !== "partial"; }).length;
    var failed = own.filter(function (item) { return item.state === "failed"; }).length;
    var refused = own.reduce(function (sum, item) { return sum + (item.state === "partial" ? refusedCount(item) : 0); }, 0);
    var loginHelps = state.authRequired && !onlyGuests(items, me);
    badge.hidden = items.length === 0 && !loginHelps;
    badge.dataset.count = String(own.length);
    badge.dataset.others = String(others);
    var parts = [];
    if (loginHelps) parts.push(t("loginAgain", "Log in again to send"));
    else if (state.sending && waiting) parts.push(t("sendingCount", "Sending %(num)d…", waiting));
    else if (waiting || (!others && !failed && !refused)) parts.push(waiting === 1 ? t("waitingOne", "%(num)d waiting to send", 1) : t("waitingMany", "%(num)d waiting to send", waiting));
    if (failed) parts.push(t("failedCount", "%(num)d failed", failed));
    if (refused) parts.push(refusedLabel(refused));
    var guests = items.filter(function (item) { return !belongsTo(item, me) && item.userId < 0; }).length;
    if (guests) parts.push(t("guestCount", "%(num)d from an ended guest session", guests));
    if (others - guests) parts.push(t("otherCount", "%(num)d saved by another user", others - guests));
    badge.querySelector(".outbox-count").textContent = parts.join(" · ");
    badge.classList.toggle("outbox-has-failed", failed + refused > 0);
    renderPanel(items);
    renderWalkQueue(own);
    renderSendLine(own);
  });
}

var renderPending = false;
function rerender() {
  if (renderPending) return;
  renderPending = true;
  setTimeout(function () { renderPending = false; render(); }, 50);
}
// The walk page's list is replaced by the live poll (walks.live) whenever a finding comes in:
// the states drawn into its rows (a refused photo, one still sending) go with it, so they
// are drawn again into the new rows.
if (isWindow) {
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail && event.detail.target;
    if (target && target.id === "live-findings") rerender();
  });
}
return { initPanel: initPanel, render: render, rerender: rerender };
})();
// --- outbox/form.js
var __form = (function () {
var rerender = __panel.rerender;
var queue = __queue.queue;
var sendAll = __send.sendAll;
var t = __ui.t;
// The capture form: Save keeps the finding on the phone (IndexedDB) and sends it behind the
// form; the next finding starts at once. After a finding reached the server, the walk's list
// is fetched again.

// The finding's fields are the server's (app/findings/schemas.py FindingInput): the form
// carries them (script.outbox-fields), nothing here names one. A form kept offline from
// before the list was given (an older deploy) uses the last list this phone saw.
var FIELDS_KEY = "trygg-outbox-fields";
function fieldsOf(form) {
  var script = form.querySelector("script.outbox-fields");
  var text = script ? script.textContent : null;
  try {
    if (text) localStorage.setItem(FIELDS_KEY, text);
    else text = localStorage.getItem(FIELDS_KEY);
  } catch (e) { /* private mode: the page's own list still works */ }
  try { return JSON.parse(text || "[]"); } catch (e) { return []; }
}
// Kept as soon as a form shows (the page, or the form htmx puts in it).
function rememberFields() {
  document.querySelectorAll("form[data-outbox-walk]").forEach(fieldsOf);
}
document.addEventListener("htmx:afterSettle", rememberFields);

// A control's text as the field's kind: what the server's schema takes (empty: its default).
function typed(value, kind, empty) {
  if (kind === "boolean") return value !== null && value !== "" && value !== "n" && value !== "false";
  if (value === null || value === "") return empty;
  if (kind === "integer" || kind === "number") {
    var n = kind === "integer" ? parseInt(value, 10) : Number(value);
    return isFinite(n) ? n : empty;
  }
  return String(value);
}

// Every field the form has a control for; a field it lacks is left to the server's default.
function formBody(form) {
  var data = new FormData(form);
  var body = {};
  fieldsOf(form).forEach(function (field) {
    if (!form.querySelector('[name="' + field.name + '"]')) return;
    body[field.name] = field.kind === "list"
      ? data.getAll(field.name).map(function (value) { return typed(value, field.items, null); })
      : typed(data.get(field.name), field.kind, field.default);
  });
  return body;
}

function formLabel(form) {
  var chosen = form.querySelector("input[name=category_id]:checked");
  var label = chosen && chosen.closest("label");
  var text = label ? label.textContent.trim() : "";
  var building = form.querySelector("select[name=building_id]");
  if (building && building.value && building.value !== "0") {
    text += " · " + building.options[building.selectedIndex].text;
  }
  return text;
}

function formStatus(form, text, kind) {
  if (self.TryggCapture && form.querySelector(".save-toast")) {
    self.TryggCapture.toast(form, text, kind);
    return;
  }
  var box = form.querySelector(".outbox-status");
  if (!box) {
    box = document.createElement("p");
    box.className = "outbox-status flash";
    box.setAttribute("role", "status");
    form.insertBefore(box, form.firstChild.nextSibling);
  }
  box.className = "outbox-status flash flash-" + (kind || "info");
  box.textContent = text;
  box.hidden = !text;
}

// The next finding starts where the last one did; the place (GPS, building) stays.
function resetForm(form) {
  var keep = {};
  ["latitude", "longitude", "accuracy_m", "building_id"].forEach(function (name) {
    var input = form.querySelector("[name=" + name + "]");
    if (input) keep[name] = input.value;
  });
  form.reset();
  Object.keys(keep).forEach(function (name) { form.querySelector("[name=" + name + "]").value = keep[name]; });
  form.querySelectorAll(".field-error").forEach(function (el) { el.classList.remove("field-error"); });
  form.querySelectorAll(".photo-input").forEach(function (input) { input.value = ""; });
  if (self.TryggCapture) self.TryggCapture.clear(form);
  var uuidField = form.querySelector("input[name=uuid]");
  if (uuidField) uuidField.value = "";
  var duplicates = form.querySelector("#possible-duplicates");
  if (duplicates) duplicates.textContent = "";
  form.dispatchEvent(new CustomEvent("trygg:form-reset", { bubbles: true }));
}

function chosenFiles(form) {
  if (self.TryggCapture) return self.TryggCapture.files(form);
  var files = [];
  form.querySelectorAll("input[type=file]").forEach(function (input) {
    Array.prototype.forEach.call(input.files || [], function (file) { files.push(file); });
  });
  return files;
}

document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!form.matches || !form.matches("form[data-outbox-walk]")) return;
  if (typeof indexedDB === "undefined") return;  // the plain form still works
  // Checked on the phone, online or not: the chosen photos stay in the tray.
  var valid = self.TryggCapture ? self.TryggCapture.validate(form)
    : !!form.querySelector("input[name=category_id]:checked");
  if (!valid) {
    event.preventDefault();
    event.stopPropagation();
    if (!self.TryggCapture) formStatus(form, t("chooseCategory", "Choose a category."), "error");
    return;
  }
  event.preventDefault();
  event.stopPropagation();  // htmx listens on the form itself; this is the capture phase
  var button = form.querySelector("button[type=submit]");
  if (button) button.disabled = true;
  // A new uuid for every finding saved (queue() makes it), never the form's: a form kept for
  // offline use is shown again and again with the uuid it was rendered with, and a second
  // finding under the first one's uuid replaced it on the phone and was taken as it there.
  var body = formBody(form);
  queue(parseInt(form.dataset.outboxWalk, 10), body, chosenFiles(form), formLabel(form), undefined,
    { ignorePhotoPosition: form.dataset.photoPosition === "ignore" })
    .then(function (item) {
      resetForm(form);
      formStatus(form, navigator.onLine ? t("savedSending", "Saved on this phone. Sending…")
        : t("savedOffline", "Saved on this phone. It will be sent when there is a connection."), "success");
      form.dataset.lastUuid = item.uuid;
      // Ready for the next finding: focus at the start of capture.
      var start = form.querySelector("#capture-h");
      if (start) {
        start.scrollIntoView({ block: "start" });
        start.focus({ preventScroll: true });
      }
      // Saved: the form is the walker's again at once; sending goes on behind it.
      if (button) button.disabled = false;
      sendAll();
    })
    .catch(function (error) {
      if (button) button.disabled = false;
      formStatus(form, t("notSaved", "Could not save on this phone:") + " " + error, "error");
    });
}, true);

// After a finding reached the server: show it in the walk's list.
var refreshes = 0;
function refreshFindings(walkId) {
  // A live list (static/js/live.js) asks the server itself, at once.
  var live = document.querySelector('#live-findings[data-live-walk="' + walkId + '"]');
  if (live && self.htmx) { self.htmx.trigger(live, "live-refresh"); return; }
  var list = document.getElementById("findings");
  if (!list || !list.closest("[data-walk-id], main")) return;
  var match = location.pathname.match(/^\/walks\/(\d+)/);
  if (!match || parseInt(match[1], 10) !== walkId) return;
  // Answers may come back out of order (two findings sent a moment apart): only the
  // latest request's answer replaces the list.
  var asked = ++refreshes;
  fetch("/walks/" + walkId + "?part=findings", { headers: { "HX-Request": "true" }, credentials: "same-origin" })
    .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
    .then(function (html) {
      if (asked !== refreshes) return;
      list = document.getElementById("findings") || list;
      var template = document.createElement("template");
      template.innerHTML = html;
      var fresh = template.content.getElementById("findings");
      if (!fresh) return;
      list.replaceWith(fresh);
      var empty = document.getElementById("no-findings");
      if (empty && !template.content.getElementById("no-findings")) empty.remove();
      var count = document.getElementById("finding-count");
      if (count) count.textContent = String(fresh.querySelectorAll(":scope > li").length);
      if (self.htmx) self.htmx.process(fresh);
      rerender();  // what is still on its way shows inside the server's rows
    })
    .catch(function () { /* the next load shows it */ });
}
return { rememberFields: rememberFields, formStatus: formStatus, refreshFindings: refreshFindings };
})();
// --- outbox/leave.js
var __leave = (function () {
var allItems = __store.allItems;
var belongsTo = __user.belongsTo;
var pageUser = __user.pageUser;
// A guest's "Leave the walk" (form[data-confirm-waiting]) ends the session this phone sends
// with: what it still holds of theirs could then never be sent. Ask first, with the count;
// nothing waiting, no question.

function waitingCount() {
  var me = pageUser();
  return allItems().then(function (items) {
    return items.filter(function (item) { return belongsTo(item, me); }).length;
  });
}

function leave(form) {
  form.dataset.confirmed = "1";
  form.submit();  // no second submit event
}

function watchLeave() {
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-confirm-waiting]") || form.dataset.confirmed === "1") return;
    event.preventDefault();
    waitingCount().then(function (count) {
      if (count && !confirm(form.dataset.confirmWaiting.replace("%(num)d", String(count)))) return;
      leave(form);
    }, function () { leave(form); });
  });
}
return { watchLeave: watchLeave };
})();
// --- outbox/index.js
var __index = (function () {
var listeners = __events.listeners;
var progress = __events.progress;
var state = __events.state;
var formStatus = __form.formStatus;
var refreshFindings = __form.refreshFindings;
var rememberFields = __form.rememberFields;
var config = __http.config;
var watchLeave = __leave.watchLeave;
var initPanel = __panel.initPanel;
var render = __panel.render;
var rerender = __panel.rerender;
var downscale = __photos.downscale;
var loadExifr = __photos.loadExifr;
var readExif = __photos.readExif;
var dropPhoto = __queue.dropPhoto;
var exportItems = __queue.exportItems;
var queue = __queue.queue;
var replacePhoto = __queue.replacePhoto;
var retry = __queue.retry;
var renderSendLine = __rows.renderSendLine;
var sendAll = __send.sendAll;
var allItems = __store.allItems;
var removeItem = __store.removeItem;
var uuid4 = __store.uuid4;
var loadMessages = __ui.loadMessages;
var t = __ui.t;
var PAGES_CACHE = __user.PAGES_CACHE;
var csrfToken = __user.csrfToken;
var lastUser = __user.lastUser;
var pageUser = __user.pageUser;
// Trygg's outbox in the page: templates/base.html loads it bundled (static/js/build/outbox.js).
// Every new finding is kept on the phone first (store.js), then sent (send.js); the modules
// of this folder are listed in events.js. `TryggOutbox` is what static/js/capture/ and the browser
// tests use.

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
return {  };
})();
})();
