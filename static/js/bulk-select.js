// "Select all" boxes: a checkbox with class select-all and data-target="NAME" ticks every
// checkbox named NAME in its form. No inline handlers (CSP).
document.addEventListener("change", function (event) {
  var box = event.target;
  if (!box.classList || !box.classList.contains("select-all")) return;
  var form = box.form || document;
  form.querySelectorAll('input[type=checkbox][name="' + box.dataset.target + '"]').forEach(function (item) {
    item.checked = box.checked;
  });
  var scope = form.querySelector('input[name="scope"][value="page"]');
  if (scope) scope.checked = true;
});
