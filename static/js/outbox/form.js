// The capture form: Save keeps the finding on the phone (IndexedDB) and sends it behind the
// form; the next finding starts at once. After a finding reached the server, the walk's list
// is fetched again.
import { rerender } from "./panel.js";
import { queue } from "./queue.js";
import { sendAll } from "./send.js";
import { t } from "./ui.js";

// The finding's fields are the server's (app/findings/schemas.py FindingInput): the form
// carries them (script.outbox-fields), nothing here names one. A form kept offline from
// before the list was given (an older deploy) uses the last list this phone saw.
var FIELDS_KEY = "trygg-outbox-fields";
function fieldsOf(form) {
  var script = form.querySelector("script.outbox-fields");
  var text = script ? script.textContent : null;
  try {
    if (text) localStorage.setItem(FIELDS_KEY, text);
    else text = localStorage.getItem(FIELDS_KEY);
  } catch (e) { /* private mode: the page's own list still works */ }
  try { return JSON.parse(text || "[]"); } catch (e) { return []; }
}
// Kept as soon as a form shows (the page, or the form htmx puts in it).
export function rememberFields() {
  document.querySelectorAll("form[data-outbox-walk]").forEach(fieldsOf);
}
document.addEventListener("htmx:afterSettle", rememberFields);

// A control's text as the field's kind: what the server's schema takes (empty: its default).
function typed(value, kind, empty) {
  if (kind === "boolean") return value !== null && value !== "" && value !== "n" && value !== "false";
  if (value === null || value === "") return empty;
  if (kind === "integer" || kind === "number") {
    var n = kind === "integer" ? parseInt(value, 10) : Number(value);
    return isFinite(n) ? n : empty;
  }
  return String(value);
}

// Every field the form has a control for; a field it lacks is left to the server's default.
function formBody(form) {
  var data = new FormData(form);
  var body = {};
  fieldsOf(form).forEach(function (field) {
    if (!form.querySelector('[name="' + field.name + '"]')) return;
    body[field.name] = field.kind === "list"
      ? data.getAll(field.name).map(function (value) { return typed(value, field.items, null); })
      : typed(data.get(field.name), field.kind, field.default);
  });
  return body;
}

function formLabel(form) {
  var chosen = form.querySelector("input[name=category_id]:checked");
  var label = chosen && chosen.closest("label");
  var text = label ? label.textContent.trim() : "";
  var building = form.querySelector("select[name=building_id]");
  if (building && building.value && building.value !== "0") {
    text += " · " + building.options[building.selectedIndex].text;
  }
  return text;
}

export function formStatus(form, text, kind) {
  if (self.TryggCapture && form.querySelector(".save-toast")) {
    self.TryggCapture.toast(form, text, kind);
    return;
  }
  var box = form.querySelector(".outbox-status");
  if (!box) {
    box = document.createElement("p");
    box.className = "outbox-status flash";
    box.setAttribute("role", "status");
    form.insertBefore(box, form.firstChild.nextSibling);
  }
  box.className = "outbox-status flash flash-" + (kind || "info");
  box.textContent = text;
  box.hidden = !text;
}

// The next finding starts where the last one did; the place (GPS, building) stays.
function resetForm(form) {
  var keep = {};
  ["latitude", "longitude", "accuracy_m", "building_id"].forEach(function (name) {
    var input = form.querySelector("[name=" + name + "]");
    if (input) keep[name] = input.value;
  });
  form.reset();
  Object.keys(keep).forEach(function (name) { form.querySelector("[name=" + name + "]").value = keep[name]; });
  form.querySelectorAll(".field-error").forEach(function (el) { el.classList.remove("field-error"); });
  form.querySelectorAll(".photo-input").forEach(function (input) { input.value = ""; });
  if (self.TryggCapture) self.TryggCapture.clear(form);
  var uuidField = form.querySelector("input[name=uuid]");
  if (uuidField) uuidField.value = "";
  var duplicates = form.querySelector("#possible-duplicates");
  if (duplicates) duplicates.textContent = "";
  form.dispatchEvent(new CustomEvent("trygg:form-reset", { bubbles: true }));
}

function chosenFiles(form) {
  if (self.TryggCapture) return self.TryggCapture.files(form);
  var files = [];
  form.querySelectorAll("input[type=file]").forEach(function (input) {
    Array.prototype.forEach.call(input.files || [], function (file) { files.push(file); });
  });
  return files;
}

document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!form.matches || !form.matches("form[data-outbox-walk]")) return;
  if (typeof indexedDB === "undefined") return;  // the plain form still works
  // Checked on the phone, online or not: the chosen photos stay in the tray.
  var valid = self.TryggCapture ? self.TryggCapture.validate(form)
    : !!form.querySelector("input[name=category_id]:checked");
  if (!valid) {
    event.preventDefault();
    event.stopPropagation();
    if (!self.TryggCapture) formStatus(form, t("chooseCategory", "Choose a category."), "error");
    return;
  }
  event.preventDefault();
  event.stopPropagation();  // htmx listens on the form itself; this is the capture phase
  var button = form.querySelector("button[type=submit]");
  if (button) button.disabled = true;
  // A new uuid for every finding saved (queue() makes it), never the form's: a form kept for
  // offline use is shown again and again with the uuid it was rendered with, and a second
  // finding under the first one's uuid replaced it on the phone and was taken as it there.
  var body = formBody(form);
  queue(parseInt(form.dataset.outboxWalk, 10), body, chosenFiles(form), formLabel(form), undefined,
    { ignorePhotoPosition: form.dataset.photoPosition === "ignore" })
    .then(function (item) {
      resetForm(form);
      formStatus(form, navigator.onLine ? t("savedSending", "Saved on this phone. Sending…")
        : t("savedOffline", "Saved on this phone. It will be sent when there is a connection."), "success");
      form.dataset.lastUuid = item.uuid;
      // Ready for the next finding: focus at the start of capture.
      var start = form.querySelector("#capture-h");
      if (start) {
        start.scrollIntoView({ block: "start" });
        start.focus({ preventScroll: true });
      }
      // Saved: the form is the walker's again at once; sending goes on behind it.
      if (button) button.disabled = false;
      sendAll();
    })
    .catch(function (error) {
      if (button) button.disabled = false;
      formStatus(form, t("notSaved", "Could not save on this phone:") + " " + error, "error");
    });
}, true);

// After a finding reached the server: show it in the walk's list.
var refreshes = 0;
export function refreshFindings(walkId) {
  // A live list (static/js/live.js) asks the server itself, at once.
  var live = document.querySelector('#live-findings[data-live-walk="' + walkId + '"]');
  if (live && self.htmx) { self.htmx.trigger(live, "live-refresh"); return; }
  var list = document.getElementById("findings");
  if (!list || !list.closest("[data-walk-id], main")) return;
  var match = location.pathname.match(/^\/walks\/(\d+)/);
  if (!match || parseInt(match[1], 10) !== walkId) return;
  // Answers may come back out of order (two findings sent a moment apart): only the
  // latest request's answer replaces the list.
  var asked = ++refreshes;
  fetch("/walks/" + walkId + "?part=findings", { headers: { "HX-Request": "true" }, credentials: "same-origin" })
    .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
    .then(function (html) {
      if (asked !== refreshes) return;
      list = document.getElementById("findings") || list;
      var template = document.createElement("template");
      template.innerHTML = html;
      var fresh = template.content.getElementById("findings");
      if (!fresh) return;
      list.replaceWith(fresh);
      var empty = document.getElementById("no-findings");
      if (empty && !template.content.getElementById("no-findings")) empty.remove();
      var count = document.getElementById("finding-count");
      if (count) count.textContent = String(fresh.querySelectorAll(":scope > li").length);
      if (self.htmx) self.htmx.process(fresh);
      rerender();  // what is still on its way shows inside the server's rows
    })
    .catch(function () { /* the next load shows it */ });
}
