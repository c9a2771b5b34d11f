// The institution administrators' page: approve or reject members, name administrators (issue 12).
// Uses app.js's helpers.
"use strict";

function memberRow(m, reload) {
  const tr = document.createElement("tr");
  const status = MEMBERSHIP_LABELS[m.verification_status] || m.verification_status;
  const cells = [["Name", m.name || ""], ["Email", m.email], ["Role", m.user_category || ""],
    ["Membership", m.is_admin ? `${status} · administrator` : status]];
  for (const [label, value] of cells) tr.append(el("td", value, { "data-label": label }));
  const actions = el("td", null, { "data-label": "Actions" });
  const buttons = el("span", null, { class: "actions" });
  actions.append(buttons);
  const button = (label, action) => {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = label;
    b.setAttribute("aria-label", `${label}: ${m.name || m.email}`);
    b.addEventListener("click", guard(async () => {
      await action();
      await reload();
    }));
    buttons.append(b);
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

PAGES.members = initMembers;
