// A guest's "Leave the walk" (form[data-confirm-waiting]) ends the session this phone sends
// with: what it still holds of theirs could then never be sent. Ask first, with the count;
// nothing waiting, no question.
import { allItems } from "./store.js";
import { belongsTo, pageUser } from "./user.js";

function waitingCount() {
  var me = pageUser();
  return allItems().then(function (items) {
    return items.filter(function (item) { return belongsTo(item, me); }).length;
  });
}

function leave(form) {
  form.dataset.confirmed = "1";
  form.submit();  // no second submit event
}

export function watchLeave() {
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-confirm-waiting]") || form.dataset.confirmed === "1") return;
    event.preventDefault();
    waitingCount().then(function (count) {
      if (count && !confirm(form.dataset.confirmWaiting.replace("%(num)d", String(count)))) return;
      leave(form);
    }, function () { leave(form); });
  });
}
