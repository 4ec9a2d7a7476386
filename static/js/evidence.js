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
  document.addEventListener("click", function (event) {
    const link = event.target.closest("a.evidence-link");
    if (!link) return;
    const clauseEl = document.getElementById("clause-" + link.dataset.clause);
    if (!clauseEl) return;  // not on this page (filtered out): the plain href still works
    event.preventDefault();
    clearMarks();
    markSpan(clauseEl, parseInt(link.dataset.start, 10), parseInt(link.dataset.end, 10));
    clauseEl.scrollIntoView({ behavior: "smooth", block: "center" });
    clauseEl.classList.add("flash");
    setTimeout(function () { clauseEl.classList.remove("flash"); }, 1500);
    history.replaceState(null, "", "#clause-" + link.dataset.clause);
  });
})();
