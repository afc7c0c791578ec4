// Whose phone it is now. Each item keeps the id of the user who captured it, and is sent only
// while /api/v1/csrf says that user is logged in: a phone passed from one walker to the next
// never sends the first one's findings as the second's. The others' items stay (shown,
// exportable). When the user seen by /api/v1/csrf changes, the cached pages of the last one
// are deleted.
import { isWindow, state } from "./events.js";
import { API } from "./http.js";

export var PAGES_CACHE = "trygg-pages-v1";  // the service worker's (templates/pwa/sw.js)
var USER_CACHE = "trygg-user";       // one entry: the last user /api/v1/csrf named
var USER_KEY = "/__trygg/last-user";

// Kept in Cache Storage (the page and the worker both reach it; no IndexedDB upgrade).
export function lastUser() {
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

export function csrfToken() {
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
export function pageUser() {
  if (!isWindow) return null;
  var panel = document.getElementById("outbox-panel");
  var id = panel ? parseInt(panel.dataset.userId || "", 10) : NaN;
  return isFinite(id) ? id : null;
}

export function belongsTo(item, userId) {
  return userId !== null && userId !== undefined && item.userId === userId;
}
