// Behaviour every page shares, kept out of the pages so that the Content-Security-Policy can
// forbid inline script: a button marked data-print prints the page, a form marked
// data-confirm="question" is sent only once the question is answered with OK, and on phones the
// header's menu folds behind its 菜单/Menu button (without script the menu simply stays open).
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

  // A form sent back with errors: start from the list of what to fix (it links to each field).
  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();

  // Regions that scroll sideways (wide tables) must be reachable by keyboard.
  Array.prototype.forEach.call(document.querySelectorAll(".table-wrap"), function (wrap) {
    if (wrap.scrollWidth > wrap.clientWidth && !wrap.hasAttribute("tabindex")) {
      wrap.setAttribute("tabindex", "0");
      wrap.setAttribute("role", "region");
      var caption = wrap.querySelector("caption, h2, h3");
      wrap.setAttribute("aria-label", caption ? caption.textContent.trim() : document.title);
    }
  });

  var bar = document.querySelector(".topbar");
  var toggle = bar ? bar.querySelector(".nav-toggle") : null;
  var menu = toggle ? document.getElementById(toggle.getAttribute("aria-controls")) : null;
  if (!menu) return;
  function setOpen(open) {
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    bar.classList.toggle("menu-open", open);
  }
  toggle.hidden = false;
  bar.classList.add("menu-ready");
  toggle.addEventListener("click", function () {
    setOpen(toggle.getAttribute("aria-expanded") !== "true");
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || toggle.getAttribute("aria-expanded") !== "true") return;
    setOpen(false);
    toggle.focus();
  });
})();
