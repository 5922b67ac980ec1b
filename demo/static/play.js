// Participatory mode on a phone (demo/players.py): a resident of a household (their free hours,
// the household's issues, the offers around them, and the rung they want next week; they may
// play another member of the household instead), a member of the residents' committee
// (its free staff time, what it became, and the split proposed for next week) or a grid worker
// (its capacity, the issues it took, its patrol, and the most of its time issues may take).
// Choices enter the model through its hooks (demo/steering.py); what they get follows the
// model's rules.
"use strict";
const ROLE_SECTIONS = { household: "me", committee: "committee", grid: "grid" };

const person = (m) => t("play.person", { band: t("band." + m.band), situation: t("situation." + m.situation), rung: t("rung." + m.rung) })
  + (m.party ? " · " + t("play.party") : "");
function showHousehold(v) {
  $("you").textContent = t("play.you", { k: v.member + 1, i: v.household, x: v.x, y: v.y, persons: v.persons,
    band: t("band." + v.band), situation: t("situation." + v.situation) });
  $("members").replaceChildren(...v.members.map((m) => {
    const item = li(t("play.member", { k: m.member + 1 }) + ": " + person(m));
    if (m.you) item.append(" ← " + t("play.you_short"));
    else {
      const b = document.createElement("button");
      b.type = "button"; b.className = "switch-member"; b.dataset.member = m.member; b.textContent = t("play.switch");
      b.addEventListener("click", () => choose({ member: m.member }));
      item.append(" ", b);
    }
    return item;
  }));
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
  document.body.dataset.rung = v.rung;
  document.body.dataset.choice = v.choice;
  document.body.dataset.resident = v.resident;
}

const whole = (x) => String(Math.round(x));  // counts: a place, a visit, a seat
const one = (x) => (+x).toFixed(1);  // capacities and free time, in issues
const split = (s) => ({ c: pct(s[0]), v: pct(s[1]), a: pct(s[2]) });
function rcLabels() {
  const [c, v, a] = ["council", "visits", "activities"].map((k) => +$("rc-" + k).value);
  const sum = c + v + a || 1;
  $("rc-council-label").textContent = t("play.rc.council_label", { x: pct(c / sum) });
  $("rc-visits-label").textContent = t("play.rc.visits_label", { x: pct(v / sum) });
  $("rc-activities-label").textContent = t("play.rc.activities_label", { x: pct(a / sum) });
}
function showCommittee(v) {
  $("rc-you").textContent = t("play.rc.you", { n: v.members, seats: v.seats });
  $("rc-time").textContent = t("play.rc.time", { capacity: one(v.capacity), free: one(v.free_slots) });
  $("rc-went").replaceChildren(
    li(v.channels ? t("play.rc.council", { seats: whole(v.council_seats), taken: v.council_taken, need: one(v.council_need) }) : t("play.rc.no_council")),
    li(t("play.rc.visits", { visits: whole(v.visits), n: v.households })),
    li(t("play.rc.places", { places: whole(v.places), taken: v.places_taken })));
  $("rc-issues").textContent = t("play.rc.issues", { settled: v.settled, waiting: v.waiting });
  $("rc-result").textContent = v.week === 0 ? "" : v.applied ? t("play.rc.result", split(v.applied)) : t("play.rc.result_rule", { v: pct(v.rule[1]) });
  const own = v.choice ? t("play.rc.chosen", split(v.choice.map((x) => x / v.choice.reduce((p, q) => p + q, 0)))) : t("play.rc.chosen_rule");
  $("rc-chosen").textContent = own + " " + (v.split ? t("play.rc.mean", split(v.split)) : t("play.rc.mean_rule"));
  document.body.dataset.visits = v.visits;
  document.body.dataset.places = v.places;
  document.body.dataset.freeSlots = v.free_slots;
  document.body.dataset.choice = v.choice ? v.choice.join(",") : "rule";
}

function gwLabel() {
  const x = +$("gw-share").value / 100;
  $("gw-share-label").textContent = t("play.gw.share_label", { x: pct(x), y: pct(1 - x) });
}
function showGrid(v) {
  $("gw-you").textContent = t("play.gw.you", { g: v.grid + 1, n: v.households });
  $("gw-time").textContent = v.active ? t("play.gw.time", { capacity: one(v.capacity), used: whole(v.used), patrol: pct(v.patrol) }) : t("play.gw.off");
  $("gw-issues").textContent = v.active ? t("play.gw.issues", { waiting: v.waiting, hidden: v.hidden }) : "";
  $("gw-result").textContent = v.week === 0 ? "" : v.applied === null ? t("play.gw.result_rule") : t("play.gw.result", { share: pct(v.applied) });
  $("gw-chosen").textContent = v.choice === null ? t("play.gw.chosen_rule") : t("play.gw.chosen", { share: pct(v.choice) });
  document.body.dataset.patrol = v.patrol;
  document.body.dataset.used = v.used;
  document.body.dataset.choice = v.choice === null ? "rule" : v.choice;
}

function show(v) {
  $("start").hidden = true;
  $("error").hidden = true;
  $("week").hidden = false;
  $("week").textContent = t("play.week", { week: v.week });
  for (const [role, id] of Object.entries(ROLE_SECTIONS)) $(id).hidden = role !== v.role;
  ({ household: showHousehold, committee: showCommittee, grid: showGrid })[v.role](v);
  document.body.dataset.role = v.role;
  document.body.dataset.week = v.week;
}
function fail(err) { $("error").textContent = err.message; $("error").hidden = false; }
async function choose(body) { try { show(await call("/api/play/choose", body)); } catch (err) { fail(err); } }
async function poll() {
  try { show(await call("/api/play/state", {})); } catch (err) { if (err.status !== 409) fail(err); }
  setTimeout(poll, 1500);
}
async function start() {
  await loadWords("/api/meta");
  document.title = t("play.title");
  for (const c of [1, 2, 3, 0, -1]) {
    const b = document.createElement("button");
    b.type = "button"; b.className = "big choice"; b.dataset.choice = c; b.textContent = t("choice." + c);
    b.addEventListener("click", () => choose({ choice: c }));
    $("choices").append(b);
  }
  ["council", "visits", "activities"].forEach((k) => $("rc-" + k).addEventListener("input", rcLabels));
  rcLabels();
  $("rc-propose").addEventListener("click", () => choose({ split: ["council", "visits", "activities"].map((k) => +$("rc-" + k).value) }));
  $("rc-rule").addEventListener("click", () => choose({ split: null }));
  $("gw-share").addEventListener("input", gwLabel);
  gwLabel();
  $("gw-propose").addEventListener("click", () => choose({ share: +$("gw-share").value / 100 }));
  $("gw-rule").addEventListener("click", () => choose({ share: null }));
  $("start").addEventListener("submit", async (e) => {
    e.preventDefault();
    const role = document.querySelector("input[name=role]:checked").value;
    try { show(await call("/api/play/join", { name: $("name").value, role })); poll(); } catch (err) { fail(err); }
  });
  try { show(await call("/api/play/state", {})); poll(); } catch (err) { /* not yet playing */ }
  document.body.dataset.ready = "true";
}
start();
