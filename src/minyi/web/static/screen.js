/*
 * Minyi big screen (/screen): fetch the figures every data-refresh seconds and update the
 * page in place (no reload). The first figures are rendered by the server, so the wall
 * shows numbers at once; a failed fetch keeps the last figures and says so.
 * No inline script or style (the page's CSP forbids them); text goes in with textContent.
 */
(function () {
  "use strict";

  var chart = null;
  var texts = {};

  function json(id) {
    var source = document.getElementById(id);
    try {
      return source ? JSON.parse(source.textContent || "{}") : null;
    } catch (err) {
      return null;
    }
  }

  function percent(value) {
    return value === null || value === undefined ? texts.no_rate : (value * 100).toFixed(1) + "%";
  }

  function fillList(id, items, render) {
    var list = document.getElementById(id);
    if (!list) {
      return;
    }
    while (list.firstChild) {
      list.removeChild(list.firstChild);
    }
    if (!items.length) {
      var empty = document.createElement("li");
      empty.className = "screen-muted";
      empty.textContent = texts.none;
      list.appendChild(empty);
      return;
    }
    items.forEach(function (item) {
      var row = document.createElement("li");
      render(item).forEach(function (part) {
        var cell = document.createElement(part[0]);
        cell.textContent = part[1];
        row.appendChild(cell);
      });
      list.appendChild(row);
    });
  }

  function drawRegions(regions) {
    if (!chart) {
      return;
    }
    var names = regions.map(function (r) { return r.name; }).reverse();
    var counts = regions.map(function (r) { return r.count; }).reverse();
    chart.setOption({
      animation: false,
      grid: { left: 10, right: 60, top: 10, bottom: 10, containLabel: true },
      xAxis: { type: "value", minInterval: 1, axisLabel: { color: "#8fa3bf", fontSize: 18 }, splitLine: { lineStyle: { color: "#24406a" } } },
      yAxis: { type: "category", data: names, axisLabel: { color: "#e8eef7", fontSize: 22 } },
      series: [{ type: "bar", data: counts, barMaxWidth: 56, itemStyle: { color: "#4fc3f7" }, label: { show: true, position: "right", color: "#e8eef7", fontSize: 22 } }],
    }, true);
  }

  function show(data) {
    Object.keys(data.counts || {}).forEach(function (key) {
      var cell = document.getElementById("count-" + key);
      if (cell) {
        cell.textContent = String(data.counts[key]);
      }
    });
    ["on_time_reply", "within_deadline"].forEach(function (key) {
      var cell = document.getElementById("rate-" + key);
      if (cell) {
        cell.textContent = percent((data.rates || {})[key]);
      }
    });
    document.getElementById("screen-updated").textContent = data.updated || "";
    document.getElementById("screen-alerts-open").textContent = String(data.alerts_open || 0);
    fillList("screen-region-list", data.regions || [], function (r) { return [["span", r.name], ["b", String(r.count)]]; });
    fillList("screen-issues", data.issues || [], function (i) { return [["span", i.title], ["b", String(i.size)]]; });
    fillList("screen-alerts", data.alerts || [], function (a) { return [["time", a.time], ["span", a.label], ["small", a.summary]]; });
    drawRegions(data.regions || []);
    document.body.setAttribute("data-refreshed", String(Date.now()));
  }

  function refresh(source) {
    var stale = document.getElementById("screen-stale");
    fetch(source, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (data) {
        stale.hidden = true;
        show(data);
      })
      .catch(function () {
        stale.hidden = false;
      });
  }

  function start() {
    texts = json("screen-texts") || {};
    var element = document.getElementById("screen-region-chart");
    if (typeof echarts !== "undefined" && element) {
      chart = echarts.init(element, null, { renderer: "canvas" });
      document.getElementById("screen-region-list").hidden = true;
      window.addEventListener("resize", function () { chart.resize(); });
    } else if (element) {
      element.hidden = true;
    }
    var first = json("screen-data");
    if (first) {
      show(first);
    }
    var seconds = Math.max(1, Number(document.body.getAttribute("data-refresh")) || 30);
    var source = document.body.getAttribute("data-source") || "/screen/data";
    window.setInterval(function () { refresh(source); }, seconds * 1000);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
