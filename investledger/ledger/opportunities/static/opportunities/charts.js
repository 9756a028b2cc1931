// Draws a list's chart by category from the JSON the page carries (json_script "category-chart-data"):
// opportunities as bars, estimated investment as a line on its own axis. The table beside it holds the
// same figures, so nothing is lost without JavaScript.
(function () {
  "use strict";

  function draw() {
    var box = document.getElementById("category-chart");
    var source = document.getElementById("category-chart-data");
    if (!box || !source || typeof echarts === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var chart = echarts.init(box);
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis", renderMode: "richText" },
      legend: { top: 0 },
      grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
      xAxis: {
        type: "category",
        data: data.categories,
        axisLabel: { interval: 0, rotate: data.categories.length > 4 ? 30 : 0, width: 100, overflow: "truncate" },
      },
      yAxis: [
        { type: "value", minInterval: 1 },
        { type: "value", splitLine: { show: false } },
      ],
      series: [
        { name: data.count_label, type: "bar", data: data.counts, itemStyle: { color: "#2f6fb0" } },
        { name: data.value_label, type: "line", yAxisIndex: 1, data: data.values, itemStyle: { color: "#e08a00" } },
      ],
    });
    box.setAttribute("data-drawn", "true");
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
