// The residents' pin page (/r/<token>): a tap on the map (pin-map.js), or the phone's
// position, fills in the latitude and longitude fields. Without tiles or script the building
// list and the two fields still work.
(function () {
  "use strict";
  var lat = document.getElementById("latitude");
  var lon = document.getElementById("longitude");
  var here = document.getElementById("pin-here");
  var box = document.getElementById("pin-map");
  if (!lat || !lon) return;
  var pin = null;

  function start() {
    if (pin || !box || !window.TryggPinMap) return;
    pin = window.TryggPinMap.start(box, {lat: lat, lon: lon});
  }

  var details = box && box.closest("details");
  if (details) {
    details.addEventListener("toggle", function () { if (details.open) start(); });
    if (details.open) start();
  }
  if (here && "geolocation" in navigator) {
    here.hidden = false;
    here.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (position) {
        var at = position.coords;
        if (pin) {
          pin.put(at.latitude, at.longitude);
          pin.map.setView([at.latitude, at.longitude], 17);
        } else {
          lat.value = at.latitude.toFixed(6);
          lon.value = at.longitude.toFixed(6);
        }
      });
    });
  }
})();
