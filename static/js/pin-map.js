// One pin on a small Leaflet map, filling a latitude and a longitude field: a tap places the
// pin or moves it (it can be dragged too), and with the keyboard the arrow keys move the map
// and Enter puts the pin in its middle (Tab leaves the map as any other control).
// Shared by the residents' pin page (/r/<token>, pin.js) and the tenant report page
// (/t/<code>, tenant-report.js, which loads Leaflet and this file only when its map is opened).
//
// The box's data: center ([lat, lon]), tileUrl and attribution (no URL: no tiles),
// here ([lat, lon, label]: the building the page is about, always drawn) and buildings
// ([[lat, lon], …]: its neighbours), radius (metres from `here` a pin may be; farther taps
// are refused, as the server would drop the position), pinAlt, msgNoTiles, msgZoomIn, msgZoomOut.
// Without tiles, or offline, the buildings are drawn as dots on a plain background; with
// neither tiles nor buildings there is nothing to pin on, and start() returns null.
(function () {
  "use strict";

  function json(text) {
    try { return text ? JSON.parse(text) : null; } catch (e) { return null; }
  }

  function note(box, text) {
    var p = document.createElement("p");
    p.className = "map-note";
    p.setAttribute("role", "status");
    p.textContent = text;
    box.parentNode.insertBefore(p, box.nextSibling);
  }

  // fields: {lat, lon: inputs; changed(state): "placed", "removed" or "far"}
  function start(box, fields) {
    var L = window.L;
    var center = json(box.dataset.center);
    var here = json(box.dataset.here);
    var buildings = json(box.dataset.buildings) || [];
    var tiles = box.dataset.tileUrl && navigator.onLine !== false;
    if (!L || !center || (!tiles && !here && !buildings.length)) return null;
    var changed = fields.changed || function () {};
    var radius = parseFloat(box.dataset.radius || "0");
    var map = L.map(box, {scrollWheelZoom: false, maxZoom: 19, zoomSnap: 0.5,
                          zoomControl: false});
    // The zoom buttons' names in the page's language (Leaflet's own are English).
    L.control.zoom({zoomInTitle: box.dataset.msgZoomIn || "Zoom in",
                    zoomOutTitle: box.dataset.msgZoomOut || "Zoom out"}).addTo(map);
    // Without a background, one step farther out: more neighbours to find one's way by.
    map.setView(center, tiles ? 17 : 16);
    if (tiles) {
      var layer = L.tileLayer(box.dataset.tileUrl, {maxZoom: 19,
                                                    attribution: box.dataset.attribution || ""});
      layer.once("tileerror", function () {
        box.classList.add("map-no-tiles");
        if (box.dataset.msgNoTiles) note(box, box.dataset.msgNoTiles);
      });
      layer.addTo(map);
    } else {
      box.classList.add("map-no-tiles");
      if (box.dataset.msgNoTiles) note(box, box.dataset.msgNoTiles);
    }
    // Drawn, not interactive: a tap on a building places the pin there.
    buildings.forEach(function (b) {
      L.circleMarker([b[0], b[1]], {radius: 7, weight: 2, color: "#3d4a52", fillColor: "#c9d3d8",
                                    fillOpacity: 1, interactive: false}).addTo(map);
    });
    if (here) {
      if (radius) {
        L.circle([here[0], here[1]], {radius: radius, weight: 1.5, dashArray: "6 6",
                                      color: "#0b5c6b", fill: false, interactive: false}).addTo(map);
      }
      L.circleMarker([here[0], here[1]], {radius: 10, weight: 3, color: "#08434f",
                                          fillColor: "#0b5c6b", fillOpacity: 1,
                                          interactive: false})
        .bindTooltip(String(here[2] || ""), {permanent: true, direction: "top", offset: [0, -8],
                                             className: "map-label"})
        .addTo(map);
    }

    var marker = null;
    function put(latitude, longitude) {
      if (here && radius && map.distance([latitude, longitude], [here[0], here[1]]) > radius) {
        changed("far");
        return false;
      }
      fields.lat.value = latitude.toFixed(6);
      fields.lon.value = longitude.toFixed(6);
      if (marker) {
        marker.setLatLng([latitude, longitude]);
      } else {
        // Not a tab stop of its own: the map's Enter and the page's "remove" button do it.
        marker = L.marker([latitude, longitude], {draggable: true, keyboard: false,
                                                  alt: box.dataset.pinAlt || ""}).addTo(map);
        marker.on("dragend", function () {
          var at = marker.getLatLng();
          if (!put(at.lat, at.lng)) marker.setLatLng([parseFloat(fields.lat.value),
                                                      parseFloat(fields.lon.value)]);
        });
      }
      changed("placed");
      return true;
    }
    function clear() {
      fields.lat.value = fields.lon.value = "";
      if (marker) map.removeLayer(marker);
      marker = null;
      changed("removed");
    }
    map.on("click", function (event) { put(event.latlng.lat, event.latlng.lng); });
    box.addEventListener("keydown", function (event) {
      if (event.target !== box || (event.key !== "Enter" && event.key !== " ")) return;
      event.preventDefault();
      var middle = map.getCenter();
      put(middle.lat, middle.lng);
    });
    if (fields.lat.value && fields.lon.value) {
      put(parseFloat(fields.lat.value), parseFloat(fields.lon.value));
    }
    return {map: map, put: put, clear: clear};
  }

  window.TryggPinMap = {start: start};
})();
