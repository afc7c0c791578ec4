// Trygg maps: findings as coloured markers (clustered when dense) on a configurable tile layer.
// The markers need no tiles: offline, or with the tile server unreachable, they still show
// on a plain background, and a note says why the background is missing.
(function () {
  "use strict";

  function escapeHtml(text) {
    return String(text == null ? "" : text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function popupHtml(point, openText) {
    var html = "";
    if (point.thumb) {
      html += '<img src="' + escapeHtml(point.thumb) + '" alt="" width="160" class="popup-thumb"><br>';
    }
    html += "<strong>" + escapeHtml(point.title) + "</strong><br>";
    html += '<span class="badge badge-' + escapeHtml(point.status) + '">' + escapeHtml(point.label) + "</span>";
    if (point.overdue) html += ' <span class="badge badge-overdue">!</span>';
    if (point.url) html += '<br><a href="' + escapeHtml(point.url) + '">' + escapeHtml(openText) + " →</a>";
    return html;
  }

  function initMap(el) {
    if (el.dataset.ready || typeof L === "undefined") return;
    el.dataset.ready = "1";
    var source = document.getElementById(el.dataset.points);
    var points = [];
    try {
      points = expand(JSON.parse(source ? source.textContent : "[]"));
    } catch (e) {
      points = [];
    }
    var colours = {};
    try {
      colours = JSON.parse(el.dataset.colours || "{}");
    } catch (e) {
      colours = {};
    }
    // maxZoom on the map itself: marker clusters need it when no tile layer is added (offline).
    var map = L.map(el, { scrollWheelZoom: false, maxZoom: 19 });
    el._trygg_map = map;

    // Offline there is no background to fetch: the markers alone, and no failed requests.
    if (el.dataset.tileUrl && navigator.onLine !== false) {
      var tiles = L.tileLayer(el.dataset.tileUrl, {
        maxZoom: 19,
        attribution: el.dataset.attribution || ""
      });
      var warned = false;
      tiles.on("tileerror", function () {
        if (warned) return;
        warned = true;
        el.classList.add("map-no-tiles");
        var note = document.createElement("p");
        note.className = "help map-note";
        note.setAttribute("role", "status");
        note.textContent = el.dataset.msgNoTiles || "The map background could not be loaded.";
        el.parentNode.insertBefore(note, el.nextSibling);
      });
      tiles.addTo(map);
    }

    var useCluster = el.dataset.cluster === "true" && typeof L.markerClusterGroup === "function";
    var layer = useCluster ? L.markerClusterGroup({ maxClusterRadius: 40 }) : L.featureGroup();
    var bounds = addMarkers(el, layer, points, colours);
    layer.addTo(map);
    el.dataset.markers = String(bounds.length);

    var zoom = parseInt(el.dataset.zoom || "16", 10);
    if (bounds.length === 1) {
      map.setView(bounds[0], zoom);
    } else if (bounds.length > 1) {
      map.fitBounds(bounds, { padding: [24, 24], maxZoom: zoom });
    } else {
      map.setView([59.2472, 17.861], 13); // Botkyrka, when nothing matches
    }
    if (el.dataset.source) followBox(el, map, layer, colours);
  }

  // With data-source (the page's URL and filters), the server sends at most a few thousand
  // markers: after the user pans or zooms, fetch those inside the visible box instead.
  function followBox(el, map, layer, colours) {
    var pending = null;
    map.on("moveend", function () {
      var b = map.getBounds();
      var box = [b.getSouth(), b.getWest(), b.getNorth(), b.getEast()]
        .map(function (v) { return v.toFixed(5); }).join(",");
      var url = el.dataset.source + (el.dataset.source.indexOf("?") < 0 ? "?" : "&") +
        "bbox=" + encodeURIComponent(box);
      if (pending) pending.abort();
      pending = new AbortController();
      fetch(url, { headers: { Accept: "application/json" }, signal: pending.signal,
                   credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (!data || !data.points) return;
          layer.clearLayers();
          el.dataset.markers = String(addMarkers(el, layer, expand(data.points), colours).length);
        })
        .catch(function () { /* offline or superseded: keep the markers shown */ });
    });
  }

  // The findings map sends its markers compactly (2,000 of them): rows of [id, lat, lon,
  // status, category, overdue, thumbnail photo], with the link patterns, the categories'
  // titles and the statuses' words once. Small maps send the markers themselves.
  function expand(data) {
    if (Array.isArray(data)) return data;
    if (!data || !Array.isArray(data.rows)) return [];
    return data.rows.map(function (row) {
      return {
        id: row[0], lat: row[1], lon: row[2], status: row[3],
        label: data.labels[row[3]] || row[3],
        title: (data.titles[String(row[4])] || "#") + row[0],
        url: data.url.replace("{}", row[0]),
        thumb: row[6] ? data.thumb.replace("{}", row[6]) : null,
        overdue: row[5] === 1
      };
    });
  }

  function addMarkers(el, layer, points, colours) {
    var bounds = [];
    points.forEach(function (point) {
      if (typeof point.lat !== "number" || typeof point.lon !== "number") return;
      var colour = colours[point.status] || "#1565c0";
      var marker = L.circleMarker([point.lat, point.lon], {
        radius: 10,
        color: point.overdue ? "#b3261e" : "#ffffff",
        weight: point.overdue ? 4 : 2,
        fillColor: colour,
        fillOpacity: 0.95
      });
      marker.options.status = point.status;
      if (point.url || point.thumb) {
        marker.bindPopup(popupHtml(point, el.dataset.msgOpen || "Open"));
      } else {
        marker.bindTooltip(escapeHtml(point.title));
      }
      layer.addLayer(marker);
      bounds.push([point.lat, point.lon]);
    });
    return bounds;
  }

  function initAll() {
    document.querySelectorAll(".js-map").forEach(initMap);
    // Legend colours come from the server as data: style attributes would break the CSP.
    document.querySelectorAll(".legend-dot[data-colour]").forEach(function (dot) {
      dot.style.background = dot.dataset.colour;
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", initAll);
  } else {
    initAll();
  }
  document.addEventListener("htmx:load", initAll);
})();
