// Search boxes of pickers: <input class="picker-filter" data-target="ID"> hides the labels of
// element ID whose text does not contain the query, and opens the groups that still show some.
// A group whose title (the township) matches shows all its villages. No inline handlers (CSP).
document.addEventListener("input", function (event) {
  var box = event.target;
  if (!box.classList || !box.classList.contains("picker-filter")) return;
  var list = document.getElementById(box.dataset.target);
  if (!list) return;
  var query = box.value.trim();
  list.querySelectorAll("details").forEach(function (group) {
    var title = group.querySelector("summary").textContent;
    var whole = query !== "" && title.indexOf(query) !== -1;
    var shown = 0;
    group.querySelectorAll("label").forEach(function (label) {
      var match = query === "" || whole || label.textContent.indexOf(query) !== -1;
      label.hidden = !match;
      if (match) shown += 1;
    });
    group.hidden = shown === 0;
    if (query !== "") group.open = shown > 0;
  });
});
