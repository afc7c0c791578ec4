/* Manager screens on top of plain forms: the selection bar and bulk sheet on the findings
   list, wide screens open the folded filters, the dashboard shows only the period's inputs.
   Everything here is an enhancement; the pages work without it. */
(function () {
  "use strict";

  var WIDE = window.matchMedia("(min-width: 900px)");

  function selectionInit() {
    var form = document.getElementById("bulk-form");
    if (!form || form.dataset.enhanced) return;
    form.dataset.enhanced = "1";
    form.classList.add("js-bulk");
    var close = form.querySelector(".bulk-close");
    if (close) close.hidden = false;
    update(form);
  }

  function update(form) {
    var bar = form.querySelector("#selection-bar");
    if (!bar) return;
    var n = form.querySelectorAll(".select-row:checked").length;
    var text = (n === 1 ? bar.dataset.one : bar.dataset.many) || "{n}";
    bar.querySelector(".selection-count").textContent = text.replace("{n}", String(n));
    bar.hidden = n === 0;
    if (n === 0) closeSheet(form);
  }

  function openSheet(form, focusId) {
    form.classList.add("bulk-open");
    var target = focusId && document.getElementById(focusId);
    if (target) target.focus();
  }

  function closeSheet(form, restore) {
    if (!form.classList.contains("bulk-open")) return;
    form.classList.remove("bulk-open");
    if (restore) {
      var first = form.querySelector("#selection-bar .btn");
      if (first) first.focus();
    }
  }

  document.addEventListener("change", function (event) {
    var box = event.target;
    if (box.classList && box.classList.contains("select-row")) {
      var form = box.closest("#bulk-form");
      if (form) update(form);
    }
  });

  document.addEventListener("click", function (event) {
    var opener = event.target.closest("[data-open-bulk]");
    if (opener) {
      var form = opener.closest("#bulk-form");
      if (form && form.classList.contains("js-bulk")) {
        event.preventDefault();
        openSheet(form, opener.dataset.openBulk);
      }
      return;
    }
    var close = event.target.closest(".bulk-close");
    if (close) closeSheet(close.closest("#bulk-form"), true);
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var open = document.querySelector("#bulk-form.bulk-open");
    if (open) closeSheet(open, true);
  });

  function foldInit() {
    var fold = document.getElementById("filter-fold");
    if (fold && WIDE.matches && !fold.dataset.enhanced) {
      fold.dataset.enhanced = "1";
      fold.open = true;
    }
  }

  /* Phones: when the filter form is sent with its button (each change already refreshed
     the results), fold it away so the results are on screen: open, it fills the screen. */
  document.addEventListener("htmx:afterSwap", function (event) {
    var fold = document.getElementById("filter-fold");
    var config = event.detail.requestConfig || {};
    var sent = config.triggeringEvent && config.triggeringEvent.type === "submit";
    if (WIDE.matches || !fold || !fold.open || !sent || !fold.contains(config.elt)) return;
    if (event.detail.target && event.detail.target.id === "finding-results") fold.open = false;
  });

  /* Dashboard: the period decides which inputs matter (year, quarter, month, from/to). */
  function periodInit() {
    var select = document.getElementById("r-period");
    if (!select || select.dataset.enhanced) return;
    select.dataset.enhanced = "1";
    function show() {
      document.querySelectorAll("[data-period-for]").forEach(function (box) {
        var wanted = box.dataset.periodFor.split(" ").indexOf(select.value) !== -1;
        box.hidden = !wanted;
        box.querySelectorAll("input, select").forEach(function (input) {
          input.disabled = !wanted;
        });
      });
    }
    select.addEventListener("change", show);
    show();
  }

  function init() {
    selectionInit();
    foldInit();
    periodInit();
  }

  document.addEventListener("DOMContentLoaded", function () { init(); });
  document.addEventListener("htmx:load", function () { init(); });
})();
