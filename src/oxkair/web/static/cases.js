// The worklist and the case page. Uses app.js's helpers.
"use strict";

const NOTE_FIELDS = ["operative_notes", "admission_notes", "discharge_notes", "pathology_notes",
  "progress_notes", "bedside_notes"];

// ── the worklist
function caseRow(c) {
  const tr = document.createElement("tr");
  const link = el("a", c.case_number, { href: `/app/cases/${c.id}` });
  const cells = [link, c.mrn || "", STATUS_LABELS[c.status] || c.status, when(c.created_at)];
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
  $("#status-filter").addEventListener("change", guard(() => load(true)));
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
  await load(true);
}

// ── the case page: edits are never lost (workflow actions save first; leaving asks)
async function initCase(me) {
  const id = document.body.dataset.caseId;
  const form = $("#notes-form");
  let providers = null;
  let current = null; // the case as last loaded or saved
  let editable = false;

  const values = () => {
    const body = {};
    for (const field of NOTE_FIELDS) body[field] = $(`#${field}`).value;
    body.billable_notes = $("#billable_notes").value.split("\n").map((s) => s.trim()).filter(Boolean);
    return body;
  };
  const savedValues = () => {
    const body = {};
    for (const field of NOTE_FIELDS) body[field] = current[field] || "";
    body.billable_notes = current.billable_notes || [];
    return body;
  };
  const changed = () => {
    if (!current || !editable) return {};
    const now = values();
    const before = savedValues();
    const diff = {};
    for (const [k, v] of Object.entries(now)) {
      if (JSON.stringify(v) !== JSON.stringify(before[k])) diff[k] = v;
    }
    return diff;
  };
  const dirty = () => Object.keys(changed()).length > 0;
  unsavedChecks.push(dirty);
  const markDirty = () => {
    $("#unsaved").textContent = dirty() ? "You have unsaved changes." : "";
  };
  form.addEventListener("input", markDirty);

  const show = async (c) => {
    current = c;
    $("#case-number").textContent = c.case_number;
    $("#case-status").textContent = STATUS_LABELS[c.status] || c.status;
    $("#case-mrn").textContent = c.mrn || "—";
    for (const field of NOTE_FIELDS) $(`#${field}`).value = c[field] || "";
    $("#billable_notes").value = (c.billable_notes || []).join("\n");
    const creator = c.user_id === me.id;
    const assigned = c.provider_user_id === me.id;
    editable = (creator && ["INCOMPLETE", "PENDING_CODER_REVIEW"].includes(c.status))
      || (assigned && c.status === "PENDING_PROVIDER_REVIEW");
    for (const e of form.elements) {
      if (e.tagName === "TEXTAREA") e.readOnly = !editable;
    }
    $("#save").hidden = !editable;
    $("#act-submit").hidden = !(creator && c.status === "INCOMPLETE");
    $("#act-send").hidden = !(creator && c.status === "PENDING_CODER_REVIEW");
    $("#act-review").hidden = !(assigned && c.status === "PENDING_PROVIDER_REVIEW");
    $("#act-none").hidden = !($("#act-submit").hidden && $("#act-send").hidden && $("#act-review").hidden);
    if (!$("#act-send").hidden && providers === null) {
      providers = await api("GET", "/providers");
      $("#provider").replaceChildren(...providers.map((p) => option(p.id, p.name || "(no name)", false)));
    }
    const provider = providers && providers.find((p) => p.id === c.provider_user_id);
    $("#case-provider").textContent = c.provider_user_id ? (provider ? provider.name : "assigned") : "—";
    markDirty();
  };

  // Saves the edits (if any); a failure stops the caller, with the reason next to the fields.
  const save = async () => {
    const diff = changed();
    if (!Object.keys(diff).length) return false;
    await show(await api("PATCH", `/cases/${id}`, diff));
    return true;
  };
  const move = (to, extra) => guard(async () => {
    let savedFirst = false;
    try {
      savedFirst = await save();
    } catch (e) {
      if (e instanceof ApiError && e.fieldErrors.length) showFieldErrors(form, e.fieldErrors);
      throw new Error(`Your edits could not be saved, so the case was not moved. ${e.message}`);
    }
    await show(await api("POST", `/cases/${id}/transition`, { to, ...(extra || {}) }));
    say(`${savedFirst ? "Saved. " : ""}Status: ${STATUS_LABELS[to]}.`);
  });
  onSubmit(form, async () => {
    say((await save()) ? "Saved." : "Nothing to save.");
  });
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
    if (e.status !== 404) throw e;
    say("This case does not exist, or it is not yours to see.", true);
    for (const section of document.querySelectorAll(".case-only")) section.hidden = true;
    $("#case-missing").hidden = false;
  }
}

PAGES.worklist = initWorklist;
PAGES.case = initCase;
