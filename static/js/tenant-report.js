// The tenant report page (/t/<code>), two small helps; the form works without them.
//
// 1. The chosen photo is shrunk on the phone to at most 1600 px, the size the server keeps
//    anyway, before it is sent: a 4 MB phone photo becomes a few hundred kB, seconds instead
//    of a minute on a slow link. The server still turns, strips and blurs it
//    (app/media/photos.py). On an old browser, or if anything fails, the original is sent.
// 2. The photo button: the file input is hidden behind its big translated label; the chosen
//    photo is shown as a thumbnail with its name and a button that removes it. Without
//    this, the native input stays in sight and still posts.
// 3. "Use my position" (optional) fills the hidden latitude/longitude from the phone's GPS.
// 4. "Mark on a map" (optional): opened, it fetches Leaflet and pin-map.js (shared with the
//    residents' pin page) and a tap on the map fills the same two fields. Not before: the
//    first visit on a slow link stays small.
(function () {
  "use strict";
  var MAX = 1600;
  var input = document.querySelector("input[type=file][data-shrink]");
  var button = input && input.form && input.form.querySelector("button[type=submit]");

  function shrink(file) {
    return createImageBitmap(file, { imageOrientation: "from-image" }).then(function (bitmap) {
      var scale = Math.min(1, MAX / Math.max(bitmap.width, bitmap.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      if (bitmap.close) bitmap.close();
      return new Promise(function (resolve) { canvas.toBlob(resolve, "image/jpeg", 0.85); });
    });
  }

  if (input && window.createImageBitmap && window.DataTransfer && window.File) {
    input.addEventListener("change", function () {
      var file = input.files && input.files[0];
      if (!file || file.size < 500 * 1024) return;
      if (button) button.disabled = true;
      shrink(file).then(function (blob) {
        if (!blob || blob.size >= file.size) return;
        var name = file.name.replace(/\.[^.]*$/, "") + ".jpg";
        var list = new DataTransfer();
        list.items.add(new File([blob], name, { type: "image/jpeg" }));
        input.files = list.files;
      }).catch(function () { /* keep the original */ }).then(function () {
        if (button) button.disabled = false;
      });
    });
  }

  var field = input && input.closest("[data-photo]");
  if (field && window.URL && URL.createObjectURL) {
    var addText = field.querySelector("[data-add-text]");
    var thumb = field.querySelector(".t-photo-chosen img");
    var said = field.querySelector(".t-photo-said");
    var name = field.querySelector(".t-photo-name");
    var nameText = name.querySelector("bdi");  // a Latin file name in an Arabic line
    var remove = field.querySelector(".t-photo-remove");
    var shown = null;
    var showChosen = function () {
      var file = input.files && input.files[0];
      if (shown) URL.revokeObjectURL(shown);
      shown = file ? URL.createObjectURL(file) : null;
      if (shown) thumb.src = shown; else thumb.removeAttribute("src");
      thumb.hidden = name.hidden = remove.hidden = !file;
      nameText.textContent = file ? file.name : "";
      said.textContent = file ? field.dataset.added : "";
      addText.textContent = file ? field.dataset.change : field.dataset.add;
    };
    field.classList.add("t-photo-js");
    input.addEventListener("change", showChosen);
    remove.addEventListener("click", function () {
      input.value = "";
      showChosen();
      input.focus();
    });
    showChosen();  // a photo kept by the browser on back/forward
  }

  var lat, lon;
  var where = document.querySelector("[data-position]");
  var choice = document.querySelector("[data-pin-map]");
  var pin = null;
  var use = null, found = null;
  if (where) {
    lat = document.getElementById(where.dataset.lat);
    lon = document.getElementById(where.dataset.lon);
  }
  if (where && navigator.geolocation) {
    use = where.querySelector("button");
    found = where.querySelector("[role=status]");
    where.hidden = false;
    use.addEventListener("click", function () {
      found.textContent = where.dataset.finding;
      navigator.geolocation.getCurrentPosition(function (position) {
        if (pin) pin.put(position.coords.latitude, position.coords.longitude);  // shown there
        lat.value = position.coords.latitude.toFixed(6);
        lon.value = position.coords.longitude.toFixed(6);
        found.textContent = where.dataset.found;
        use.setAttribute("aria-pressed", "true");
      }, function () {
        found.textContent = where.dataset.failed;
      }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    });
  }

  function load(tag, attributes) {
    return new Promise(function (resolve, reject) {
      var element = document.createElement(tag);
      Object.keys(attributes).forEach(function (name) { element[name] = attributes[name]; });
      element.onload = resolve;
      element.onerror = reject;
      document.head.appendChild(element);
    });
  }

  if (choice && lat && lon && window.Promise) {
    var pinBox = choice.querySelector("#pin-map");
    var pinSaid = choice.querySelector("[role=status]");
    var removePin = choice.querySelector("button");
    var loading = null;
    var changed = function (state) {
      pinSaid.textContent = choice.dataset[state] || "";
      removePin.hidden = !lat.value;
      // A pin placed or removed on the map, not the GPS, says where now (on opening, the
      // map only shows the GPS position: pin is not set yet).
      if (use && pin && state !== "far") {
        use.setAttribute("aria-pressed", "false");
        found.textContent = "";
      }
    };
    var openMap = function () {
      if (loading) return;
      var data = choice.dataset;
      // Leaflet's stylesheet first: its default marker finds its image through it.
      loading = load("link", { rel: "stylesheet", href: data.leafletCss }).then(function () {
        return Promise.all([window.L ? null : load("script", { src: data.leafletJs }),
                            window.TryggPinMap ? null : load("script", { src: data.pinJs })]);
      }).then(function () {
        pin = window.TryggPinMap.start(pinBox, { lat: lat, lon: lon, changed: changed });
        if (!pin) throw new Error("no map");
      }).catch(function () {
        pinSaid.textContent = choice.dataset.failed;
        loading = null;  // opened again, it tries again
      });
    };
    choice.hidden = false;
    choice.addEventListener("toggle", function () { if (choice.open) openMap(); });
    if (choice.open) openMap();
    removePin.addEventListener("click", function () {
      pin.clear();
      pinBox.focus();
    });
  }
})();
