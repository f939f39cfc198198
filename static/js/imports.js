// Import page: while a run is queued or running, ask its status every second, move the
// progress bar, and show the result (reload the page) once the run has finished.
(function () {
  "use strict";
  var box = document.getElementById("import-progress");
  if (!box) return;
  var bar = document.getElementById("import-progress-bar");
  var text = document.getElementById("import-progress-text");
  var url = box.dataset.statusUrl;

  function show(status) {
    if (status.state === "done" || status.state === "failed") {
      window.location.reload();
      return true;
    }
    if (status.state === "queued") {
      text.textContent = box.dataset.queued;
      return false;
    }
    var tag = document.querySelector("#import-state .tag");
    if (tag) tag.textContent = box.dataset.runningTag;
    if (status.total > 0) {
      bar.max = status.total;
      bar.value = status.done;
      bar.textContent = status.percent + "%";
      text.textContent = box.dataset.running.replace("{done}", status.done).replace("{total}", status.total);
    } else {
      text.textContent = box.dataset.reading;
    }
    return false;
  }

  function poll() {
    fetch(url, {headers: {"Accept": "application/json"}, credentials: "same-origin", cache: "no-store"})
      .then(function (r) {
        if (r.status >= 400 && r.status < 500) return {state: "gone"};  // signed out, or not this user's run
        return r.ok ? r.json() : null;
      })
      .then(function (status) {
        if (status && status.state === "gone") return;
        if (!status || !show(status)) window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 1000); });
  }
  window.setTimeout(poll, 1000);
})();
