// The network: one POST that always ends (XHR in the page for upload progress, fetch in the
// worker), and what an answer means for the item.

export var API = "/api/v1";

// How long sending waits before it gives up on a request, and how it waits to try again.
// A request may take 30 s plus the time its body needs at 8 KB/s (a weak mobile link);
// with no progress at all for 45 s the link is taken as dead. After a failed try the
// next waits 2, 4, 8 … up to 300 s (±25 %, so phones back on one mast do not all come
// at once), or as long as the server's Retry-After asks. Tests shorten them.
export var config = {
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

export function postJson(url, body, token) {
  var text = JSON.stringify(body);
  return post(url, text, { "Content-Type": "application/json", "X-CSRFToken": token, Accept: "application/json" },
    text.length, null);
}

export function postPhoto(url, photo, token, onProgress) {
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
export function withCaptureTime(item) {
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
export function errorCode(result) {
  var data = result.data || {};
  return data.code || data.error || null;
}
export function outcome(result) {
  if (result.status >= 200 && result.status < 300) return "ok";
  var code = errorCode(result);
  if (code && Object.prototype.hasOwnProperty.call(CODES, code)) return CODES[code];
  if (result.status === 413) return "photo";
  if (result.status === 401) return "auth";
  if (result.status === 400 && result.data && !result.data.field) return "csrf";
  if (result.status >= 500 || result.status === 408 || result.status === 429 || result.status === 0) return "retry";
  return "failed";
}

