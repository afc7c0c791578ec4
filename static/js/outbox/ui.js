// The page's small helpers: its messages (#outbox-i18n, in the user's language), elements,
// the labels of an item's state.
import { state } from "./events.js";
import { pageUser } from "./user.js";

var messages = {};
export function loadMessages() {
  var i18n = document.getElementById("outbox-i18n");
  if (i18n) { try { messages = JSON.parse(i18n.textContent); } catch (e) { messages = {}; } }
}

export function t(key, fallback, num) {
  var text = messages[key] || fallback;
  if (num !== undefined) text = text.replace("%(num)d", String(num));
  return text;
}

export function stateLabel(item) {
  if (item.state === "sending") return t("stateSending", "Sending");
  if (item.state === "failed") return t("stateFailed", "Failed");
  if (item.state === "partial") return refusedLabel(refusedCount(item));
  if (item.state === "sent") return t("stateSent", "Sent");
  return t("stateWaiting", "Waiting");
}

export function refusedCount(item) {
  return item.photos.filter(function (p) { return p.state === "rejected"; }).length;
}
export function refusedLabel(count) {
  return count === 1 ? t("refusedOne", "%(num)d photo refused", 1) : t("refusedMany", "%(num)d photos refused", count);
}

export function el(tag, attrs, text) {
  var node = document.createElement(tag);
  Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
  if (text !== undefined) node.textContent = text;
  return node;
}

export function download(blob, name) {
  var link = el("a", { href: URL.createObjectURL(blob), download: name });
  document.body.appendChild(link);
  link.click();
  setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
}

export function currentUser() {
  var here = pageUser();
  return here !== null ? here : state.userId;
}

// The badge of a finding in the walk's list: what the walker needs to know about it.
export function rowBadge(item) {
  var kind = item.state === "partial" ? "failed" : item.state;
  if (kind !== "failed" && kind !== "sending") kind = "waiting";
  return { kind: kind, text: stateLabel(item) };
}
