// Draws a theme's growth (items and accounts per week) from the page's JSON (Chart.js, served by
// the console).
document.addEventListener("DOMContentLoaded", () => {
  const data = document.getElementById("growth-data");
  const canvas = document.getElementById("growth-chart");
  if (!data || !canvas || typeof Chart === "undefined") return;
  const growth = JSON.parse(data.textContent);
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: growth.labels,
      datasets: [
        { type: "bar", label: growth.items_label, data: growth.items, backgroundColor: "rgba(29, 78, 216, 0.55)" },
        { type: "line", label: growth.accounts_label, data: growth.accounts, borderColor: "#b45309", backgroundColor: "#b45309", pointRadius: 3 },
      ],
    },
    options: {
      animation: false,
      maintainAspectRatio: false,
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
    },
  });
});
