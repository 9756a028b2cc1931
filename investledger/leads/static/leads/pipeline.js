// Draws the pipeline's funnel from the JSON the page carries (json_script "lead-funnel-data"); the
// table beside it holds the same figures, so nothing is lost without JavaScript.
(function () {
  "use strict";
  function draw() {
    var box = document.getElementById("lead-funnel");
    var data = document.getElementById("lead-funnel-data");
    if (!box || !data || !window.echarts) return;
    var steps = JSON.parse(data.textContent);
    var chart = window.echarts.init(box);
    chart.setOption({
      animation: false,
      tooltip: { trigger: "item", renderMode: "richText" },
      series: [
        {
          type: "funnel",
          sort: "none",
          gap: 2,
          left: "5%",
          width: "90%",
          minSize: "10%",
          label: { show: true, position: "inside", formatter: "{b}: {c}" },
          // The stages in order, each with the leads that reached it; lost leads are in the table.
          data: steps.filter(function (s) { return s.stage !== "lost"; }).map(function (s) {
            return { name: s.label, value: s.reached };
          }),
        },
      ],
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  document.addEventListener("DOMContentLoaded", draw);
})();
