// The photos chosen for a finding, shown in the tray, and the count on Save.

// Chosen photos per form: kept here, so a refused save never loses them.
var chosen = new WeakMap();

export function filesOf(form) {
  if (!chosen.has(form)) chosen.set(form, []);
  return chosen.get(form);
}

function saveButton(form) { return form.querySelector(".save-button"); }

export function updateSaveLabel(form) {
  var button = saveButton(form);
  if (!button) return;
  var label = button.querySelector(".save-label");
  var count = filesOf(form).length;
  if (!label.dataset.plain) label.dataset.plain = label.textContent;
  if (!count) { label.textContent = label.dataset.plain; return; }
  var photos = count === 1 ? button.dataset.msgOne : button.dataset.msgMany.replace("%(num)d", String(count));
  label.textContent = (button.dataset.msgSave || "Save") + " · " + photos;
}

export function renderTray(form) {
  var tray = form.querySelector(".photo-tray");
  if (!tray) return;
  tray.querySelectorAll("img").forEach(function (img) { URL.revokeObjectURL(img.src); });
  tray.textContent = "";
  var files = filesOf(form);
  files.forEach(function (file, index) {
    var li = document.createElement("li");
    var img = document.createElement("img");
    img.src = URL.createObjectURL(file);
    img.alt = tray.dataset.msgPhoto ? tray.dataset.msgPhoto.replace("%(num)d", String(index + 1)) : (file.name || "");
    li.appendChild(img);
    var remove = document.createElement("button");
    remove.type = "button";
    remove.className = "photo-remove";
    remove.dataset.index = String(index);
    remove.setAttribute("aria-label", (tray.dataset.msgRemove || "Remove photo") + " " + (index + 1));
    remove.textContent = "×";
    li.appendChild(remove);
    tray.appendChild(li);
  });
  tray.hidden = files.length === 0;
  updateSaveLabel(form);
}
