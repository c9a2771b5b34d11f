// Oxkair pages: a small client of the JSON API. Tokens live in sessionStorage (this tab only;
// see docs/web.md); no inline scripts, so the strict Content-Security-Policy holds.
"use strict";

const store = window.sessionStorage;
const $ = (sel) => document.querySelector(sel);
const STATUS_LABELS = {
  INCOMPLETE: "Incomplete",
  PENDING_CODER_REVIEW: "Pending coder review",
  PENDING_PROVIDER_REVIEW: "Pending provider review",
  PENDING_BILLING: "Pending billing",
};

function say(text, isError) {
  const box = $("#message");
  if (!box) return;
  box.textContent = text || "";
  box.classList.toggle("error", Boolean(isError));
}

function problemText(body, status) {
  if (body && body.errors && body.errors.length) {
    return body.errors.map((e) => `${e.loc.slice(1).join(".")}: ${e.msg}`).join("; ");
  }
  return (body && (body.detail || body.title)) || `request failed (${status})`;
}

function saveGrant(grant) {
  store.setItem("access_token", grant.access_token);
  if (grant.refresh_token) store.setItem("refresh_token", grant.refresh_token);
}

async function refresh() {
  const token = store.getItem("refresh_token");
  if (!token) return false;
  const r = await fetch("/auth/token/refresh", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ refresh_token: token }),
  });
  if (!r.ok) return false;
  saveGrant(await r.json());
  return true;
}

// fetch() of the JSON API with the access token; one refresh on 401, then back to sign-in.
async function api(method, path, body, retried) {
  const headers = { Accept: "application/json" };
  const token = store.getItem("access_token");
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const r = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (r.status === 401 && token && !retried) {
    if (await refresh()) return api(method, path, body, true);
    store.clear();
    window.location.assign("/login");
    throw new Error("signed out");
  }
  const data = r.status === 204 ? null : await r.json().catch(() => null);
  if (!r.ok) {
    const err = new Error(problemText(data, r.status));
    err.status = r.status;
    throw err;
  }
  return data;
}

function guard(fn) {
  return (event) => {
    if (event) event.preventDefault();
    Promise.resolve(fn(event)).catch((e) => say(e.message, true));
  };
}

function applyTheme(theme) {
  document.documentElement.dataset.theme = theme === "dark" ? "dark" : "light";
}

function debounce(fn, ms) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

function option(value, label, selected) {
  const o = document.createElement("option");
  o.value = value;
  o.textContent = label;
  o.selected = Boolean(selected);
  return o;
}

// ── signup: search-as-you-type and the email domain's suggestion, pre-selected
function initSignup() {
  const select = $("#institution");
  let suggested = [];
  let searchSeq = 0;
  function fill(items, preselect) {
    const keep = select.value;
    select.replaceChildren();
    const seen = new Set();
    for (const it of [...suggested, ...items]) {
      if (seen.has(it.id)) continue;
      seen.add(it.id);
      select.append(option(it.id, it.name, false));
    }
    if (preselect && select.options.length) select.options[0].selected = true;
    else if (keep && seen.has(keep)) select.value = keep;
  }
  const search = debounce(async () => {
    const q = $("#institution-search").value.trim();
    const seq = ++searchSeq;
    if (q.length < 2) return fill([], false);
    try {
      const data = await api("GET", `/institutions/search?q=${encodeURIComponent(q)}`);
      if (seq === searchSeq) fill(data.items, !suggested.length && !select.value);
    } catch (e) {
      say(e.message, true);
    }
  }, 150);
  $("#institution-search").addEventListener("input", search);
  const suggest = async () => {
    const email = $("#email").value.trim();
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) return;
    const data = await api("GET", `/institutions/suggest?email=${encodeURIComponent(email)}`);
    suggested = data.items;
    if (suggested.length) {
      fill([], true);
      say(`Suggested from your email: ${suggested[0].name}`);
    }
  };
  $("#email").addEventListener("change", guard(suggest));
  $("#email").addEventListener("blur", guard(suggest));
  $("#signup-form").addEventListener("submit", guard(async () => {
    const f = new FormData($("#signup-form"));
    if (!select.value) throw new Error("choose your institution");
    const body = {
      email: f.get("email"),
      password: f.get("password"),
      first_name: f.get("first_name"),
      last_name: f.get("last_name"),
      user_category: f.get("user_category"),
      institution_id: select.value,
    };
    const data = await api("POST", "/auth/signup", body);
    say(data.message);
    $("#signup-form").hidden = true;
  }));
}

// ── email verification: the link's token, or one pasted from the email
function initVerify() {
  const token = new URLSearchParams(window.location.search).get("token");
  const verify = async (value) => {
    await api("POST", "/auth/verify-email", { token: value });
    say("Your email address is verified. You can sign in now.");
    $("#verify-form").hidden = true;
  };
  if (token) {
    $("#token").value = token;
    guard(() => verify(token))();
  }
  $("#verify-form").addEventListener("submit", guard(() => verify($("#token").value.trim())));
}

// ── password recovery: ask for a link; then set a new password with the link's token
function initRecover() {
  $("#recover-form").addEventListener("submit", guard(async () => {
    await api("POST", "/auth/recover", { email: $("#email").value.trim() });
    // The same answer whether or not the address has an account (no enumeration).
    say("If an account uses this address, a reset link is on its way.");
    $("#recover-form").hidden = true;
  }));
}

function initReset() {
  const token = new URLSearchParams(window.location.search).get("token");
  if (token) $("#token").value = token;
  $("#reset-form").addEventListener("submit", guard(async () => {
    if ($("#password").value !== $("#password2").value) {
      say("The two passwords differ.", true);
      return;
    }
    await api("POST", "/auth/reset-password", { token: $("#token").value.trim(), password: $("#password").value });
    say("Your password is changed. You can sign in now.");
    $("#reset-form").hidden = true;
  }));
}

// ── sign-in, with the MFA step when the account has TOTP
function initLogin() {
  let mfaToken = null;
  const done = (grant) => {
    saveGrant(grant);
    window.location.assign("/app/worklist");
  };
  $("#login-form").addEventListener("submit", guard(async () => {
    const f = new FormData($("#login-form"));
    const data = await api("POST", "/auth/token", { email: f.get("email"), password: f.get("password") });
    if (data.mfa_required) {
      mfaToken = data.mfa_token;
      $("#login-form").hidden = true;
      $("#mfa-form").hidden = false;
      $("#code").focus();
      say("Enter the code from your authenticator app.");
      return;
    }
    done(data);
  }));
  $("#mfa-form").addEventListener("submit", guard(async () => {
    const code = $("#code").value.trim();
    const recovery = $("#recovery_code").value.trim();
    const body = { mfa_token: mfaToken };
    if (recovery) body.recovery_code = recovery;
    else body.code = code;
    done(await api("POST", "/auth/mfa/verify", body));
  }));
}

// ── pages of a signed-in user
async function initApp() {
  if (!store.getItem("access_token")) {
    window.location.assign("/login");
    return null;
  }
  applyTheme(store.getItem("theme"));
  $("#logout").addEventListener("click", guard(async () => {
    await api("POST", "/auth/logout").catch(() => null);
    store.clear();
    window.location.assign("/login");
  }));
  const [me, settings] = await Promise.all([api("GET", "/me/profile"), api("GET", "/me/settings")]);
  store.setItem("theme", settings.theme);
  applyTheme(settings.theme);
  $("#who").textContent = `${me.name || ""} · ${me.user_category || ""}`;
  showMembership(me);
  return me;
}

function caseRow(c) {
  const tr = document.createElement("tr");
  const link = document.createElement("a");
  link.href = `/app/cases/${c.id}`;
  link.textContent = c.case_number;
  const cells = [link, c.mrn || "", STATUS_LABELS[c.status] || c.status, new Date(c.created_at).toLocaleString()];
  for (const value of cells) {
    const td = document.createElement("td");
    td.append(value);
    tr.append(td);
  }
  return tr;
}

async function initWorklist(me) {
  const body = $("#cases tbody");
  let cursor = null;
  const load = async (reset) => {
    if (reset) {
      body.replaceChildren();
      cursor = null;
    }
    const params = new URLSearchParams({ limit: "25" });
    const status = $("#status-filter").value;
    if (status) params.set("status", status);
    if (cursor) params.set("cursor", cursor);
    const data = await api("GET", `/cases?${params}`);
    for (const c of data.items) body.append(caseRow(c));
    cursor = data.next_cursor;
    $("#more").hidden = !cursor;
    if (reset && !data.items.length) say("No cases here yet.");
  };
  $("#filter-form").addEventListener("submit", guard(() => load(true)));
  $("#more").addEventListener("click", guard(() => load(false)));
  if (me.user_category === "Medical Coder") {
    $("#new-case-section").hidden = false;
    $("#new-case-form").addEventListener("submit", guard(async () => {
      const f = new FormData($("#new-case-form"));
      const payload = {};
      for (const key of ["mrn", "insurance_provider", "operative_notes"]) {
        if (f.get(key)) payload[key] = f.get(key);
      }
      if (f.get("date_of_service")) payload.date_of_service = `${f.get("date_of_service")}T00:00:00Z`;
      const created = await api("POST", "/cases", payload);
      window.location.assign(`/app/cases/${created.id}`);
    }));
  }
  await load(true);
}

const NOTE_FIELDS = ["operative_notes", "admission_notes", "discharge_notes", "pathology_notes",
  "progress_notes", "bedside_notes"];

async function initCase(me) {
  const id = document.body.dataset.caseId;
  let providers = null;
  // Unsaved edits are never lost: workflow actions save them first, and leaving asks.
  const formValues = () => {
    const body = {};
    for (const field of NOTE_FIELDS) body[field] = $(`#${field}`).value;
    body.billable_notes = $("#billable_notes").value.split("\n").map((s) => s.trim()).filter(Boolean);
    return body;
  };
  let savedValues = JSON.stringify(formValues());
  let editable = false;
  const dirty = () => editable && JSON.stringify(formValues()) !== savedValues;
  window.addEventListener("beforeunload", (event) => {
    if (!dirty()) return undefined;
    event.preventDefault();
    // Browsers show their own words; a non-empty returnValue is what older Chromium needs.
    event.returnValue = "You have unsaved edits.";
    return event.returnValue;
  });
  const save = async () => {
    await show(await api("PATCH", `/cases/${id}`, formValues()));
  };
  const show = async (c) => {
    $("#case-number").textContent = c.case_number;
    $("#case-status").textContent = STATUS_LABELS[c.status] || c.status;
    $("#case-mrn").textContent = c.mrn || "—";
    for (const field of NOTE_FIELDS) $(`#${field}`).value = c[field] || "";
    $("#billable_notes").value = (c.billable_notes || []).join("\n");
    const creator = c.user_id === me.id;
    const assigned = c.provider_user_id === me.id;
    editable = (creator && ["INCOMPLETE", "PENDING_CODER_REVIEW"].includes(c.status))
      || (assigned && c.status === "PENDING_PROVIDER_REVIEW");
    savedValues = JSON.stringify(formValues());
    for (const el of $("#notes-form").elements) el.disabled = !editable;
    $("#act-submit").hidden = !(creator && c.status === "INCOMPLETE");
    $("#act-send").hidden = !(creator && c.status === "PENDING_CODER_REVIEW");
    $("#act-review").hidden = !(assigned && c.status === "PENDING_PROVIDER_REVIEW");
    $("#act-none").hidden = !($("#act-submit").hidden && $("#act-send").hidden && $("#act-review").hidden);
    if (!$("#act-send").hidden && providers === null) {
      providers = await api("GET", "/providers");
      const select = $("#provider");
      select.replaceChildren(...providers.map((p) => option(p.id, p.name || p.id, false)));
    }
    const provider = providers && providers.find((p) => p.id === c.provider_user_id);
    $("#case-provider").textContent = c.provider_user_id ? (provider ? provider.name : "assigned") : "—";
  };
  const move = (to, extra) => guard(async () => {
    const hadEdits = dirty();
    if (hadEdits) await save();  // a failed save stops here: the edits stay on the page
    await show(await api("POST", `/cases/${id}/transition`, { to, ...(extra || {}) }));
    say(`${hadEdits ? "Your edits were saved. " : ""}Status: ${STATUS_LABELS[to]}`);
  });
  $("#notes-form").addEventListener("submit", guard(async () => {
    await save();
    say("Saved.");
  }));
  $("#submit-review").addEventListener("click", move("PENDING_CODER_REVIEW"));
  $("#act-send").addEventListener("submit", (event) => {
    event.preventDefault();
    move("PENDING_PROVIDER_REVIEW", { provider_user_id: $("#provider").value })();
  });
  $("#approve").addEventListener("click", move("PENDING_BILLING"));
  $("#return").addEventListener("click", move("PENDING_CODER_REVIEW"));
  try {
    await show(await api("GET", `/cases/${id}`));
  } catch (e) {
    if (e.status === 404) say("This case does not exist or is not yours to see.", true);
    else throw e;
  }
}

async function initSettings(me) {
  const settings = await api("GET", "/me/settings");
  $(`#theme-${settings.theme}`).checked = true;
  $("#profile-name").textContent = me.name || "";
  $("#profile-category").textContent = me.user_category || "";
  $("#profile-institution").textContent = me.institution_name || "";
  $("#profile-membership").textContent = MEMBERSHIP_LABELS[me.verification_status] || MEMBERSHIP_LABELS["not verified"];
  $("#settings-form").addEventListener("submit", guard(async () => {
    const theme = new FormData($("#settings-form")).get("theme") || "light";
    const saved = await api("PATCH", "/me/settings", { theme });
    store.setItem("theme", saved.theme);
    applyTheme(saved.theme);
    say("Settings saved.");
  }));
}

// ── verified membership (issue 12): what an unverified user is told; the administrators' page
const MEMBERSHIP_LABELS = {
  verified: "Verified member",
  "not verified": "Waiting for approval",
  rejected: "Not approved",
};

function showMembership(me) {
  const link = $("#nav-members");
  if (link) link.hidden = !me.is_institution_admin;
  const box = $("#membership");
  if (!box || me.verification_status === "verified") return;
  const where = me.institution_name || "your institution";
  box.textContent = me.verification_status === "rejected"
    ? `An administrator of ${where} did not approve your membership, so you see no cases. Ask them if this is a mistake.`
    : `Your membership of ${where} is waiting for approval by one of its administrators. Until then you see no cases and cannot be sent one.`;
  box.hidden = false;
}

function memberRow(m, reload) {
  const tr = document.createElement("tr");
  const status = MEMBERSHIP_LABELS[m.verification_status] || m.verification_status;
  for (const value of [m.name || "", m.email, m.user_category || "", m.is_admin ? `${status} · administrator` : status]) {
    const td = document.createElement("td");
    td.textContent = value;
    tr.append(td);
  }
  const actions = document.createElement("td");
  const button = (label, action) => {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = label;
    b.setAttribute("aria-label", `${label}: ${m.name || m.email}`);
    b.addEventListener("click", guard(async () => {
      await action();
      await reload();
    }));
    actions.append(b);
  };
  const decide = (decision) => api("POST", `/institution/members/${m.id}/decision`, { decision });
  if (m.verification_status !== "verified") button("Approve", async () => { await decide("verified"); say(`${m.name || m.email} is now a verified member.`); });
  if (m.verification_status !== "rejected") button("Reject", async () => { await decide("rejected"); say(`${m.name || m.email} was not approved.`); });
  if (m.verification_status === "verified" && !m.is_admin) {
    button("Make administrator", async () => {
      await api("POST", "/institution/admins", { user_id: m.id });
      say(`${m.name || m.email} is now an administrator.`);
    });
  }
  tr.append(actions);
  return tr;
}

async function initMembers(me) {
  if (!me.is_institution_admin) {
    say("Only an administrator of your institution can see this page.", true);
    return;
  }
  const filter = $("#member-filter");
  const body = $("#members tbody");
  const reload = async () => {
    const query = filter.value ? `?status=${encodeURIComponent(filter.value)}` : "";
    const members = await api("GET", `/institution/members${query}`);
    body.replaceChildren(...members.map((m) => memberRow(m, reload)));
    $("#members-empty").hidden = members.length > 0;
  };
  filter.addEventListener("change", guard(reload));
  await reload();
}

const PAGES = { worklist: initWorklist, case: initCase, settings: initSettings, members: initMembers };

document.addEventListener("DOMContentLoaded", guard(async () => {
  const page = document.body.dataset.page;
  if (page === "signup") return initSignup();
  if (page === "verify") return initVerify();
  if (page === "login") return initLogin();
  if (page === "recover") return initRecover();
  if (page === "reset") return initReset();
  if (PAGES[page]) {
    const me = await initApp();
    if (me) await PAGES[page](me);
    document.body.dataset.ready = "true";
  }
}));
