// The classroom demo's page, part 3: the map, the escalation chain and the legend. Plain scripts sharing one global scope, loaded
// in order by index.html (core, controls, draw, charts, app, class).
"use strict";
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
  // Symbols keep about the same size on screen whatever the community's size: three
  // households across, between 7 and 15 pixels, so at 200 x 200 they do not cover the map.
  const W = run.width, H = run.height;
  const px = (S.mapPx || 400) / W, r = Math.min(15, Math.max(7, 3 * px)) / px;
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
      g.classList.add("actor");  // out of the Tab order: the actor list below reaches them
      g.addEventListener("click", (e) => { e.stopPropagation(); institution(k, kind, id); });
      over.append(g);
    }
  }
  for (const [x, y] of k === 0 ? run.players || [] : []) {  // the class's households
    over.append(svg("circle", { cx: x + 0.5, cy: H - y - 0.5, r: r * 0.6, fill: "none", stroke: "#d00000",
      "stroke-width": r * 0.18, class: "player" }));
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

function flowPanel(run) {  // the escalation chain: settled and waiting, each on its own scale
  const f = run.flow;
  const box = el("div", { class: "flow", role: "group", "aria-label": t("ui.flow_sr") });
  box.append(el("h3", { text: t("ui.flow") + (S.frame && S.frame.runs.length > 1 ? " — " + scenarioLabel(run.label) : "") }));
  box.append(el("p", { text: t("ui.flow_raised", { n: f.raised }) }));
  const most = (key) => Math.max(1, ...f.stages.map((s) => s[key]));
  const mostSettled = most("settled"), mostWaiting = most("waiting");
  const list = el("ol");
  f.stages.forEach((s) => {
    const label = nameOf("stage", s.stage);
    const bar = (cls, n, of) => el("span", { class: "cell" },
      el("span", { class: "bar " + cls, style: `width:${(100 * n / of).toFixed(1)}%`, "aria-hidden": "true" }),
      el("span", { class: "num", text: String(n) }));
    list.append(el("li", { title: codeTip(s.stage) }, el("span", { class: "stage", text: label }),
      bar("", s.settled, mostSettled), bar("wait", s.waiting, mostWaiting)));
  });
  box.append(el("div", { class: "flow-head", "aria-hidden": "true" }, el("span", {}),
    el("span", { text: t("ui.flow_settled") }), el("span", { text: t("ui.flow_waiting") })));
  box.append(list);
  box.append(el("p", { text: t("ui.flow_escalated", { n: f.escalated }) + " · " + t("ui.flow_given_up", { n: f.given_up }) }));
  box.append(el("p", { class: "hint", text: t("ui.flow_own_scale") }));
  return box;
}

function actorList(frame) {  // the keyboard's way to every actor on the maps
  const sel = $("ex-actor");
  const opts = [];
  frame.runs.forEach((r, k) => {
    const side = frame.runs.length > 1 ? " — " + scenarioLabel(r.label) : "";
    for (const kind of r.central) opts.push([k, kind, 0, nameOf("actor", kind) + side]);
    for (const [kind, rows] of Object.entries(r.actors)) {
      for (const [, , id] of rows) opts.push([k, kind, id, nameOf("actor", kind) + " " + (id + 1) + side]);
    }
  });
  const key = S.lang + opts.map((o) => o[3]).join("|");
  if (sel.dataset.key === key) return;
  sel.dataset.key = key;
  sel.replaceChildren(...opts.map(([k, kind, id, text]) => el("option", { value: `${k}:${kind}:${id}`, text })));
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

