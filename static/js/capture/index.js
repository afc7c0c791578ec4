// Trygg capture screen (issue 8): the photo tray (tray.js), the save bar, validation where the
// eye is and the one-line "where" (checks.js), the phone's position and the buildings near it
// (location.js), the photo's own position (position.js), and a silent duplicate check offline. The outbox (static/js/outbox/) saves; these modules only keep
// what the walker chose and show it. The capture pages load it bundled (static/js/build/capture.js).
import { alertBox, clearErrors, focusServerError, followKeyboard, toast, validate, whereLine } from "./checks.js";
import { initPlace } from "./location.js";
import { checkPhotoPositions, forgetPhotoPosition } from "./position.js";
import { filesOf, renderTray, updateSaveLabel } from "./tray.js";

function clear(form) {
  filesOf(form).length = 0;
  form.querySelectorAll(".photo-input").forEach(function (input) { input.value = ""; });
  renderTray(form);
  forgetPhotoPosition(form);
}

// --- set up ---------------------------------------------------------------------------------------

function enhance(form) {
  if (form.dataset.capture) return;
  form.dataset.capture = "1";
  form.classList.add("capture-js");
  var tray = form.querySelector(".photo-tray");
  if (tray) {
    tray.dataset.msgRemove = form.dataset.msgRemovePhoto || "Remove photo";
    tray.dataset.msgPhoto = form.dataset.msgPhotoN || "Photo %(num)d";
    tray.addEventListener("click", function (event) {
      var button = event.target.closest(".photo-remove");
      if (!button) return;
      filesOf(form).splice(parseInt(button.dataset.index, 10), 1);
      renderTray(form);
      checkPhotoPositions(form);
      var next = tray.querySelector(".photo-remove") || form.querySelector(".photo-input");
      if (next) next.focus();
    });
  }
  form.querySelectorAll(".photo-input").forEach(function (input) {
    // The EXIF reader is fetched (and kept by the service worker) while the camera is open,
    // not with the page: most visits take no photo.
    input.addEventListener("click", function () {
      if (window.TryggOutbox && window.TryggOutbox.loadExifr) window.TryggOutbox.loadExifr();
    });
    input.addEventListener("change", function () {
      var list = filesOf(form);
      Array.prototype.forEach.call(input.files || [], function (file) { list.push(file); });
      // Kept in the tray; the input is emptied so the next shot adds, not replaces.
      input.value = "";
      renderTray(form);
      clearErrors(form);
      checkPhotoPositions(form);
    });
  });
  form.addEventListener("change", function (event) {
    if (event.target.name === "category_id") {
      var fieldset = form.querySelector("#category-choices");
      if (fieldset) {
        fieldset.classList.remove("field-error");
        fieldset.querySelectorAll(".error").forEach(function (el) { el.remove(); });
      }
      var box = alertBox(form);
      if (box) box.textContent = "";
    }
  });
  // A form the outbox does not take (editing a finding): the tray's photos go with it.
  form.addEventListener("submit", function () {
    if (form.dataset.outboxWalk || typeof DataTransfer === "undefined") return;
    var transfer = new DataTransfer();
    filesOf(form).forEach(function (file) { transfer.items.add(file); });
    var main = form.querySelector("input.photo-input[name=photos]");
    form.querySelectorAll(".photo-input").forEach(function (input) { input.value = ""; });
    if (main) main.files = transfer.files;
  });
  whereLine(form);
  followKeyboard(form);
  updateSaveLabel(form);
  focusServerError(form);
  initPlace(form);
}

function enhanceAll(root) {
  var scope = root && root.querySelectorAll ? root : document;
  if (scope.matches && scope.matches(".finding-form")) enhance(scope);
  scope.querySelectorAll(".finding-form").forEach(enhance);
}

// Offline, the duplicate check cannot ask the server: say it is checked later, quietly.
document.addEventListener("htmx:beforeRequest", function (event) {
  var elt = event.detail.elt;
  if (!elt || elt.id !== "possible-duplicates") return;
  if (navigator.onLine === false) {
    event.preventDefault();
    sayCheckedLater(elt);
  }
});
document.addEventListener("htmx:sendError", function (event) {
  var elt = event.detail.elt;
  if (elt && elt.id === "possible-duplicates") sayCheckedLater(elt);
});

function sayCheckedLater(elt) {
  elt.textContent = "";
  var p = document.createElement("p");
  p.className = "help";
  p.textContent = elt.dataset.msgOffline || "";
  elt.appendChild(p);
}

// The capture form just opened on the walk page: bring its start to the top of the screen.
document.addEventListener("htmx:afterSwap", function (event) {
  var target = event.detail.target;
  if (!target || target.id !== "finding-form-slot") return;
  var heading = target.querySelector("#capture-h");
  if (heading) {
    heading.scrollIntoView({ block: "start" });
    if (!target.querySelector(".field-error")) heading.focus({ preventScroll: true });
  }
});

// The outbox badge lives in the header, never over a control.
function placeBadge() {
  var badge = document.getElementById("outbox-badge");
  var header = document.querySelector(".topbar");
  if (badge && header && badge.parentNode !== header) header.appendChild(badge);
}

// The walk map: a ring where the walker is (the markers themselves come from map.js).
function walkerOnMap() {
  var el = document.getElementById("walk-map");
  if (!el || !el._trygg_map || !("geolocation" in navigator) || typeof L === "undefined") return;
  var ring = null;
  navigator.geolocation.watchPosition(function (position) {
    var c = position.coords;
    var at = [c.latitude, c.longitude];
    if (!ring) {
      ring = L.circleMarker(at, { radius: 9, color: "#0b5c6b", weight: 4, fillColor: "#ffffff", fillOpacity: 1 });
      ring.bindTooltip((el.closest("section") && el.closest("section").dataset.msgYou) || "You");
      ring.addTo(el._trygg_map);
    } else {
      ring.setLatLng(at);
    }
    el.dataset.walker = "1";
  }, function () { /* no position: the map without the ring */ }, { enableHighAccuracy: true, maximumAge: 15000 });
}

window.TryggCapture = {
  files: function (form) { return filesOf(form).slice(); },
  clear: clear,
  validate: validate,
  toast: toast
};

document.addEventListener("DOMContentLoaded", function () { placeBadge(); enhanceAll(document); walkerOnMap(); });
document.addEventListener("htmx:load", function (event) { enhanceAll(event.detail.elt); });
if (document.readyState !== "loading") { placeBadge(); enhanceAll(document); }
