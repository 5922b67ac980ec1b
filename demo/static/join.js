// The join page (classroom mode): the code from the teacher's screen sets this device's
// cookie; the words come with the answers, in the phone's language.
"use strict";
const lang = (navigator.language || "en").startsWith("zh") || location.search.includes("lang=zh") ? "zh" : "en";
const W = {
  en: { "join.title": "Join the class", "join.code": "Join code (6 digits, on the teacher's screen)", "join.go": "Join",
    "join.ok": "You are in. Choose:", "ui.play_household": "Play a household", "ui.follow": "Follow the teacher's screen", "ui.own_copy": "Explore your own copy" },
  zh: { "join.title": "加入课堂", "join.code": "加入代码（6位数字，见老师屏幕）", "join.go": "加入",
    "join.ok": "已加入。请选择：", "ui.play_household": "扮演一户居民", "ui.follow": "跟随老师的屏幕", "ui.own_copy": "自己探索一份副本" },
};
document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
document.querySelectorAll("[data-w]").forEach((e) => { e.textContent = W[lang][e.dataset.w]; });
document.title = W[lang]["join.title"];
const q = new URLSearchParams(location.search);
if (q.get("code")) document.getElementById("code").value = q.get("code");
document.querySelectorAll("#join-next a").forEach((a) => { a.href += (a.href.includes("?") ? "&" : "?") + "lang=" + lang; });
document.getElementById("join-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const res = await fetch("/api/class/join?lang=" + lang, { method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ code: document.getElementById("code").value }) });
  const data = await res.json().catch(() => ({}));
  const box = document.getElementById("join-error");
  if (!res.ok) { box.textContent = data.error || res.statusText; box.hidden = false; return; }
  box.hidden = true;
  document.getElementById("join-form").hidden = true;
  document.getElementById("join-next").hidden = false;
  document.body.dataset.joined = "true";
});
