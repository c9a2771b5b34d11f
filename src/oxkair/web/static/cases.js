// The worklist and the case page. Uses app.js's helpers.
"use strict";

const NOTE_FIELDS = ["operative_notes", "admission_notes", "discharge_notes", "pathology_notes",
  "progress_notes", "bedside_notes"];
const JSON_FIELDS = ["summary_data", "final_processed_data", "panel_data", "ai_raw_output"];
const FIELD_LABELS = {
  mrn: "MRN", date_of_service: "date of service", insurance_provider: "insurance",
  operative_notes: "operative notes", admission_notes: "admission notes", discharge_notes: "discharge notes",
  pathology_notes: "pathology notes", progress_notes: "progress notes", bedside_notes: "bedside notes",
  billable_notes: "billable notes", ai_raw_output: "AI output", panel_data: "panel data",
  final_processed_data: "final processed data", summary_data: "summary", workflow_status: "workflow status",
};

// Provider names by id: the Providers of the caller's institution (GET /providers).
let providerNames = null;
async function providersById() {
  if (providerNames === null) {
    const list = await api("GET", "/providers").catch(() => []); // names are a help, not a must
    providerNames = new Map(list.map((p) => [p.id, p.name || "(no name)"]));
  }
  return providerNames;
}

// ── the worklist: sort by any column, filter by status, search; keyset pages
function caseRow(c, names) {
  const tr = document.createElement("tr");
  const labels = [...document.querySelectorAll("#cases thead th")].map((th) => th.textContent.trim());
  const cells = [
    el("a", c.case_number, { href: `/app/cases/${c.id}` }),
    c.mrn || "—",
    day(c.date_of_service),
    c.insurance_provider || "—",
    STATUS_LABELS[c.status] || c.status || "—",
    c.provider_user_id ? (names.get(c.provider_user_id) || "—") : "—",
    when(c.updated_at),
  ];
  cells.forEach((value, i) => {
    const td = el("td", null, { "data-label": labels[i] });
    td.append(value);
    tr.append(td);
  });
  return tr;
}

async function initWorklist(me) {
  const body = $("#cases tbody");
  const url = new URL(window.location.href);
  const view = {
    status: url.searchParams.get("status") || "",
    q: url.searchParams.get("q") || "",
    sort: url.searchParams.get("sort") || "created_at:desc",
  };
  if (![...$("#sort-select").options].some((o) => o.value === view.sort)) view.sort = "created_at:desc";
  $("#status-filter").value = view.status;
  $("#search").value = view.q;
  $("#sort-select").value = view.sort;
  let cursor = null;
  let seq = 0;
  const names = await providersById();

  const showSort = () => {
    const [key, order] = view.sort.split(":");
    for (const th of document.querySelectorAll("#cases th[data-sort]")) {
      if (th.dataset.sort === key) th.setAttribute("aria-sort", order === "asc" ? "ascending" : "descending");
      else th.removeAttribute("aria-sort");
    }
    $("#cases-caption").textContent = `Your cases, ${$("#sort-select").selectedOptions[0].textContent}`;
  };
  const showCounts = async () => {
    const data = await api("GET", `/cases/counts${view.q ? `?q=${encodeURIComponent(view.q)}` : ""}`);
    for (const o of $("#status-filter").options) {
      const label = o.value ? STATUS_LABELS[o.value] : "All statuses";
      o.textContent = `${label} (${o.value ? data.counts[o.value] : data.total})`;
    }
    const parts = Object.entries(data.counts).filter(([, n]) => n)
      .map(([s, n]) => `${n} ${STATUS_LABELS[s].toLowerCase()}`);
    $("#counts").textContent = data.total
      ? `${data.total} case${data.total > 1 ? "s" : ""}${view.q ? " found" : ""}: ${parts.join(", ")}.`
      : (view.q ? "No case number or MRN matches your search." : "");
  };
  const load = async (reset) => {
    const mine = reset ? ++seq : seq;
    const params = new URLSearchParams({ limit: "25" });
    const [sort, order] = view.sort.split(":");
    if (view.sort !== "created_at:desc") {
      params.set("sort", sort);
      params.set("order", order);
    }
    if (view.status) params.set("status", view.status);
    if (view.q) params.set("q", view.q);
    if (!reset && cursor) params.set("cursor", cursor);
    const data = await api("GET", `/cases?${params}`);
    if (mine !== seq) return; // a newer view replaced this one while it loaded
    if (reset) body.replaceChildren();
    for (const c of data.items) body.append(caseRow(c, names));
    cursor = data.next_cursor;
    $("#more").hidden = !cursor;
    if (reset && !data.items.length) {
      say(view.q || view.status ? "No case matches these filters." : "No cases here yet.");
    } else if (reset) {
      say("");
    }
  };
  // Each change applies at once (no Filter button) and is kept in the address (back returns to it).
  const apply = async () => {
    const keep = new URL(window.location.href);
    for (const k of ["status", "q", "sort"]) keep.searchParams.delete(k);
    if (view.status) keep.searchParams.set("status", view.status);
    if (view.q) keep.searchParams.set("q", view.q);
    if (view.sort !== "created_at:desc") keep.searchParams.set("sort", view.sort);
    window.history.replaceState(null, "", keep);
    showSort();
    await Promise.all([load(true), showCounts()]);
  };
  $("#status-filter").addEventListener("change", guard(() => {
    view.status = $("#status-filter").value;
    return apply();
  }));
  $("#sort-select").addEventListener("change", guard(() => {
    view.sort = $("#sort-select").value;
    return apply();
  }));
  const search = debounce(() => {
    view.q = $("#search").value.trim();
    apply().catch((e) => say(e.message, true));
  }, 250);
  $("#search").addEventListener("input", search);
  for (const th of document.querySelectorAll("#cases th[data-sort]")) {
    th.querySelector("button").addEventListener("click", guard(() => {
      const [key, order] = view.sort.split(":");
      const next = key === th.dataset.sort && order === "asc" ? "desc" : "asc";
      view.sort = `${th.dataset.sort}:${next}`;
      $("#sort-select").value = view.sort;
      return apply();
    }));
  }
  $("#more").addEventListener("click", guard(() => load(false)));

  if (me.user_category === "Medical Coder") {
    const form = $("#new-case-form");
    $("#new-case-section").hidden = false;
    unsavedChecks.push(() => [...form.elements].some((e) => e.name && e.value.trim()));
    onSubmit(form, async () => {
      const f = new FormData(form);
      const payload = {};
      for (const key of ["mrn", "insurance_provider", "operative_notes"]) {
        if (f.get(key).trim()) payload[key] = f.get(key).trim();
      }
      if (f.get("date_of_service")) payload.date_of_service = `${f.get("date_of_service")}T00:00:00Z`;
      const created = await api("POST", "/cases", payload);
      leave(`/app/cases/${created.id}`);
    });
  }
  await apply();
}

// ── the case page: edits are never lost (workflow actions save first; leaving asks)
const EDIT_FIELDS = ["mrn", "date_of_service", "insurance_provider", ...NOTE_FIELDS, "billable_notes"];

function formValue(field) {
  const value = $(`#${field}`).value;
  if (field === "billable_notes") return value.split("\n").map((s) => s.trim()).filter(Boolean);
  if (field === "date_of_service") return value ? `${value}T00:00:00Z` : null;
  if (field === "mrn" || field === "insurance_provider") return value.trim() || null;
  return value;
}

function caseValue(c, field) {
  if (field === "billable_notes") return c.billable_notes || [];
  if (field === "date_of_service") return c.date_of_service ? `${c.date_of_service.slice(0, 10)}T00:00:00Z` : null;
  if (field === "mrn" || field === "insurance_provider") return c[field] || null;
  return c[field] || "";
}

function historyText(h) {
  const who = h.actor_name || "Someone";
  if (h.action === "created") return `${who} created the case.`;
  if (h.action === "edited") return `${who} edited ${h.fields.map((f) => FIELD_LABELS[f] || f).join(", ")}.`;
  const to = STATUS_LABELS[h.status_to] || h.status_to;
  if (h.status_to === "PENDING_PROVIDER_REVIEW" && h.provider_name) {
    return `${who} sent the case to ${h.provider_name} (${to}).`;
  }
  return `${who} moved the case from ${STATUS_LABELS[h.status_from] || h.status_from || "—"} to ${to}.`;
}

function showJson(c) {
  for (const field of JSON_FIELDS) {
    const value = c[field];
    const empty = value === null || value === undefined;
    $(`#${field}-json`).textContent = empty ? "None" : JSON.stringify(value, null, 2);
    const size = Array.isArray(value) ? `${value.length} item${value.length === 1 ? "" : "s"}`
      : (empty ? "none" : `${Object.keys(value).length} field${Object.keys(value).length === 1 ? "" : "s"}`);
    $(`#${field}-size`).textContent = `(${size})`;
  }
}

async function initCase(me) {
  const id = document.body.dataset.caseId;
  const form = $("#notes-form");
  let current = null; // the case as last loaded or saved
  let editable = false;

  const changed = () => {
    if (!current || !editable) return {};
    const diff = {};
    for (const field of EDIT_FIELDS) {
      const now = formValue(field);
      if (JSON.stringify(now) !== JSON.stringify(caseValue(current, field))) diff[field] = now;
    }
    return diff;
  };
  const dirty = () => Object.keys(changed()).length > 0;
  unsavedChecks.push(dirty);
  const markDirty = () => {
    $("#unsaved").textContent = dirty() ? "You have unsaved changes." : "";
  };
  form.addEventListener("input", markDirty);

  const showHistory = async () => {
    const data = await api("GET", `/cases/${id}/history`);
    $("#history").replaceChildren(...data.items.map((h) => {
      const li = el("li");
      li.append(el("time", when(h.at), { datetime: h.at }), " ", historyText(h));
      return li;
    }));
  };

  const show = async (c) => {
    current = c;
    const names = await providersById();
    $("#case-number").textContent = c.case_number;
    document.title = `Case ${c.case_number} · Oxkair`;
    $("#page-title").textContent = `Case ${c.case_number}`;
    $("#case-status").textContent = STATUS_LABELS[c.status] || c.status;
    $("#case-provider").textContent = c.provider_user_id
      ? (names.get(c.provider_user_id) || "—") : "Not yet assigned";
    $("#case-created").textContent = when(c.created_at);
    $("#case-updated").textContent = when(c.updated_at);
    $("#mrn").value = c.mrn || "";
    $("#date_of_service").value = c.date_of_service ? c.date_of_service.slice(0, 10) : "";
    $("#insurance_provider").value = c.insurance_provider || "";
    for (const field of NOTE_FIELDS) $(`#${field}`).value = c[field] || "";
    $("#billable_notes").value = (c.billable_notes || []).join("\n");
    showJson(c);
    const creator = c.user_id === me.id;
    const assigned = c.provider_user_id === me.id;
    editable = (creator && ["INCOMPLETE", "PENDING_CODER_REVIEW"].includes(c.status))
      || (assigned && c.status === "PENDING_PROVIDER_REVIEW");
    for (const e of form.elements) {
      if (e.tagName === "TEXTAREA" || e.tagName === "INPUT") e.readOnly = !editable;
    }
    $("#save").hidden = !editable;
    $("#read-only-note").hidden = editable;
    $("#act-submit").hidden = !(creator && c.status === "INCOMPLETE");
    $("#act-send").hidden = !(creator && c.status === "PENDING_CODER_REVIEW");
    $("#act-review").hidden = !(assigned && c.status === "PENDING_PROVIDER_REVIEW");
    $("#act-none").hidden = !($("#act-submit").hidden && $("#act-send").hidden && $("#act-review").hidden);
    $("#workflow-help").hidden = !$("#act-none").hidden || !editable;
    if (!$("#act-send").hidden) {
      $("#provider").replaceChildren(
        ...[...names].map(([pid, name]) => option(pid, name, pid === c.provider_user_id)));
    }
    markDirty();
  };

  // Saves the edits (if any); a failure stops the caller, with the reason next to the fields.
  const save = async () => {
    const diff = changed();
    if (!Object.keys(diff).length) return false;
    await show(await api("PATCH", `/cases/${id}`, diff));
    return true;
  };
  const after = () => showHistory().catch(() => null);
  const move = (to, extra) => guard(async () => {
    let savedFirst = false;
    clearErrors(form);
    try {
      savedFirst = await save();
    } catch (e) {
      if (e instanceof ApiError && e.fieldErrors.length) showFieldErrors(form, e.fieldErrors);
      throw new Error(`Your edits could not be saved, so the case was not moved. ${e.message}`);
    }
    await show(await api("POST", `/cases/${id}/transition`, { to, ...(extra || {}) }));
    say(`${savedFirst ? "Saved. " : ""}Status: ${STATUS_LABELS[to]}.`);
    await after();
  });
  onSubmit(form, async () => {
    const saved = await save();
    say(saved ? "Saved." : "Nothing to save.");
    if (saved) await after();
  });
  $("#submit-review").addEventListener("click", move("PENDING_CODER_REVIEW"));
  $("#act-send").addEventListener("submit", (event) => {
    event.preventDefault();
    if (!$("#provider").value) {
      say("Your institution has no provider to send the case to yet.", true);
      return;
    }
    move("PENDING_PROVIDER_REVIEW", { provider_user_id: $("#provider").value })();
  });
  $("#approve").addEventListener("click", move("PENDING_BILLING"));
  $("#return").addEventListener("click", move("PENDING_CODER_REVIEW"));
  try {
    await show(await api("GET", `/cases/${id}`));
  } catch (e) {
    if (e.status !== 404) throw e;
    say("This case does not exist, or it is not yours to see.", true);
    for (const section of document.querySelectorAll(".case-only")) section.hidden = true;
    $("#case-missing").hidden = false;
    return;
  }
  await showHistory();
}

PAGES.worklist = initWorklist;
PAGES.case = initCase;
