// Sending one step: a finding, or one of its photos, and what its answer does to the item.
import { channel, emit, progress, state } from "./events.js";
import { API, errorCode, outcome, postJson, postPhoto, withCaptureTime } from "./http.js";
import { putItem, removeItem } from "./store.js";
import { PAGES_CACHE } from "./user.js";

// The longest Retry-After the server asked for in this run (send.js resets it per run).
export var waits = { asked: 0 };
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

export function unsentPhotos(item) {
  return item.photos.filter(function (p) { return !p.sent && p.state !== "rejected"; });
}

function sentSummary(item) {
  return { uuid: item.uuid, walkId: item.walkId, label: item.label, url: item.url,
    photos: item.photos.length, findingId: item.findingId };
}

// All of it is on the server: it leaves the outbox, listed with the last ones sent (here and
// in the other tabs).
export function leaveSent(item) {
  var summary = sentSummary(item);
  state.recentlySent.unshift(summary);
  return removeItem(item.uuid).then(function () {
    emit("sent", summary);
    if (channel) channel.postMessage({ type: "sent", item: summary });
  });
}

// After each answer: more to send (it stays in the outbox), everything there (it leaves as
// sent), or all there but a refused photo (it stays, for the walker to replace or drop).
export function afterStep(item) {
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

export function sendFinding(item, token) {
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

export function sendPhoto(item, photo, token) {
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
