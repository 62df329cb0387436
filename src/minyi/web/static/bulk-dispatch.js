// 批量派单 on the inbox: "select all on this page" and how many are ticked, said to a screen
// reader too (the count is a polite live region). Without JavaScript the ticks and the form
// work as they are; only the select-all box stays hidden. A second press while the form is
// sent sends nothing more (a repeat would only find the cases already dispatched).
"use strict";
(function () {
  const form = document.getElementById("bulk-dispatch");
  if (!form) return;
  const all = document.getElementById("bulk-all");
  const count = document.getElementById("bulk-count");
  const picks = Array.from(form.querySelectorAll("input.bulk-pick"));
  const button = document.getElementById("bulk-submit");
  function update() {
    const ticked = picks.filter(function (box) { return box.checked; }).length;
    count.textContent = ticked ? count.dataset.text.replace("{n}", String(ticked)) : "";
    all.checked = ticked > 0 && ticked === picks.length;
    all.indeterminate = ticked > 0 && ticked < picks.length;
  }
  all.parentElement.hidden = false;
  all.addEventListener("change", function () {
    picks.forEach(function (box) { box.checked = all.checked; });
    update();
  });
  picks.forEach(function (box) { box.addEventListener("change", update); });
  let sending = false;
  const label = button.textContent;
  form.addEventListener("submit", function (event) {
    if (sending) { event.preventDefault(); return; }
    sending = true;
    button.setAttribute("aria-disabled", "true");
    button.textContent = form.dataset.sending;
  });
  window.addEventListener("pageshow", function () {
    sending = false;
    button.removeAttribute("aria-disabled");
    button.textContent = label;
    update();
  });
  update();
})();
