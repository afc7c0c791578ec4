// The residents' pin page (/r/<token>): a tap on the map, or the phone's position, fills in
// the latitude and longitude fields. Without tiles or script the building list and the two
// fields still work.
(function () {
  "use strict";
  var lat = document.getElementById("latitude");
  var lon = document.getElementById("longitude");
  var here = document.getElementById("pin-here");
  var box = document.getElementById("pin-map");
  if (!lat || !lon) return;
  var marker = null;
  var map = null;

  function put(latitude, longitude) {
    lat.value = latitude.toFixed(6);
    lon.value = longitude.toFixed(6);
    if (map) {
      if (marker) marker.setLatLng([latitude, longitude]);
      else marker = window.L.marker([latitude, longitude]).addTo(map);
    }
  }

  function start() {
    if (map || !box || !window.L || !box.dataset.tileUrl) return;
    var center = box.dataset.center ? JSON.parse(box.dataset.center) : null;
    if (!center) return;
    map = window.L.map(box).setView(center, 16);
    window.L.tileLayer(box.dataset.tileUrl, {attribution: box.dataset.attribution || ""}).addTo(map);
    map.on("click", function (event) { put(event.latlng.lat, event.latlng.lng); });
    if (lat.value && lon.value) put(parseFloat(lat.value), parseFloat(lon.value));
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
        put(position.coords.latitude, position.coords.longitude);
        if (map) map.setView([position.coords.latitude, position.coords.longitude], 17);
      });
    });
  }
})();
