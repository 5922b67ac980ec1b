// The classroom demo's page. The page paces the live loop: it asks for the next frame only
// after the last one is drawn, and every request that touches the run goes through one
// queue, so frames arrive in order and a control change never races a step.
"use strict";

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
  if (on) loop(++S.loopId); else announceWeek(true);
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
async function explain(path, body) {  // a "why" panel: a household's or an institution's
  try { openDialog((await post(path, body)).html); } catch (err) { if (!err.reopened) setStatus(err.message); }
}
// A household's panel explains one of its residents; its table's buttons explain another.
function household(run, x, y, resident) { S.explained = { run, x, y }; return explain("/api/household", { run, x, y, resident }); }
function institution(run, kind, id) { S.explained = null; return explain("/api/institution", { run, kind, id }); }
function openDialog(html) {
  const body = $("explain-body");
  body.innerHTML = html;
  const h = body.querySelector("h3");
  $("explain-title").textContent = h ? h.textContent : "";
  if (h) h.remove();
  body.querySelectorAll("button[data-resident]").forEach((b) => b.addEventListener("click", () => {
    const e = S.explained;
    if (e) household(e.run, e.x, e.y, parseInt(b.dataset.resident, 10));
  }));
  if (!$("explain").open) $("explain").showModal();
  else { const first = body.querySelector(".summary"); if (first) { first.tabIndex = -1; first.focus(); } }
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
  S.seedsGen = (S.seedsGen || 0) + 1;  // answers to an older job's polls are ignored
  try {
    await post("/api/seeds", { n: S.meta.seeds, weeks: +$("seed-weeks").value || S.meta.seed_weeks, charts: S.charts, lesson: lesson || 0 });
    $("seeds-cancel").hidden = false;
    pollSeeds();
  } catch (err) { if (!err.reopened) $("seeds-status").textContent = err.message; }
}
async function cancelSeeds() {
  clearTimeout(S.seedsPoll);
  S.seedsGen = (S.seedsGen || 0) + 1;  // a status request already on its way is ignored
  $("seeds-cancel").hidden = true;
  let msg = t("ui.seeds_cancelled");
  try { await post("/api/seeds/cancel", {}); } catch (err) { if (err.reopened) return; msg = err.message; }
  const answerBox = document.querySelector("#lesson-panel .answer");
  if (answerBox && answerBox.textContent) answerBox.textContent = msg;
  $("seeds-status").textContent = msg;
}
function pollSeeds() {
  clearTimeout(S.seedsPoll);
  const gen = S.seedsGen;
  S.seedsPoll = setTimeout(async () => {
    let st;
    try { st = await send("/api/seeds/status", {}); } catch (err) { return; }
    if (gen !== S.seedsGen) return;  // cancelled or replaced while the request was out
    const answerBox = document.querySelector("#lesson-panel .answer");
    $("seeds-cancel").hidden = st.state !== "running";
    if (st.state === "running") {
      const msg = st.queued ? t("ui.seeds_queued", { n: st.queued })
        : t("ui.seeds_running", { done: st.done, total: st.total, eta: st.eta === null ? "?" : st.eta });
      (st.lesson && answerBox ? answerBox : $("seeds-status")).textContent = msg;
      pollSeeds();
      return;
    }
    if (st.state === "failed") { $("seeds-status").textContent = t("ui.seeds_failed", { error: st.error }); return; }
    if (st.state !== "done") return;
    if (st.lesson && answerBox) {
      const a = st.answer;
      S.answer = st.current ? a : null;  // marks only on the charts of the setting they answer
      answerBox.replaceChildren(el("p", { text: a.intro }), el("ul", {}, ...a.lines.map((line) => el("li", { text: line }))),
        el("p", { class: "sure", text: a.sure }));
      S.bands = st.current ? st.n : 0;
      redraw();
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
  const body = el("div", { class: "lesson-body" },
    el("div", { class: "lesson-col" },
      el("p", { text: l.preset }),
      el("button", { type: "button", text: t("ui.lesson_load"), onclick: () => loadLesson(l.number) }),
      el("h3", { text: t("ui.watch") }), el("p", { text: l.watch }),
      el("h3", { text: t("ui.questions") }), el("p", { class: "questions", text: l.questions })),
    el("div", { class: "lesson-col" },
      el("h3", { text: t("ui.answer") }),
      el("button", { type: "button", class: "answer-run", text: t("ui.answer_run", { n: S.meta.seeds }), onclick: () => runSeeds(l.number) }),
      el("div", { class: "answer", role: "status" })));
  box.replaceChildren(el("details", { open: S.lessonOpen !== false, ontoggle: (e) => { S.lessonOpen = e.target.open; } },
    el("summary", { title: t("ui.lesson_fold") }, el("h2", { id: "lesson-title", text: l.title }),
      el("span", { class: "changes", text: " " + l.changes })), body));
}
async function loadLesson(n) {
  S.lesson = n;
  S.answer = null;
  const l = S.meta.lessons.find((x) => x.number === n);
  lessonPanel();
  if (!l) { setProjector(false); writeUrl(); return; }
  S.charts = [...l.charts];
  setProjector(true);
  await apply({ scenario: l.left, scenario_b: l.right, compare: true, seed: S.want.seed, size: S.want.size, settings: {} });
}
function setProjector(on) {  // maps, escalation chains and a chart in one screen, sidebar folded
  S.projector = on;
  document.body.classList.toggle("projector", on);
  $("projector").setAttribute("aria-pressed", String(on));
  S.chartKey = null;
  if (S.frame) render(S.frame);
}

function query() {
  const st = S.state, q = new URLSearchParams();
  q.set("lang", S.lang);
  if (S.lesson) q.set("lesson", S.lesson);
  if (S.projector) q.set("proj", "1");
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
    projector: q.get("proj") === "1",
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
    data = await settle("/api/open", { state: init.state, charts: S.charts, week: Math.min(init.week, 1040) }, send);
  } catch (err) {  // a bad shared link: start from the default and say what was wrong
    $("setting-error").textContent = t("ui.error") + ": " + err.message;
    $("setting-error").hidden = false;
    S.state = { scenario: S.meta.default_scenario, compare: false, scenario_b: "", seed: 42, size: 0, settings: {} };
    data = await settle("/api/open", { state: S.state, charts: S.charts, week: 0 }, send);
  }
  S.sid = data.sid;
  S.state = S.want = data.state;
  showControls();
  lessonPanel();
  if (init.projector) { S.projector = true; document.body.classList.add("projector"); $("projector").setAttribute("aria-pressed", "true"); }
  await render(data);
  setStatus(t("ui.paused"));
  if (typeof classStart === "function") classStart();
  document.body.dataset.ready = "true";

  $("step").addEventListener("click", stepOnce);
  $("play").addEventListener("click", () => setPlaying(!S.playing));
  $("reset").addEventListener("click", () => apply(S.want, { reset: true }));
  $("projector").addEventListener("click", () => setProjector(!S.projector));
  $("ex-actor-go").addEventListener("click", () => {
    const [k, kind, id] = $("ex-actor").value.split(":");
    institution(parseInt(k, 10), kind, parseInt(id, 10));
  });
  document.addEventListener("keydown", (e) => {  // Space plays or pauses, the right arrow steps
    const tag = (e.target.tagName || "").toLowerCase();
    if (e.ctrlKey || e.metaKey || e.altKey || ["input", "select", "textarea", "button", "a", "summary"].includes(tag)) return;
    if ($("explain").open) return;
    if (e.key === " ") { e.preventDefault(); setPlaying(!S.playing); }
    else if (e.key === "ArrowRight") { e.preventDefault(); stepOnce(); }
  });
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
  $("seeds-cancel").addEventListener("click", cancelSeeds);
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

