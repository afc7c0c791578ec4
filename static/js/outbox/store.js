// Every new finding is first written to IndexedDB (with its photos, already downscaled) under
// a client UUID, then sent: the server answers the same UUID with the same finding, so sending
// again is always safe.
import { changed } from "./events.js";

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

export function allItems() {
  return withStore("readonly", function (store) { return store.getAll(); }).then(function (items) {
    return (items || []).sort(function (a, b) { return a.createdAt - b.createdAt; });
  });
}
export function getItem(uuid) { return withStore("readonly", function (s) { return s.get(uuid); }); }
export function putItem(item) {
  return withStore("readwrite", function (s) { return s.put(item); }).then(function () { changed(); });
}
export function removeItem(uuid) {
  return withStore("readwrite", function (s) { return s.delete(uuid); }).then(function () { changed(); });
}

export function uuid4() {
  if (self.crypto && self.crypto.randomUUID) return self.crypto.randomUUID();
  var b = self.crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
  return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
}
