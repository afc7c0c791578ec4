// The outbox badge in the top bar and its panel: every item on this phone, with what can be
// done with it (try again, save as file, delete), and the last ones sent.
import { isWindow, state } from "./events.js";
import { dropPhoto, exportItems, replacePhoto, retry } from "./queue.js";
import { appendPhotoBars, appendRefusals, renderSendLine, renderWalkQueue } from "./rows.js";
import { allItems, removeItem } from "./store.js";
import { currentUser, download, el, refusedCount, refusedLabel, stateLabel, t } from "./ui.js";
import { belongsTo } from "./user.js";

var badge, panel;

export function initPanel() {
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

export function render() {
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
export function rerender() {
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
