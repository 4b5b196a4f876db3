/* Monthly attendance charts: data from {{ chart_data|json_script:"totals-chart-data" }}. */
(function () {
  "use strict";
  var source = document.getElementById("totals-chart-data");
  if (!source || typeof Chart === "undefined") return;
  var data = JSON.parse(source.textContent);
  Chart.defaults.font.family = '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", sans-serif';
  Chart.defaults.animation = false;
  new Chart(document.getElementById("chart-trend"), {
    type: "line",
    data: {labels: data.trend.labels, datasets: [{
      label: data.labels.rate, data: data.trend.rates, borderColor: "#b4232a",
      backgroundColor: "rgba(180,35,42,.15)", fill: true, spanGaps: true, tension: 0.2
    }]},
    options: {maintainAspectRatio: false, scales: {y: {min: 0, max: 100, title: {display: true, text: data.labels.rate}}},
      plugins: {tooltip: {callbacks: {afterLabel: function (ctx) { return data.labels.rows + "：" + data.trend.rows[ctx.dataIndex]; }}}}}
  });
  new Chart(document.getElementById("chart-distribution"), {
    type: "bar",
    data: {labels: data.distribution.labels, datasets: [{
      label: data.labels.count, data: data.distribution.rows, backgroundColor: "#1d5fbf"
    }]},
    options: {maintainAspectRatio: false, scales: {
      x: {title: {display: true, text: data.labels.on_site_days}},
      y: {beginAtZero: true, ticks: {precision: 0}, title: {display: true, text: data.labels.count}}}}
  });
})();
