// 民情日记: add another item (诉求) row to the entry form. Without JavaScript the form still
// works with the one row it shows; this only reveals the "add" button and copies an empty row.
(function () {
  "use strict";
  var button = document.getElementById("add-item");
  var rows = document.getElementById("item-rows");
  if (!button || !rows) {
    return;
  }
  var MAX_ROWS = 20;
  button.hidden = false;
  button.addEventListener("click", function () {
    var all = rows.querySelectorAll(".item-row");
    if (all.length >= MAX_ROWS) {
      button.disabled = true;
      return;
    }
    var copy = all[all.length - 1].cloneNode(true);
    copy.querySelectorAll("input, textarea").forEach(function (field) {
      field.value = "";
    });
    rows.appendChild(copy);
    var first = copy.querySelector("textarea");
    if (first) {
      first.focus();
    }
    if (all.length + 1 >= MAX_ROWS) {
      button.disabled = true;
    }
  });
})();
