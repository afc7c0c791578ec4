// The capture form's checks and bars: validation on the phone first, and where the eye is;
// the save bar; the place as one line, tapped to change.

// --- validation ---------------------------------------------------------------------------

export function alertBox(form) { return form.querySelector(".form-alert"); }

export function showError(form, target, message) {
  var box = alertBox(form);
  if (box) {
    box.textContent = "";
    var p = document.createElement("p");
    p.className = "flash flash-error";
    p.textContent = message;
    box.appendChild(p);
  }
  if (!target) return;
  target.classList.add("field-error");
  var old = target.querySelector(":scope > .error.client-error");
  if (!old) {
    old = document.createElement("p");
    old.className = "error client-error";
    old.id = (target.id || "field") + "-client-error";
    target.appendChild(old);
  }
  old.textContent = message;
  target.setAttribute("aria-describedby", old.id);
  focusField(target);
}

function focusField(target) {
  var input = target.matches("input, select, textarea") ? target
    : target.querySelector("input:not([type=hidden]), select, textarea, summary");
  target.scrollIntoView({ block: "center" });
  if (input) input.focus({ preventScroll: true });
}

// true when the form may be saved; otherwise the first problem is shown and focused.
export function validate(form) {
  clearErrors(form);
  var categories = form.querySelector("#category-choices");
  if (categories && !form.querySelector("input[name=category_id]:checked")) {
    var message = form.dataset.msgChooseCategory || "Choose a category.";
    showError(form, categories, message);
    return false;
  }
  return true;
}

export function clearErrors(form) {
  form.querySelectorAll(".client-error").forEach(function (el) { el.remove(); });
  form.querySelectorAll("#category-choices.field-error").forEach(function (el) { el.classList.remove("field-error"); });
  var box = alertBox(form);
  if (box) box.textContent = "";
}

// The server's answer came back with errors (htmx swap or a plain page): show the first.
export function focusServerError(root) {
  var form = root.querySelector ? (root.matches && root.matches(".finding-form") ? root : root.querySelector(".finding-form")) : null;
  if (!form) return;
  var bad = form.querySelector(".field-error");
  if (!bad) return;
  if (bad.tagName === "DETAILS") bad.open = true;
  var inner = bad.closest("details:not([open])");
  if (inner) inner.open = true;
  focusField(bad);
}

// --- the save bar ---------------------------------------------------------------------------

export function toast(form, text, kind) {
  var box = form.querySelector(".save-toast");
  if (!box) return;
  box.className = "save-toast outbox-status flash flash-" + (kind || "info");
  box.textContent = text;
  box.hidden = !text;
  // A confirmation is short-lived (it would cover the form); an error stays until acted on.
  clearTimeout(box._trygg_timer);
  if (kind === "success") {
    box._trygg_timer = setTimeout(function () { if (box.textContent === text) box.hidden = true; }, 8000);
  }
}

// Keep the bar above the on-screen keyboard where the browser only shrinks the visual viewport.
export function followKeyboard(form) {
  var bar = form.querySelector(".save-bar");
  var vv = window.visualViewport;
  if (!bar || !vv) return;
  function place() {
    var hidden = window.innerHeight - vv.height - vv.offsetTop;
    bar.style.bottom = hidden > 0 ? Math.round(hidden) + "px" : "";
  }
  vv.addEventListener("resize", place);
  vv.addEventListener("scroll", place);
}

// --- where: one line, tap to change ------------------------------------------------------------

export function whereLine(form) {
  var details = form.querySelector("details.where");
  if (!details) return;
  var text = details.querySelector(".where-text");
  var select = form.querySelector("select[name=building_id]");
  var fieldset = details.querySelector("fieldset");
  function update() {
    var parts = [];
    if (select && select.value && select.value !== "0") {
      parts.push(select.options[select.selectedIndex].text);
    } else {
      parts.push(details.dataset.msgNoBuilding || "No building chosen");
    }
    var status = form.querySelector(".gps-status");
    if (form.dataset.photoPosition === "photo") parts.push(form.dataset.msgPhotoPositionShort || "position from the photo");
    else if (status && !status.hidden && status.textContent) parts.push(status.textContent);
    var line = parts.join(" · ");
    if (text.textContent !== line) text.textContent = line;
    // The walker has to decide (a poor fix): open the line so the choice is seen.
    var warning = form.querySelector(".gps-warning");
    if (warning && !warning.hidden && !details.open) details.open = true;
    var photoWarning = form.querySelector(".photo-position-choices");
    if (photoWarning && !photoWarning.hidden && !photoWarning.closest("[hidden]") && !details.open) details.open = true;
  }
  if (select) select.addEventListener("change", update);
  if (fieldset) {
    new MutationObserver(update).observe(fieldset, {
      childList: true, characterData: true, subtree: true, attributes: true, attributeFilter: ["hidden", "aria-pressed"]
    });
    // The walker's choice about the photo's position changes the line too.
    new MutationObserver(update).observe(form, { attributes: true, attributeFilter: ["data-photo-position"] });
  }
  form.addEventListener("trygg:form-reset", function () { setTimeout(update, 0); });
  update();
}
