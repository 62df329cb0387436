/*
 * Minyi: the public dashboard's monthly trend, drawn with the vendored ECharts (no CDN).
 *
 * The page embeds {"months": [...], "volume": [...], "volume_label": "...", "rates":
 * [{"name", "data": [percent or null]}]} in <script type="application/json"
 * id="dashboard-chart-data"> and a hidden <div id="dashboard-chart">. Without JavaScript the
 * trend table under it carries the same numbers. The Content-Security-Policy allows no inline
 * script or style: this file only uses the DOM API and ECharts' canvas renderer.
 */
(function () {
  "use strict";

  var COLORS = ["#1f4e79", "#2e7d32", "#6a1b9a", "#ef6c00", "#00838f", "#5d4037"];

  function readData() {
    var source = document.getElementById("dashboard-chart-data");
    if (!source) {
      return null;
    }
    try {
      return JSON.parse(source.textContent || "{}");
    } catch (err) {
      return null;
    }
  }

  function options(data) {
    var rates = (data.rates || []).map(function (item, index) {
      return {
        name: item.name,
        type: "line",
        yAxisIndex: 1,
        data: item.data,
        connectNulls: false,
        showSymbol: data.months.length < 25,
        itemStyle: { color: COLORS[index % COLORS.length] },
      };
    });
    var names = [data.volume_label].concat(rates.map(function (s) { return s.name; }));
    return {
      animation: false,
      grid: { left: 50, right: 50, top: 60, bottom: 40 },
      legend: { data: names, top: 0, type: "scroll" },
      tooltip: { trigger: "axis", renderMode: "richText" },
      xAxis: { type: "category", data: data.months },
      yAxis: [
        { type: "value", minInterval: 1 },
        { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" }, splitLine: { show: false } },
      ],
      series: [{ name: data.volume_label, type: "bar", data: data.volume, itemStyle: { color: "#b7312c" } }].concat(rates),
    };
  }

  function draw() {
    var holder = document.getElementById("dashboard-chart");
    var data = readData();
    if (!holder || !data || !data.months || !data.months.length || typeof window.echarts === "undefined") {
      return;
    }
    holder.hidden = false;
    var chart = window.echarts.init(holder, null, { renderer: "canvas" });
    chart.setOption(options(data));
    holder.setAttribute("data-ready", "1");
    window.addEventListener("resize", function () {
      chart.resize();
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
