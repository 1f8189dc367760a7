// Draws the health history chart from the page's JSON (Chart.js, served by the console).
document.addEventListener("DOMContentLoaded", () => {
  const data = document.getElementById("history-data");
  const canvas = document.getElementById("history-chart");
  if (!data || !canvas || typeof Chart === "undefined") return;
  const history = JSON.parse(data.textContent);
  const day = new Intl.DateTimeFormat(document.documentElement.lang, { month: "short", day: "numeric" });
  new Chart(canvas, {
    type: "line",
    data: {
      datasets: [{
        label: history.label,
        data: history.points,
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
      scales: {
        x: { type: "linear", ticks: { maxTicksLimit: 8, callback: (value) => day.format(new Date(value)) } },
        y: { min: 0, max: 100 },
      },
      plugins: {
        legend: { display: false },
        tooltip: { callbacks: { title: (items) => history.tooltips[items[0].dataIndex] } },
      },
    },
  });
});
