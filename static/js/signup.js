// Sign-up form: show the enterprise fields only when registering a new enterprise,
// and warn early about enterprises that may already be registered.
(function () {
  "use strict";
  var form = document.getElementById("signup");
  if (!form) return;
  var block = document.getElementById("enterprise-fields");
  var hint = document.getElementById("duplicate-hint");
  var uscc = form.querySelector("[name=uscc]");
  var name = form.querySelector("[name=ent_name]");

  function mode() {
    var checked = form.querySelector("[name=mode]:checked");
    return checked ? checked.value : "create";
  }
  function toggle() { block.hidden = mode() === "join"; }
  form.querySelectorAll("[name=mode]").forEach(function (r) { r.addEventListener("change", toggle); });
  toggle();

  function show(items) {
    hint.textContent = "";
    if (!items.length) { hint.hidden = true; return; }
    var same = items.filter(function (i) { return i.same_code; });
    var similar = items.filter(function (i) { return !i.same_code; });
    [[same, form.dataset.sameCode], [similar, form.dataset.similar]].forEach(function (pair) {
      if (!pair[0].length) return;
      var p = document.createElement("p");
      p.textContent = pair[1] + pair[0].map(function (i) { return i.name; }).join("、");
      hint.appendChild(p);
    });
    hint.hidden = false;
  }
  var timer = null;
  function check() {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var params = new URLSearchParams({uscc: uscc.value || "", name: mode() === "create" ? (name.value || "") : ""});
      fetch(form.dataset.checkUrl + "?" + params.toString(), {headers: {"Accept": "application/json"}})
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(show)
        .catch(function () { hint.hidden = true; });
    }, 300);
  }
  uscc.addEventListener("change", check);
  if (name) name.addEventListener("change", check);
})();
