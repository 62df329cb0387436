// The import page (/staff/imports/{id}): poll the run's progress and move the bar.
// A static file, because the Content-Security-Policy allows no inline script.
"use strict";
(function () {
  const section = document.getElementById("progress");
  if (!section) return;
  const url = section.getAttribute("data-progress-url");
  const bar = document.getElementById("import-bar");
  function show(data) {
    bar.value = data.percent;
    bar.textContent = data.percent + " %";
    document.getElementById("import-percent").textContent = data.percent;
    document.getElementById("import-status").textContent = data.status_label || data.status;
    document.getElementById("import-rows").textContent = data.rows_read;
    document.getElementById("import-imported").textContent = data.imported;
  }
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        show(data);
        if (data.finished) {
          if (!document.getElementById("import-report")) window.location.reload();
        } else {
          window.setTimeout(poll, 700);
        }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  if (section.querySelector("#import-report") === null) poll();
})();
