/* Quarterly ranking: grade distribution per township, data from {{ chart|json_script:"grade-chart-data" }}. */
(function () {
  "use strict";
  var source = document.getElementById("grade-chart-data");
  if (!source || typeof Chart === "undefined") return;
  var data = JSON.parse(source.textContent);
  var colors = {EXCELLENT: "#2e7d32", GOOD: "#1565c0", AVERAGE: "#ef8f00", POOR: "#c62828"};
  Chart.defaults.animation = false;
  new Chart(document.getElementById("grade-chart"), {
    type: "bar",
    data: {labels: data.labels, datasets: data.datasets.map(function (d) {
      return {label: d.label, data: d.data, backgroundColor: colors[d.grade]};
    })},
    options: {responsive: true, maintainAspectRatio: false, scales: {x: {stacked: true}, y: {stacked: true, beginAtZero: true, ticks: {precision: 0}}}}
  });
})();
