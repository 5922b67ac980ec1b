// The phone pages' shared part (join and play): the language, the words and the calls.
// Loaded before join.js or play.js; the words come from the server's catalogue
// (demo/lang), the page's own language first, so the pages carry no copy of them.
"use strict";
const $ = (id) => document.getElementById(id);
const lang = new URLSearchParams(location.search).get("lang") === "zh" ||
  (!location.search.includes("lang=en") && (navigator.language || "").startsWith("zh")) ? "zh" : "en";
let T = {};
const t = (k, v) => { let s = T[k] || k; for (const [a, b] of Object.entries(v || {})) s = s.split("{" + a + "}").join(b); return s; };
const li = (text) => { const e = document.createElement("li"); e.textContent = text; return e; };
const pct = (x) => Math.round(100 * x) + "%";

async function call(path, body) {
  const res = await fetch(path + "?lang=" + lang, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ lang, ...body }) });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw Object.assign(new Error(data.error || res.statusText), { status: res.status });
  return data;
}
async function loadWords(path) {  // the catalogue (or the part an unjoined phone may read)
  T = (await (await fetch(path + (path.includes("?") ? "&" : "?") + "lang=" + lang)).json()).text;
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  document.querySelectorAll("[data-w]").forEach((e) => { e.textContent = t(e.dataset.w); });
}
