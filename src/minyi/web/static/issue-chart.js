/*
 * Minyi: draw a hot issue's daily timeline with the vendored ECharts (no CDN).
 *
 * The page embeds the data in <script type="application/json" id="issue-timeline-data">
 * ({"days": [...], "counts": [...], "labels": {"daily", "total"}}) and a <div id="issue-chart">.
 * Without JavaScript (or ECharts) the SVG bars in #issue-timeline-fallback stay visible.
 * The page's Content-Security-Policy allows no inline script or style, so this file only
 * uses the DOM style API and ECharts' canvas renderer with rich-text tooltips.
 */
(function () {
  "use strict";

  function readData() {
    var source = document.getElementById("issue-timeline-data");
    if (!source) {
      return null;
    }
    try {
      return JSON.parse(source.textContent || "{}");
    } catch (err) {
      return null;
    }
  }

  function cumulative(counts) {
    var total = 0;
    return counts.map(function (n) {
      total += n;
      return total;
    });
  }

  function options(data) {
    var labels = data.labels || {};
    var manyDays = data.days.length > 31;
    return {
      animation: false,
      grid: { left: 40, right: 40, top: 30, bottom: manyDays ? 60 : 30 },
      legend: { data: [labels.daily, labels.total], top: 0 },
      tooltip: { trigger: "axis", renderMode: "richText" },
      xAxis: { type: "category", data: data.days },
      yAxis: [
        { type: "value", minInterval: 1, name: "" },
        { type: "value", minInterval: 1, name: "", splitLine: { show: false } },
      ],
      dataZoom: manyDays
        ? [{ type: "inside", start: 0, end: 100 }, { type: "slider", start: 0, end: 100, height: 18, bottom: 8 }]
        : [{ type: "inside" }],
      series: [
        { name: labels.daily, type: "bar", data: data.counts, itemStyle: { color: "#b7312c" } },
        {
          name: labels.total,
          type: "line",
          yAxisIndex: 1,
          data: cumulative(data.counts),
          showSymbol: false,
          itemStyle: { color: "#1f4e79" },
        },
      ],
    };
  }

  function draw() {
    var holder = document.getElementById("issue-chart");
    var data = readData();
    if (!holder || !data || !data.days || !data.days.length || typeof window.echarts === "undefined") {
      return;
    }
    holder.hidden = false;
    var chart = window.echarts.init(holder, null, { renderer: "canvas" });
    chart.setOption(options(data));
    var fallback = document.getElementById("issue-timeline-fallback");
    if (fallback) {
      fallback.hidden = true;
    }
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
