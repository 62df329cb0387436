// The receipt page (/submitted): print it, or copy the tracking code and secret.
// A static file, because the Content-Security-Policy allows no inline script.
"use strict";
(function () {
  const actions = document.getElementById("receipt-actions");
  if (!actions) return;
  actions.hidden = false;
  const status = document.getElementById("receipt-status");
  document.getElementById("receipt-print").addEventListener("click", function () {
    window.print();
  });
  function text() {
    const lines = [];
    document.querySelectorAll(".receipt dt").forEach(function (dt) {
      const dd = dt.nextElementSibling;
      if (dd) lines.push(dt.textContent.trim() + "：" + dd.textContent.trim());
    });
    return lines.join("\n");
  }
  function fallback(value) {
    const area = document.createElement("textarea");
    area.value = value;
    area.setAttribute("readonly", "");
    area.style.position = "absolute";
    area.style.left = "-9999px";
    document.body.appendChild(area);
    area.select();
    const ok = document.execCommand("copy");
    document.body.removeChild(area);
    return ok;
  }
  document.getElementById("receipt-copy").addEventListener("click", function () {
    const value = text();
    const done = function () { status.textContent = status.dataset.copied; };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(value).then(done, function () { if (fallback(value)) done(); });
    } else if (fallback(value)) {
      done();
    }
  });
})();
