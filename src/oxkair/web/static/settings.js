// The settings page: profile and verification state, theme, password, two-step verification
// (QR code and recovery codes), active sessions. Uses app.js's helpers.
"use strict";

const MEMBERSHIP = {
  verified: (inst) => `Verified member of ${inst}`,
  "not verified": (inst) => `Waiting for an administrator of ${inst} to approve your membership`,
  rejected: (inst) => `Not approved by ${inst}: ask its administrator`,
};

// The QR code as an SVG drawn from its modules (no image: the Content-Security-Policy holds).
function qrSvg(rows) {
  const ns = "http://www.w3.org/2000/svg";
  const size = rows.length + 8; // 4 modules of quiet zone on each side
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", `0 0 ${size} ${size}`);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", "QR code to scan with your authenticator app");
  const back = document.createElementNS(ns, "rect");
  back.setAttribute("width", size);
  back.setAttribute("height", size);
  back.setAttribute("fill", "#fff");
  let d = "";
  rows.forEach((row, y) => {
    for (const run of row.matchAll(/1+/g)) d += `M${run.index + 4} ${y + 4}h${run[0].length}v1h-${run[0].length}z`;
  });
  const path = document.createElementNS(ns, "path");
  path.setAttribute("d", d);
  path.setAttribute("fill", "#000");
  svg.append(back, path);
  return svg;
}

function device(agent) {
  if (!agent) return "Unknown device";
  const browser = (/(Edg|Firefox|Chrome|Safari)\/[\d.]+/.exec(agent) || [])[1];
  const system = (/(Windows|Mac OS X|Android|iPhone|iPad|Linux)/.exec(agent) || [])[1];
  const names = { Edg: "Edge", "Mac OS X": "macOS" };
  return [names[browser] || browser, names[system] || system].filter(Boolean).join(" on ") || "Unknown device";
}

async function showSessions() {
  const data = await api("GET", "/auth/sessions");
  const body = $("#sessions tbody");
  body.replaceChildren(...data.items.map((s) => {
    const tr = document.createElement("tr");
    const first = el("td", device(s.user_agent), { "data-label": "Device" });
    if (s.current) first.append(" ", el("strong", "(this session)"));
    tr.append(first, el("td", s.client_addr || "—", { "data-label": "Address" }),
      el("td", when(s.created_at), { "data-label": "Signed in" }),
      el("td", when(s.last_seen_at), { "data-label": "Last active" }));
    return tr;
  }));
  $("#logout-others").hidden = !data.items.some((s) => !s.current);
}

async function showAccount(me) {
  const account = await api("GET", "/auth/user");
  const inst = me.institution_name || "your institution";
  $("#profile-name").textContent = me.name || "";
  $("#profile-category").textContent = me.user_category || "";
  $("#profile-institution").textContent = me.institution_name || "—";
  const status = me.verification_status || "not verified";
  $("#profile-membership").textContent = (MEMBERSHIP[status] || (() => status))(inst);
  $("#profile-email").textContent = account.email;
  $("#profile-email-state").textContent = account.email_confirmed_at
    ? "Verified" : "Not verified: open the link in the email we sent you";
  $("#resend-verification").hidden = Boolean(account.email_confirmed_at);
  $("#mfa-state").textContent = account.mfa_enabled
    ? "On: signing in asks for a code from your authenticator app."
    : "Off: signing in asks only for your password. Turn it on to protect patient data if your password leaks.";
  $("#mfa-start").hidden = account.mfa_enabled;
  $("#mfa-remove").hidden = !account.mfa_enabled;
  return account;
}

async function initSettings(me) {
  let account = await showAccount(me);
  const settings = await api("GET", "/me/settings");
  $(`#theme-${settings.theme}`).checked = true;
  onSubmit($("#settings-form"), async () => {
    const theme = new FormData($("#settings-form")).get("theme") || "light";
    const saved = await api("PATCH", "/me/settings", { theme });
    store.setItem("theme", saved.theme);
    applyTheme(saved.theme);
    say("Settings saved.");
  });
  $("#resend-verification").addEventListener("click", guard(() => resendVerification(account.email)));

  const pw = $("#password-form");
  onSubmit(pw, async () => {
    if ($("#new_password").value !== $("#new_password2").value) {
      showFieldErrors(pw, [{ field: "new_password2", msg: "The two new passwords differ." }]);
      return;
    }
    const data = await api("POST", "/auth/password", {
      current_password: $("#current_password").value, new_password: $("#new_password").value,
    });
    pw.reset();
    say(data.message);
    await showSessions();
  });

  $("#mfa-start").addEventListener("click", guard(async () => {
    const enrol = await api("POST", "/auth/mfa/enroll");
    $("#mfa-qr").replaceChildren(qrSvg(enrol.qr_modules));
    $("#mfa-secret").textContent = enrol.secret.replace(/(.{4})/g, "$1 ").trim();
    $("#mfa-enrol").hidden = false;
    $("#mfa-start").hidden = true;
    $("#mfa-code").focus();
  }));
  onSubmit($("#mfa-confirm-form"), async () => {
    const done = await api("POST", "/auth/mfa/verify", { code: $("#mfa-code").value.trim() });
    store.setItem("access_token", done.access_token); // this session is now verified with the code
    $("#mfa-enrol").hidden = true;
    $("#mfa-confirm-form").reset();
    $("#mfa-recovery-codes").replaceChildren(...done.recovery_codes.map((c) => el("li", c)));
    $("#mfa-recovery").hidden = false;
    say("Two-step verification is on.");
    account = await showAccount(me);
    $("#mfa-recovery-done").focus();
  });
  $("#mfa-recovery-done").addEventListener("click", () => {
    $("#mfa-recovery-codes").replaceChildren();
    $("#mfa-recovery").hidden = true;
  });
  $("#mfa-remove").addEventListener("click", guard(async () => {
    try {
      await api("DELETE", "/auth/mfa");
    } catch (e) {
      if (e.status === 403) throw new Error("Sign out and sign in again with a code from your app, then turn it off.");
      throw e;
    }
    say("Two-step verification is off.");
    account = await showAccount(me);
  }));

  $("#logout-others").addEventListener("click", guard(async () => {
    await api("POST", "/auth/logout?scope=others");
    say("Your other sessions are signed out.");
    await showSessions();
  }));
  await showSessions();
}

PAGES.settings = initSettings;
