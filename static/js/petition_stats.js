// The petition statistics page's trend chart: received petitions per month (bars, left axis)
// and the four rates in per cent (lines, right axis). Data from the json_script block.
(function () {
  const el = document.getElementById("petition-trend-chart");
  const source = document.getElementById("petition-trend-data");
  if (!el || !source || !window.echarts) return;
  const data = JSON.parse(source.textContent);
  const label = (name, fallback) => el.dataset[name] || fallback;
  const narrow = el.clientWidth < 576;
  const rate = (name, key, color) => ({
    name: label(name, key), type: "line", yAxisIndex: 1, data: data[key], connectNulls: true,
    symbolSize: 6, itemStyle: { color: color }, lineStyle: { width: 2 },
  });
  const chart = echarts.init(el);
  chart.setOption({
    tooltip: {
      trigger: "axis",
      // drawn on the canvas: the HTML tooltip's markup carries style="" attributes, which the
      // Content-Security-Policy refuses
      renderMode: "richText",
      valueFormatter: (value) => (value === null || value === undefined ? "—" : value),
    },
    // on a phone the legend goes below the chart, where it has the whole width
    legend: narrow ? { bottom: 0, type: "scroll" } : { top: 0 },
    grid: { left: 8, right: 8, top: 40, bottom: narrow ? 36 : 8, containLabel: true },
    xAxis: { type: "category", data: data.months, axisLabel: { hideOverlap: true } },
    yAxis: [
      { type: "value", name: label("countAxis", "件"), minInterval: 1 },
      { type: "value", name: "%", min: 0, max: 100, splitLine: { show: false } },
    ],
    series: [
      { name: label("receivedLabel", "收件数"), type: "bar", data: data.received, itemStyle: { color: "#1f5fa8" }, barMaxWidth: 28 },
      rate("acceptanceLabel", "acceptance", "#2e8b57"),
      rate("closureLabel", "closure", "#b0201f"),
      rate("replyLabel", "reply", "#d08c1a"),
      rate("satisfactionLabel", "satisfaction", "#6f42c1"),
    ],
  });
  // a month's bar opens the petitions received that month (URLs built server-side, one per bar)
  chart.on("click", function (params) {
    const url = params.seriesType === "bar" && data.urls && data.urls[params.dataIndex];
    if (url) window.location.assign(url);
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
