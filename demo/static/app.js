// The classroom demo's page. The page paces the live loop: it asks for the next frame only
// after the last one is drawn, and every request that touches the run goes through one
// queue, so frames arrive in order and a control change never races a step.
"use strict";

const $ = (id) => document.getElementById(id);
const SVGNS = "http://www.w3.org/2000/svg";
const RUNG_COLOURS = ["#f2f2f2", "#a6cee3", "#3b83b8", "#08306b"];
const SYMBOLS = {  // class name -> how it is drawn (SVG), in the map, the strip and the legend
  PartyBranch: { shape: "star", fill: "#d7191c", size: 2.6 },
  GridWorker: { shape: "circle", fill: "#e6550d", size: 2.2 },
  SocialOrganization: { shape: "triangle", fill: "#31a354", size: 2.4 },
  Enterprise: { shape: "diamond", fill: "#fdd835", size: 2.4 },
  Government: { shape: "square", fill: "#6a3d9a", size: 2.4 },
  ResidentsCommittee: { shape: "house", fill: "#1f78b4", size: 2.4 },
  PartyCommittee: { shape: "star", fill: "#d7191c", size: 3.2 },
};
const FRAME_MS = 150;  // target time per frame in play at the fastest speed
const MARKS = { raised: "#000000", settled: "#1a9850", passed_up: "#d7191c" };

const S = {  // everything the page knows
  lang: "en", meta: null, sid: null, state: null, charts: null, lesson: 0,
  frame: null, playing: false, loopId: 0, replayWeek: null, seedsPoll: null, lastFrameMs: 200,
};
window.demoTimings = { step: [], frames: [] };  // read by the browser test and benchmark

// --- words -----------------------------------------------------------------------------------
function t(key, vals) {
  let s = (S.meta && S.meta.text[key]) || key;
  if (vals) for (const [k, v] of Object.entries(vals)) s = s.split("{" + k + "}").join(v);
  return s;
}
function nameOf(kind, code) { return (S.meta.text[kind + "." + code]) || code; }
function codeTip(code, meaning) { return (meaning ? meaning + "\n" : "") + t("ui.code_name", { code }); }
function fmt(v) {
  if (v === null || v === undefined || Number.isNaN(v)) return "—";
  if (typeof v === "boolean") return v ? "✓" : "✗";
  const a = Math.abs(v);
  return a !== 0 && (a < 0.01 || a >= 1e5) ? v.toExponential(2) : (+v.toPrecision(3)).toString();
}
function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "text") e.textContent = v; else if (k === "html") e.innerHTML = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (v !== false && v !== null && v !== undefined) e.setAttribute(k, v === true ? "" : v);
  }
  for (const kid of kids) if (kid) e.append(kid);
  return e;
}

// --- talking to the server -------------------------------------------------------------------
let queue = Promise.resolve();
function post(path, body) {  // queued: one request on the run at a time, in order
  const job = queue.then(() => send(path, body));
  queue = job.catch(() => {});
  return job;
}
async function send(path, body) {
  const res = await fetch(path, { method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ sid: S.sid, lang: S.lang, ...body }) });
  const data = await res.json().catch(() => ({ error: "bad answer from the server" }));
  if (res.status === 410) { await reopen(); throw Object.assign(new Error("reopened"), { reopened: true }); }
  if (!res.ok) throw Object.assign(new Error(data.error || res.statusText), { field: data.field, status: res.status });
  return data;
}
async function reopen() {  // the server forgot this tab (restart or sweep): rebuild from state
  // The same seed rebuilds the same run, so stepping to the same week restores it exactly.
  const week = S.frame ? Math.min(S.frame.latest, 1040) : 0;
  const data = await send("/api/open", { state: S.state, charts: S.charts, week });
  S.sid = data.sid; S.state = S.want = data.state;
  await render(data);
  setStatus(t("ui.session_lost"));
}

// --- controls from the schema ----------------------------------------------------------------
function scenarioMeta(name) { return S.meta.scenarios.find((s) => s.name === name); }
function scenarioLabel(name) { const sc = scenarioMeta(name); return sc ? sc.label : name; }
function presetOf(name) { return scenarioMeta(S.state.scenario).presets[name]; }
function valueOf(name) { return name in S.state.settings ? S.state.settings[name] : presetOf(name); }

function buildControls() {
  const m = S.meta;
  document.documentElement.lang = S.lang === "zh" ? "zh-CN" : "en";
  document.title = t("app.title");
  document.querySelectorAll("[data-i18n]").forEach((e) => { e.textContent = t(e.dataset.i18n); });
  document.querySelectorAll("[data-i18n-title]").forEach((e) => { e.title = t(e.dataset.i18nTitle); });
  $("lang").value = S.lang;
  const lessonSel = $("lesson");
  lessonSel.replaceChildren(el("option", { value: "0", text: t("ui.lesson_none") }),
    ...m.lessons.map((l) => el("option", { value: l.number, text: l.title })));
  lessonSel.value = String(S.lesson);
  for (const [id, field] of [["scenario", "scenario"], ["scenario-b", "scenario_b"]]) {
    const sel = $(id);
    // One group per kind of scenario (the article's, other communities, one mechanism, one
    // pathway closed), so twenty generated pathway presets do not bury the main ones.
    sel.replaceChildren(...m.scenario_groups.map((g) => el("optgroup", { label: g.label, "data-kind": g.kind },
      ...m.scenarios.filter((s) => s.kind === g.kind).map((s) =>
        el("option", { value: s.name, text: s.label, title: codeTip(s.name, s.description) })))));
  }
  const sw = $("switches");
  sw.replaceChildren(...m.switches.map((p) => {
    const id = "sw-" + p.name;
    return el("div", { class: "switch", "data-name": p.name, title: codeTip(p.name, p.meaning) },
      el("input", { type: "checkbox", id, role: "switch", class: "switch-" + p.name,
        onchange: (e) => change({ [p.name]: e.target.checked }) }),
      el("label", { for: id, text: p.label }));
  }));
  const sl = $("sliders");
  sl.replaceChildren(...m.sliders.map((p) => {
    const id = "sl-" + p.name;
    const unit = p.unit ? " " + nameOf("unit", p.unit) : "";
    const out = el("output", { for: id, id: id + "-out" });
    const input = el("input", { type: "range", id, min: p.low, max: p.high, step: p.step,
      "aria-describedby": id + "-preset", oninput: (e) => { out.textContent = fmt(+e.target.value); },
      onchange: (e) => change({ [p.name]: p.type === "int" ? parseInt(e.target.value, 10) : +e.target.value }) });
    return el("div", { class: "slider", "data-name": p.name, title: codeTip(p.name, p.meaning) },
      el("label", { for: id, text: p.label + (unit ? " (" + unit.trim() + ")" : "") }),
      el("div", { class: "row" }, input, out),
      el("span", { class: "preset", id: id + "-preset" }));
  }), ...m.choices.map((p) => {
    const id = "ch-" + p.name;
    return el("div", { class: "slider", "data-name": p.name, title: codeTip(p.name, p.meaning) },
      el("label", { for: id, text: p.label }),
      el("select", { id, onchange: (e) => change({ [p.name]: e.target.value }) },
        ...p.choices.map((c) => el("option", { value: c, text: c }))));
  }));
  const pick = $("chart-pick");
  pick.replaceChildren(el("option", { value: "ladder", text: t("ui.ladder") }),
    ...m.measures.map((x) => el("option", { value: x.name, text: x.label, title: codeTip(x.name, x.meaning) })));
  $("seeds").textContent = t("ui.run_seeds", { n: m.seeds });
  showControls();
}

function showControls() {  // every control shows what is running
  const st = S.state;
  $("scenario").value = st.scenario;
  $("compare").checked = st.compare;
  $("scenario-b-row").hidden = !st.compare;
  if (st.compare) $("scenario-b").value = st.scenario_b;
  if (document.activeElement !== $("seed")) $("seed").value = st.seed;
  const sc = scenarioMeta(st.scenario);
  $("size").replaceChildren(el("option", { value: "0", text: t("ui.size_default", { n: sc.size }) }),
    ...sc.sizes.map((n) => el("option", { value: n, text: n + " × " + n })));
  $("size").value = String(st.size || 0);
  for (const p of S.meta.switches) {
    const box = $("sw-" + p.name);
    box.checked = !!valueOf(p.name);
    box.closest(".switch").classList.toggle("edited", p.name in st.settings);
  }
  for (const p of S.meta.sliders) {
    const v = valueOf(p.name);
    $("sl-" + p.name).value = v;
    $("sl-" + p.name + "-out").textContent = fmt(v);
    $("sl-" + p.name + "-preset").textContent = t("ui.preset_value", { value: fmt(presetOf(p.name)) });
    $("sl-" + p.name).closest(".slider").classList.toggle("edited", p.name in st.settings);
  }
  for (const p of S.meta.choices) $("ch-" + p.name).value = valueOf(p.name);
  writeUrl();
  notes();
}

function notes() {
  const st = S.state;
  const runs = [[st.scenario, st.settings], ...(st.compare ? [[st.scenario_b, {}]] : [])];
  const body = $("notes-body");
  body.replaceChildren(...runs.map(([name, edits]) => {
    const sc = scenarioMeta(name);
    const on = S.meta.switches.filter((p) => (name === st.scenario ? valueOf(p.name) : sc.presets[p.name]));
    const items = on.map((p) => {
      const start = (name === st.scenario ? valueOf(p.name + "_start") : sc.presets[p.name + "_start"]) || 0;
      return el("li", { text: p.label + (start > 1 ? " — " + t("ui.from_week", { week: start }) : "") + ": " + p.meaning });
    });
    const changed = Object.entries(edits).map(([k, v]) => nameOf("param", k) + " = " + fmt(v)).join("; ");
    return el("div", {}, el("h3", { text: sc.label, title: codeTip(name) }), el("p", { text: sc.description }),
      el("p", {}, el("strong", { text: t("ui.switched_on") + ": " }), on.length ? "" : t("ui.nothing_on")),
      on.length ? el("ul", {}, ...items) : null,
      changed ? el("p", {}, el("strong", { text: t("ui.your_changes") + ": " }), changed) : null);
  }));
}

// --- changing the setting ----------------------------------------------------------------------
// S.want is the setting asked for (changes made while a request is on its way build on it),
// S.state the setting running on the server, which the controls show once it answers.
async function apply(newState, opts = {}) {
  S.want = newState;
  try {
    const data = await post("/api/config", { state: newState, charts: S.charts });
    S.state = data.state;
    if (S.want === newState) S.want = data.state;
    S.replayWeek = null;
    $("seed-error").hidden = true;
    $("setting-error").hidden = true;
    await render(data);
    if (S.want === data.state) showControls();  // else a newer change is on its way
    return true;
  } catch (err) {
    if (err.reopened) return false;
    if (S.want === newState) S.want = S.state;
    const box = err.field === "seed" ? $("seed-error") : $("setting-error");
    box.textContent = err.field === "seed" ? t("ui.seed_error") + " (" + err.message + ")" : t("ui.error") + ": " + err.message;
    box.hidden = false;
    if (!opts.keep) showControls();  // controls go back to what is running
    return false;
  }
}
function change(settings) { return apply({ ...S.want, settings: { ...S.want.settings, ...settings } }); }

// --- drawing a frame -------------------------------------------------------------------------
function shape(kind, x, y, r) {
  const sym = SYMBOLS[kind];
  let e;
  if (sym.shape === "circle") e = svg("circle", { cx: x, cy: y, r: r * 0.5 });
  else if (sym.shape === "square") e = svg("rect", { x: x - r * 0.45, y: y - r * 0.45, width: r * 0.9, height: r * 0.9 });
  else {
    let pts;
    if (sym.shape === "triangle") pts = [[0, -0.6], [0.55, 0.45], [-0.55, 0.45]];
    else if (sym.shape === "diamond") pts = [[0, -0.6], [0.5, 0], [0, 0.6], [-0.5, 0]];
    else if (sym.shape === "house") pts = [[0, -0.6], [0.55, -0.05], [0.4, -0.05], [0.4, 0.5], [-0.4, 0.5], [-0.4, -0.05], [-0.55, -0.05]];
    else pts = Array.from({ length: 10 }, (_, i) => { const a = Math.PI / 5 * i - Math.PI / 2, q = i % 2 ? 0.26 : 0.62; return [Math.cos(a) * q, Math.sin(a) * q]; });
    e = svg("polygon", { points: pts.map(([a, b]) => (x + a * r).toFixed(2) + "," + (y + b * r).toFixed(2)).join(" ") });
  }
  e.setAttribute("fill", sym.fill);
  e.setAttribute("stroke", "#000");
  e.setAttribute("stroke-width", (r * 0.08).toFixed(3));
  return e;
}
function svg(tag, attrs) { const e = document.createElementNS(SVGNS, tag); for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v); return e; }
function icon(kind, px = 18) {
  const s = svg("svg", { width: px, height: px, viewBox: "-1 -1 2 2", "aria-hidden": "true" });
  s.append(shape(kind, 0, 0, 1.6));
  return s;
}

function mapCard(run, k) {
  const card = el("figure", { class: "map-card" });
  card.append(el("h3", { text: scenarioLabel(run.label) + " — " + t("ui.week", { week: run.week }), title: codeTip(run.label) }));
  const strip = el("div", { class: "strip", role: "group", "aria-label": t("ui.institutions") });
  for (const kind of run.central) {
    strip.append(el("button", { type: "button", onclick: () => institution(k, kind, 0) }, icon(kind), nameOf("actor", kind)));
  }
  card.append(strip);
  const box = el("div", { class: "map-box" });
  const active = Math.round(100 * (1 - run.ladder[0]));
  const img = el("img", { src: run.map, width: run.width, height: run.height,
    alt: t("ui.map_alt", { label: scenarioLabel(run.label), week: run.week, n: run.width * run.height, active }) });
  box.append(img);
  const W = run.width, H = run.height, r = Math.max(1.2, W / 40);
  const over = svg("svg", { viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: "none", "aria-hidden": "false", role: "group" });
  if ($("marks").checked) {  // one path per kind of mark: hundreds of marks, three elements
    const q = Math.max(0.3, W / 300);
    for (const [kind, colour] of Object.entries(MARKS)) {
      const parts = [];
      for (const [x, y] of run.marks[kind] || []) {
        const cx = x + 0.5, cy = H - y - 0.5;
        if (kind === "passed_up") parts.push(`M${cx - q},${cy - q}L${cx + q},${cy + q}M${cx - q},${cy + q}L${cx + q},${cy - q}`);
        else parts.push(`M${cx - q},${cy}a${q},${q} 0 1,0 ${2 * q},0a${q},${q} 0 1,0 ${-2 * q},0`);
      }
      if (!parts.length) continue;
      const attrs = kind === "settled" ? { fill: colour } : { fill: "none", stroke: colour, "stroke-width": q * (kind === "raised" ? 0.6 : 0.7) };
      over.append(svg("path", { d: parts.join(""), ...attrs }));
    }
  }
  for (const [kind, rows] of Object.entries(run.actors)) {
    for (const [x, y, id] of rows) {
      const dx = kind === "PartyBranch" ? r * 0.55 : kind === "GridWorker" ? -r * 0.55 : 0;  // both sit at grid centres
      const g = shape(kind, x + 0.5 + dx, H - y - 0.5, r * SYMBOLS[kind].size / 2.4);
      g.classList.add("actor");
      g.setAttribute("tabindex", "0");
      g.setAttribute("role", "button");
      g.setAttribute("aria-label", nameOf("actor", kind) + " " + (id + 1));
      g.addEventListener("click", (e) => { e.stopPropagation(); institution(k, kind, id); });
      g.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); institution(k, kind, id); } });
      over.append(g);
    }
  }
  box.append(over);
  box.addEventListener("click", (e) => {
    const rect = box.getBoundingClientRect();
    const x = Math.floor((e.clientX - rect.left) / rect.width * W);
    const y = H - 1 - Math.floor((e.clientY - rect.top) / rect.height * H);
    household(k, x, y);
  });
  card.append(box);
  return { card, img };
}

function flowPanel(run) {
  const f = run.flow;
  const box = el("div", { class: "flow", role: "group", "aria-label": t("ui.flow") });
  box.append(el("h3", { text: t("ui.flow") + (S.frame && S.frame.runs.length > 1 ? " — " + scenarioLabel(run.label) : "") }));
  box.append(el("p", { text: t("ui.flow_raised", { n: f.raised }) }));
  const most = Math.max(1, ...f.stages.map((s) => s.settled + s.waiting));
  const list = el("ol");
  f.stages.forEach((s, i) => {
    const label = nameOf("stage", s.stage);
    list.append(el("li", { title: codeTip(s.stage) }, el("span", { text: label }),
      el("span", { class: "bars" },
        el("span", { class: "bar", style: `width:${(60 * s.settled / most).toFixed(1)}%`, "aria-hidden": "true" }),
        el("span", { class: "bar wait", style: `width:${(60 * s.waiting / most).toFixed(1)}%`, "aria-hidden": "true" }),
        el("span", { class: "num", text: `${t("ui.flow_settled")} ${s.settled} · ${t("ui.flow_waiting")} ${s.waiting}` }))));
    if (i < f.stages.length - 1) list.append(el("li", { class: "up", "aria-hidden": "true", text: "↓" }));
  });
  box.append(list);
  box.append(el("p", { text: t("ui.flow_escalated", { n: f.escalated }) + " · " + t("ui.flow_given_up", { n: f.given_up }) }));
  box.append(el("p", { class: "hint", text: t("ui.flow_note") }));
  return box;
}

function legend(frame) {
  const shown = new Set();
  let committees = 0;
  for (const r of frame.runs) { Object.keys(r.actors).forEach((k) => shown.add(k)); r.central.forEach((k) => shown.add(k)); committees += r.committees; }
  const items = RUNG_COLOURS.map((c, i) => el("span", { class: "item", role: "listitem" },
    el("span", { style: `display:inline-block;width:16px;height:16px;background:${c};border:1px solid #555` }), t("rung." + i)));
  const line = (style, label) => el("span", { class: "item", role: "listitem" }, el("span", { style: `display:inline-block;width:22px;height:0;border-top:${style}` }), label);
  items.push(line("3px solid #000", t("ui.grid_border")), line("1px solid #9e9e9e", t("ui.building_border")));
  if (committees) items.push(el("span", { class: "item", role: "listitem" }, el("span", { style: "display:inline-block;width:16px;height:16px;border:3px solid #d95f02" }), nameOf("actor", "BuildingCommittee")));
  for (const kind of Object.keys(SYMBOLS)) if (shown.has(kind)) items.push(el("span", { class: "item", role: "listitem" }, icon(kind), nameOf("actor", kind)));
  if ($("marks").checked) {
    items.push(el("span", { class: "item", role: "listitem" }, markIcon("raised"), t("ui.mark_raised")));
    items.push(el("span", { class: "item", role: "listitem" }, markIcon("settled"), t("ui.mark_settled")));
    items.push(el("span", { class: "item", role: "listitem" }, markIcon("passed_up"), t("ui.mark_passed_up")));
  }
  $("legend").replaceChildren(...items);
}
function markIcon(kind) {
  const s = svg("svg", { width: 14, height: 14, viewBox: "-1 -1 2 2", "aria-hidden": "true" });
  const c = MARKS[kind];
  if (kind === "raised") s.append(svg("circle", { r: 0.7, fill: "none", stroke: c, "stroke-width": 0.35 }));
  else if (kind === "settled") s.append(svg("circle", { r: 0.7, fill: c }));
  else s.append(svg("path", { d: "M-0.7,-0.7L0.7,0.7M-0.7,0.7L0.7,-0.7", stroke: c, "stroke-width": 0.4 }));
  return s;
}

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
function axes() {
  const font = "14px system-ui, sans-serif";
  return [{ font, stroke: "#333", grid: { stroke: "#e4e4e4" } }, { font, stroke: "#333", size: 58, grid: { stroke: "#e4e4e4" } }];
}
function plotSize(box) {
  const compare = S.frame && S.frame.runs.length > 1;
  return { width: Math.max(150, box.clientWidth - 4), height: compare ? 200 : 250 };
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
    scales: { x: { time: false }, y }, cursor: { drag: { x: false, y: false } }, plugins: [cursorPlugin()] }, lineData(chart), box);
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
    $("flows").hidden = true;
  } else {  // side by side: maps, then charts, then both service loops (all in view together)
    row.replaceChildren(...cards.map((c) => c.card));
    $("flows-body").replaceChildren(...frame.runs.map((r) => flowPanel(r)));
    $("flows").hidden = false;
  }
  legend(frame);
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
}

// --- running ---------------------------------------------------------------------------------
function setStatus(text) { $("status").textContent = text; }
async function stepOnce() {
  if (S.playing) return;
  const t0 = performance.now();
  try {
    const frame = await post("/api/step", { steps: 1, charts: S.charts });
    S.replayWeek = null;
    await render(frame);
    window.demoTimings.step.push({ ms: performance.now() - t0, server_step: frame.timing.step_ms, server_draw: frame.timing.draw_ms, week: frame.latest });
  } catch (err) { if (!err.reopened) setStatus(err.message); }
}
function setPlaying(on) {
  S.playing = on;
  $("play").textContent = on ? t("ui.pause") : t("ui.play");
  $("play").setAttribute("aria-pressed", String(on));
  $("step").disabled = on;
  setStatus(on ? t("ui.playing") : t("ui.paused"));
  document.body.dataset.playing = String(on);
  if (on) loop(++S.loopId);
}
async function loop(id) {  // one loop at a time: a loop from before a pause ends at its next turn
  while (S.playing && id === S.loopId) {
    const speed = $("speed").value;
    const fastest = speed === "max";
    const t0 = performance.now();
    const steps = fastest ? 1 : Math.max(1, Math.round(+speed * S.lastFrameMs / 1000));
    // Fastest: step for what is left of a FRAME_MS frame after drawing (frames are skipped,
    // never queued), so play stays above 1000 / FRAME_MS frames per second.
    const budget = Math.max(5, FRAME_MS - (S.overheadMs || 60));
    try {
      const frame = await post("/api/step", { steps, fastest, budget_ms: Math.round(budget), charts: S.charts });
      if (!S.playing) { await render(frame); break; }
      S.replayWeek = null;
      await render(frame);
      window.demoTimings.frames.push({ t: performance.now(), week: frame.latest, server_step: frame.timing.step_ms, server_draw: frame.timing.draw_ms });
      if (window.demoTimings.frames.length > 2000) window.demoTimings.frames.splice(0, 1000);
      if (frame.latest >= 5200) setPlaying(false);
    } catch (err) {
      if (!err.reopened) { setStatus(err.message); setPlaying(false); }
    }
    const spent = performance.now() - t0;
    S.lastFrameMs = spent;
    if (S.frame) S.overheadMs = 0.7 * (S.overheadMs || 60) + 0.3 * Math.max(0, spent - S.frame.timing.step_ms);
    const wait = fastest ? 0 : Math.max(0, steps * 1000 / +speed - spent);
    await new Promise((r) => setTimeout(r, wait));
  }
}

// --- explanations ----------------------------------------------------------------------------
async function household(run, x, y) {
  try {
    const data = await post("/api/household", { run, x, y });
    openDialog(data.html);
  } catch (err) { if (!err.reopened) setStatus(err.message); }
}
async function institution(run, kind, id) {
  try {
    const data = await post("/api/institution", { run, kind, id });
    openDialog(data.html);
  } catch (err) { if (!err.reopened) setStatus(err.message); }
}
function openDialog(html) {
  const body = $("explain-body");
  body.innerHTML = html;
  const h = body.querySelector("h3");
  $("explain-title").textContent = h ? h.textContent : "";
  if (h) h.remove();
  $("explain").showModal();
}

// --- charts, seeds, lessons, export, URL -----------------------------------------------------
async function redraw() {
  try {
    const frame = await post("/api/show", { charts: S.charts, week: S.replayWeek === null ? "live" : S.replayWeek });
    await render(frame);
  } catch (err) { if (!err.reopened) setStatus(err.message); }
  writeUrl();
}
function addChart() { const v = $("chart-pick").value; if (!S.charts.includes(v)) { S.charts.push(v); redraw(); } }
function removeChart(name) { S.charts = S.charts.filter((c) => c !== name); redraw(); }

async function runSeeds(lesson) {
  try {
    await post("/api/seeds", { n: S.meta.seeds, weeks: +$("seed-weeks").value || S.meta.seed_weeks, charts: S.charts, lesson: lesson || 0 });
    pollSeeds();
  } catch (err) { if (!err.reopened) $("seeds-status").textContent = err.message; }
}
function pollSeeds() {
  clearTimeout(S.seedsPoll);
  S.seedsPoll = setTimeout(async () => {
    let st;
    try { st = await send("/api/seeds/status", {}); } catch (err) { return; }
    const answerBox = document.querySelector("#lesson-panel .answer");
    if (st.state === "running") {
      const msg = t("ui.seeds_running", { done: st.done, total: st.total, eta: st.eta === null ? "?" : st.eta });
      (st.lesson && answerBox ? answerBox : $("seeds-status")).textContent = msg;
      pollSeeds();
      return;
    }
    if (st.state === "failed") { $("seeds-status").textContent = t("ui.seeds_failed", { error: st.error }); return; }
    if (st.state !== "done") return;
    if (st.lesson && answerBox) {
      answerBox.replaceChildren(...st.answer.map((line) => el("p", { text: line })));
      return;
    }
    S.bands = st.current ? st.n : 0;
    $("seeds-status").textContent = (st.current ? t("ui.seeds_done", { n: st.n, weeks: st.weeks }) : t("ui.seeds_stale"))
      + (st.dropped_switches ? " " + t("ui.seeds_dropped") : "");
    seedsTable(st);
    redraw();
  }, 800);
}
function seedsTable(st) {
  const head = [t("ui.col_measure"), ...st.labels.map((l) => t("ui.col_mean", { label: l }))];
  if (st.labels.length === 2) head.push(t("ui.col_diff"), t("ui.verdict"));
  const ci = (c) => `${fmt(c.mean)} [${fmt(c.low)}, ${fmt(c.high)}]`;
  const rows = st.table.map((r) => {
    const cells = [nameOf("measure", r.measure), ...r.means.map(ci)];
    if (r.diff) cells.push(ci(r.diff), t("ui.verdict_" + r.diff.verdict));
    return el("tr", {}, ...cells.map((c, i) => el(i ? "td" : "th", { scope: i ? null : "row", text: c })));
  });
  $("seeds-table").replaceChildren(el("table", {}, el("thead", {}, el("tr", {}, ...head.map((h) => el("th", { scope: "col", text: h })))), el("tbody", {}, ...rows)));
}

function lessonPanel() {
  const box = $("lesson-panel");
  const l = S.meta.lessons.find((x) => x.number === S.lesson);
  box.hidden = !l;
  if (!l) return;
  const body = el("div", {},
    el("p", { text: l.preset }),
    el("button", { type: "button", text: t("ui.lesson_load"), onclick: () => loadLesson(l.number) }),
    el("h3", { text: t("ui.watch") }), el("p", { text: l.watch }),
    el("h3", { text: t("ui.questions") }), el("p", { class: "questions", text: l.questions }),
    el("h3", { text: t("ui.answer") }),
    el("button", { type: "button", text: t("ui.answer_run", { n: S.meta.seeds }), onclick: () => runSeeds(l.number) }),
    el("div", { class: "answer", role: "status" }));
  box.replaceChildren(el("details", { open: S.lessonOpen !== false, ontoggle: (e) => { S.lessonOpen = e.target.open; } },
    el("summary", {}, el("h2", { id: "lesson-title", text: l.title })), body));
}
async function loadLesson(n) {
  S.lesson = n;
  const l = S.meta.lessons.find((x) => x.number === n);
  lessonPanel();
  if (!l) { writeUrl(); return; }
  S.charts = [...l.charts];
  await apply({ scenario: l.left, scenario_b: l.right, compare: true, seed: S.want.seed, size: S.want.size, settings: {} });
}

function query() {
  const st = S.state, q = new URLSearchParams();
  q.set("lang", S.lang);
  if (S.lesson) q.set("lesson", S.lesson);
  q.set("scenario", st.scenario);
  if (st.compare) { q.set("compare", "1"); q.set("b", st.scenario_b); }
  q.set("seed", st.seed);
  if (st.size) q.set("size", st.size);
  for (const [k, v] of Object.entries(st.settings)) q.set("s." + k, v);
  q.set("charts", S.charts.join(","));
  if (S.frame) q.set("week", S.replayWeek === null ? S.frame.latest : S.replayWeek);
  return q;
}
function writeUrl() { if (S.state) history.replaceState(null, "", "?" + query().toString()); S.urlAt = performance.now(); }
function exportLinks() {
  const q = new URLSearchParams({ sid: S.sid, lang: S.lang, charts: S.charts.join(",") });
  if (S.replayWeek !== null) q.set("week", S.replayWeek);
  $("export-png").href = "/api/export/picture.png?" + q;
  $("export-csv").href = "/api/export/run.csv?" + q;
  $("export-spec").href = "/api/export/spec.toml?" + new URLSearchParams({ sid: S.sid, charts: S.charts.join(","), n: S.meta.seeds, weeks: +$("seed-weeks").value || S.meta.seed_weeks });
}
function stateFromUrl() {
  const q = new URLSearchParams(location.search);
  const settings = {};
  for (const [k, v] of q) {
    if (!k.startsWith("s.")) continue;
    const name = k.slice(2);
    const p = [...S.meta.switches, ...S.meta.sliders, ...S.meta.choices].find((x) => x.name === name);
    if (!p) continue;
    settings[name] = p.type === "bool" ? v === "true" : p.type === "int" ? parseInt(v, 10) : p.type === "float" ? +v : v;
  }
  const seed = q.has("seed") ? Number(q.get("seed")) : 42;
  return {
    state: { scenario: q.get("scenario") || S.meta.default_scenario, compare: q.get("compare") === "1",
      scenario_b: q.get("b") || "", seed: Number.isInteger(seed) ? seed : 42, size: parseInt(q.get("size") || "0", 10) || 0, settings },
    week: Math.max(0, parseInt(q.get("week") || "0", 10) || 0),
    charts: q.get("charts") ? q.get("charts").split(",").filter(Boolean) : null,
    lesson: parseInt(q.get("lesson") || "0", 10) || 0,
  };
}

async function loadMeta(lang) {
  const res = await fetch("/api/meta?lang=" + encodeURIComponent(lang));
  S.meta = await res.json();
  S.lang = S.meta.lang;
}

// --- start -------------------------------------------------------------------------------------
async function start() {
  const q = new URLSearchParams(location.search);
  await loadMeta(q.get("lang") === "zh" ? "zh" : "en");
  const init = stateFromUrl();
  S.lesson = init.lesson;
  S.charts = init.charts || [...S.meta.default_charts];
  const known = new Set(["ladder", ...S.meta.measures.map((m) => m.name)]);
  S.charts = S.charts.filter((c) => known.has(c));
  S.state = init.state;
  buildControls();
  let data;
  try {
    data = await send("/api/open", { state: init.state, charts: S.charts, week: Math.min(init.week, 1040) });
  } catch (err) {  // a bad shared link: start from the default and say what was wrong
    $("setting-error").textContent = t("ui.error") + ": " + err.message;
    $("setting-error").hidden = false;
    S.state = { scenario: S.meta.default_scenario, compare: false, scenario_b: "", seed: 42, size: 0, settings: {} };
    data = await send("/api/open", { state: S.state, charts: S.charts, week: 0 });
  }
  S.sid = data.sid;
  S.state = S.want = data.state;
  showControls();
  lessonPanel();
  await render(data);
  setStatus(t("ui.paused"));
  document.body.dataset.ready = "true";

  $("step").addEventListener("click", stepOnce);
  $("play").addEventListener("click", () => setPlaying(!S.playing));
  $("reset").addEventListener("click", () => apply(S.want));
  $("restore").addEventListener("click", () => apply({ ...S.want, settings: {} }));
  $("scenario").addEventListener("change", (e) => apply({ ...S.want, scenario: e.target.value, settings: {}, size: 0 }));
  $("scenario-b").addEventListener("change", (e) => apply({ ...S.want, scenario_b: e.target.value }));
  $("compare").addEventListener("change", (e) => apply({ ...S.want, compare: e.target.checked }));
  $("size").addEventListener("change", (e) => apply({ ...S.want, size: parseInt(e.target.value, 10) || 0 }));
  $("seed").addEventListener("change", (e) => {
    const text = e.target.value.trim();
    const seed = /^\d+$/.test(text) ? Number(text) : text;
    apply({ ...S.want, seed }, { keep: true });
  });
  $("speed").addEventListener("change", () => { S.lastFrameMs = 200; });
  $("marks").addEventListener("change", () => { if (S.frame) render(S.frame); });
  $("chart-add").addEventListener("click", addChart);
  $("seeds").addEventListener("click", () => runSeeds(0));
  $("seed-weeks").addEventListener("change", exportLinks);
  $("lesson").addEventListener("change", (e) => loadLesson(parseInt(e.target.value, 10)));
  $("lang").addEventListener("change", async (e) => {
    await loadMeta(e.target.value);
    buildControls(); lessonPanel();
    if (S.frame) await render(S.frame);
    setStatus(S.playing ? t("ui.playing") : t("ui.paused"));
  });
  $("replay").addEventListener("input", (e) => {
    if (S.playing) setPlaying(false);
    const w = parseInt(e.target.value, 10);
    S.replayWeek = S.frame && w >= S.frame.latest ? null : w;
    redraw();
  });
  $("share").addEventListener("click", async () => {
    writeUrl();
    try { await navigator.clipboard.writeText(location.href); } catch (err) { /* not allowed: the address bar has it */ }
    setStatus(t("ui.copied"));
  });
  $("explain-close").addEventListener("click", () => $("explain").close());
  $("explain-at").addEventListener("submit", (e) => {
    e.preventDefault();
    household(parseInt($("ex-run").value || "0", 10), parseInt($("ex-x").value, 10) || 0, parseInt($("ex-y").value, 10) || 0);
  });
  const ping = () => {  // heartbeat: a tab that stops pinging is forgotten by the server
    if (S.sid) fetch("/api/ping", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ sid: S.sid }) }).catch(() => {});
  };
  setInterval(ping, 3000);
  document.addEventListener("visibilitychange", () => { if (!document.hidden) ping(); });
  window.addEventListener("pagehide", () => { if (S.sid) navigator.sendBeacon("/api/close", JSON.stringify({ sid: S.sid })); });
}
start();
