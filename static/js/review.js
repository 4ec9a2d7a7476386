// Review page: keyboard (j/k/a/r/c/e/?), the selected finding, and evidence in clauses that are
// not loaded yet (pages of the document load as they scroll into view, or on demand here).
(function () {
  const doc = document.getElementById("document");
  if (!doc) return;
  const pageSize = parseInt(doc.dataset.pageSize, 10) || 100;
  let selectedId = null;

  function findings() { return Array.from(document.querySelectorAll("li.finding")); }
  function selected() { return selectedId && document.getElementById("finding-" + selectedId); }

  function select(li, focus) {
    findings().forEach(function (el) { el.classList.remove("selected"); });
    if (!li) return;
    selectedId = li.dataset.finding;
    li.classList.add("selected");
    if (focus !== false) {
      li.focus({ preventScroll: true });
      li.scrollIntoView({ block: "nearest", behavior: "smooth" });
    }
  }

  // Make sure the page holding a clause is loaded, then run ``then``.
  function withClause(clauseId, order, then) {
    if (document.getElementById("clause-" + clauseId)) { then(); return; }
    if (isNaN(order)) return;
    const page = document.getElementById("page-" + Math.floor(order / pageSize));
    if (!page) return;
    page.addEventListener("htmx:afterSettle", function () { then(); }, { once: true });
    htmx.trigger(page, "load-page");
  }

  function showEvidence(li) {
    const link = li && li.querySelector("a.evidence-link");
    if (link) link.click();
  }

  // Evidence links whose clause is on a page not loaded yet: load it first, then let
  // evidence.js mark the words (it listens on document, after us).
  document.addEventListener("click", function (event) {
    const link = event.target.closest("a.evidence-link, a.jump-clause");
    if (!link) return;
    const li = link.closest("li.finding");
    if (li) select(li, false);
    if (document.getElementById("clause-" + link.dataset.clause)) {
      if (link.classList.contains("jump-clause")) {
        event.preventDefault();
        document.getElementById("clause-" + link.dataset.clause).scrollIntoView({ block: "center" });
      }
      return;
    }
    event.preventDefault();
    event.stopImmediatePropagation();
    withClause(link.dataset.clause, parseInt(link.dataset.order, 10), function () { link.click(); });
  }, true);

  document.addEventListener("click", function (event) {
    const li = event.target.closest("li.finding");
    if (li && !event.target.closest("a, button, summary, textarea, select, input")) select(li, false);
    const pick = event.target.closest("a.select-finding");
    if (pick) {
      const target = document.getElementById("finding-" + pick.dataset.finding);
      if (target) { event.preventDefault(); select(target); showEvidence(target); }
    }
    if (event.target.closest("[data-help-toggle]")) toggleHelp();
  });

  function toggleHelp(force) {
    const overlay = document.getElementById("help-overlay");
    overlay.hidden = force === undefined ? !overlay.hidden : !force;
  }

  function openBox(li, cls, field) {
    const box = li.querySelector("details." + cls);
    if (!box) return;
    box.open = true;
    const input = box.querySelector(field);
    if (input) input.focus();
  }

  document.addEventListener("keydown", function (event) {
    if (event.metaKey || event.ctrlKey || event.altKey) return;
    const typing = event.target.closest("input, textarea, select");
    if (typing) {
      if (event.key === "Escape") event.target.blur();
      // Enter in a reason box sends it (Shift+Enter for a new line).
      if (event.key === "Enter" && !event.shiftKey && event.target.matches("textarea.reject-reason, textarea.comment-body")) {
        event.preventDefault();
        htmx.trigger(event.target.form, "submit");
      }
      return;
    }
    const list = findings();
    const current = selected();
    const index = current ? list.indexOf(current) : -1;
    switch (event.key) {
      case "j": case "ArrowDown":
        if (list.length) { event.preventDefault(); select(list[Math.min(list.length - 1, index + 1)]); }
        break;
      case "k": case "ArrowUp":
        if (list.length) { event.preventDefault(); select(list[Math.max(0, index - 1)]); }
        break;
      case "a":
        if (current) { const b = current.querySelector("button.act-approve"); if (b) b.click(); }
        break;
      case "r":
        if (current) { event.preventDefault(); openBox(current, "act-reject-box", "textarea"); }
        break;
      case "c":
        if (current) { event.preventDefault(); openBox(current, "act-comment-box", "textarea"); }
        break;
      case "e":
        if (current) showEvidence(current);
        break;
      case "?":
        toggleHelp();
        break;
      case "Escape":
        toggleHelp(false);
        break;
    }
  });

  // A decision swaps only the row's decision part, which carries the finding's new lock
  // version: the row's other forms (evidence) send that one, not the one they were drawn with.
  document.body.addEventListener("htmx:configRequest", function (event) {
    const li = event.detail.elt.closest && event.detail.elt.closest("li.finding");
    const part = li && li.querySelector(".finding-decision");
    const data = event.detail.formData;  // htmx 2: the FormData it is about to send
    if (part && data && data.has("lock_version")) data.set("lock_version", part.dataset.lockVersion);
  });

  // A swapped row keeps its selection (the row element is new after an htmx swap).
  document.body.addEventListener("htmx:afterSwap", function () {
    const li = selected();
    if (li) li.classList.add("selected");
  });
  // Selecting a clause fills the evidence "Clause #" boxes of the selected finding.
  document.body.addEventListener("htmx:afterSettle", function (event) {
    const panel = event.detail.target && event.detail.target.id === "clause-panel" ? event.detail.target : document.getElementById("clause-panel");
    if (!panel || !event.detail.elt || !event.detail.elt.classList || !event.detail.elt.classList.contains("clause-num")) return;
    const number = event.detail.elt.textContent.replace("#", "");
    document.querySelectorAll(".clause-number-input").forEach(function (input) { if (!input.value) input.value = number; });
    document.querySelectorAll(".clause.selected-clause").forEach(function (el) { el.classList.remove("selected-clause"); });
    const clause = event.detail.elt.closest(".clause");
    if (clause) clause.classList.add("selected-clause");
  });
})();
