// Oxkair pages: a small client of the JSON API. Tokens live in sessionStorage (this tab only;
// see docs/web.md); no inline scripts, so the strict Content-Security-Policy holds.
// This file: the API client, forms and their errors, the pages before sign-in, the header.
// cases.js (worklist, case) and settings.js add the signed-in pages to PAGES.
"use strict";

const store = window.sessionStorage;
const $ = (sel, root) => (root || document).querySelector(sel);
// The status labels come with the page (api/models.py STATUS_LABELS: one list for server and pages).
const STATUS_LABELS = JSON.parse(document.body.dataset.statusLabels);
const PAGES = {};

// "invalid email or password" → "Invalid email or password."
function sentence(text) {
  const t = String(text || "").trim();
  if (!t) return t;
  return t[0].toUpperCase() + t.slice(1) + (/[.?!]$/.test(t) ? "" : ".");
}

function say(text, isError) {
  const box = $("#message");
  if (!box) return;
  box.textContent = text ? sentence(text) : "";
  box.classList.toggle("error", Boolean(isError));
}

// ── the API client
function saveGrant(grant) {
  store.setItem("access_token", grant.access_token);
  if (grant.refresh_token) store.setItem("refresh_token", grant.refresh_token);
}

async function refresh() {
  const token = store.getItem("refresh_token");
  if (!token) return false;
  const r = await fetch("/auth/token/refresh", {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({ refresh_token: token }),
  });
  if (!r.ok) return false;
  saveGrant(await r.json());
  return true;
}

class ApiError extends Error {
  constructor(problem, status, retryAfter) {
    super(sentence((problem && (problem.detail || problem.title)) || `The request failed (${status}).`));
    this.status = status;
    this.retryAfter = retryAfter; // seconds, from a 429's or 503's Retry-After (null otherwise)
    this.problem = problem || {};
    this.fieldErrors = (problem && problem.errors) || [];
  }
}

// fetch() of the JSON API with the access token; one refresh on 401, then back to sign-in.
async function api(method, path, body, retried) {
  const headers = { Accept: "application/json" };
  const token = store.getItem("access_token");
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const r = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  // A 401 about the token says so (WWW-Authenticate); a wrong code or password is another 401.
  if (r.status === 401 && token && !retried && r.headers.get("WWW-Authenticate")) {
    if (await refresh()) return api(method, path, body, true);
    leave("/login");
    throw new Error("Your session has ended; sign in again.");
  }
  const data = r.status === 204 ? null : await r.json().catch(() => null);
  if (!r.ok) {
    const wait = Number.parseInt(r.headers.get("Retry-After") || "", 10);
    throw new ApiError(data, r.status, Number.isFinite(wait) ? wait : null);
  }
  return data;
}

// Navigation the page itself starts (sign-out, after a save): no "unsaved changes" question.
let leaving = false;
function leave(url) {
  leaving = true;
  if (url === "/login") store.clear();
  window.location.assign(url);
}

// ── forms: plain-language errors next to their fields (aria-describedby, aria-invalid)
function fieldFor(form, name) {
  const el = form.elements.namedItem(name) || (name && document.getElementById(name));
  if (!el) return null;
  if (el instanceof RadioNodeList) return el[0] ? el[0].closest("fieldset") : null;
  return el;
}

function describedBy(el, id, add) {
  const ids = new Set((el.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean));
  if (add) ids.add(id);
  else ids.delete(id);
  if (ids.size) el.setAttribute("aria-describedby", [...ids].join(" "));
  else el.removeAttribute("aria-describedby");
}

function setFieldError(el, text) {
  const id = `${el.id || el.name}-error`;
  let box = document.getElementById(id);
  if (!box) {
    box = document.createElement("p");
    box.id = id;
    box.className = "field-error";
    (el.closest(".field") || el.parentElement).append(box);
  }
  box.textContent = sentence(text);
  box.hidden = false;
  el.setAttribute("aria-invalid", "true");
  describedBy(el, id, true);
}

function clearFieldError(el) {
  const id = `${el.id || el.name}-error`;
  const box = document.getElementById(id);
  if (box) box.remove();
  el.removeAttribute("aria-invalid");
  describedBy(el, id, false);
}

function clearErrors(form) {
  for (const el of form.querySelectorAll("[aria-invalid]")) clearFieldError(el);
}

// Places each {field, msg} next to its field; the rest go to the message line. True if any.
function showFieldErrors(form, errors, summary) {
  const loose = [];
  let first = null;
  for (const e of errors) {
    const el = form && fieldFor(form, e.field);
    if (el) {
      setFieldError(el, e.msg);
      first = first || el;
    } else {
      loose.push(sentence(e.msg));
    }
  }
  if (first) {
    say(summary || "Please correct the marked fields.", true);
    (first.matches("fieldset") ? first.querySelector("input") : first).focus();
  } else if (loose.length) {
    say(loose.join(" "), true);
  }
  return Boolean(first || loose.length);
}

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

// The browser's own checks (required, minlength, type=email), in our words and places.
function checkForm(form) {
  const errors = [];
  for (const el of form.elements) {
    if (!el.name || el.disabled || el.type === "radio" || el.type === "checkbox") continue;
    const value = el.value.trim();
    if (el.required && !value) errors.push({ field: el.name, msg: el.dataset.required || "This is required." });
    else if (value && el.type === "email" && !EMAIL.test(value)) {
      errors.push({ field: el.name, msg: "Enter an email address, like name@example.org." });
    } else if (value && el.minLength > 0 && el.value.length < el.minLength) {
      errors.push({ field: el.name, msg: `Use at least ${el.minLength} characters.` });
    }
  }
  return errors;
}

// A form's submit: clears old messages, checks fields, runs `fn`; errors land next to fields.
function onSubmit(form, fn) {
  form.noValidate = true;
  form.addEventListener("input", (event) => {
    const el = event.target.closest("[aria-invalid]") || event.target.closest("fieldset[aria-invalid]");
    if (el) clearFieldError(el);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearErrors(form);
    say("");
    const errors = checkForm(form);
    if (errors.length) {
      showFieldErrors(form, errors);
      return;
    }
    Promise.resolve(fn(event)).catch((e) => showError(e, form));
  });
}

function showError(e, form) {
  if (e instanceof ApiError && e.fieldErrors.length && showFieldErrors(form, e.fieldErrors)) return;
  say(e.message, true);
}

// For actions outside a form (buttons): messages only.
function guard(fn) {
  return (event) => {
    if (event) event.preventDefault();
    say("");
    Promise.resolve(fn(event)).catch((e) => showError(e, null));
  };
}

// ── small helpers
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

function el(tag, text, attrs) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = text;
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  return node;
}

function when(value) {
  return value ? new Date(value).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" }) : "—";
}

function day(value) {
  // Dates of service are stored as midnight UTC: shown as that calendar day.
  return value ? new Date(value).toLocaleDateString(undefined, { timeZone: "UTC", dateStyle: "medium" }) : "—";
}

// ── signup: search-as-you-type and the email domain's suggestion
const SEARCH_PAUSE_MS = 250; // typing pause before the institution search asks

function initSignup() {
  const form = $("#signup-form");
  const select = $("#institution");
  function fill(items) {
    const keep = select.value;
    select.replaceChildren();
    const seen = new Set();
    for (const it of items) {
      if (seen.has(it.id)) continue;
      seen.add(it.id);
      select.append(option(it.id, it.name, false));
    }
    if (keep && seen.has(keep)) select.value = keep;
    else if (items.length === 1) select.value = items[0].id;
  }
  // Search as you type, politely: anonymous searches share a per-IP budget (a whole NAT's), so
  // the page waits for a pause in typing, keeps at most one request in flight (a newer query
  // waits for it, then only the newest text is asked), and after a 429 asks nothing more until
  // Retry-After has passed, saying so calmly.
  const box = $("#institution-search");
  const status = $("#institution-count");
  let inFlight = false;
  let asked = null; // the text last sent (or being sent)
  let quietUntil = 0; // Date.now() before which nothing is asked (after a 429)
  let timer = null;
  const schedule = (ms) => {
    clearTimeout(timer);
    timer = setTimeout(search, Math.max(ms, quietUntil - Date.now()));
  };
  async function search() {
    timer = null;
    if (inFlight) return; // this request's end asks again if the text changed
    const q = box.value.trim();
    if (q.length < 2 || q === asked) return;
    asked = q;
    inFlight = true;
    try {
      const data = await api("GET", `/institutions/search?q=${encodeURIComponent(q)}`);
      if (box.value.trim() === q) {
        // A new search replaces the list, the email's suggestion included: it is not pinned.
        $("#institution-suggestion").textContent = "";
        fill(data.items);
        status.textContent = data.items.length
          ? `${data.items.length} found` : "No institution matches; try another spelling or fewer words.";
      }
    } catch (e) {
      if (e.status === 429) {
        const seconds = Math.min(120, Math.max(1, e.retryAfter || 10));
        quietUntil = Date.now() + seconds * 1000;
        asked = null; // ask again once the wait is over
        status.textContent = `Many searches from your network just now; searching again in ${seconds} s.`;
      } else {
        say(e.message, true);
      }
    } finally {
      inFlight = false;
    }
    if (box.value.trim() !== asked && !timer) schedule(0);
  }
  box.addEventListener("input", () => schedule(SEARCH_PAUSE_MS));
  let askedFor = null;
  const suggest = async () => {
    const email = $("#email").value.trim().toLowerCase();
    if (!EMAIL.test(email) || email === askedFor) return; // once per change of the address
    askedFor = email;
    const data = await api("POST", "/institutions/suggest", { email });
    if (!data.items.length) return;
    // First in the list and chosen unless the user already chose; a later search replaces it.
    const listed = [...select.options].map((o) => ({ id: o.value, name: o.textContent }));
    fill([...data.items, ...listed]);
    if (!select.value) select.value = data.items[0].id;
    $("#institution-suggestion").textContent = `Suggested from your email: ${data.items[0].name}`;
  };
  $("#email").addEventListener("change", () => suggest().catch((e) => say(e.message, true)));
  onSubmit(form, async () => {
    const f = new FormData(form);
    if (!select.value) {
      showFieldErrors(form, [{ field: "institution_id", msg: "Choose your institution: search for it above." }]);
      return;
    }
    const body = {
      email: f.get("email").trim(),
      password: f.get("password"),
      first_name: f.get("first_name").trim(),
      last_name: f.get("last_name").trim(),
      user_category: f.get("user_category"),
      institution_id: select.value,
    };
    const data = await api("POST", "/auth/signup", body);
    say(data.message);
    form.hidden = true;
  });
}

// ── email verification: the link's token, or one pasted from the email
function initVerify() {
  const form = $("#verify-form");
  const token = new URLSearchParams(window.location.search).get("token");
  const verify = async (value) => {
    await api("POST", "/auth/verify-email", { token: value });
    say("Your email address is verified. You can sign in now.");
    form.hidden = true;
  };
  if (token) {
    $("#token").value = token;
    verify(token).catch((e) => showError(e, form));
  }
  onSubmit(form, () => verify($("#token").value.trim()));
}

// ── password recovery: ask for a link; then set a new password with the link's token
function initRecover() {
  const form = $("#recover-form");
  onSubmit(form, async () => {
    await api("POST", "/auth/recover", { email: $("#email").value.trim() });
    // The same answer whether or not the address has an account (no enumeration).
    say("If an account uses this address, a reset link is on its way.");
    form.hidden = true;
  });
}

function initReset() {
  const form = $("#reset-form");
  const token = new URLSearchParams(window.location.search).get("token");
  if (token) $("#token").value = token;
  onSubmit(form, async () => {
    if ($("#password").value !== $("#password2").value) {
      showFieldErrors(form, [{ field: "password2", msg: "The two passwords differ." }]);
      return;
    }
    await api("POST", "/auth/reset-password", { token: $("#token").value.trim(), password: $("#password").value });
    say("Your password is changed. You can sign in now.");
    form.hidden = true;
  });
}

// A new verification link for an address (the same answer whether or not it has an account).
async function resendVerification(email) {
  await api("POST", "/auth/recover", { email, purpose: "email_verification" });
  say("If this address has an account waiting for verification, a new link is on its way. Check your email.");
}

// ── sign-in, with the MFA step when the account has TOTP
function initLogin() {
  let mfaToken = null;
  const form = $("#login-form");
  const resend = $("#resend-verification");
  const done = (grant) => {
    saveGrant(grant);
    leave("/app/worklist");
  };
  onSubmit(form, async () => {
    resend.hidden = true;
    const f = new FormData(form);
    let data;
    try {
      data = await api("POST", "/auth/token", { email: f.get("email").trim(), password: f.get("password") });
    } catch (e) {
      if (e instanceof ApiError && e.problem.code === "email_not_verified") resend.hidden = false;
      throw e;
    }
    if (data.mfa_required) {
      mfaToken = data.mfa_token;
      form.hidden = true;
      $("#mfa-form").hidden = false;
      $("#code").focus();
      say("Enter the code from your authenticator app.");
      return;
    }
    done(data);
  });
  resend.addEventListener("click", guard(() => resendVerification($("#email").value.trim())));
  onSubmit($("#mfa-form"), async () => {
    const code = $("#code").value.trim();
    const recovery = $("#recovery_code").value.trim();
    if (!code && !recovery) {
      showFieldErrors($("#mfa-form"), [{ field: "code", msg: "Enter the 6-digit code, or a recovery code below." }]);
      return;
    }
    const body = { mfa_token: mfaToken };
    if (recovery && !code) body.recovery_code = recovery;
    else body.code = code;
    done(await api("POST", "/auth/mfa/verify", body));
  });
}

// ── pages of a signed-in user: the header, then the page
async function initApp() {
  if (!store.getItem("access_token")) {
    leave("/login");
    return null;
  }
  applyTheme(store.getItem("theme"));
  $("#logout").addEventListener("click", guard(async () => {
    await api("POST", "/auth/logout").catch(() => null);
    leave("/login");
  }));
  const [me, settings] = await Promise.all([api("GET", "/me/profile"), api("GET", "/me/settings")]);
  store.setItem("theme", settings.theme);
  applyTheme(settings.theme);
  $("#who").textContent = [me.name, me.user_category].filter(Boolean).join(" · ");
  // Links shown only when a condition holds: data-nav-when names a field of the profile.
  for (const item of document.querySelectorAll("[data-nav-when]")) {
    item.hidden = !me[item.dataset.navWhen];
  }
  showMembership(me);
  return me;
}

// ── verified membership (issue 12): what an unverified user is told; the administrators' page
const MEMBERSHIP_LABELS = {
  verified: "Verified member",
  "not verified": "Waiting for approval",
  rejected: "Not approved",
};

function showMembership(me) {
  const box = $("#membership");
  if (!box || me.verification_status === "verified") return;
  const where = me.institution_name || "your institution";
  box.textContent = me.verification_status === "rejected"
    ? `An administrator of ${where} did not approve your membership, so you see no cases. Ask them if this is a mistake.`
    : `Your membership of ${where} is waiting for approval by one of its administrators. Until then you see no cases and cannot be sent one.`;
  box.hidden = false;
}

// Leaving a page with unsaved edits asks first (pages register what "unsaved" means).
const unsavedChecks = [];
window.addEventListener("beforeunload", (event) => {
  if (leaving || !unsavedChecks.some((check) => check())) return;
  event.preventDefault();
  event.returnValue = ""; // older browsers need it set
});

document.addEventListener("DOMContentLoaded", () => {
  const page = document.body.dataset.page;
  const start = async () => {
    if (page === "signup") initSignup();
    else if (page === "verify") initVerify();
    else if (page === "login") initLogin();
    else if (page === "recover") initRecover();
    else if (page === "reset") initReset();
    else if (PAGES[page]) {
      const me = await initApp();
      if (me) await PAGES[page](me);
    }
    document.body.dataset.ready = "true";
  };
  start().catch((e) => {
    say(e.message, true);
    document.body.dataset.ready = "true";
  });
});
