// 类似问题已有答复: while a citizen writes the title and the message on /submit, ask the
// public knowledge base (POST /api/v1/public/knowledge, {"q": …}) for answers already given and show
// them as links. Debounced (one call per pause in typing, none for the same text twice);
// nothing is blocked and the form submits without this script.
(function () {
  "use strict";
  var box = document.getElementById("similar-answers");
  var title = document.getElementById("title");
  var body = document.getElementById("body");
  if (!box || !title || !body || !window.fetch) { return; }
  var list = document.getElementById("similar-answers-list");
  var status = document.getElementById("similar-answers-status");
  var texts = JSON.parse(document.getElementById("similar-answers-texts").textContent);
  var endpoint = box.getAttribute("data-endpoint");
  var max = parseInt(box.getAttribute("data-max"), 10) || 500;
  var MIN_CHARS = 4;
  var WAIT_MS = 600;
  var timer = null;
  var last = "";

  function query() {
    return (title.value.trim() + " " + body.value.trim()).trim().slice(0, max);
  }

  function show(hits) {
    list.textContent = "";
    hits.forEach(function (hit) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = hit.url;
      link.target = "_blank";
      link.rel = "noopener";
      link.textContent = hit.title;
      var opens = document.createElement("span");
      opens.className = "sr-only";
      opens.textContent = texts.new_window;  // a screen reader hears that the link opens a new window
      link.appendChild(opens);
      var meta = document.createElement("span");
      meta.className = "muted";
      meta.textContent = " · " + (texts[hit.source] || hit.source) + (hit.department ? " · " + hit.department : "") + (hit.date ? " · " + hit.date : "");
      var answer = document.createElement("p");
      answer.className = "hint";
      answer.textContent = hit.answer.length > 120 ? hit.answer.slice(0, 120) + "…" : hit.answer;
      item.appendChild(link);
      item.appendChild(meta);
      item.appendChild(answer);
      list.appendChild(item);
    });
    box.hidden = hits.length === 0;
    // one short line is announced, not the whole list after every pause in typing
    var said = hits.length ? texts.found.replace("{n}", String(hits.length)) : "";
    if (status && status.textContent !== said) { status.textContent = said; }
  }

  function ask() {
    var q = query();
    if (q.length < MIN_CHARS || q === last) { return; }
    last = q;
    // POST: the draft holds whatever the citizen types (a phone, an ID number); in a query
    // string it went into the server's and every proxy's access log, submitted or not
    fetch(endpoint, {
      method: "POST",
      headers: { "Accept": "application/json", "Content-Type": "application/json" },
      body: JSON.stringify({ q: q })
    })
      .then(function (response) { return response.ok ? response.json() : []; })
      .then(function (hits) { if (q === last) { show(hits); } })
      .catch(function () { /* the list is a help: silence when the network fails */ });
  }

  function later() {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(ask, WAIT_MS);
  }

  title.addEventListener("input", later);
  body.addEventListener("input", later);
  if (query().length >= MIN_CHARS) { later(); }
})();
