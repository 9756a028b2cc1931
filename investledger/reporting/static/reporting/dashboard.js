// Draws the dashboard's charts from the JSON the page carries (json_script "dashboard-charts").
// Clicking a bar, point or funnel step opens the ledger filtered to it. Every chart has a table
// with the same figures in the page, so nothing is lost without JavaScript.
(function () {
  "use strict";

  var COLOURS = {
    red: "#d6362f",
    yellow: "#e8b400",
    green: "#2e9d57",
    none: "#c4c8cf",
  };

  function baseOption(spec) {
    return {
      animation: false,
      // Plain-text tooltips: HTML tooltips carry style attributes, which the CSP refuses.
      tooltip: { trigger: spec.kind === "funnel" ? "item" : "axis", renderMode: "richText" },
      grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
      legend: { top: 0 },
    };
  }

  function categoryAxis(spec) {
    return {
      type: "category",
      data: spec.categories,
      axisLabel: { interval: 0, rotate: spec.categories.length > 6 ? 30 : 0, width: 110, overflow: "truncate" },
    };
  }

  function option(spec) {
    var o = baseOption(spec);
    if (spec.kind === "funnel") {
      o.legend = { show: false };
      o.series = [
        {
          type: "funnel",
          sort: "none",
          left: "10%",
          width: "80%",
          label: { show: true, position: "inside", formatter: "{b}: {c}" },
          data: spec.categories.map(function (name, i) {
            return { name: name, value: spec.series[0].data[i] };
          }),
        },
      ];
      return o;
    }
    o.xAxis = categoryAxis(spec);
    if (spec.kind === "stacked") {
      o.yAxis = { type: "value", minInterval: 1 };
      o.series = spec.series.map(function (s) {
        return { name: s.name, type: "bar", stack: "lights", data: s.data, itemStyle: { color: COLOURS[s.key] } };
      });
      return o;
    }
    if (spec.kind === "pair") {
      o.yAxis = { type: "value", name: spec.unit === "yi" ? "亿元" : "" };
      o.series = spec.series.map(function (s) {
        return { name: s.name, type: "bar", data: s.data };
      });
      return o;
    }
    // bar or line: value on the left axis, project count on the right one when given.
    o.yAxis = [
      { type: "value", name: spec.unit === "yi" ? "亿元" : "" },
      { type: "value", minInterval: 1, splitLine: { show: false } },
    ];
    o.series = spec.series.map(function (s) {
      var isCount = s.axis === 1;
      return {
        name: s.name,
        type: spec.kind === "line" && !isCount ? "line" : "bar",
        yAxisIndex: isCount ? 1 : 0,
        data: s.data,
        barMaxWidth: 28,
        itemStyle: isCount ? { opacity: 0.45 } : undefined,
      };
    });
    return o;
  }

  function draw() {
    var holder = document.getElementById("dashboard-charts");
    if (!holder || typeof echarts === "undefined") {
      return;
    }
    var specs = JSON.parse(holder.textContent);
    var charts = [];
    specs.forEach(function (spec) {
      var el = document.querySelector('[data-chart="' + spec.id + '"]');
      if (!el) {
        return;
      }
      var chart = echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(option(spec));
      chart.on("click", function (params) {
        var link = spec.links[params.dataIndex];
        if (link) {
          window.location.assign(link);
        }
      });
      el.setAttribute("data-rendered", "true");
      charts.push(chart);
    });
    window.addEventListener("resize", function () {
      charts.forEach(function (c) {
        c.resize();
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
