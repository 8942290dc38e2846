// neetmap submission pages: calls the JSON API with the key kept in sessionStorage.
// Every text from the server is put in with textContent, never as HTML.
"use strict";
(function () {
  const KEY = "neetmap-api-key";
  const page = document.body.dataset.page;
  const labels = JSON.parse(document.getElementById("field-labels").textContent);
  const STATES = {
    submitted: "Waiting for a moderator", published: "Published",
    rejected: "Rejected", withdrawn: "Withdrawn",
  };
  const $ = (id) => document.getElementById(id);

  function el(tag, text, attrs) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, value);
    return node;
  }

  function say(message, tone) {
    const status = $("status");
    status.textContent = message || "";
    status.className = "status" + (tone ? " " + tone : "");
  }

  // --- the key -------------------------------------------------------------------------
  function cleanKey(raw) {
    return raw.replace(/^\s*bearer\s+/i, "").replace(/\s+/g, "");
  }
  function currentKey() { return sessionStorage.getItem(KEY); }

  function showKey() {
    const key = currentKey();
    $("key-form").hidden = Boolean(key);
    $("key-set").hidden = !key;
    if (key) $("key-start").textContent = key.split("_").slice(0, 2).join("_") + "…";
    for (const section of document.querySelectorAll(".needs-key")) section.hidden = !key;
  }

  function forgetKey(message) {
    sessionStorage.removeItem(KEY);
    showKey();
    if (message) {
      const error = $("key-error");
      error.textContent = message;
      error.hidden = false;
      $("key").focus();
    }
  }

  // --- the API -------------------------------------------------------------------------
  class ApiError extends Error {
    constructor(status, body) {
      const error = (body && body.error) || {};
      super(error.message || "neetmap answered with an error (" + status + ").");
      this.status = status;
      this.details = error.details || [];
      this.report = body && body.report;
    }
  }

  async function api(path, options) {
    const opts = options || {};
    const headers = Object.assign({ Accept: "application/json" }, opts.headers || {});
    const key = currentKey();
    if (key) headers.Authorization = "Bearer " + key;
    let response;
    try {
      response = await fetch(path, Object.assign({}, opts, { headers }));
    } catch (err) {
      throw new ApiError(0, { error: { message: "neetmap could not be reached. Check your connection and try again." } });
    }
    const type = response.headers.get("content-type") || "";
    const body = type.includes("json") ? await response.json() : null;
    if (response.status === 401) {
      forgetKey("Your key was not accepted: it is wrong, or it has been revoked. Paste your key again, or ask neetmap for a new one.");
    }
    if (!response.ok) throw new ApiError(response.status, body);
    return { body, etag: response.headers.get("ETag") };
  }

  function failed(err) {
    say(err.message, "bad");
  }

  function words(value) {
    if (value === null || value === undefined || value === "") return "(none)";
    if (Array.isArray(value)) return value.length ? value.join(", ") : "(none)";
    if (typeof value === "object") {
      return Object.entries(value).filter(([, v]) => v !== null && v !== "")
        .map(([k, v]) => k + ": " + words(v)).join("; ") || "(none)";
    }
    return String(value);
  }

  function setupKeyForm() {
    $("key-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      const key = cleanKey($("key").value);
      $("key-error").hidden = true;
      if (!key) {
        forgetKey("Paste your API key first.");
        return;
      }
      sessionStorage.setItem(KEY, key);
      $("key").value = "";
      try {
        await api("/api/v1/submissions?limit=1");
      } catch (err) {
        if (err.status !== 401) failed(err);
        return;
      }
      showKey();
      say("Key accepted.", "good");
      loadList();
    });
    $("key-forget").addEventListener("click", () => { forgetKey(); say("The key is forgotten in this tab."); });
  }

  // --- the officer's page ----------------------------------------------------------------
  let checkedFile = null;

  async function sendFile(dryRun) {
    const file = $("file").files[0];
    const form = new FormData();
    form.append("file", file, file.name);
    const params = new URLSearchParams();
    if (dryRun) params.set("dry_run", "true");
    const sheet = $("sheet").value.trim();
    if (sheet) params.set("sheet", sheet);
    const headers = {};
    if (!dryRun) headers["Idempotency-Key"] = checkedFile.idempotency;
    return api("/api/v1/imports" + (params.toString() ? "?" + params : ""), { method: "POST", body: form, headers });
  }

  function showReport(report, stored) {
    const section = $("report");
    section.hidden = false;
    const problems = report.problems || [];
    const rows = report.rows_read;
    const where = report.sheet ? " on the sheet '" + report.sheet + "'" : "";
    $("report-summary").textContent = stored
      ? rows + " record" + (rows === 1 ? " was" : "s were") + " sent to a moderator. They appear under Your records as waiting for a moderator."
      : rows + " row" + (rows === 1 ? "" : "s") + " read" + where + ", " + report.rows_valid + " ready, " +
        (problems.length ? problems.length + " problem" + (problems.length === 1 ? "" : "s") + " to fix. Nothing was stored." : "no problems.");
    const body = document.querySelector("#problems tbody");
    body.replaceChildren();
    for (const p of problems) {
      const tr = el("tr");
      const suggestion = p.suggestion || "";
      let message = p.message;
      if (suggestion && message.includes(suggestion)) message = message.replace(suggestion, "").trim();
      tr.append(el("td", p.row), el("td", p.cell || ""), el("td", labels[p.column] || p.column),
        el("td", p.value === null || p.value === undefined ? "" : p.value, { class: "value" }),
        el("td", message), el("td", suggestion));
      body.append(tr);
    }
    $("problems-wrap").hidden = !problems.length;
    const warnings = $("warnings");
    warnings.replaceChildren(...(report.warnings || []).map((w) => el("li", w)));
    $("warnings-wrap").hidden = !(report.warnings || []).length;
    const ready = !stored && !problems.length && report.rows_valid > 0;
    $("confirm-wrap").hidden = !ready;
    if (ready) {
      $("confirm-text").textContent = "Everything is ready. Submit " + report.rows_valid + " record" +
        (report.rows_valid === 1 ? "" : "s") + " for moderation?";
      $("confirm").textContent = "Submit " + report.rows_valid + " record" + (report.rows_valid === 1 ? "" : "s");
    }
    section.focus();
  }

  function randomKey() {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function setupUpload() {
    $("upload-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      if (!$("file").files.length) {
        say("Choose the spreadsheet file to check first.", "bad");
        $("file").focus();
        return;
      }
      checkedFile = { idempotency: randomKey() };
      say("Checking the file…");
      try {
        const { body } = await sendFile(true);
        say("");
        showReport(body, false);
      } catch (err) {
        $("report").hidden = true;
        failed(err);
      }
    });
    $("file").addEventListener("change", () => { $("confirm-wrap").hidden = true; });
    $("confirm").addEventListener("click", async () => {
      $("confirm").disabled = true;
      say("Submitting…");
      try {
        const { body } = await sendFile(false);
        say("Submitted: " + body.created_ids.length + " record(s) are waiting for a moderator.", "good");
        showReport(body, true);
        $("upload-form").reset();
        loadList();
      } catch (err) {
        if (err.report) showReport(err.report, false);
        failed(err);
      } finally {
        $("confirm").disabled = false;
      }
    });
    $("template-xlsx").addEventListener("click", async (event) => {
      if (!currentKey()) return; // the public template, with every LA
      event.preventDefault();
      try {
        const response = await fetch("/api/v1/imports/template.xlsx", { headers: { Authorization: "Bearer " + currentKey() } });
        if (!response.ok) throw new ApiError(response.status, await response.json());
        const link = el("a", "", { href: URL.createObjectURL(await response.blob()), download: "neetmap-template.xlsx" });
        document.body.append(link);
        link.click();
        link.remove();
      } catch (err) { failed(err); }
    });
  }

  async function loadList() {
    if (!currentKey()) return;
    if (page === "moderation") return loadQueue();
    let found;
    try {
      found = (await api("/api/v1/submissions?limit=100")).body;
    } catch (err) { return failed(err); }
    const body = document.querySelector("#records tbody");
    body.replaceChildren();
    $("records-empty").hidden = found.items.length > 0;
    for (const item of found.items) {
      const tr = el("tr", null, { "data-id": item.id });
      const state = el("span", STATES[item.publication_state] || item.publication_state, { class: "state " + item.publication_state });
      const notes = el("td");
      if (item.edit_pending) notes.append(el("p", "An edit is waiting for a moderator."));
      const actions = el("td");
      const box = el("div", null, { class: "actions" });
      if (item.publication_state !== "withdrawn") {
        const edit = el("button", "Edit", { type: "button", class: "secondary", "aria-label": "Edit " + item.name });
        edit.addEventListener("click", () => openEdit(item.id));
        const withdraw = el("button", "Withdraw", { type: "button", class: "danger", "aria-label": "Withdraw " + item.name });
        withdraw.addEventListener("click", () => withdrawRecord(item));
        box.append(edit, withdraw);
      }
      actions.append(box);
      const stateCell = el("td");
      stateCell.append(state);
      tr.append(el("td", item.name), el("td", item.la_codes.join(", ")), stateCell, notes, actions);
      body.append(tr);
      if (item.publication_state === "rejected") {
        api("/api/v1/submissions/" + item.id).then(({ body: full }) => {
          if (full.rejection_reason) notes.prepend(el("p", "Moderator's reason: " + full.rejection_reason));
        }).catch(() => {});
      }
    }
  }

  async function withdrawRecord(item) {
    if (!window.confirm("Withdraw \u201c" + item.name + "\u201d? It leaves the public map at once; its history is kept.")) return;
    try {
      await api("/api/v1/interventions/" + item.id, { method: "DELETE", headers: { "If-Match": item.etag } });
      say("\u201c" + item.name + "\u201d was withdrawn.", "good");
    } catch (err) { failed(err); }
    loadList();
  }

  let editing = null;
  const TEXT_FIELDS = ["name", "description", "provider", "age_min", "age_max", "start_date", "end_date", "website", "contact_email"];
  const LIST_FIELDS = ["age_band", "transition_point", "target_group", "funding_source", "intervention_type", "delivery_model", "evidence_level"];

  async function openEdit(id) {
    let found;
    try { found = await api("/api/v1/submissions/" + id); } catch (err) { return failed(err); }
    const record = found.body;
    editing = { id, etag: found.etag || record.etag };
    const form = $("edit-form");
    form.reset();
    for (const name of TEXT_FIELDS) form.elements[name].value = record[name] === null || record[name] === undefined ? "" : record[name];
    form.elements.la_codes.value = (record.areas || []).map((a) => a.code).join("; ");
    for (const name of LIST_FIELDS) {
      const chosen = new Set(record[name] || []);
      for (const box of form.querySelectorAll("input[name=" + name + "]")) box.checked = chosen.has(box.value);
    }
    for (const radio of form.querySelectorAll("input[name=status]")) radio.checked = radio.value === record.status;
    $("edit-heading").textContent = "Edit \u201c" + record.name + "\u201d";
    $("edit-errors").hidden = true;
    $("edit").hidden = false;
    $("edit").focus();
  }

  function formBody(form) {
    const body = {};
    for (const name of TEXT_FIELDS) {
      const raw = form.elements[name].value.trim();
      body[name] = raw === "" ? null : (name.startsWith("age_") ? Number(raw) : raw);
    }
    if (body.name === null) body.name = "";
    body.la_codes = form.elements.la_codes.value.split(";").map((s) => s.trim()).filter(Boolean);
    for (const name of LIST_FIELDS) {
      body[name] = Array.from(form.querySelectorAll("input[name=" + name + "]:checked"), (box) => box.value);
    }
    if (body.age_min !== null || body.age_max !== null) delete body.age_band; // derived from the ages
    const status = form.querySelector("input[name=status]:checked");
    if (status) body.status = status.value;
    return body;
  }

  function setupEdit() {
    $("edit-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      const summary = $("edit-errors");
      try {
        await api("/api/v1/interventions/" + editing.id, {
          method: "PATCH",
          headers: { "Content-Type": "application/json", "If-Match": editing.etag },
          body: JSON.stringify(formBody($("edit-form"))),
        });
      } catch (err) {
        const list = summary.querySelector("ul");
        list.replaceChildren(...(err.details.length ? err.details : [{ message: err.message }]).map((d) => {
          const field = (d.field || "").split(".")[0];
          const text = (labels[field] ? labels[field] + ": " : "") + d.message;
          return el("li", text);
        }));
        summary.hidden = false;
        summary.focus();
        if (err.status === 412) say("Someone changed this record meanwhile. Open it again to see their change.", "bad");
        return;
      }
      $("edit").hidden = true;
      say("Your changes were sent to a moderator.", "good");
      loadList();
    });
    $("edit-cancel").addEventListener("click", () => { $("edit").hidden = true; });
    $("edit-errors").setAttribute("tabindex", "-1");
  }

  // --- the moderator's page ---------------------------------------------------------------
  async function loadQueue() {
    let found;
    try { found = (await api("/api/v1/moderation?limit=50")).body; } catch (err) { return failed(err); }
    const queue = $("queue");
    queue.replaceChildren();
    $("queue-empty").hidden = found.items.length > 0;
    for (const item of found.items) queue.append(queueItem(item));
  }

  function queueItem(item) {
    const article = el("article", null, { class: "item", "aria-labelledby": "item-" + item.id });
    article.append(el("h3", item.name, { id: "item-" + item.id }));
    const kind = item.kind === "new" ? "A new record" : "An edit to a published record";
    article.append(el("p", kind + ", from " + item.submitted_by + ", " + new Date(item.submitted_at).toLocaleString("en-GB") + "."));
    const table = el("table");
    table.append(el("caption", "What changes"));
    const head = el("thead");
    const hr = el("tr");
    hr.append(el("th", "Field", { scope: "col" }), el("th", "Published now", { scope: "col" }), el("th", "Proposed", { scope: "col" }));
    head.append(hr);
    const body = el("tbody");
    for (const change of item.changes) {
      const tr = el("tr");
      const before = el("td"); before.append(el("del", words(change.published)));
      const after = el("td"); after.append(el("ins", words(change.proposed)));
      tr.append(el("th", labels[change.field] || change.field, { scope: "row" }), before, after);
      body.append(tr);
    }
    table.append(head, body);
    article.append(table);
    const publish = el("button", "Publish", { type: "button", "aria-label": "Publish " + item.name });
    publish.addEventListener("click", () => moderate(item, "publish"));
    const reasonId = "reason-" + item.id;
    const reason = el("div", null, { class: "field" });
    reason.append(el("label", "Reason for the submitter (needed to reject)", { for: reasonId }),
      el("textarea", null, { id: reasonId, rows: "2", maxlength: "2000" }));
    const reject = el("button", "Reject", { type: "button", class: "danger", "aria-label": "Reject " + item.name });
    reject.addEventListener("click", () => moderate(item, "reject", $(reasonId)));
    const actions = el("div", null, { class: "actions" });
    actions.append(publish, reject);
    article.append(reason, actions);
    return article;
  }

  async function moderate(item, action, reasonBox) {
    const options = { method: "POST", headers: { "If-Match": item.etag } };
    if (action === "reject") {
      const reason = reasonBox.value.trim();
      if (!reason) {
        say("Say why you reject \u201c" + item.name + "\u201d: the submitter reads the reason.", "bad");
        reasonBox.focus();
        return;
      }
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify({ reason });
    }
    try {
      await api("/api/v1/interventions/" + item.id + "/" + action, options);
      say("\u201c" + item.name + "\u201d was " + (action === "publish" ? "published." : "rejected; the submitter sees your reason."), "good");
    } catch (err) { failed(err); }
    loadQueue();
  }

  // --- start ------------------------------------------------------------------------------
  setupKeyForm();
  if (page === "submit") { setupUpload(); setupEdit(); }
  $("refresh").addEventListener("click", () => { say(""); loadList(); });
  showKey();
  loadList();
})();
