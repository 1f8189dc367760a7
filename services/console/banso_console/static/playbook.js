// The uplift and its 95 % interval: a floating bar for the interval, a point for the estimate.
(function () {
  const canvas = document.getElementById("uplift-chart");
  const source = document.getElementById("uplift-data");
  if (!canvas || !source || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  new Chart(canvas, {
    data: {
      labels: [data.label],
      datasets: [
        { type: "bar", label: data.interval_label, data: [[data.low, data.high]], backgroundColor: "rgba(29, 78, 216, 0.35)", borderColor: "#1d4ed8", borderWidth: 1, barPercentage: 0.5 },
        { type: "line", label: data.estimate_label, data: [data.estimate], showLine: false, pointRadius: 7, pointBackgroundColor: "#0b1f44", borderColor: "#0b1f44" },
      ],
    },
    options: {
      indexAxis: "y",
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      scales: { x: { min: data.min, max: data.max, title: { display: true, text: "pt" } } },
    },
  });
})();
