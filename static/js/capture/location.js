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
export function metres(lat1, lon1, lat2, lon2) {
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

export function initPlace(form) {
  initBuildingSearch(form);
  initLocation(form);
}
