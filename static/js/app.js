// Trygg: small enhancements on top of forms that already work without JavaScript.
(function () {
  "use strict";

  // Invalid forms come back as 422 with the form and its messages: show them.
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr && event.detail.xhr.status === 422) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

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

  function initLocation(form) {
    var status = form.querySelector(".gps-status");
    var near = form.querySelector("#near-buildings");
    var select = form.querySelector("select[name=building_id]");
    var fields = {
      lat: form.querySelector("[name=latitude]"),
      lon: form.querySelector("[name=longitude]"),
      acc: form.querySelector("[name=accuracy_m]")
    };
    if (!status || !near || !select || !fields.lat) return;
    var userPicked = select.value && select.value !== "0";
    var best = null;
    var watchId = null;

    function markChips() {
      near.querySelectorAll(".building-choice").forEach(function (chip) {
        chip.setAttribute("aria-pressed", String(chip.dataset.buildingId === select.value));
      });
    }

    function choose(id, label) {
      if (!select.querySelector('option[value="' + id + '"]')) {
        select.add(new Option(label, id));
      }
      select.value = id;
      markChips();
    }

    select.addEventListener("change", function (event) {
      if (event.isTrusted) userPicked = true;
      markChips();
    });
    near.addEventListener("click", function (event) {
      var chip = event.target.closest(".building-choice");
      if (!chip) return;
      userPicked = true;
      choose(chip.dataset.buildingId, chip.dataset.buildingLabel);
    });

    function loadNear(lat, lon) {
      var url = form.dataset.nearUrl + "?lat=" + lat + "&lon=" + lon;
      fetch(url, { headers: { "HX-Request": "true" }, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
        .then(function (html) {
          near.innerHTML = html;
          var nearest = near.querySelector(".building-choice");
          if (nearest && !userPicked) choose(nearest.dataset.buildingId, nearest.dataset.buildingLabel);
          markChips();
        })
        .catch(function () { /* offline: the list still works */ });
    }

    if (!("geolocation" in navigator)) {
      status.hidden = false;
      status.textContent = text(form, "msgNoGps", "No location on this device: pick the building from the list.");
      return;
    }
    status.hidden = false;
    status.textContent = text(form, "msgLocating", "Finding your location…");

    watchId = navigator.geolocation.watchPosition(function (position) {
      if (!document.body.contains(form)) {
        navigator.geolocation.clearWatch(watchId);
        return;
      }
      var c = position.coords;
      // Keep the best fix; a worse one replaces it only when the old one is stale.
      if (best && c.accuracy >= best.accuracy && Date.now() - best.at < 60000) return;
      var moved = !best || Math.abs(best.lat - c.latitude) + Math.abs(best.lon - c.longitude) > 0.00005;
      best = { lat: c.latitude, lon: c.longitude, accuracy: c.accuracy, at: Date.now() };
      fields.lat.value = c.latitude.toFixed(6);
      fields.lon.value = c.longitude.toFixed(6);
      fields.acc.value = Math.round(c.accuracy);
      var poor = c.accuracy > 50;
      status.classList.toggle("gps-poor", poor);
      status.textContent = "±" + Math.round(c.accuracy) + " m" +
        (poor ? " – " + text(form, "msgPoor", "poor accuracy: check the building below") : "");
      if (moved) loadNear(best.lat, best.lon);
    }, function () {
      status.hidden = false;
      status.classList.add("gps-poor");
      status.textContent = text(form, "msgNoGps", "No location: pick the building from the list.");
    }, { enableHighAccuracy: true, maximumAge: 15000, timeout: 30000 });
  }

  function enhance(root) {
    var forms = Array.prototype.slice.call((root.querySelectorAll ? root : document).querySelectorAll(".finding-form"));
    if (root.matches && root.matches(".finding-form")) forms.push(root);
    forms.forEach(function (form) {
      if (form.dataset.enhanced) return;
      form.dataset.enhanced = "1";
      initBuildingSearch(form);
      initLocation(form);
    });
  }

  document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  document.addEventListener("htmx:load", function (event) { enhance(event.detail.elt); });
})();
