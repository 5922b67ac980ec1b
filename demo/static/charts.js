// The classroom demo's page, part 4: the charts and drawing a frame. Plain scripts sharing one global scope, loaded
// in order by index.html (core, controls, draw, charts, app, class).
"use strict";
const RUN_LINES = [{ stroke: "#1b1b1b", dash: undefined, band: "rgba(27,27,27,0.18)" },
  { stroke: "#c2410c", dash: [10, 6], band: "rgba(194,65,12,0.18)" }];
function cursorPlugin() {  // the replay week as a vertical line
  return { hooks: { draw: [(u) => {
    if (S.replayWeek === null) return;
    const x = u.valToPos(S.replayWeek, "x", true);
    const ctx = u.ctx;
    ctx.save(); ctx.strokeStyle = "#d00000"; ctx.lineWidth = 2;
    ctx.beginPath(); ctx.moveTo(x, u.bbox.top); ctx.lineTo(x, u.bbox.top + u.bbox.height); ctx.stroke(); ctx.restore();
  }] } };
}
function answerPlugin(measure) {  // the lesson's answer: the weeks averaged, both means, the difference
  return { hooks: { draw: [(u) => {
    const mark = S.answer && S.answer.marks.find((m) => m.measure === measure);
    if (!mark) return;
    const ctx = u.ctx, px = devicePixelRatio || 1;
    const x0 = u.valToPos(mark.from, "x", true), x1 = u.valToPos(mark.to, "x", true);
    const yl = u.valToPos(mark.left, "y", true), yr = u.valToPos(mark.right, "y", true);
    ctx.save();
    ctx.fillStyle = "rgba(120,120,120,0.10)";
    ctx.fillRect(x0, u.bbox.top, x1 - x0, u.bbox.height);
    ctx.lineWidth = 2 * px;
    ctx.setLineDash([4 * px, 3 * px]);
    ctx.strokeStyle = RUN_LINES[0].stroke; ctx.beginPath(); ctx.moveTo(x0, yl); ctx.lineTo(x1, yl); ctx.stroke();
    ctx.strokeStyle = RUN_LINES[1].stroke; ctx.beginPath(); ctx.moveTo(x0, yr); ctx.lineTo(x1, yr); ctx.stroke();
    ctx.setLineDash([]);
    ctx.strokeStyle = "#6a0dad"; ctx.lineWidth = 2.5 * px;  // the bracket: the paired difference
    const xb = x1 - 6 * px;
    ctx.beginPath(); ctx.moveTo(xb - 5 * px, yl); ctx.lineTo(xb, yl); ctx.lineTo(xb, yr); ctx.lineTo(xb - 5 * px, yr); ctx.stroke();
    ctx.fillStyle = "#3d0066"; ctx.font = `${12 * px}px system-ui, sans-serif`; ctx.textAlign = "right";
    ctx.fillText(mark.label, xb - 8 * px, Math.min(yl, yr) - 4 * px < u.bbox.top + 12 * px ? Math.max(yl, yr) + 14 * px : Math.min(yl, yr) - 4 * px);
    ctx.restore();
  }] } };
}
function axes() {
  const font = "14px system-ui, sans-serif";
  return [{ font, stroke: "#333", grid: { stroke: "#e4e4e4" } }, { font, stroke: "#333", size: 58, grid: { stroke: "#e4e4e4" } }];
}
function plotSize(box) {
  const compare = S.frame && S.frame.runs.length > 1;
  const projector = document.body.classList.contains("projector");
  return { width: Math.max(150, box.clientWidth - 4), height: projector ? 180 : compare ? 200 : 250 };
}
function linePlot(box, chart, labels) {
  const series = [{}];
  const bands = [];
  chart.runs.forEach((r, k) => {
    series.push({ label: labels[k], stroke: RUN_LINES[k].stroke, width: 2.5, dash: RUN_LINES[k].dash, points: { show: false } });
  });
  chart.runs.forEach((r, k) => {
    if (!r.band) return;
    series.push({ label: labels[k] + " low", stroke: "transparent", points: { show: false } });
    series.push({ label: labels[k] + " high", stroke: "transparent", points: { show: false } });
    bands.push({ series: [series.length - 1, series.length - 2], fill: RUN_LINES[k].band });
  });
  const y = chart.share ? { range: [0, 1] } : { range: (u, lo, hi) => [Math.min(0, lo ?? 0), hi > 0 ? hi * 1.08 : 1] };
  return new uPlot({ ...plotSize(box), series, bands, axes: axes(), legend: { show: false },
    scales: { x: { time: false }, y }, cursor: { drag: { x: false, y: false } }, plugins: [cursorPlugin(), answerPlugin(chart.measure)] }, lineData(chart), box);
}
function lineData(chart) {
  const data = [chart.x, ...chart.runs.map((r) => r.values)];
  chart.runs.forEach((r) => { if (r.band) data.push(r.band[0], r.band[1]); });
  return data;
}
function ladderPlot(box, cum) {
  const series = [{}, ...RUNG_COLOURS.map((c, i) => ({ label: t("rung." + i), stroke: "#555", width: 0.5, points: { show: false }, fill: i === 0 ? c : undefined }))];
  const bands = [1, 2, 3].map((i) => ({ series: [i + 1, i], fill: RUNG_COLOURS[i] }));
  return new uPlot({ ...plotSize(box), series, bands, axes: axes(), legend: { show: false },
    scales: { x: { time: false }, y: { range: [0, 1] } }, cursor: { drag: { x: false, y: false } }, plugins: [cursorPlugin()] }, null, box);
}

function chartTitle(name) {
  const m = S.meta.measures.find((x) => x.name === name);
  return { m, title: name === "ladder" ? t("ui.ladder") : m.label, unit: name === "ladder" ? nameOf("unit", "share") : nameOf("unit", m.unit) };
}
function buildCharts(frame) {  // cards and plots, made again only when what they show changes
  for (const p of S.plots || []) p.plots.forEach((u) => u.destroy());
  S.plots = [];
  const labels = frame.runs.map((r) => scenarioLabel(r.label));
  const cards = frame.charts.map((chart) => {
    const name = chart.measure;
    const { m, title, unit } = chartTitle(name);
    const card = el("figure", { class: "chart", "data-measure": name, role: "img", "aria-label": t("ui.chart_alt", { name: title }) });
    card.append(el("h3", { title: codeTip(name, m && m.meaning) }, el("span", { text: title }),
      el("button", { type: "button", "aria-label": t("ui.remove_chart", { name: title }), onclick: () => removeChart(name), text: "×" })));
    card.append(el("p", { class: "axes", text: t("ui.weeks_axis", { unit }) }));
    const outs = el("div", { class: "readouts" });
    if (name !== "ladder") {
      frame.runs.forEach((r, k) => outs.append(el("span", { class: "readout" },
        el("small", { text: (frame.runs.length > 1 ? (k ? "- - " : "— ") : "") + labels[k] }), el("span", { class: "value" }))));
      if (frame.runs.length > 1) card.append(el("p", { class: "runs", text: t("ui.run_left", { label: labels[0] }) + "; " + t("ui.run_right", { label: labels[1] }) }));
    } else if (frame.runs.length > 1) {
      card.append(el("p", { class: "runs", text: labels.join(" | ") }));
    }
    card.append(outs);
    if (chart.runs.some((r) => r.band)) card.append(el("p", { class: "runs", text: t("ui.band", { n: S.bands || "" }) }));
    const boxes = el("div", { class: "plots" });
    card.append(boxes);
    return { card, chart, boxes, outs, labels };
  });
  $("charts").replaceChildren(...cards.map((c) => c.card));
  for (const c of cards) {  // plots need their box in the page to know its width
    let plots;
    if (c.chart.measure === "ladder") {
      c.boxes.classList.toggle("two", c.chart.runs.length > 1);
      plots = c.chart.runs.map(() => { const b = el("div", { class: "plot" }); c.boxes.append(b); return b; })
        .map((b) => ladderPlot(b, null));
    } else {
      const b = el("div", { class: "plot" }); c.boxes.append(b);
      plots = [linePlot(b, c.chart, c.labels)];
    }
    S.plots.push({ measure: c.chart.measure, plots, outs: c.outs });
  }
}
function chartKey(frame) {
  return [S.lang, frame.runs.map((r) => r.label).join("|"),
    frame.charts.map((c) => c.measure + ":" + c.runs.map((r) => (r.band ? "b" : "")).join("")).join(",")].join("/");
}
function updateCharts(frame) {
  const key = chartKey(frame);
  if (key !== S.chartKey) { buildCharts(frame); S.chartKey = key; }
  frame.charts.forEach((chart, i) => {
    const p = S.plots[i];
    if (chart.measure === "ladder") {
      chart.runs.forEach((r, k) => p.plots[k].setData([chart.x, ...r.cum]));
    } else {
      p.plots[0].setData(lineData(chart));
      p.outs.querySelectorAll(".value").forEach((v, k) => { v.textContent = fmt(frame.runs[k].readouts[chart.measure]); });
    }
  });
}
window.addEventListener("resize", () => {
  for (const p of S.plots || []) p.plots.forEach((u) => u.setSize(plotSize(u.root.parentElement)));
});

async function render(frame) {
  S.frame = frame;
  const imgs = [];
  $("stage").classList.toggle("compare", frame.runs.length > 1);
  const row = $("map-row");
  row.classList.toggle("single", frame.runs.length === 1);
  row.style.setProperty("--runs", frame.runs.length);
  const cards = frame.runs.map((r, k) => mapCard(r, k));
  cards.forEach((c) => imgs.push(c.img));
  if (frame.runs.length === 1) {
    row.replaceChildren(cards[0].card, flowPanel(frame.runs[0]));
  } else {  // side by side: each run's escalation chain under its map, the charts beside them
    cards.forEach((c, k) => c.card.append(flowPanel(frame.runs[k])));
    row.replaceChildren(...cards.map((c) => c.card));
  }
  legend(frame);
  actorList(frame);
  const exRun = $("ex-run");  // the keyboard way to explain a household
  exRun.hidden = frame.runs.length < 2;
  if (exRun.options.length !== frame.runs.length || exRun.dataset.lang !== S.lang) {
    exRun.replaceChildren(...frame.runs.map((r, k) => el("option", { value: k, text: scenarioLabel(r.label) })));
    exRun.dataset.lang = S.lang;
  }
  $("ex-x").max = frame.runs[0].width - 1;
  $("ex-y").max = frame.runs[0].height - 1;
  updateCharts(frame);
  const live = frame.week === frame.latest;
  $("week").textContent = t("ui.week", { week: frame.week }) + (live ? "" : " / " + frame.latest);
  announceWeek();
  const rep = $("replay");
  rep.min = frame.oldest; rep.max = frame.latest; rep.value = frame.week;
  $("replay-out").textContent = live ? t("ui.replay_live") : String(frame.week);
  $("replay-note").hidden = live;
  if (!live) $("replay-note").textContent = t("ui.replaying", { week: frame.week, latest: frame.latest });
  $("timing").textContent = t("ui.timing", { step: fmt(frame.timing.step_ms), draw: fmt(frame.timing.draw_ms) });
  document.body.dataset.week = frame.latest;
  exportLinks();
  if (!S.urlAt || performance.now() - S.urlAt > 1000) writeUrl();  // the week, at most once a second
  await Promise.all(imgs.map((i) => i.decode().catch(() => {})));
  const box = document.querySelector(".map-box");
  if (box && box.clientWidth) S.mapPx = box.clientWidth;
}
function announceWeek(force) {  // screen readers hear the week once a second at most, or on pause
  const now = performance.now();
  if (!force && S.playing && S.saidAt && now - S.saidAt < 1000) return;
  S.saidAt = now;
  $("week-said").textContent = $("week").textContent;
}

