// The classroom demo's page, part 2: the controls, built from the schema, and changing the setting. Plain scripts sharing one global scope, loaded
// in order by index.html (core, controls, draw, charts, app, class).
"use strict";
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
      onchange: (e) => slid({ [p.name]: p.type === "int" ? parseInt(e.target.value, 10) : +e.target.value }) });
    return el("div", { class: "slider", "data-name": p.name, title: codeTip(p.name, p.meaning) },
      el("label", { for: id, text: p.label + (unit ? " (" + unit.trim() + ")" : "") }),
      el("div", { class: "row" }, input, out),
      el("span", { class: "preset", id: id + "-preset" }));
  }));
  $("choices").replaceChildren(...m.choices.map((p) => {
    const id = "ch-" + p.name;
    return el("div", { class: "slider", "data-name": p.name, title: codeTip(p.name, p.meaning) },
      el("label", { for: id, text: p.label }),
      el("select", { id, onchange: (e) => change({ [p.name]: e.target.value }) },
        ...p.choices.map((c, i) => el("option", { value: c, text: p.choice_labels[i] }))));
  }));
  const pick = $("chart-pick");
  pick.replaceChildren(el("option", { value: "ladder", text: t("ui.ladder") }),
    ...m.measures.map((x) => el("option", { value: x.name, text: x.label, title: codeTip(x.name, x.meaning) })));
  $("seeds").textContent = t("ui.run_seeds", { n: m.seeds });
  sectionKey();
  showControls();
}
function sectionKey() {  // the article's headings for the codes in the switches' names
  const codes = Object.keys(S.meta.text).filter((k) => k.startsWith("section.")).map((k) => k.slice(8));
  $("section-key").replaceChildren(el("summary", { text: t("ui.section_key") }),
    el("dl", {}, ...codes.flatMap((c) => [el("dt", { text: c }), el("dd", { text: t("section." + c) })])));
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
    if (!(S.sliding && p.name in S.sliding)) $("sl-" + p.name).value = v;
    $("sl-" + p.name + "-out").textContent = fmt(v);
    $("sl-" + p.name + "-preset").textContent = t("ui.preset_value", { value: fmt(presetOf(p.name)) });
    $("sl-" + p.name).closest(".slider").classList.toggle("edited", p.name in st.settings);
  }
  for (const p of S.meta.choices) {
    $("ch-" + p.name).value = valueOf(p.name);
    $("ch-" + p.name).closest(".slider").classList.toggle("edited", p.name in st.settings);
  }
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
    const shown = (k, v) => (typeof v === "string" ? nameOf("choice." + k, v) : fmt(v));
    const changed = Object.entries(edits).map(([k, v]) => nameOf("param", k) + " = " + shown(k, v)).join("; ");
    return el("div", {}, el("h3", { text: sc.label, title: codeTip(name) }), el("p", { text: sc.description }),
      el("p", {}, el("strong", { text: t("ui.switched_on") + ": " }), on.length ? "" : t("ui.nothing_on")),
      on.length ? el("ul", {}, ...items) : null,
      changed ? el("p", {}, el("strong", { text: t("ui.your_changes") + ": " }), changed) : null);
  }));
}

// --- changing the setting ----------------------------------------------------------------------
// Changes merge: S.want is the last setting asked for, S.state the one running on the server.
// At most one restart is on its way; when it answers and the teacher has asked for something
// else meanwhile, only the newest setting is sent (the last state wins, nothing is queued).
// Whatever happens, the controls end by showing what runs.
let configBusy = false;
function fieldLabel(field) {
  if (!field) return "";
  const name = field.replace(/^settings\./, "");
  const p = [...S.meta.switches, ...S.meta.sliders, ...S.meta.choices].find((x) => x.name === name);
  return p ? p.label : t("ui." + name) !== "ui." + name ? t("ui." + name) : name;
}
function errorText(err) {  // the page's language; the model's own English sentence in English only
  if (err.field === "seed") return t("ui.seed_error");
  if (S.lang === "en") return t("ui.error") + ": " + err.message;
  return t("ui.bad_value", { field: fieldLabel(err.field) || t("ui.setting") });
}
async function apply(newState, opts = {}) {
  S.want = newState;
  S.wantOpts = opts;
  if (configBusy) return true;
  configBusy = true;
  let ok = true;
  try {
    for (;;) {
      const sent = S.want;
      const path = S.wantOpts.reset ? "/api/reset" : "/api/config";
      S.wantOpts = {};
      try {
        const data = await settle(path, { state: sent, charts: S.charts });
        S.state = data.state;
        if (S.want === sent) S.want = data.state;
        S.replayWeek = null;
        $("seed-error").hidden = true;
        $("setting-error").hidden = true;
        await render(data);
        ok = true;
      } catch (err) {
        if (err.reopened) return false;
        if (S.want === sent) S.want = S.state;
        const box = err.field === "seed" ? $("seed-error") : $("setting-error");
        box.textContent = errorText(err);
        box.title = err.message;
        box.hidden = false;
        ok = false;
      }
      if (S.want === S.state || S.want === sent) break;
    }
  } finally {
    configBusy = false;
    showControls();  // controls show what is running
  }
  return ok;
}
function change(settings) { return apply({ ...S.want, settings: { ...S.want.settings, ...settings } }); }
let sliderTimer = null;
function slid(settings) {  // slider keys coalesce: one restart for a burst of arrow presses
  S.sliding = { ...(S.sliding || {}), ...settings };
  clearTimeout(sliderTimer);
  sliderTimer = setTimeout(() => { const s = S.sliding; S.sliding = null; change(s); }, 350);
}
