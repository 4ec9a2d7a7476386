// Evidence links: jump to a clause and mark the exact words a fact or finding cites.
// Clause text is rendered as one plain text node, so offsets map 1:1 onto it.
(function () {
  function clearMarks() {
    document.querySelectorAll("mark.evidence").forEach(function (mark) {
      const parent = mark.parentNode;
      parent.replaceChild(document.createTextNode(mark.textContent), mark);
      parent.normalize();
    });
  }
  function markSpan(clauseEl, start, end) {
    const textEl = clauseEl.querySelector(".clause-text") || clauseEl;
    const node = textEl.firstChild;
    const base = parseInt(clauseEl.dataset.start, 10);
    if (!node || node.nodeType !== Node.TEXT_NODE || isNaN(base)) return;
    const from = Math.max(0, start - base), to = Math.min(node.length, end - base);
    if (from >= to) return;
    const range = document.createRange();
    range.setStart(node, from);
    range.setEnd(node, to);
    const mark = document.createElement("mark");
    mark.className = "evidence";
    range.surroundContents(mark);
  }
  // The policy page's document loads a page of clauses at a time (placeholders load as they
  // scroll into view). A link to a clause not loaded yet loads its page (or, when the link does
  // not know the clause's order, every page still missing), then runs again.
  let pending = null;
  function loadPagesFor(clauseId, order) {
    const list = document.getElementById("clause-list");
    const size = list ? parseInt(list.dataset.pageSize, 10) : NaN;
    let pages = Array.from(document.querySelectorAll(".document-page.placeholder"));
    if (!isNaN(order) && !isNaN(size)) {
      pages = pages.filter(function (p) { return parseInt(p.dataset.page, 10) === Math.floor(order / size); });
    }
    pages.forEach(function (p) { htmx.trigger(p, "load-page"); });
    return pages.length > 0;
  }
  document.body.addEventListener("htmx:afterSettle", function () {
    if (!pending || !document.getElementById("clause-" + pending.clause)) return;
    const done = pending;
    pending = null;
    done.then();
  });
  function whenLoaded(clauseId, order, then) {
    if (!loadPagesFor(clauseId, order)) return false;
    pending = { clause: clauseId, then: then };
    return true;
  }
  if (/^#clause-\d+$/.test(location.hash) && !document.querySelector(location.hash)) {
    const id = location.hash.slice("#clause-".length);
    whenLoaded(id, NaN, function () { document.getElementById("clause-" + id).scrollIntoView({ block: "center" }); });
  }

  document.addEventListener("click", function (event) {
    const link = event.target.closest("a.evidence-link");
    if (!link) return;
    const clauseEl = document.getElementById("clause-" + link.dataset.clause);
    if (!clauseEl) {
      // Not loaded yet: load it and click again. Not on this page at all (filtered out): the
      // plain href still works.
      if (whenLoaded(link.dataset.clause, parseInt(link.dataset.order, 10), function () { link.click(); })) {
        event.preventDefault();
      }
      return;
    }
    event.preventDefault();
    clearMarks();
    markSpan(clauseEl, parseInt(link.dataset.start, 10), parseInt(link.dataset.end, 10));
    clauseEl.scrollIntoView({ behavior: "smooth", block: "center" });
    clauseEl.classList.add("flash");
    setTimeout(function () { clauseEl.classList.remove("flash"); }, 1500);
    history.replaceState(null, "", "#clause-" + link.dataset.clause);
  });
})();
