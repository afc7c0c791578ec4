// Trygg: mask parts of a stored photo by drawing rectangles on it (finding page).
// Pointer events, so a finger, a pen and a mouse all draw; the rectangles go to the server
// as fractions of the photo's width and height, and the server does the masking.
// One `pad` per form holds what the functions below share.
(function () {
  "use strict";

  var MIN_SIDE = 0.01; // a tap, not a rectangle

  function clamp(value) {
    return Math.min(1, Math.max(0, value));
  }

  function point(image, event) {
    var box = image.getBoundingClientRect();
    return {
      x: clamp((event.clientX - box.left) / box.width),
      y: clamp((event.clientY - box.top) / box.height)
    };
  }

  function place(el, r) {
    el.style.left = r.x * 100 + "%";
    el.style.top = r.y * 100 + "%";
    el.style.width = r.w * 100 + "%";
    el.style.height = r.h * 100 + "%";
  }

  function rect(a, b) {
    return {
      x: Math.min(a.x, b.x),
      y: Math.min(a.y, b.y),
      w: Math.abs(a.x - b.x),
      h: Math.abs(a.y - b.y)
    };
  }

  function showError(pad, message) {
    if (!pad.error) return;
    pad.error.textContent = message;
    pad.error.hidden = false;
  }

  function update(pad) {
    var regions = pad.regions;
    pad.input.value = JSON.stringify(regions.map(function (r) {
      return [r.x, r.y, r.w, r.h].map(function (v) { return Math.round(v * 10000) / 10000; });
    }));
    if (pad.count) {
      pad.count.textContent = regions.length
        ? pad.count.dataset.some.replace("{n}", String(regions.length))
        : pad.count.dataset.none;
    }
    if (pad.undo) pad.undo.disabled = regions.length === 0;
    if (pad.error && regions.length) pad.error.hidden = true;
  }

  function start(pad, event) {
    if (event.button !== undefined && event.button > 0) return;
    event.preventDefault();
    pad.stage.setPointerCapture(event.pointerId);
    var el = document.createElement("div");
    el.className = "redact-rect redact-rect-drawing";
    pad.stage.appendChild(el);
    var from = point(pad.image, event);
    pad.drawing = { id: event.pointerId, start: from, el: el, r: rect(from, from) };
    place(el, pad.drawing.r);
  }

  function move(pad, event) {
    var drawing = pad.drawing;
    if (!drawing || drawing.id !== event.pointerId) return;
    event.preventDefault();
    drawing.r = rect(drawing.start, point(pad.image, event));
    place(drawing.el, drawing.r);
  }

  function finish(pad, event) {
    var done = pad.drawing;
    if (!done || done.id !== event.pointerId) return;
    pad.drawing = null;
    if (event.type === "pointercancel" || done.r.w < MIN_SIDE || done.r.h < MIN_SIDE) {
      done.el.remove();
      return;
    }
    // Thinner than the server takes on the stored photo: say so now, not after saving.
    if (done.r.w * pad.image.naturalWidth < pad.minPixels ||
        done.r.h * pad.image.naturalHeight < pad.minPixels) {
      done.el.remove();
      showError(pad, pad.form.dataset.smallMessage);
      return;
    }
    done.el.classList.remove("redact-rect-drawing");
    done.el.setAttribute("data-index", String(pad.regions.length + 1));
    pad.regions.push({ x: done.r.x, y: done.r.y, w: done.r.w, h: done.r.h, el: done.el });
    update(pad);
  }

  function init(form) {
    var stage = form.querySelector(".redact-stage");
    var pad = {
      form: form,
      stage: stage,
      image: stage && stage.querySelector("img"),
      input: form.querySelector("input[name=regions]"),
      count: form.querySelector(".redact-count"),
      error: form.querySelector(".redact-error"),
      undo: form.querySelector(".redact-undo"),
      regions: [],
      drawing: null,
      minPixels: Number(form.dataset.minPixels) || 0
    };
    if (!stage || !pad.image || !pad.input) return;
    stage.addEventListener("pointerdown", function (event) { start(pad, event); });
    stage.addEventListener("pointermove", function (event) { move(pad, event); });
    stage.addEventListener("pointerup", function (event) { finish(pad, event); });
    stage.addEventListener("pointercancel", function (event) { finish(pad, event); });
    if (pad.undo) {
      pad.undo.addEventListener("click", function () {
        var last = pad.regions.pop();
        if (last) last.el.remove();
        update(pad);
      });
    }
    form.addEventListener("submit", function (event) {
      if (pad.regions.length) return;
      event.preventDefault();
      showError(pad, form.dataset.emptyMessage);
    });
    stage.classList.add("redact-ready");
    update(pad);
  }

  document.querySelectorAll("form.redact-form").forEach(init);
})();
