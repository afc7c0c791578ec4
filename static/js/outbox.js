// Trygg outbox: every new finding is first written to IndexedDB (with its photos, already
// downscaled) under a client UUID, then sent: the finding first, then each photo on its own.
// The server answers the same UUID with the same finding, so sending again is always safe.
//
// Runs in the page (form, badge, panel) and in the service worker (Background Sync), so the
// sending part uses no DOM.
//
// Each item keeps the id of the user who captured it, and is sent only while /api/v1/csrf
// says that user is logged in: a phone passed from one walker to the next never sends the
// first one's findings as the second's. The others' items stay (shown, exportable). When
// the user seen by /api/v1/csrf changes, the cached pages of the last one are deleted.
(function (root) {
  "use strict";

  var DB_NAME = "trygg-outbox";
  var STORE = "items";
  var API = "/api/v1";
  var MAX_SIDE = 2048;
  var JPEG_QUALITY = 0.85;
  var RETRY_MS = 20000;
  var PAGES_CACHE = "trygg-pages-v1";  // the service worker's (templates/pwa/sw.js)
  var USER_CACHE = "trygg-user";       // one entry: the last user /api/v1/csrf named
  var USER_KEY = "/__trygg/last-user";
  var isWindow = typeof document !== "undefined";
  var channel = typeof BroadcastChannel !== "undefined" ? new BroadcastChannel("trygg-outbox") : null;

  // --- storage ---------------------------------------------------------------------------

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
    if (root.crypto && root.crypto.randomUUID) return root.crypto.randomUUID();
    var b = root.crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  // --- notifications between the page, other tabs and the worker -------------------------

  var listeners = [];
  var progress = {};  // photo uuid → percent, not stored (changes many times a second)
  var state = { authRequired: false, sending: false, recentlySent: [], userId: null };

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

  // --- photos ----------------------------------------------------------------------------

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
  function downscale(file) {
    if (typeof createImageBitmap === "undefined") return Promise.resolve(file);
    return createImageBitmap(file, { imageOrientation: "from-image" }).then(function (bitmap) {
      var long = Math.max(bitmap.width, bitmap.height);
      if (long <= MAX_SIDE && file.type === "image/jpeg" && file.size <= 4 * 1024 * 1024) {
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
    if (root.exifr) return Promise.resolve(root.exifr);
    if (!isWindow) return Promise.resolve(null);
    if (exifrPromise) return exifrPromise;
    var panel = document.getElementById("outbox-panel");
    var url = panel && panel.dataset.exifrUrl;
    if (!url) return Promise.resolve(null);
    // Offline, only from the service worker's cache: a doomed request would be a console error.
    var available = navigator.onLine === false && root.caches
      ? root.caches.match(url).then(function (hit) { return !!hit; }, function () { return false; })
      : Promise.resolve(true);
    exifrPromise = available.then(function (ok) {
      if (!ok) { exifrPromise = null; return null; }
      return new Promise(function (resolve) {
        var script = document.createElement("script");
        script.src = url;
        script.onload = function () { resolve(root.exifr || null); };
        script.onerror = function () { exifrPromise = null; resolve(null); };
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

  // --- sending ---------------------------------------------------------------------------

  function readJson(response) {
    return response.text().then(function (text) {
      try { return JSON.parse(text); } catch (e) { return { message: text.slice(0, 200) }; }
    });
  }

  // --- whose phone it is now --------------------------------------------------------------

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

  function postJson(url, body, token) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token, Accept: "application/json" },
      body: JSON.stringify(body)
    }).then(function (response) {
      return readJson(response).then(function (data) { return { status: response.status, data: data }; });
    });
  }

  // XHR in the page for upload progress; fetch in the worker.
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
    if (typeof XMLHttpRequest === "undefined") {
      return fetch(url, {
        method: "POST", credentials: "same-origin", body: form,
        headers: { "X-CSRFToken": token, Accept: "application/json" }
      }).then(function (response) {
        return readJson(response).then(function (data) { return { status: response.status, data: data }; });
      });
    }
    return new Promise(function (resolve, reject) {
      var xhr = new XMLHttpRequest();
      xhr.open("POST", url);
      xhr.setRequestHeader("X-CSRFToken", token);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.onprogress = function (event) {
        if (event.lengthComputable) onProgress(Math.round(event.loaded / event.total * 100));
      };
      xhr.onload = function () {
        var data;
        try { data = JSON.parse(xhr.responseText); } catch (e) { data = { message: xhr.responseText.slice(0, 200) }; }
        resolve({ status: xhr.status, data: data });
      };
      xhr.onerror = function () { reject(new Error("network")); };
      xhr.onabort = function () { reject(new Error("aborted")); };
      xhr.ontimeout = function () { reject(new Error("timeout")); };
      xhr.send(form);
    });
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
    too_large: "photo", photo_rejected: "photo", rate_limited: "retry", server_error: "retry"
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

  function fail(item, result) {
    item.state = "failed";
    item.error = (result.data && result.data.message) || ("HTTP " + result.status);
    item.field = (result.data && result.data.field) || null;
    return putItem(item).then(function () { return "failed"; });
  }

  function sendItem(item, token) {
    item.state = "sending";
    item.error = "";
    item.attempts = (item.attempts || 0) + 1;
    var chain = putItem(item);
    if (!item.findingId) {
      chain = chain.then(function () {
        return postJson(API + "/walks/" + item.walkId + "/findings", withCaptureTime(item), token);
      }).then(function (result) {
        var next = outcome(result);
        if (next === "ok") {
          item.findingId = result.data.id;
          item.url = result.data.url;
          return putItem(item).then(function () { return "ok"; });
        }
        if (next === "failed" || next === "photo") return fail(item, result);
        return next;
      });
    } else {
      chain = chain.then(function () { return "ok"; });
    }
    return chain.then(function (status) {
      if (status !== "ok") return status;
      return sendPhotos(item, token);
    }).then(function (status) {
      if (status === "partial") {
        // The finding is on the server; a photo was refused: the walker replaces or drops it.
        item.state = "partial";
        return putItem(item).then(function () {
          emit("partial", { uuid: item.uuid, walkId: item.walkId });
          return "ok";
        });
      }
      if (status !== "ok") {
        if (status !== "failed") {
          item.state = "waiting";
          return putItem(item).then(function () { return status; });
        }
        return status;
      }
      item.state = "sent";
      var summary = { uuid: item.uuid, walkId: item.walkId, label: item.label, url: item.url, photos: item.photos.length, findingId: item.findingId };
      state.recentlySent.unshift(summary);
      return removeItem(item.uuid).then(function () {
        emit("sent", summary);
        if (channel) channel.postMessage({ type: "sent", item: summary });
        return "ok";
      });
    }, function (error) {
      // Network gone mid-way: the item waits; whatever was stored stays stored.
      item.state = "waiting";
      item.error = "";
      return putItem(item).then(function () { return "retry"; });
    });
  }

  function sendPhotos(item, token) {
    var url = API + "/findings/" + item.findingId + "/photos";
    var index = 0;
    function next() {
      while (index < item.photos.length && (item.photos[index].sent || item.photos[index].state === "rejected")) index++;
      if (index >= item.photos.length) {
        var refused = item.photos.some(function (p) { return p.state === "rejected"; });
        return Promise.resolve(refused ? "partial" : "ok");
      }
      var photo = item.photos[index];
      photo.state = "sending";
      progress[photo.uuid] = 0;
      emit("progress", { uuid: photo.uuid, percent: 0 });
      return postPhoto(url, photo, token, function (percent) {
        progress[photo.uuid] = percent;
        emit("progress", { uuid: photo.uuid, percent: percent });
      }).then(function (result) {
        var status = outcome(result);
        if (status === "ok") {
          photo.sent = true;
          photo.state = "sent";
          photo.error = "";
          photo.blob = null;  // stored on the server: free the phone's space
          progress[photo.uuid] = 100;
          return putItem(item).then(next);
        }
        if (status === "photo") {
          photo.state = "rejected";
          photo.error = (result.data && result.data.message) || ("HTTP " + result.status);
          photo.reason = (result.data && result.data.reason) || errorCode(result) || "";
          return putItem(item).then(next);
        }
        if (status === "failed") {
          photo.state = "failed";
          photo.error = (result.data && result.data.message) || ("HTTP " + result.status);
          return fail(item, result);
        }
        photo.state = "waiting";
        return status;
      }, function (error) {
        photo.state = "waiting";
        throw error;
      });
    }
    return next();
  }

  var running = null;
  function sendAll() {
    if (running) return running;
    // Known to be offline: nothing to try (and no failed request in the console).
    if (root.navigator && root.navigator.onLine === false) return Promise.resolve("retry");
    running = locked(sendQueued).then(function (result) {
      running = null;
      return result;
    }, function (error) {
      running = null;
      state.sending = false;
      emit("change");
      return "retry";
    });
    return running;
  }

  // One sender at a time across tabs and the worker (the server would cope, the UI less so).
  function locked(fn) {
    var nav = root.navigator;
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
        // Only what this user captured: the rest stays on the phone for its author.
        queued = queued.filter(function (item) { return belongsTo(item, userId); });
        var i = 0;
        function step(status) {
          if (status === "auth") { state.authRequired = true; return "auth"; }
          if (status === "retry") return "retry";
          if (status === "csrf") {
            // A token the server no longer takes (new session): fetch one and go on.
            return csrfToken().then(function (fresh) {
              if (fresh.auth) { state.authRequired = true; return "auth"; }
              if (fresh.userId !== userId) return "retry";  // someone else logged in meanwhile
              token = fresh.token;
              return sendItem(queued[i - 1], token).then(function (again) {
                return step(again === "csrf" ? "retry" : again);
              });
            });
          }
          if (i >= queued.length) return "done";
          var item = queued[i++];
          return getItem(item.uuid).then(function (fresh) {
            // Deleted or failed meanwhile (another tab): skip it.
            if (!fresh || fresh.state === "failed" || fresh.state === "partial" || !belongsTo(fresh, userId)) return step("ok");
            return sendItem(fresh, token).then(step);
          });
        }
        return step("ok");
      }, function () { return "retry"; }).then(function (result) {
        state.sending = false;
        emit("change");
        return result;
      });
    });
  }

  // --- queueing ----------------------------------------------------------------------------

  // userId: who captured it (the page's user; a page without one: the last user the server
  // named). Without a user the item is kept and can be exported, but is never sent.
  function queue(walkId, body, files, label, userId) {
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
        return photoEntry(file);
      }));
    }).then(function (photos) {
      item.photos = photos;
      return putItem(item);
    }).then(function () {
      requestBackgroundSync();
      return item;
    });
  }

  // Sent as taken when its EXIF could not be read here and it is within the server's limit.
  var KEEP_WHOLE_BYTES = 14 * 1024 * 1024;

  function photoEntry(file) {
    return readExif(file).then(function (exif) {
      var whole = exif === undefined && file.size <= KEEP_WHOLE_BYTES;
      return (whole ? Promise.resolve(file) : downscale(file)).then(function (blob) {
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
        return putItem(item).then(sendAll);
      });
    });
  }

  // Nothing left to send for a saved finding: it leaves the outbox as sent.
  function settle(item) {
    var left = item.photos.some(function (p) { return !p.sent; });
    if (left) {
      item.state = item.photos.some(function (p) { return p.state === "rejected"; }) ? "partial" : "waiting";
      return putItem(item).then(function () { return item.state === "waiting" ? sendAll() : null; });
    }
    var summary = { uuid: item.uuid, walkId: item.walkId, label: item.label, url: item.url, photos: item.photos.length, findingId: item.findingId };
    state.recentlySent.unshift(summary);
    return removeItem(item.uuid).then(function () {
      emit("sent", summary);
      if (channel) channel.postMessage({ type: "sent", item: summary });
    });
  }

  function requestBackgroundSync() {
    var nav = root.navigator;
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
    }).then(sendAll);
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
    on: function (fn) { listeners.push(fn); }
  };
  root.TryggOutbox = api;

  if (!isWindow) return;

  // --- the page: form, badge, panel --------------------------------------------------------

  var messages = {};
  function t(key, fallback, num) {
    var text = messages[key] || fallback;
    if (num !== undefined) text = text.replace("%(num)d", String(num));
    return text;
  }

  function formBody(form) {
    var data = new FormData(form);
    function number(name) {
      var value = data.get(name);
      if (value === null || value === "") return null;
      var n = Number(value);
      return isFinite(n) ? n : null;
    }
    var building = parseInt(data.get("building_id") || "0", 10);
    return {
      category_id: parseInt(data.get("category_id"), 10),
      severity: data.get("severity") || "medium",
      place_type: data.get("place_type") || "other",
      unsafe_rating: parseInt(data.get("unsafe_rating") || "2", 10),
      unsafe_for: data.getAll("unsafe_for"),
      description: data.get("description") || "",
      confidential: data.get("confidential") === "y",
      building_id: building > 0 ? building : null,
      latitude: number("latitude"),
      longitude: number("longitude"),
      accuracy_m: number("accuracy_m")
    };
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
    if (root.TryggCapture && form.querySelector(".save-toast")) {
      root.TryggCapture.toast(form, text, kind);
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
    if (root.TryggCapture) root.TryggCapture.clear(form);
    var uuidField = form.querySelector("input[name=uuid]");
    if (uuidField) uuidField.value = "";
    var duplicates = form.querySelector("#possible-duplicates");
    if (duplicates) duplicates.textContent = "";
    form.dispatchEvent(new CustomEvent("trygg:form-reset", { bubbles: true }));
  }

  function chosenFiles(form) {
    if (root.TryggCapture) return root.TryggCapture.files(form);
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
    var valid = root.TryggCapture ? root.TryggCapture.validate(form)
      : !!form.querySelector("input[name=category_id]:checked");
    if (!valid) {
      event.preventDefault();
      event.stopPropagation();
      if (!root.TryggCapture) formStatus(form, t("chooseCategory", "Choose a category."), "error");
      return;
    }
    event.preventDefault();
    event.stopPropagation();  // htmx listens on the form itself; this is the capture phase
    var button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    var body = formBody(form);
    var uuidField = form.querySelector("input[name=uuid]");
    if (uuidField && uuidField.value) body.uuid = uuidField.value;
    queue(parseInt(form.dataset.outboxWalk, 10), body, chosenFiles(form), formLabel(form))
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
        return sendAll();
      })
      .catch(function (error) {
        formStatus(form, t("notSaved", "Could not save on this phone:") + " " + error, "error");
      })
      .then(function () { if (button) button.disabled = false; });
  }, true);

  // After a finding reached the server: show it in the walk's list.
  function refreshFindings(walkId) {
    var list = document.getElementById("findings");
    if (!list || !list.closest("[data-walk-id], main")) return;
    var match = location.pathname.match(/^\/walks\/(\d+)/);
    if (!match || parseInt(match[1], 10) !== walkId) return;
    fetch("/walks/" + walkId + "?part=findings", { headers: { "HX-Request": "true" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
      .then(function (html) {
        var template = document.createElement("template");
        template.innerHTML = html;
        var fresh = template.content.getElementById("findings");
        if (!fresh) return;
        list.replaceWith(fresh);
        var empty = document.getElementById("no-findings");
        if (empty && !template.content.getElementById("no-findings")) empty.remove();
        var count = document.getElementById("finding-count");
        if (count) count.textContent = String(fresh.querySelectorAll(":scope > li").length);
        if (root.htmx) root.htmx.process(fresh);
      })
      .catch(function () { /* the next load shows it */ });
  }

  var badge, panel;

  function stateLabel(item) {
    if (item.state === "sending") return t("stateSending", "Sending");
    if (item.state === "failed") return t("stateFailed", "Failed");
    if (item.state === "partial") return t("statePartial", "Saved, a photo refused");
    if (item.state === "sent") return t("stateSent", "Sent");
    return t("stateWaiting", "Waiting");
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // "The finding is saved — photo 2 (x.jpg) could not be accepted: <reason>", and what to do.
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

  function renderPanel(items) {
    if (!panel) return;
    var me = currentUser();
    var list = panel.querySelector(".outbox-items");
    list.textContent = "";
    if (state.authRequired) {
      var login = el("p", { "class": "flash flash-error", role: "alert" });
      login.appendChild(el("a", { href: "/login?next=" + encodeURIComponent(location.pathname) }, t("loginAgain", "Log in again to send")));
      login.appendChild(document.createTextNode(" " + t("kept", "– nothing is lost, the findings stay on this phone.")));
      list.appendChild(login);
    }
    items.forEach(function (item) {
      var mine = belongsTo(item, me);
      var li = el("li", { "class": "outbox-item outbox-" + (mine ? item.state : "other-user"), "data-uuid": item.uuid });
      var head = el("p", {});
      head.appendChild(el("span", { "class": "badge outbox-state" }, mine ? stateLabel(item) : t("stateOtherUser", "Another user")));
      head.appendChild(document.createTextNode(" " + (item.label || item.uuid.slice(0, 8))));
      li.appendChild(head);
      li.appendChild(el("p", { "class": "meta" }, new Date(item.createdAt).toLocaleString()));
      if (!mine) {
        li.appendChild(el("p", { "class": "outbox-other-user" },
          t("otherUser", "Saved by another user on this phone — log in as them to send, or export.")));
      }
      if (item.error) li.appendChild(el("p", { "class": "outbox-error", role: "alert" }, item.error));
      if (mine && item.state === "partial") appendRefusals(li, item);
      item.photos.forEach(function (photo, index) {
        var row = el("p", { "class": "outbox-photo" });
        row.appendChild(el("span", {}, t("photo", "Photo %(num)d", index + 1) + " "));
        var bar = el("progress", { max: "100", "data-photo": photo.uuid, "aria-label": t("photo", "Photo %(num)d", index + 1) });
        bar.value = photo.sent ? 100 : (progress[photo.uuid] || 0);
        row.appendChild(bar);
        if (photo.error) row.appendChild(el("span", { "class": "outbox-error" }, " " + photo.error));
        li.appendChild(row);
      });
      var actions = el("p", { "class": "row" });
      // Another user's finding: only "Save as file"; sending or deleting is theirs to do.
      if (mine && (item.state === "failed" || item.state === "waiting")) {
        actions.appendChild(el("button", { type: "button", "class": "btn btn-small", "data-action": "retry" }, t("retry", "Try again")));
      }
      actions.appendChild(el("button", { type: "button", "class": "btn btn-small btn-secondary", "data-action": "export" }, t("export", "Save as file")));
      if (mine && item.state !== "sending") {
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

  // The walk page lists what waits on the phone for this walk, with a thumbnail and its state.
  var queueUrls = [];
  function renderWalkQueue(own) {
    var list = isWindow && document.getElementById("queued-findings");
    if (!list) return;
    var walkId = parseInt(list.dataset.walkId, 10);
    var mine = own.filter(function (item) { return item.walkId === walkId; });
    queueUrls.forEach(function (url) { URL.revokeObjectURL(url); });
    queueUrls = [];
    list.textContent = "";
    mine.forEach(function (item) {
      var li = el("li", { "class": "queued-item queued-" + item.state, "data-uuid": item.uuid });
      var photo = item.photos.filter(function (p) { return p.blob; })[0];
      if (photo) {
        var url = URL.createObjectURL(photo.blob);
        queueUrls.push(url);
        li.appendChild(el("img", { src: url, alt: "", "class": "queued-thumb", width: "56", height: "56" }));
      }
      li.appendChild(el("span", { "class": "queued-label" }, item.label || t("stateWaiting", "Waiting")));
      var kind = item.state === "sending" ? "sending" : (item.state === "failed" || item.state === "partial") ? "failed" : "waiting";
      var text = kind === "sending" ? t("stateSending", "Sending") : kind === "failed" ? t("stateFailed", "Failed") : t("stateWaiting", "Waiting");
      if (item.state === "partial") text = t("statePartial", "Saved, a photo refused");
      li.appendChild(el("span", { "class": "badge queued-" + kind }, text));
      if (item.state === "partial") appendRefusals(li, item);
      else if (item.state === "failed" && item.error) li.appendChild(el("p", { "class": "queued-problem outbox-error" }, item.error));
      list.appendChild(li);
    });
    list.hidden = mine.length === 0;
    var none = document.getElementById("no-findings");
    if (none) none.hidden = mine.length !== 0;
    var count = document.getElementById("queued-count");
    if (count) {
      count.textContent = mine.length ? " + " + t("waitingMany", "%(num)d waiting to send", mine.length) : "";
    }
    var allSent = document.getElementById("all-sent");
    if (allSent) allSent.hidden = mine.length !== 0 || state.authRequired;
  }

  // Drop or replace a refused photo, from the panel or from the walk's list.
  function photoAction(event) {
    var target = event.target;
    var holder = target.closest && target.closest("[data-uuid]");
    if (!holder) return;
    if (event.type === "click" && target.dataset.action === "drop-photo") {
      dropPhoto(holder.dataset.uuid, target.dataset.photo);
    } else if (event.type === "change" && target.dataset.action === "replace-photo" && target.files && target.files[0]) {
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
      var waiting = own.length;
      var failed = own.filter(function (item) { return item.state === "failed" || item.state === "partial"; }).length;
      badge.hidden = items.length === 0 && !state.authRequired;
      badge.dataset.count = String(waiting);
      badge.dataset.others = String(others);
      var parts = [];
      if (state.authRequired) parts.push(t("loginAgain", "Log in again to send"));
      else if (state.sending) parts.push(t("sendingCount", "Sending %(num)d…", waiting));
      else if (waiting || !others) parts.push(waiting === 1 ? t("waitingOne", "%(num)d waiting to send", 1) : t("waitingMany", "%(num)d waiting to send", waiting));
      if (failed) parts.push(t("failedCount", "%(num)d failed", failed));
      if (others) parts.push(t("otherCount", "%(num)d saved by another user", others));
      badge.querySelector(".outbox-count").textContent = parts.join(" · ");
      badge.classList.toggle("outbox-has-failed", failed > 0);
      renderPanel(items);
      renderWalkQueue(own);
      scheduleRetry(waiting - failed > 0);
    });
  }

  var timer = null;
  function scheduleRetry(needed) {
    if (timer || !needed) return;
    timer = setTimeout(function () {
      timer = null;
      if (navigator.onLine !== false) sendAll();
    }, RETRY_MS);
  }

  var renderPending = false;
  function rerender() {
    if (renderPending) return;
    renderPending = true;
    setTimeout(function () { renderPending = false; render(); }, 50);
  }

  listeners.push(function (kind, detail) {
    if (kind === "progress") {
      var bar = panel && panel.querySelector('progress[data-photo="' + detail.uuid + '"]');
      if (bar) bar.value = detail.percent;
      return;
    }
    if (kind === "sent") {
      refreshFindings(detail.walkId);
      var form = document.querySelector("form[data-outbox-walk]");
      if (form && form.dataset.lastUuid === detail.uuid) {
        formStatus(form, t("savedNumber", "Saved ✓ — #%(num)d", detail.findingId || 0), "success");
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
    var i18n = document.getElementById("outbox-i18n");
    if (i18n) { try { messages = JSON.parse(i18n.textContent); } catch (e) { messages = {}; } }
    badge = document.getElementById("outbox-badge");
    panel = document.getElementById("outbox-panel");
    if (badge && panel) {
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
        if (action === "retry") retry(uuid);
        else if (action === "export") exportItems([uuid]).then(function (blob) { download(blob, "trygg-" + uuid.slice(0, 8) + ".json"); });
        else if (action === "delete" && confirm(t("confirmDelete", "Delete this finding from the phone? It has not reached the server."))) removeItem(uuid);
      });
    }
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
})(typeof self !== "undefined" ? self : this);
