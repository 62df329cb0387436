// A form marked data-sending says so while it is sent: on a slow phone network nothing else
// showed for seconds after a tap, and an older citizen tapped again and again. The button reads
// the form's data-sending text and a live region announces it; a second tap sends nothing more
// (the server would store one message anyway: the form's one-time key). Coming back to the page
// (the browser's Back after a failed send) makes the form ready again, with what was typed.
"use strict";
(function () {
  document.querySelectorAll("form[data-sending]").forEach(function (form) {
    const button = form.querySelector("button[type=submit]");
    const status = form.querySelector(".sending-status");
    if (!button) return;
    const label = button.textContent;
    let sending = false;
    form.addEventListener("submit", function (event) {
      if (sending) { event.preventDefault(); return; }
      sending = true;
      button.setAttribute("aria-disabled", "true");
      button.textContent = form.dataset.sending;
      if (status) status.textContent = form.dataset.sending;
    });
    window.addEventListener("pageshow", function () {
      sending = false;
      button.removeAttribute("aria-disabled");
      button.textContent = label;
      if (status) status.textContent = "";
    });
  });
})();
