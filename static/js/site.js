// Behaviour every page shares, kept out of the pages so that the Content-Security-Policy can
// forbid inline script: a button marked data-print prints the page, and a form marked
// data-confirm="question" is sent only once the question is answered with OK.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-print]") : null;
    if (!button) return;
    event.preventDefault();
    window.print();
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.dataset || !form.dataset.confirm) return;
    if (!window.confirm(form.dataset.confirm)) event.preventDefault();
  });
})();
