// Draws the health history chart from the page's JSON (Chart.js, served by the console).
document.addEventListener("DOMContentLoaded", () => {
  const data = document.getElementById("history-data");
  const canvas = document.getElementById("history-chart");
  if (!data || !canvas || typeof Chart === "undefined") return;
  const history = JSON.parse(data.textContent);
  new Chart(canvas, {
    type: "line",
    data: {
      labels: history.labels,
      datasets: [{
        label: history.label,
        data: history.scores,
        borderColor: "#1d4ed8",
        backgroundColor: "rgba(29, 78, 216, 0.12)",
        fill: true,
        stepped: true,
        pointRadius: 3,
      }],
    },
    options: {
      animation: false,
      maintainAspectRatio: false,
      scales: { y: { min: 0, max: 100 } },
      plugins: { legend: { display: false } },
    },
  });
});
