// The classroom demo's page, part 1: state, words, and talking to the server. Plain scripts sharing one global scope, loaded
// in order by index.html (core, controls, draw, charts, app, class).
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
  frame: null, playing: false, loopId: 0, replayWeek: null, seedsPoll: null, seedsGen: 0, lastFrameMs: 200,
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
  const data = await settle("/api/open", { state: S.state, charts: S.charts, week }, send);
  S.sid = data.sid; S.state = S.want = data.state;
  await render(data);
  setStatus(t("ui.session_lost"));
}


// --- a new community settles first (demo/settling.py) ------------------------------------------
// A run starts from ten years of the baseline (the burn-in). The server keeps that state for the
// same seed and parameters, so switching mechanisms starts at once; a new seed, size or slider
// value settles anew (seconds). A request that may do so carries a ticket; while it waits, the
// page asks how far the burn-in has come and says so.
async function settle(path, body, via = post) {
  const ticket = "t" + Math.random().toString(36).slice(2, 12) + Date.now().toString(36);
  let waiting = true;
  (async () => {
    await new Promise((r) => setTimeout(r, 300));
    while (waiting) {
      try {
        const p = await send("/api/progress", { ticket });
        if (waiting) showSettling(p);
      } catch (err) { /* the answer comes anyway */ }
      await new Promise((r) => setTimeout(r, 400));
    }
  })();
  try { return await via(path, { ...body, ticket }); } finally { waiting = false; showSettling(null); }
}
function showSettling(p) {
  const box = $("settling");
  if (!box) return;
  const on = !!(p && p.settling);
  box.hidden = !on;
  document.body.dataset.settling = String(on);
  if (!on) return;
  const runs = Math.max(1, Math.round(p.total / 520));
  const text = t(runs > 1 ? "ui.settling_runs" : "ui.settling", { done: p.done, total: p.total, n: runs })
    + (p.eta !== null && p.eta !== undefined ? " " + t("ui.settling_eta", { eta: Math.ceil(p.eta) }) : "");
  $("settling-text").textContent = text;
  $("settling-bar").max = p.total;
  $("settling-bar").value = p.done;
}
