// The privacy officer's access review (issue 14): GET /audit/report, its flags, and whether the
// audit chain verified over the period. Uses app.js's helpers.
"use strict";

const WHAT_LABELS = {
  read: "Read", create: "Created", change: "Changed", transition: "Moved", delete: "Deleted",
  "break-glass": "Emergency read", denied: "Denied (not theirs)", export: "Report or export",
};

function whatText(what) {
  let text = WHAT_LABELS[what.kind] || what.kind;
  if (what.status_to) text += ` ${what.status_from || ""} → ${what.status_to}`;
  const fields = (what.fields || []).filter((f) => f !== "status");
  if (fields.length) text += ` (${fields.join(", ")})`;
  return text;
}

function entryRow(e) {
  const tr = document.createElement("tr");
  if (e.flags.length) tr.className = "flagged";
  const who = e.who.email ? `${e.who.name || ""} <${e.who.email}> ${e.who.category || ""}`.trim()
    : `${e.who.login} as ${e.who.db_role}`;
  const cells = [["When", when(e.at)], ["Who", who], ["What", whatText(e.what)],
    ["Case", e.case ? `${e.case.number || ""} · MRN ${e.case.mrn || "—"}` : "—"],
    ["From", e.client_addr || "—"], ["Session", e.session_id ? e.session_id.slice(0, 8) : "—"],
    ["Flags", e.flags.join(", ") || "—"]];
  for (const [label, value] of cells) tr.append(el("td", value, { "data-label": label }));
  return tr;
}

function dayBound(value, next) {
  // A date field is a UTC calendar day; "to" includes its day, so the bound is the next midnight.
  if (!value) return null;
  const d = new Date(`${value}T00:00:00Z`);
  if (next) d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString();
}

async function initAudit(me) {
  if (!me.is_audit_reviewer) {
    say("Only a privacy officer of your institution can see this page.", true);
    $("#report-form").hidden = true;
    return;
  }
  let entries = [];
  const body = $("#entries tbody");
  const show = () => {
    const shown = $("#flagged-only").checked ? entries.filter((e) => e.flags.length) : entries;
    body.replaceChildren(...shown.map(entryRow));
    $("#entries-empty").hidden = shown.length > 0;
  };
  $("#flagged-only").addEventListener("change", show);
  onSubmit($("#report-form"), async () => {
    const params = new URLSearchParams();
    for (const name of ["mrn", "case", "user"]) {
      const value = $(`#report-${name}`).value.trim();
      if (value) params.set(name, value);
    }
    const from = dayBound($("#report-from").value, false);
    const to = dayBound($("#report-to").value, true);
    if (from) params.set("from", from);
    if (to) params.set("to", to);
    const report = await api("GET", `/audit/report?${params}`);
    entries = report.entries;
    $("#chain").textContent = `Audit chain: ${report.chain.statement}.`;
    $("#results").hidden = false;
    show();
    say(`${entries.length} entries, ${entries.filter((e) => e.flags.length).length} flagged.`);
  });
}

PAGES.audit = initAudit;
