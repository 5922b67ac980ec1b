// The join page (classroom mode): the code from the teacher's screen sets this device's
// cookie. Its words are the catalogue's join.* entries (an unjoined phone may read only those).
"use strict";
async function joinStart() {
  await loadWords("/api/class/words");
  document.title = t("join.title");
  const q = new URLSearchParams(location.search);
  if (q.get("code")) $("code").value = q.get("code");
  document.querySelectorAll("#join-next a").forEach((a) => { a.href += (a.href.includes("?") ? "&" : "?") + "lang=" + lang; });
  $("join-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    try { await call("/api/class/join", { code: $("code").value }); } catch (err) {
      $("join-error").textContent = err.message; $("join-error").hidden = false; return;
    }
    $("join-error").hidden = true;
    $("join-form").hidden = true;
    $("join-next").hidden = false;
    document.body.dataset.joined = "true";
  });
  document.body.dataset.ready = "true";
}
joinStart();
