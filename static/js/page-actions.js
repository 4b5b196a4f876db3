/* Small page behaviours that used to be inline handlers (kept out of the HTML for the
   Content-Security-Policy, which forbids inline scripts):
   - <select data-autosubmit> submits its form when changed (language, year filter);
   - <button data-print> prints the page. */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el && el.matches && el.matches("select[data-autosubmit]") && el.form) {
      el.form.submit();
    }
  });
  document.addEventListener("click", function (event) {
    var el = event.target && event.target.closest ? event.target.closest("[data-print]") : null;
    if (el) {
      event.preventDefault();
      window.print();
    }
  });
})();
