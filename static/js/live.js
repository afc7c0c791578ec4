// Together, live (issue 24): the walk's list of findings polls walks.live every 4 s (htmx,
// hx-trigger on #live-findings). Each poll sends the last ETag as If-None-Match: the server
// answers 304 with no body while nothing changed, and the list is left alone. When it did
// change, the new list comes in and its points (.live-points) replace the walk map's
// markers of this walk's findings. A hidden page (phone in the pocket) does not poll.
(function () {
  "use strict";

  function liveBox(event) {
    var elt = event.detail && event.detail.elt;
    return elt && elt.id === "live-findings" ? elt : null;
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    if (liveBox(event) && document.visibilityState === "hidden") event.preventDefault();
  });

  document.addEventListener("htmx:configRequest", function (event) {
    var box = liveBox(event);
    if (box && box.dataset.etag) event.detail.headers["If-None-Match"] = box.dataset.etag;
  });

  document.addEventListener("htmx:beforeSwap", function (event) {
    var box = liveBox(event);
    if (!box) return;
    var xhr = event.detail.xhr;
    if (xhr.status === 304) { event.detail.shouldSwap = false; return; }
    var etag = xhr.getResponseHeader("ETag");
    if (xhr.status === 200 && etag) box.dataset.etag = etag;
  });

  // Back on the page: look at once rather than at the next tick.
  document.addEventListener("visibilitychange", function () {
    var box = document.getElementById("live-findings");
    if (box && document.visibilityState === "visible" && self.htmx) self.htmx.trigger(box, "live-refresh");
  });

  function escapeHtml(text) {
    return String(text == null ? "" : text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  // This walk's findings on the walk map: a layer of their own, redrawn from the list.
  function drawPoints() {
    var box = document.getElementById("live-findings");
    var mapEl = document.getElementById("walk-map");
    if (!box || !mapEl || !mapEl._trygg_map || typeof L === "undefined") return;
    var source = box.querySelector(".live-points");
    var points = [];
    try { points = JSON.parse(source ? source.textContent : "[]"); } catch (e) { points = []; }
    var colours = {};
    try { colours = JSON.parse(mapEl.dataset.colours || "{}"); } catch (e) { colours = {}; }
    var map = mapEl._trygg_map;
    var first = !mapEl._trygg_live;
    if (first) mapEl._trygg_live = L.featureGroup().addTo(map);
    var layer = mapEl._trygg_live;
    layer.clearLayers();
    var bounds = [];
    points.forEach(function (point) {
      if (typeof point.lat !== "number" || typeof point.lon !== "number") return;
      var marker = L.circleMarker([point.lat, point.lon], {
        radius: 10, color: "#ffffff", weight: 2,
        fillColor: colours[point.status] || "#1565c0", fillOpacity: 0.95
      });
      marker.options.status = point.status;
      marker.bindPopup("<strong>" + escapeHtml(point.title) + "</strong><br>" +
        '<span class="badge badge-' + escapeHtml(point.status) + '">' + escapeHtml(point.label) + "</span>" +
        (point.url ? '<br><a href="' + escapeHtml(point.url) + '">' + escapeHtml(mapEl.dataset.msgOpen || "Open") + " →</a>" : ""));
      layer.addLayer(marker);
      bounds.push([point.lat, point.lon]);
    });
    mapEl.dataset.liveMarkers = String(bounds.length);
    // A map that had nothing else to show opens on the findings.
    if (first && bounds.length && mapEl.dataset.markers === "0") {
      map.fitBounds(bounds, { padding: [24, 24], maxZoom: parseInt(mapEl.dataset.zoom || "17", 10) });
    }
  }

  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail && event.detail.target && event.detail.target.id === "live-findings") drawPoints();
  });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", drawPoints);
  else drawPoints();
})();
