// A sending run: what waits goes, findings before photos, one sender at a time across tabs
// and the worker, and after a run that left something, a next try that waits longer each
// time. No DOM: the service worker sends with it (Background Sync), bundled alone.
import { emit, state } from "./events.js";
import { config } from "./http.js";
import { afterStep, sendFinding, sendPhoto, unsentPhotos, waits } from "./steps.js";
import { allItems, putItem } from "./store.js";
import { belongsTo, csrfToken, pageUser } from "./user.js";

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
export function sendAll(now) {
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
