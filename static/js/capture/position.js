// The photo's own GPS position, checked against the walk's district and the walker.
import { metres } from "./location.js";
import { filesOf } from "./tray.js";

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
export function checkPhotoPositions(form) {
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

export function forgetPhotoPosition(form) {
  form._trygg_photo_position = null;
  form._trygg_position_check = null;
  delete form.dataset.photoPosition;
  var box = form.querySelector(".photo-position");
  if (box) { box.hidden = true; delete box.dataset.decided; }
}
