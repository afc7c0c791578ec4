// Built by scripts/bundle_js.py from static/js/capture/ (edit those modules, then run it).
(function () {
"use strict";
// --- capture/checks.js
var __checks = (function () {
// The capture form's checks and bars: validation on the phone first, and where the eye is;
// the save bar; the place as one line, tapped to change.

// --- validation ---------------------------------------------------------------------------

function alertBox(form) { return form.querySelector(".form-alert"); }

function showError(form, target, message) {
  var box = alertBox(form);
  if (box) {
    box.textContent = "";
    var p = document.createElement("p");
    p.className = "flash flash-error";
    p.textContent = message;
    box.appendChild(p);
  }
  if (!target) return;
  target.classList.add("field-error");
  var old = target.querySelector(":scope > .error.client-error");
  if (!old) {
    old = document.createElement("p");
    old.className = "error client-error";
    old.id = (target.id || "field") + "-client-error";
    target.appendChild(old);
  }
  old.textContent = message;
  target.setAttribute("aria-describedby", old.id);
  focusField(target);
}

function focusField(target) {
  var input = target.matches("input, select, textarea") ? target
    : target.querySelector("input:not([type=hidden]), select, textarea, summary");
  target.scrollIntoView({ block: "center" });
  if (input) input.focus({ preventScroll: true });
}

// true when the form may be saved; otherwise the first problem is shown and focused.
function validate(form) {
  clearErrors(form);
  var categories = form.querySelector("#category-choices");
  if (categories && !form.querySelector("input[name=category_id]:checked")) {
    var message = form.dataset.msgChooseCategory || "Choose a category.";
    showError(form, categories, message);
    return false;
  }
  return true;
}

function clearErrors(form) {
  form.querySelectorAll(".client-error").forEach(function (el) { el.remove(); });
  form.querySelectorAll("#category-choices.field-error").forEach(function (el) { el.classList.remove("field-error"); });
  var box = alertBox(form);
  if (box) box.textContent = "";
}

// The server's answer came back with errors (htmx swap or a plain page): show the first.
function focusServerError(root) {
  var form = root.querySelector ? (root.matches && root.matches(".finding-form") ? root : root.querySelector(".finding-form")) : null;
  if (!form) return;
  var bad = form.querySelector(".field-error");
  if (!bad) return;
  if (bad.tagName === "DETAILS") bad.open = true;
  var inner = bad.closest("details:not([open])");
  if (inner) inner.open = true;
  focusField(bad);
}

// --- the save bar ---------------------------------------------------------------------------

function toast(form, text, kind) {
  var box = form.querySelector(".save-toast");
  if (!box) return;
  box.className = "save-toast outbox-status flash flash-" + (kind || "info");
  box.textContent = text;
  box.hidden = !text;
  // A confirmation is short-lived (it would cover the form); an error stays until acted on.
  clearTimeout(box._trygg_timer);
  if (kind === "success") {
    box._trygg_timer = setTimeout(function () { if (box.textContent === text) box.hidden = true; }, 8000);
  }
}

// Keep the bar above the on-screen keyboard where the browser only shrinks the visual viewport.
function followKeyboard(form) {
  var bar = form.querySelector(".save-bar");
  var vv = window.visualViewport;
  if (!bar || !vv) return;
  function place() {
    var hidden = window.innerHeight - vv.height - vv.offsetTop;
    bar.style.bottom = hidden > 0 ? Math.round(hidden) + "px" : "";
  }
  vv.addEventListener("resize", place);
  vv.addEventListener("scroll", place);
}

// --- where: one line, tap to change ------------------------------------------------------------

function whereLine(form) {
  var details = form.querySelector("details.where");
  if (!details) return;
  var text = details.querySelector(".where-text");
  var select = form.querySelector("select[name=building_id]");
  var fieldset = details.querySelector("fieldset");
  function update() {
    var parts = [];
    if (select && select.value && select.value !== "0") {
      parts.push(select.options[select.selectedIndex].text);
    } else {
      parts.push(details.dataset.msgNoBuilding || "No building chosen");
    }
    var status = form.querySelector(".gps-status");
    if (form.dataset.photoPosition === "photo") parts.push(form.dataset.msgPhotoPositionShort || "position from the photo");
    else if (status && !status.hidden && status.textContent) parts.push(status.textContent);
    var line = parts.join(" · ");
    if (text.textContent !== line) text.textContent = line;
    // The walker has to decide (a poor fix): open the line so the choice is seen.
    var warning = form.querySelector(".gps-warning");
    if (warning && !warning.hidden && !details.open) details.open = true;
    var photoWarning = form.querySelector(".photo-position-choices");
    if (photoWarning && !photoWarning.hidden && !photoWarning.closest("[hidden]") && !details.open) details.open = true;
  }
  if (select) select.addEventListener("change", update);
  if (fieldset) {
    new MutationObserver(update).observe(fieldset, {
      childList: true, characterData: true, subtree: true, attributes: true, attributeFilter: ["hidden", "aria-pressed"]
    });
    // The walker's choice about the photo's position changes the line too.
    new MutationObserver(update).observe(form, { attributes: true, attributeFilter: ["data-photo-position"] });
  }
  form.addEventListener("trygg:form-reset", function () { setTimeout(update, 0); });
  update();
}
return { alertBox: alertBox, showError: showError, validate: validate, clearErrors: clearErrors, focusServerError: focusServerError, toast: toast, followKeyboard: followKeyboard, whereLine: whereLine };
})();
// --- capture/location.js
var __location = (function () {
// Where a new finding is, on the capture form: the phone's position and the buildings near
// it, and the search over the building list (the capture pages only: static/js/build/capture.js).

function text(form, key, fallback) {
  return form.dataset[key] || fallback;
}

function initBuildingSearch(form) {
  var search = form.querySelector(".building-search");
  var select = form.querySelector("select[name=building_id]");
  if (!search || !select) return;
  search.hidden = false;
  search.addEventListener("input", function () {
    var needle = search.value.trim().toLowerCase();
    var first = null;
    Array.prototype.forEach.call(select.options, function (option) {
      var match = !needle || option.value === "0" || option.text.toLowerCase().indexOf(needle) !== -1;
      option.hidden = !match;
      if (match && option.value !== "0" && !first) first = option;
    });
    if (needle && first) {
      select.value = first.value;
      select.dispatchEvent(new Event("change", { bubbles: true }));
    }
  });
}

// Where a new finding is: the phone's position (the best recent fix) fills the hidden
// fields and suggests the nearest building; the walker may pick another. One `spot` per form
// holds what the functions below share.
function initLocation(form) {
  var spot = {
    form: form,
    status: form.querySelector(".gps-status"),
    near: form.querySelector("#near-buildings"),
    select: form.querySelector("select[name=building_id]"),
    fields: {
      lat: form.querySelector("[name=latitude]"),
      lon: form.querySelector("[name=longitude]"),
      acc: form.querySelector("[name=accuracy_m]")
    },
    best: null,
    poorAccepted: false
  };
  if (!spot.status || !spot.near || !spot.select || !spot.fields.lat) return;
  spot.userPicked = spot.select.value && spot.select.value !== "0";

  spot.select.addEventListener("change", function (event) {
    if (event.isTrusted) spot.userPicked = true;
    markChips(spot);
  });
  spot.near.addEventListener("click", function (event) {
    var chip = event.target.closest(".building-choice");
    if (!chip) return;
    spot.userPicked = true;
    choose(spot, chip.dataset.buildingId, chip.dataset.buildingLabel);
  });
  spot.warning = poorFixWarning(spot);

  // A new finding after the outbox took the last one: suggest again.
  form.addEventListener("trygg:form-reset", function () {
    spot.userPicked = false;
    spot.poorAccepted = false;
    if (spot.best) {
      fillPosition(spot, spot.best.lat, spot.best.lon, spot.best.accuracy);
      setTimeout(function () { preselectNearest(spot); }, 0);
    }
  });
  watchLocation(spot);
}

function markChips(spot) {
  spot.near.querySelectorAll(".building-choice").forEach(function (chip) {
    chip.setAttribute("aria-pressed", String(chip.dataset.buildingId === spot.select.value));
  });
}

function choose(spot, id, label) {
  if (!spot.select.querySelector('option[value="' + id + '"]')) {
    spot.select.add(new Option(label, id));
  }
  spot.select.value = id;
  markChips(spot);
}

function fillPosition(spot, lat, lon, accuracy) {
  spot.fields.lat.value = lat.toFixed(6);
  spot.fields.lon.value = lon.toFixed(6);
  spot.fields.acc.value = Math.round(accuracy);
}

// A fix worse than 50 m: the walker decides (use the suggestion anyway, or pick).
function poorFixWarning(spot) {
  var form = spot.form;
  var warning = document.createElement("p");
  warning.className = "gps-warning row";
  warning.hidden = true;
  var useAnyway = document.createElement("button");
  useAnyway.type = "button";
  useAnyway.className = "btn btn-small gps-use-anyway";
  useAnyway.textContent = text(form, "msgUseAnyway", "Use anyway");
  var pickList = document.createElement("button");
  pickList.type = "button";
  pickList.className = "btn btn-small btn-secondary gps-pick-list";
  pickList.textContent = text(form, "msgPickList", "Pick the building from the list");
  warning.appendChild(useAnyway);
  warning.appendChild(pickList);
  spot.status.parentNode.insertBefore(warning, spot.status.nextSibling);
  useAnyway.addEventListener("click", function () {
    spot.poorAccepted = true;
    warning.hidden = true;
    preselectNearest(spot);
  });
  pickList.addEventListener("click", function () {
    spot.userPicked = true;
    warning.hidden = true;
    var search = form.querySelector(".building-search");
    (search && !search.hidden ? search : spot.select).focus();
  });
  return warning;
}

function preselectNearest(spot) {
  var nearest = spot.near.querySelector(".building-choice");
  if (!nearest || spot.userPicked) return;
  if (spot.best && spot.best.accuracy > 50 && !spot.poorAccepted) {
    spot.warning.hidden = false;
    return;
  }
  spot.warning.hidden = true;
  choose(spot, nearest.dataset.buildingId, nearest.dataset.buildingLabel);
}

function showNear(spot, html) {
  spot.near.innerHTML = html;
  preselectNearest(spot);
  markChips(spot);
}

function escapeHtml(value) {
  return String(value).replace(/[&<>"']/g, function (ch) {
    return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[ch];
  });
}

// Metres between two points on the earth (haversine): as near as a phone's fix needs.
function metres(lat1, lon1, lat2, lon2) {
  var rad = Math.PI / 180;
  var dlat = (lat2 - lat1) * rad;
  var dlon = (lon2 - lon1) * rad;
  var a = Math.sin(dlat / 2) * Math.sin(dlat / 2) +
    Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dlon / 2) * Math.sin(dlon / 2);
  return 6371008.8 * 2 * Math.atan2(Math.sqrt(a), Math.sqrt(1 - a));
}

// The three buildings within 200 m, nearest first, as the server's list would show them.
function nearHtml(form, buildings, lat, lon) {
  var found = buildings.map(function (b) {
    return { b: b, d: metres(lat, lon, b.latitude, b.longitude) };
  }).filter(function (x) { return x.d <= 200; })
    .sort(function (x, y) { return x.d - y.d; }).slice(0, 3);
  if (!found.length) {
    return '<p class="help">' + escapeHtml(text(form, "msgNoneNear", "No building within 200 m.")) + "</p>";
  }
  return '<p class="help">' + escapeHtml(text(form, "msgOfflineNear", "Nearest buildings")) + "</p>" +
    found.map(function (x) {
      return '<button type="button" class="chip building-choice" data-building-id="' + x.b.id +
        '" data-building-label="' + escapeHtml(x.b.label) + '" aria-pressed="false"><span>' +
        escapeHtml(x.b.address) + '</span><span class="distance">' + Math.round(x.d) + " m</span></button>";
    }).join("");
}

// No network: the district's buildings saved by the service worker answer instead.
function loadNearOffline(spot, lat, lon) {
  if (!spot.form.dataset.buildingsUrl) return;
  fetch(spot.form.dataset.buildingsUrl, { credentials: "same-origin" })
    .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
    .then(function (data) { showNear(spot, nearHtml(spot.form, data.buildings, lat, lon)); })
    .catch(function () { /* nothing saved: the list still works */ });
}

function loadNear(spot, lat, lon) {
  var url = spot.form.dataset.nearUrl + "?lat=" + lat + "&lon=" + lon;
  if (navigator.onLine === false) {
    loadNearOffline(spot, lat, lon);
    return;
  }
  fetch(url, { headers: { "HX-Request": "true" }, credentials: "same-origin" })
    .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
    .then(function (html) { showNear(spot, html); })
    .catch(function () { loadNearOffline(spot, lat, lon); });
}

function watchLocation(spot) {
  var form = spot.form;
  var status = spot.status;
  status.hidden = false;
  if (!("geolocation" in navigator)) {
    status.textContent = text(form, "msgNoGps", "No location on this device: pick the building from the list.");
    return;
  }
  status.textContent = text(form, "msgLocating", "Finding your location…");
  var watchId = navigator.geolocation.watchPosition(function (position) {
    if (!document.body.contains(form)) {
      navigator.geolocation.clearWatch(watchId);
      return;
    }
    onFix(spot, position.coords);
  }, function () {
    status.hidden = false;
    status.classList.add("gps-poor");
    status.textContent = text(form, "msgNoGps", "No location: pick the building from the list.");
  }, { enableHighAccuracy: true, maximumAge: 15000, timeout: 30000 });
}

function onFix(spot, c) {
  // The walker chose the photo's position for this finding: the fields stay empty.
  if (spot.form.dataset.photoPosition === "photo") return;
  var best = spot.best;
  // Keep the best fix; a worse one replaces it only when the old one is stale.
  if (best && c.accuracy >= best.accuracy && Date.now() - best.at < 60000) return;
  var moved = !best || Math.abs(best.lat - c.latitude) + Math.abs(best.lon - c.longitude) > 0.00005;
  spot.best = { lat: c.latitude, lon: c.longitude, accuracy: c.accuracy, at: Date.now() };
  fillPosition(spot, c.latitude, c.longitude, c.accuracy);
  var poor = c.accuracy > 50;
  spot.status.classList.toggle("gps-poor", poor);
  spot.status.textContent = "±" + Math.round(c.accuracy) + " m" +
    (poor ? " – " + text(spot.form, "msgPoor", "poor accuracy: check the building below") : "");
  if (!poor) spot.warning.hidden = true;
  if (moved) loadNear(spot, c.latitude, c.longitude);
  else preselectNearest(spot);
}

function initPlace(form) {
  initBuildingSearch(form);
  initLocation(form);
}
return { metres: metres, initPlace: initPlace };
})();
// --- capture/tray.js
var __tray = (function () {
// The photos chosen for a finding, shown in the tray, and the count on Save.

// Chosen photos per form: kept here, so a refused save never loses them.
var chosen = new WeakMap();

function filesOf(form) {
  if (!chosen.has(form)) chosen.set(form, []);
  return chosen.get(form);
}

function saveButton(form) { return form.querySelector(".save-button"); }

function updateSaveLabel(form) {
  var button = saveButton(form);
  if (!button) return;
  var label = button.querySelector(".save-label");
  var count = filesOf(form).length;
  if (!label.dataset.plain) label.dataset.plain = label.textContent;
  if (!count) { label.textContent = label.dataset.plain; return; }
  var photos = count === 1 ? button.dataset.msgOne : button.dataset.msgMany.replace("%(num)d", String(count));
  label.textContent = (button.dataset.msgSave || "Save") + " · " + photos;
}

function renderTray(form) {
  var tray = form.querySelector(".photo-tray");
  if (!tray) return;
  tray.querySelectorAll("img").forEach(function (img) { URL.revokeObjectURL(img.src); });
  tray.textContent = "";
  var files = filesOf(form);
  files.forEach(function (file, index) {
    var li = document.createElement("li");
    var img = document.createElement("img");
    img.src = URL.createObjectURL(file);
    img.alt = tray.dataset.msgPhoto ? tray.dataset.msgPhoto.replace("%(num)d", String(index + 1)) : (file.name || "");
    li.appendChild(img);
    var remove = document.createElement("button");
    remove.type = "button";
    remove.className = "photo-remove";
    remove.dataset.index = String(index);
    remove.setAttribute("aria-label", (tray.dataset.msgRemove || "Remove photo") + " " + (index + 1));
    remove.textContent = "×";
    li.appendChild(remove);
    tray.appendChild(li);
  });
  tray.hidden = files.length === 0;
  updateSaveLabel(form);
}
return { filesOf: filesOf, updateSaveLabel: updateSaveLabel, renderTray: renderTray };
})();
// --- capture/position.js
var __position = (function () {
var metres = __location.metres;
var filesOf = __tray.filesOf;
// The photo's own GPS position, checked against the walk's district and the walker.

// --- the photo's own position: warn when it is far from the walk ---------------------------
//
// The server places a finding at the first photo's GPS position when the phone has none (or
// only a poor one). A photo taken elsewhere (an old one from the gallery) would put the
// finding kilometres away: more than 500 m outside the walk's district (from its nearest
// building) or from where the walker stands, the place line says so and asks.

var FAR_M = 500;
var exifOf = new WeakMap();  // File → promise of its position (or null)

function distanceText(m) {
  var lang = document.documentElement.lang || undefined;
  if (m < 1000) return Math.round(m) + " m";
  return new Intl.NumberFormat(lang, { maximumFractionDigits: 1 }).format(m / 1000) + " km";
}

function photoPosition(file) {
  if (!exifOf.has(file)) {
    var outbox = window.TryggOutbox;
    var read = outbox && outbox.readExif ? outbox.readExif(file) : Promise.resolve(null);
    exifOf.set(file, read.then(function (exif) {
      return exif && exif.latitude !== null && exif.longitude !== null ? exif : null;
    }, function () { return null; }));
  }
  return exifOf.get(file);
}

var buildingsOf = new WeakMap();  // form → promise of the district's buildings ([] unknown)
function districtBuildings(form) {
  if (!buildingsOf.has(form)) {
    var url = form.dataset.buildingsUrl;
    buildingsOf.set(form, !url ? Promise.resolve([]) : fetch(url, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : { buildings: [] }; })
      .then(function (data) { return data.buildings || []; }, function () { return []; }));
  }
  return buildingsOf.get(form);
}

function positionBox(form) {
  var box = form.querySelector(".photo-position");
  if (box) return box;
  var fieldset = form.querySelector("details.where fieldset");
  if (!fieldset) return null;
  box = document.createElement("div");
  box.className = "photo-position";
  box.hidden = true;
  var text = document.createElement("p");
  text.className = "photo-position-text";
  box.appendChild(text);
  var row = document.createElement("p");
  row.className = "row photo-position-choices";
  [["mine", form.dataset.msgUseMine || "Use my position"],
   ["photo", form.dataset.msgUsePhoto || "Use the photo's position"],
   ["list", form.dataset.msgPickList || "Pick the building from the list"]].forEach(function (choice) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-small" + (choice[0] === "photo" ? "" : " btn-secondary");
    button.dataset.positionChoice = choice[0];
    button.textContent = choice[1];
    row.appendChild(button);
  });
  box.appendChild(row);
  var status = fieldset.querySelector(".gps-status");
  fieldset.insertBefore(box, status ? status.nextSibling : fieldset.firstChild);
  row.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-position-choice]");
    if (button) choosePosition(form, button.dataset.positionChoice);
  });
  return box;
}

function hasOwnFix(form) {
  var lat = form.querySelector("[name=latitude]");
  return !!(lat && lat.value && form.dataset.photoPosition !== "photo");
}

// What the walker decided: "mine" (the photo's position is not sent), "photo" (the finding
// goes where the photo was taken), "list" (the building decides; nothing else changes).
function choosePosition(form, choice) {
  var box = positionBox(form);
  if (choice === "mine") {
    form.dataset.photoPosition = "ignore";
  } else if (choice === "photo") {
    form.dataset.photoPosition = "photo";
    ["latitude", "longitude", "accuracy_m"].forEach(function (name) {
      var input = form.querySelector("[name=" + name + "]");
      if (input) input.value = "";
    });
  } else {
    var search = form.querySelector(".building-search");
    var select = form.querySelector("select[name=building_id]");
    var target = search && !search.hidden ? search : select;
    if (target) target.focus();
  }
  box.dataset.decided = "1";
  showPositionNote(form);
}

// The line under the place: the warning with its choices, or what was decided.
function showPositionNote(form) {
  var box = positionBox(form);
  if (!box) return;
  var text = box.querySelector(".photo-position-text");
  var choices = box.querySelector(".photo-position-choices");
  var found = form._trygg_photo_position;
  if (!found) {
    box.hidden = true;
    return;
  }
  box.hidden = false;
  if (form.dataset.photoPosition === "photo") {
    text.textContent = form.dataset.msgUsingPhoto || "Position from the photo.";
    text.className = "photo-position-text";
    choices.hidden = true;
    return;
  }
  if (form.dataset.photoPosition === "ignore" || !found.far) {
    box.hidden = true;
    return;
  }
  var message = found.outside ? (form.dataset.msgPhotoOutside || "The photo's position is %(dist)s outside the district.")
    : (form.dataset.msgPhotoFar || "The photo's position is %(dist)s from where you are.");
  text.textContent = message.replace("%(dist)s", distanceText(found.distance));
  text.className = "photo-position-text photo-position-warning";
  var mine = choices.querySelector("[data-position-choice=mine]");
  mine.textContent = hasOwnFix(form) ? (form.dataset.msgUseMine || "Use my position")
    : (form.dataset.msgIgnorePhoto || "Don't use the photo's position");
  choices.hidden = box.dataset.decided === "1";
  var details = form.querySelector("details.where");
  if (details && !details.open && !choices.hidden) details.open = true;
}

// The first photo with a position is the one the server would use (as there).
function checkPhotoPositions(form) {
  var files = filesOf(form).slice();
  var check = form._trygg_position_check = {};
  function first(i) {
    if (i >= files.length) return Promise.resolve(null);
    return photoPosition(files[i]).then(function (exif) { return exif || first(i + 1); });
  }
  first(0).then(function (exif) {
    if (!exif) return null;
    return districtBuildings(form).then(function (buildings) {
      var nearest = buildings.reduce(function (best, b) {
        return Math.min(best, metres(exif.latitude, exif.longitude, b.latitude, b.longitude));
      }, Infinity);
      var lat = parseFloat((form.querySelector("[name=latitude]") || {}).value);
      var lon = parseFloat((form.querySelector("[name=longitude]") || {}).value);
      var fromWalker = isFinite(lat) && isFinite(lon) ? metres(exif.latitude, exif.longitude, lat, lon) : 0;
      var outside = isFinite(nearest) && nearest > FAR_M;
      return {
        latitude: exif.latitude, longitude: exif.longitude, outside: outside,
        far: outside || fromWalker > FAR_M, distance: outside ? nearest : fromWalker
      };
    });
  }).then(function (found) {
    if (form._trygg_position_check !== check) return;  // the tray changed meanwhile
    form._trygg_photo_position = found;
    if (!found && form.dataset.photoPosition) {
      delete form.dataset.photoPosition;
      var box = positionBox(form);
      if (box) delete box.dataset.decided;
    }
    showPositionNote(form);
  });
}

function forgetPhotoPosition(form) {
  form._trygg_photo_position = null;
  form._trygg_position_check = null;
  delete form.dataset.photoPosition;
  var box = form.querySelector(".photo-position");
  if (box) { box.hidden = true; delete box.dataset.decided; }
}
return { checkPhotoPositions: checkPhotoPositions, forgetPhotoPosition: forgetPhotoPosition };
})();
// --- capture/index.js
var __index = (function () {
var alertBox = __checks.alertBox;
var clearErrors = __checks.clearErrors;
var focusServerError = __checks.focusServerError;
var followKeyboard = __checks.followKeyboard;
var toast = __checks.toast;
var validate = __checks.validate;
var whereLine = __checks.whereLine;
var initPlace = __location.initPlace;
var checkPhotoPositions = __position.checkPhotoPositions;
var forgetPhotoPosition = __position.forgetPhotoPosition;
var filesOf = __tray.filesOf;
var renderTray = __tray.renderTray;
var updateSaveLabel = __tray.updateSaveLabel;
// Trygg capture screen (issue 8): the photo tray (tray.js), the save bar, validation where the
// eye is and the one-line "where" (checks.js), the phone's position and the buildings near it
// (location.js), the photo's own position (position.js), and a silent duplicate check offline. The outbox (static/js/outbox/) saves; these modules only keep
// what the walker chose and show it. The capture pages load it bundled (static/js/build/capture.js).

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
return {  };
})();
})();
