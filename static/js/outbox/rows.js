// What the walker sees of the outbox outside its panel: the walk's list (a row per finding
// still on the phone) and the line under Save on the capture screen.
import { isWindow, progress, state } from "./events.js";
import { el, rowBadge, t } from "./ui.js";

// "The finding is saved — photo 2 (x.jpg) could not be accepted: <reason>", and what to do:
// try again, replace it, or leave it out.
export function appendRefusals(li, item) {
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
export function appendPhotoBars(li, item) {
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
export function renderWalkQueue(own) {
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
export function renderSendLine(own) {
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
