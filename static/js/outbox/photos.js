// Photos before they are kept: downscaled (long side 2048 px, JPEG), their EXIF position,
// direction and time read first (the canvas copy has none), a thumbnail for the walk's list.
import { isWindow } from "./events.js";
import { uuid4 } from "./store.js";

var MAX_SIDE = 2048;
var JPEG_QUALITY = 0.85;
var EXIFR_WAIT_MS = 3000;
var THUMB_SIDE = 160;

function canvasFor(width, height) {
  if (typeof OffscreenCanvas !== "undefined") return new OffscreenCanvas(width, height);
  var canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  return canvas;
}

function toJpeg(canvas) {
  if (canvas.convertToBlob) return canvas.convertToBlob({ type: "image/jpeg", quality: JPEG_QUALITY });
  return new Promise(function (resolve, reject) {
    canvas.toBlob(function (blob) { return blob ? resolve(blob) : reject(new Error("toBlob")); },
      "image/jpeg", JPEG_QUALITY);
  });
}

// Long side at most 2048 px, JPEG. A photo that is already a small JPEG is kept as it is
// (its EXIF time and GPS still reach the server, which strips them from what it serves).
// Anything the browser cannot decode (HEIC in Chrome) goes as it is: the server converts.
// `redraw`: always a canvas copy (no EXIF), e.g. to leave a photo's GPS position behind.
export function downscale(file, redraw) {
  if (typeof createImageBitmap === "undefined") return Promise.resolve(file);
  return createImageBitmap(file, { imageOrientation: "from-image" }).then(function (bitmap) {
    var long = Math.max(bitmap.width, bitmap.height);
    if (!redraw && long <= MAX_SIDE && file.type === "image/jpeg" && file.size <= 4 * 1024 * 1024) {
      bitmap.close();
      return file;
    }
    var scale = Math.min(1, MAX_SIDE / long);
    var width = Math.max(1, Math.round(bitmap.width * scale));
    var height = Math.max(1, Math.round(bitmap.height * scale));
    var canvas = canvasFor(width, height);
    var ctx = canvas.getContext("2d");
    ctx.fillStyle = "#fff";  // transparent PNGs on white, as the server would
    ctx.fillRect(0, 0, width, height);
    ctx.imageSmoothingQuality = "high";
    ctx.drawImage(bitmap, 0, 0, width, height);
    bitmap.close();
    return toJpeg(canvas);
  }).catch(function () { return file; });
}

// The camera's GPS, direction and time, read before downscaling: the canvas copy has no EXIF.
// exifr (static/vendor, loaded on first use; its URL is on #outbox-panel) reads JPEG and HEIC.
var exifrPromise = null;
export function loadExifr() {
  if (self.exifr) return Promise.resolve(self.exifr);
  if (!isWindow) return Promise.resolve(null);
  if (exifrPromise) return exifrPromise;
  var panel = document.getElementById("outbox-panel");
  var url = panel && panel.dataset.exifrUrl;
  if (!url) return Promise.resolve(null);
  // Offline, only from the service worker's cache: a doomed request would be a console error.
  var available = navigator.onLine === false && self.caches
    ? self.caches.match(url).then(function (hit) { return !!hit; }, function () { return false; })
    : Promise.resolve(true);
  exifrPromise = available.then(function (ok) {
    if (!ok) { exifrPromise = null; return null; }
    return new Promise(function (resolve) {
      var script = document.createElement("script");
      script.src = url;
      script.onload = function () { resolve(self.exifr || null); };
      script.onerror = function () { exifrPromise = null; resolve(null); };
      // A stalled link must not hold a save: without it the photo goes whole (see readExif).
      setTimeout(function () { resolve(self.exifr || null); }, EXIFR_WAIT_MS);
      document.head.appendChild(script);
    });
  });
  return exifrPromise;
}

function finite(value) { return typeof value === "number" && isFinite(value) ? value : null; }

// → the tags found, null when the photo has none, or undefined when exifr could not be had
// (offline before it was ever loaded): then the photo is sent whole, so the server reads them.
export function readExif(file) {
  return loadExifr().then(function (exifr) {
    if (!exifr) return undefined;
    return exifr.parse(file, { ifd0: false, exif: true, gps: true, reviveValues: false }).then(function (tags) {
      if (!tags) return null;
      var found = {
        latitude: finite(tags.latitude),
        longitude: finite(tags.longitude),
        direction: finite(tags.GPSImgDirection),
        takenAt: typeof tags.DateTimeOriginal === "string" ? tags.DateTimeOriginal : null,
        offset: typeof tags.OffsetTimeOriginal === "string" ? tags.OffsetTimeOriginal : null
      };
      return Object.keys(found).some(function (k) { return found[k] !== null; }) ? found : null;
    });
  }).catch(function () { return null; });  // unreadable EXIF: the photo still goes
}

// Sent as taken when its EXIF could not be read here and it is within the server's limit.
var KEEP_WHOLE_BYTES = 14 * 1024 * 1024;

// withoutPosition: the photo's GPS position stays on the phone (redrawn, not sent along).
export function photoEntry(file, withoutPosition) {
  return readExif(file).then(function (exif) {
    var whole = exif === undefined && file.size <= KEEP_WHOLE_BYTES;
    var strip = !!(withoutPosition && exif && exif.latitude !== null);
    if (strip) exif = Object.assign({}, exif, { latitude: null, longitude: null });
    return (whole ? Promise.resolve(file) : downscale(file, strip)).then(function (blob) {
      return {
        uuid: uuid4(),
        blob: blob,
        name: (file.name || "photo").replace(/\.[^.]*$/, "") + (blob.type === "image/jpeg" ? ".jpg" : ""),
        originalName: file.name || "",
        size: blob.size,
        exif: exif || null,
        state: "waiting",
        sent: false,
        error: ""
      };
    });
  });
}

// A small JPEG of the first photo the phone can show, for the walk's list: kept when the
// photos themselves are sent and freed, offline too; never a broken image (an undecodable
// photo is skipped; none decodable: no thumbnail).
export function makeThumb(photos) {
  if (typeof createImageBitmap === "undefined") return Promise.resolve(null);
  var i = 0;
  function next() {
    if (i >= photos.length) return Promise.resolve(null);
    var blob = photos[i++].blob;
    return createImageBitmap(blob, { imageOrientation: "from-image" }).then(function (bitmap) {
      var scale = Math.min(1, THUMB_SIDE / Math.min(bitmap.width, bitmap.height));
      var width = Math.max(1, Math.round(bitmap.width * scale));
      var height = Math.max(1, Math.round(bitmap.height * scale));
      var canvas = canvasFor(width, height);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, width, height);
      bitmap.close();
      return toJpeg(canvas);
    }).catch(next);
  }
  return next();
}

