// Trygg: mask parts of a stored photo by drawing rectangles on it (finding page).
// Pointer events, so a finger, a pen and a mouse all draw; the rectangles go to the server
// as fractions of the photo's width and height, and the server does the masking.
(function () {
  "use strict";

  var MIN_SIDE = 0.01; // a tap, not a rectangle

  function clamp(value) {
    return Math.min(1, Math.max(0, value));
  }

  function init(form) {
    var stage = form.querySelector(".redact-stage");
    var image = stage && stage.querySelector("img");
    var input = form.querySelector("input[name=regions]");
    var count = form.querySelector(".redact-count");
    var error = form.querySelector(".redact-error");
    var undo = form.querySelector(".redact-undo");
    if (!stage || !image || !input) return;

    var regions = [];
    var drawing = null;
    var minPixels = Number(form.dataset.minPixels) || 0;

    function point(event) {
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

    function update() {
      input.value = JSON.stringify(regions.map(function (r) {
        return [r.x, r.y, r.w, r.h].map(function (v) { return Math.round(v * 10000) / 10000; });
      }));
      if (count) {
        count.textContent = regions.length
          ? count.dataset.some.replace("{n}", String(regions.length))
          : count.dataset.none;
      }
      if (undo) undo.disabled = regions.length === 0;
      if (error && regions.length) error.hidden = true;
    }

    stage.addEventListener("pointerdown", function (event) {
      if (event.button !== undefined && event.button > 0) return;
      event.preventDefault();
      stage.setPointerCapture(event.pointerId);
      var el = document.createElement("div");
      el.className = "redact-rect redact-rect-drawing";
      stage.appendChild(el);
      var start = point(event);
      drawing = { id: event.pointerId, start: start, el: el, r: rect(start, start) };
      place(el, drawing.r);
    });

    stage.addEventListener("pointermove", function (event) {
      if (!drawing || drawing.id !== event.pointerId) return;
      event.preventDefault();
      drawing.r = rect(drawing.start, point(event));
      place(drawing.el, drawing.r);
    });

    function finish(event) {
      if (!drawing || drawing.id !== event.pointerId) return;
      var done = drawing;
      drawing = null;
      if (event.type === "pointercancel" || done.r.w < MIN_SIDE || done.r.h < MIN_SIDE) {
        done.el.remove();
        return;
      }
      // Thinner than the server takes on the stored photo: say so now, not after saving.
      if (done.r.w * image.naturalWidth < minPixels ||
          done.r.h * image.naturalHeight < minPixels) {
        done.el.remove();
        if (error) {
          error.textContent = form.dataset.smallMessage;
          error.hidden = false;
        }
        return;
      }
      done.el.classList.remove("redact-rect-drawing");
      done.el.setAttribute("data-index", String(regions.length + 1));
      regions.push({ x: done.r.x, y: done.r.y, w: done.r.w, h: done.r.h, el: done.el });
      update();
    }
    stage.addEventListener("pointerup", finish);
    stage.addEventListener("pointercancel", finish);

    if (undo) {
      undo.addEventListener("click", function () {
        var last = regions.pop();
        if (last) last.el.remove();
        update();
      });
    }

    form.addEventListener("submit", function (event) {
      if (!regions.length) {
        event.preventDefault();
        if (error) {
          error.textContent = form.dataset.emptyMessage;
          error.hidden = false;
        }
      }
    });

    stage.classList.add("redact-ready");
    update();
  }

  document.querySelectorAll("form.redact-form").forEach(init);
})();
