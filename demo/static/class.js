// The classroom demo's page, part 6: the teacher's class card (join code, QR code, the
// class's households against the model's) and the students' read-only view of the class run.
"use strict";

async function classStart() {  // the teacher's card: only in classroom mode
  let info;
  try { info = await send("/api/class/info", {}); } catch (err) { return; }
  if (!info.classroom || info.role !== "teacher") return;
  const card = $("class-card");
  card.hidden = false;
  $("class-join").textContent = t("ui.class_join", { url: info.join_url, code: info.code });
  $("class-qr").src = "/api/class/teacher/qr.svg";
  $("class-qr").alt = t("ui.qr_alt");
  $("class-make").addEventListener("click", async () => {
    try { await post("/api/class/teacher/run", {}); classPoll(); } catch (err) { setStatus(err.message); }
  });
  classPoll();
}

async function classPoll() {
  clearTimeout(S.classTimer);
  let sum = null;
  try {
    const info = await send("/api/class/info", {});
    $("class-students").textContent = t("ui.class_students", { n: info.students });
    if (info.class_run) sum = await send("/api/class/teacher/summary", {});
  } catch (err) { /* no class run yet */ }
  if (sum) classTable(sum);
  S.classTimer = setTimeout(classPoll, 2000);
}

const pct = (x) => Math.round(100 * x) + "%";
function playerCells(p) {  // a player's part, choice and what it got, by role (demo/roles.py)
  if (p.role === "committee") {
    const c = p.choice ? t("ui.class_choice_split", { c: pct(p.choice[0]), v: pct(p.choice[1]), a: pct(p.choice[2]) }) : t("choice.-1");
    return [t("ui.class_role_committee"), c, t("ui.class_got_committee", { visits: fmt(p.visits), places: fmt(p.places) })];
  }
  if (p.role === "grid") {
    const c = p.choice === null ? t("choice.-1") : t("ui.class_choice_share", { x: pct(p.choice) });
    return [t("ui.class_role_grid", { g: p.grid + 1 }), c, t("ui.class_got_grid", { used: fmt(p.used), patrol: pct(p.patrol) })];
  }
  return [t("band." + p.band) + ", " + t("situation." + p.situation), t("choice." + p.choice), t("rung." + p.rung)];
}

function classTable(sum) {
  const players = el("table", {}, el("thead", {}, el("tr", {}, ...["ui.class_col_player", "ui.class_col_kind", "ui.class_col_choice", "ui.class_col_rung"]
    .map((k) => el("th", { scope: "col", text: t(k) })))),
  el("tbody", {}, ...sum.players.map((p) => el("tr", {}, el("th", { scope: "row", text: p.name }),
    ...playerCells(p).map((text) => el("td", { text }))))));
  const kinds = el("table", {}, el("caption", { text: t("ui.class_table") }),
    el("thead", {}, el("tr", {}, ...["ui.class_col_kind", "ui.class_col_class", "ui.class_col_model"].map((k) => el("th", { scope: "col", text: t(k) })))),
    el("tbody", {}, ...sum.kinds.map((k) => el("tr", {}, el("th", { scope: "row", text: t("situation." + k.situation) }),
      el("td", { text: `${fmt(k.class_mean_rung)} (${k.class_n})` }), el("td", { text: `${fmt(k.model_mean_rung)} (${k.model_n})` })))));
  $("class-table").replaceChildren(players, kinds, el("p", { class: "hint", text: t("ui.class_marks") }));
}

async function followStart() {  // a student's read-only view of the class run
  document.body.classList.add("following");
  setStatus(t("ui.following"));
  document.body.dataset.ready = "true";
  const tick = async () => {
    try {
      const frame = await send("/api/class/follow", { charts: S.charts });
      await render(frame);
      $("follow-note").textContent = t("ui.following");
    } catch (err) {
      $("follow-note").textContent = err.status === 409 ? t("ui.no_class_run") : err.message;
    }
    setTimeout(tick, 1000);
  };
  tick();
}
