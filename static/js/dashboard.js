(function () {
  const el = document.getElementById("unit-chart");
  const source = document.getElementById("unit-chart-data");
  if (!el || !source || !window.echarts) return;
  const data = JSON.parse(source.textContent);
  const chart = echarts.init(el);
  chart.setOption({
    // drawn on the canvas: the HTML tooltip's markup carries style="" attributes, which the
    // Content-Security-Policy refuses
    tooltip: { trigger: "axis", renderMode: "richText" },
    legend: { data: [el.dataset.pendingLabel || "在办", el.dataset.overdueLabel || "逾期"] },
    grid: { left: 8, right: 8, bottom: 8, containLabel: true },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", data: data.units, inverse: true },
    series: [
      { name: el.dataset.pendingLabel || "在办", type: "bar", data: data.pending, itemStyle: { color: "#1f5fa8" } },
      { name: el.dataset.overdueLabel || "逾期", type: "bar", data: data.overdue, itemStyle: { color: "#b0201f" } },
    ],
  });
  // each bar opens the deadline list behind it (the URLs are built server-side, one per bar)
  chart.on("click", function (params) {
    const urls = params.seriesIndex === 0 ? data.pending_urls : data.overdue_urls;
    const url = urls && urls[params.dataIndex];
    if (url) window.location.assign(url);
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
