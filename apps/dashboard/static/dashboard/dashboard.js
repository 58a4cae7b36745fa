/* Network dashboard charts. The tables beside them hold the same numbers; this file only
 * draws, from the JSON that the page embeds with json_script. Every label arrives
 * translated, so there is no text here. Without JavaScript (or ECharts) the chart boxes
 * stay hidden and the page is the tables. */
(function () {
  "use strict";
  if (typeof window.echarts === "undefined") return;

  var PALETTE = ["#b4232a", "#3a6ea5", "#d4883a", "#4f8a5b", "#7b5ea7", "#8c8c8c"];
  var GAP = "#b4232a";
  var OK = "#9fb6cf";
  var TIER_COLORS = { municipal: "#b4232a", district: "#3a6ea5", town: "#d4883a", department: "#4f8a5b" };
  var lang = (document.documentElement.lang || "zh-hans").toLowerCase();
  var locale = lang.indexOf("zh") === 0 ? "ZH" : "EN";
  var charts = [];

  function read(id) {
    var node = document.getElementById(id);
    if (!node) return null;
    try {
      return JSON.parse(node.textContent);
    } catch (e) {
      return null;
    }
  }

  function total(series) {
    var sum = 0;
    series.forEach(function (s) {
      s.data.forEach(function (v) { sum += v || 0; });
    });
    return sum;
  }

  function bar(data) {
    var horizontal = !!data.horizontal;
    var category = { type: "category", data: data.categories, axisTick: { alignWithLabel: true } };
    var value = { type: "value", minInterval: 1 };
    if (horizontal) category.inverse = true;
    else category.axisLabel = { interval: 0, overflow: "break", width: 90 };
    return {
      color: PALETTE,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0, type: "scroll" },
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? category : value,
      series: data.series.map(function (s) {
        return {
          name: s.name,
          type: "bar",
          stack: data.stack ? "total" : undefined,
          data: s.data,
          barMaxWidth: 36,
          emphasis: { focus: "series" }
        };
      })
    };
  }

  function gaps(data) {
    return {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      grid: { left: 8, right: 40, top: 16, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: data.categories, inverse: true },
      series: [{
        name: data.seriesName,
        type: "bar",
        barMaxWidth: 28,
        label: { show: true, position: "right" },
        data: data.values.map(function (v, i) {
          return { value: v, itemStyle: { color: data.gaps[i] ? GAP : OK } };
        }),
        markLine: {
          symbol: "none",
          lineStyle: { color: "#d97706", type: "dashed", width: 2 },
          label: { formatter: data.thresholdLabel + " {c}", position: "end", color: "#b45309" },
          data: [{ xAxis: data.threshold }]
        }
      }]
    };
  }

  function sankey(data, el) {
    var labels = {};
    var left = 0;
    var right = 0;
    data.nodes.forEach(function (n) {
      labels[n.name] = n.label;
      if (n.depth === 0) left += 1; else right += 1;
    });
    el.style.height = Math.max(300, Math.max(left, right) * 30 + 60) + "px";
    return {
      color: PALETTE,
      tooltip: {
        trigger: "item",
        formatter: function (p) {
          if (p.dataType === "edge") {
            return labels[p.data.source] + " → " + labels[p.data.target] + ": " + p.data.value;
          }
          return labels[p.name] + ": " + p.value;
        }
      },
      graphic: [
        { type: "text", left: 0, top: 0, style: { text: data.publishersLabel, fill: "#59636e", font: "13px sans-serif" } },
        { type: "text", right: 0, top: 0, style: { text: data.reusersLabel, fill: "#59636e", font: "13px sans-serif" } }
      ],
      series: [{
        type: "sankey",
        top: 28,
        bottom: 8,
        left: 8,
        right: 8,
        nodeAlign: "justify",
        layoutIterations: 32,
        emphasis: { focus: "adjacency" },
        lineStyle: { color: "gradient", curveness: 0.5, opacity: 0.35 },
        label: {
          formatter: function (p) { return labels[p.name]; }
        },
        levels: [
          { depth: 0, label: { position: "right" } },
          { depth: 1, label: { position: "left" } }
        ],
        data: data.nodes.map(function (n) {
          return { name: n.name, depth: n.depth, itemStyle: { color: TIER_COLORS[n.tier] || "#8c8c8c" } };
        }),
        links: data.links
      }]
    };
  }

  function gauge(data) {
    return {
      series: [{
        type: "gauge",
        min: 0,
        max: 100,
        progress: { show: true, width: 16, itemStyle: { color: "#b4232a" } },
        axisLine: { lineStyle: { width: 16 } },
        axisTick: { show: false },
        splitLine: { show: false },
        axisLabel: { show: false },
        pointer: { show: false },
        anchor: { show: false },
        title: { offsetCenter: [0, "28%"], fontSize: 14, color: "#59636e" },
        detail: { valueAnimation: true, offsetCenter: [0, "-8%"], fontSize: 30, fontWeight: "bold", formatter: "{value}%" },
        data: [{ value: data.value, name: data.name }]
      }]
    };
  }

  function optionFor(data, el) {
    switch (data.type) {
      case "bar":
        return total(data.series) > 0 ? bar(data) : null;
      case "gaps":
        return data.categories.length ? gaps(data) : null;
      case "sankey":
        return data.links.length ? sankey(data, el) : null;
      case "gauge":
        return data.value === null ? null : gauge(data);
      default:
        return null;
    }
  }

  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var data = read(el.getAttribute("data-chart"));
    if (!data) return;
    el.hidden = false;
    var option = optionFor(data, el);
    if (!option) {
      el.hidden = true;
      return;
    }
    // Tooltips are drawn on the canvas, not written into the page as HTML: the page's
    // Content-Security-Policy allows no inline style (ECharts' HTML tooltips carry style
    // attributes), and a label from the data is then never read as markup.
    if (option.tooltip) option.tooltip.renderMode = "richText";
    var chart = window.echarts.init(el, null, { locale: locale });
    chart.setOption(option);
    charts.push(chart);
    if (typeof window.ResizeObserver === "function") {
      new window.ResizeObserver(function () { chart.resize(); }).observe(el);
    }
  });

  var pending = null;
  window.addEventListener("resize", function () {
    if (pending) window.clearTimeout(pending);
    pending = window.setTimeout(function () {
      charts.forEach(function (c) { c.resize(); });
    }, 120);
  });
})();
