/* Trygg service worker, served from /sw.js so its scope is the whole app.
 *
 * Caches: the app shell and static files (versioned: a deploy gets a fresh cache), and pages
 * and walk data the walker opened (kept across versions so a walk stays usable offline).
 * The outbox lives in IndexedDB: nothing here ever deletes it, activating a new version
 * included.
 *
 * Cached pages belong to one user: the outbox (static/js/outbox/user.js) records the user
 * /api/v1/csrf names (cache "trygg-user") and deletes the pages cache when that user changes;
 * logging out deletes it too. A worker that finds no recorded user (first install, or a version from before users
 * were recorded) cannot tell whose pages it holds, and deletes them when it activates.
 */
"use strict";

const VERSION = {{ version|tojson }};
const SHELL_CACHE = "trygg-shell-" + VERSION;
const PAGES_CACHE = "trygg-pages-v1";  // also named in static/js/outbox/user.js
const USER_CACHE = "trygg-user";        // the last user /api/v1/csrf named (outbox/user.js)
const SHELL = {{ shell|tojson }};
const OFFLINE_URL = {{ offline_url|tojson }};
const STATIC_PREFIX = {{ static_prefix|tojson }};
// Walk data kept for offline use (network first, cached copy when there is no network).
const CACHED_API = [/^\/api\/v1\/walks\/\d+$/, /^\/api\/v1\/walks\/\d+\/buildings$/, /^\/api\/v1\/categories$/];
// Pages never cached: they change the session or are useless offline.
// A photo's thumbnail is the one exception under /photos/ (below).
const NEVER_CACHE = [/^\/login/, /^\/logout/, /^\/language/, /^\/sw\.js$/, /^\/photos\/(?!\d+\/thumb\.jpg$)/];
// Thumbnails in a walk's list: network first (a photo masked since keeps its URL), the last
// copy offline, in the pages cache (one user's, deleted with it). The outbox puts the phone's
// own small copy there when it sends a photo, so a finding sent from this phone shows its
// thumbnail offline even if its page was never opened online afterwards.
const THUMB = /^\/photos\/\d+\/thumb\.jpg$/;

// The outbox's sending code, shared with the page (static/js/outbox/send.js and what it
// imports, bundled without the page's modules: no DOM needed for sending).
try { importScripts({{ outbox_url|tojson }}); } catch (e) { /* sync then waits for a page */ }

// Static URLs carry their content hash (?v=…) and are immutable: the copy the page just
// loaded into the HTTP cache is the right one, so take it from there instead of downloading
// it again. Anything else (the offline page, the manifest) is revalidated (ETag → 304).
function shellRequest(url) {
  return new Request(url, { cache: /[?&]v=[0-9a-f]+/.test(url) ? "default" : "no-cache" });
}

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(SHELL_CACHE)
      .then(function (cache) { return cache.addAll(SHELL.map(shellRequest)); })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.map(function (key) {
        // Only our own old shell caches go; IndexedDB (the outbox) is never touched.
        if (key.indexOf("trygg-shell-") === 0 && key !== SHELL_CACHE) return caches.delete(key);
        return null;
      }));
    }).then(forgetPagesOfUnknownUser)
      .then(function () { return self.clients.claim(); })
      .then(function () { return broadcast({ type: "sw-activated", version: VERSION }); })
  );
});

function forgetPagesOfUnknownUser() {
  return caches.has(USER_CACHE).then(function (known) {
    return known ? null : caches.delete(PAGES_CACHE);
  });
}

function broadcast(message) {
  return self.clients.matchAll({ includeUncontrolled: true }).then(function (clients) {
    clients.forEach(function (client) { client.postMessage(message); });
  });
}

self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type === "clear-pages") {
    // Logging out: the next person on this phone must not see cached pages.
    event.waitUntil(caches.delete(PAGES_CACHE));
  } else if (data.type === "cache-urls" && Array.isArray(data.urls)) {
    // A walk page asks for what its offline use needs: itself, the finding form (page and
    // htmx fragment) and the district's buildings.
    event.waitUntil(caches.open(PAGES_CACHE).then(function (cache) {
      return Promise.all(data.urls.map(function (entry) {
        var url = new URL(entry.url, self.location.origin);
        if (url.origin !== self.location.origin) return null;
        var headers = entry.fragment ? { "HX-Request": "true" } : {};
        var request = new Request(url.toString(), { headers: headers, credentials: "same-origin" });
        return fetch(request).then(function (response) {
          if (cacheable(response)) return cache.put(cacheKey(request), response);
          return null;
        }).catch(function () { return null; });
      }));
    }));
  } else if (data.type === "version" && event.ports && event.ports[0]) {
    event.ports[0].postMessage({ version: VERSION });
  }
});

// htmx asks for fragments of the same URL: keep them apart from whole pages.
function cacheKey(request) {
  var url = new URL(request.url);
  if (request.headers.get("HX-Request") === "true") url.searchParams.set("__fragment", "1");
  return url.toString();
}

// Every page of a logged-in user says Cache-Control: private, no-store (for the browser's
// own cache); what must not be kept here says Offline-Cache: no (exports, PDFs, tokens).
function cacheable(response) {
  return response && response.ok && response.type === "basic" && !response.redirected &&
    response.headers.get("Offline-Cache") !== "no";
}

function networkFirst(request, fallback) {
  var key = cacheKey(request);
  return fetch(request).then(function (response) {
    if (cacheable(response)) {
      var copy = response.clone();
      caches.open(PAGES_CACHE).then(function (cache) { return cache.put(key, copy); });
    }
    return response;
  }).catch(function (error) {
    return caches.open(PAGES_CACHE)
      .then(function (cache) { return cache.match(key, { ignoreVary: true }); })
      .then(function (cached) { return cached || fallback(error); });
  });
}

function cacheFirst(request) {
  // A worker being replaced must not re-create the old cache the new one just deleted.
  return caches.has(SHELL_CACHE).then(function (current) {
    if (!current) return fetch(request);
    return caches.open(SHELL_CACHE).then(function (cache) { return cacheFirstIn(cache, request); });
  });
}

function cacheFirstIn(cache, request) {
  return Promise.resolve(cache).then(function (cache) {
    return cache.match(request, { ignoreVary: true }).then(function (cached) {
      if (cached) return cached;
      return fetch(request).then(function (response) {
        if (cacheable(response)) cache.put(request, response.clone());
        return response;
      });
    });
  });
}

function offlinePage() {
  return caches.match(OFFLINE_URL, { ignoreVary: true }).then(function (cached) {
    return cached || new Response("Offline", { status: 503, headers: { "Content-Type": "text/plain" } });
  });
}

function offlineFragment() {
  return new Response(
    '<p class="flash flash-error" role="alert">Offline</p>',
    { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } }
  );
}

// Offline with no copy kept: a plain tile, not a broken image.
function noThumbnail() {
  return new Response(
    '<svg xmlns="http://www.w3.org/2000/svg" width="80" height="80" viewBox="0 0 80 80">' +
    '<rect width="80" height="80" fill="#dde3e6"/></svg>',
    { status: 200, headers: { "Content-Type": "image/svg+xml", "Cache-Control": "no-store" } }
  );
}

function offlineJson() {
  return new Response(JSON.stringify({ error: "offline", message: "Offline", field: null }), {
    status: 503, headers: { "Content-Type": "application/json" }
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;  // posts go straight to the network (the outbox retries)
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  var path = url.pathname;
  if (NEVER_CACHE.some(function (re) { return re.test(path); })) return;

  if (THUMB.test(path)) {
    event.respondWith(networkFirst(request, noThumbnail));
  } else if (path.indexOf(STATIC_PREFIX) === 0 || path === "/manifest.webmanifest") {
    event.respondWith(cacheFirst(request));
  } else if (path.indexOf("/api/") === 0) {
    if (CACHED_API.some(function (re) { return re.test(path); })) {
      event.respondWith(networkFirst(request, offlineJson));
    }
  } else if (request.mode === "navigate") {
    event.respondWith(networkFirst(request, offlinePage));
  } else if (request.headers.get("HX-Request") === "true" || (request.headers.get("Accept") || "").indexOf("text/html") !== -1) {
    event.respondWith(networkFirst(request, offlineFragment));
  }
});

// Background Sync (Chrome, Edge): the outbox is sent even when no Trygg tab is open.
self.addEventListener("sync", function (event) {
  if (event.tag !== "trygg-outbox") return;
  event.waitUntil(
    self.clients.matchAll({ type: "window" }).then(function (clients) {
      if (clients.length) {
        clients.forEach(function (client) { client.postMessage({ type: "outbox-sync" }); });
        return null;
      }
      return self.TryggOutboxWorker ? self.TryggOutboxWorker.sendAll() : null;
    })
  );
});
