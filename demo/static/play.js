// Participatory mode on a phone: one household of the class run, its free hours, issues and
// the offers around it, and the rung it wants next week (demo/players.py). The choice enters
// the model as Population.steer; what it gets follows the model's rules.
"use strict";
const $ = (id) => document.getElementById(id);
const lang = new URLSearchParams(location.search).get("lang") === "zh" ||
  (!location.search.includes("lang=en") && (navigator.language || "").startsWith("zh")) ? "zh" : "en";
let T = {};
const t = (k, v) => { let s = T[k] || k; for (const [a, b] of Object.entries(v || {})) s = s.split("{" + a + "}").join(b); return s; };
const li = (text) => { const e = document.createElement("li"); e.textContent = text; return e; };

async function call(path, body) {
  const res = await fetch(path + "?lang=" + lang, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ lang, ...body }) });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw Object.assign(new Error(data.error || res.statusText), { status: res.status });
  return data;
}
function show(v) {
  $("start").hidden = true;
  $("me").hidden = false;
  $("error").hidden = true;
  $("week").textContent = t("play.week", { week: v.week });
  $("you").textContent = t("play.you", { i: v.household, x: v.x, y: v.y, situation: t("situation." + v.situation) });
  $("rung").textContent = t("play.rung", { rung: t("rung." + v.rung) });
  $("result").textContent = v.week > 0 && v.applied >= -1 ? t("play.result", { choice: t("choice." + v.applied), rung: t("rung." + v.rung) })
    + (v.reason ? " " + t("play.reason." + v.reason) : "") : "";
  const h = v.hours_needed.map((x) => (+x).toFixed(1));
  $("hours").textContent = t("play.hours", { free: v.free_hours.toFixed(1), h1: h[1], h2: h[2], h3: h[3] });
  $("issues").replaceChildren(...(v.issues.length ? v.issues.map((i) => li(t("kind." + i.kind) + " — " + t("stage." + i.stage))) : [li(t("play.no_issues"))]));
  const offers = (list) => (list.length ? list.map((o) => li(t("offer." + o.source) + ": " + o.taken + " / " + o.capacity + (o.held ? " ✓" : ""))) : [li(t("play.none_offered"))]);
  $("places").replaceChildren(...offers(v.places));
  $("roles").replaceChildren(...offers(v.roles));
  $("state").textContent = t("play.fatigue", { f: v.fatigue.toFixed(2), t: v.trust_government.toFixed(2) });
  $("chosen").textContent = t("play.chosen", { choice: t("choice." + v.choice) });
  document.querySelectorAll("#choices button").forEach((b) => b.setAttribute("aria-pressed", String(+b.dataset.choice === v.choice)));
  document.body.dataset.week = v.week;
  document.body.dataset.rung = v.rung;
  document.body.dataset.choice = v.choice;
}
function fail(err) { $("error").textContent = err.message; $("error").hidden = false; }
async function poll() {
  try { show(await call("/api/play/state", {})); } catch (err) { if (err.status !== 409) fail(err); }
  setTimeout(poll, 1500);
}
async function start() {
  const meta = await (await fetch("/api/meta?lang=" + lang)).json();
  T = meta.text;
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  document.title = t("play.title");
  $("title").textContent = t("play.title");
  $("name-label").textContent = t("play.name");
  $("take").textContent = t("play.start");
  for (const [id, key] of [["issues-h", "play.issues"], ["places-h", "play.places"], ["roles-h", "play.roles"], ["choose-h", "play.choose"]]) $(id).textContent = t(key);
  for (const c of [1, 2, 3, 0, -1]) {
    const b = document.createElement("button");
    b.type = "button"; b.className = "big choice"; b.dataset.choice = c; b.textContent = t("choice." + c);
    b.addEventListener("click", async () => { try { show(await call("/api/play/choose", { choice: c })); } catch (err) { fail(err); } });
    $("choices").append(b);
  }
  $("start").addEventListener("submit", async (e) => {
    e.preventDefault();
    try { show(await call("/api/play/join", { name: $("name").value })); poll(); } catch (err) { fail(err); }
  });
  try { show(await call("/api/play/state", {})); poll(); } catch (err) { /* not yet playing */ }
  document.body.dataset.ready = "true";
}
start();
