// What the walker does with the outbox: save a finding on the phone, try again, leave out or
// replace a refused photo, save everything as a file.
import { isWindow } from "./events.js";
import { makeThumb, photoEntry } from "./photos.js";
import { sendAll } from "./send.js";
import { leaveSent } from "./steps.js";
import { allItems, getItem, putItem, uuid4 } from "./store.js";
import { lastUser, pageUser } from "./user.js";

// userId: who captured it (the page's user; a page without one: the last user the server
// named). Without a user the item is kept and can be exported, but is never sent.
// options.ignorePhotoPosition: the walker chose not to place the finding where a photo
// was taken (far outside the walk): the photos go without their GPS position.
export function queue(walkId, body, files, label, userId, options) {
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
export function dropPhoto(uuid, photoUuid) {
  return getItem(uuid).then(function (item) {
    if (!item) return null;
    item.photos = item.photos.filter(function (p) { return p.uuid !== photoUuid; });
    return settle(item);
  });
}

export function replacePhoto(uuid, photoUuid, file) {
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

export function retry(uuid) {
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
export function exportItems(uuids) {
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
