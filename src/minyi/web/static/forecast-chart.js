/*
 * Minyi: draw the demand forecast (history, forecast, 80 % interval) with the vendored ECharts.
 *
 * The page embeds {"weeks": [...], "labels": {...}, "series": [{key, label, history,
 * forecast, lower, upper}]} in <script type="application/json" id="forecast-chart-data">.
 * A select switches the series. No inline script or style (the page's CSP forbids them);
 * without JavaScript the table under the chart holds every number.
 */
(function () {
  "use strict";

  function readData() {
    var source = document.getElementById("forecast-chart-data");
    if (!source) {
      return null;
    }
    try {
      return JSON.parse(source.textContent || "{}");
    } catch (err) {
      return null;
    }
  }

  function band(lower, upper) {
    return upper.map(function (value, i) {
      return value === null || lower[i] === null ? null : value - lower[i];
    });
  }

  function options(data, series) {
    var labels = data.labels || {};
    return {
      animation: false,
      grid: { left: 50, right: 20, top: 36, bottom: 60 },
      legend: { data: [labels.history, labels.forecast, labels.band], top: 0 },
      tooltip: { trigger: "axis", renderMode: "richText" },
      xAxis: { type: "category", data: data.weeks, boundaryGap: false },
      yAxis: { type: "value", minInterval: 1 },
      dataZoom: [{ type: "inside" }, { type: "slider", height: 18, bottom: 8 }],
      series: [
        { name: labels.history, type: "line", data: series.history, showSymbol: false, itemStyle: { color: "#1f4e79" } },
        { name: labels.lower, type: "line", data: series.lower, stack: "band", showSymbol: false, lineStyle: { opacity: 0 }, tooltip: { show: false } },
        { name: labels.band, type: "line", data: band(series.lower, series.upper), stack: "band", showSymbol: false, lineStyle: { opacity: 0 }, areaStyle: { color: "#b7312c", opacity: 0.18 }, itemStyle: { color: "#e8b4b1" } },
        { name: labels.forecast, type: "line", data: series.forecast, showSymbol: true, lineStyle: { type: "dashed" }, itemStyle: { color: "#b7312c" } },
      ],
    };
  }

  function start() {
    var data = readData();
    var element = document.getElementById("forecast-chart");
    var pick = document.getElementById("forecast-series");
    if (!data || !element || !pick || typeof echarts === "undefined" || !data.series || !data.series.length) {
      return;
    }
    data.series.forEach(function (series, i) {
      var option = document.createElement("option");
      option.value = String(i);
      option.textContent = series.label;
      pick.appendChild(option);
    });
    element.hidden = false;
    pick.parentElement.hidden = false;
    var chart = echarts.init(element, null, { renderer: "canvas" });
    function draw() {
      chart.setOption(options(data, data.series[Number(pick.value) || 0]), true);
      element.setAttribute("data-series", data.series[Number(pick.value) || 0].key);
    }
    pick.addEventListener("change", draw);
    window.addEventListener("resize", function () {
      chart.resize();
    });
    draw();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
