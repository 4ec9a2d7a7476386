// Keyboard-driven labelling on the campaign annotation page. Each change is one small htmx
// POST that swaps only the clause it changed; nothing re-renders the page per keystroke.
(function () {
  "use strict";
  const list = document.getElementById("clause-list");
  if (!list) return;
  const editable = list.dataset.editable === "1";
  const status = document.getElementById("annotate-status");
  const help = document.getElementById("help-overlay");
  let currentId = null;

  function clauses() { return Array.from(list.querySelectorAll(".ann-clause")); }
  function current() { return currentId && document.getElementById(currentId); }

  function select(el, scroll) {
    const old = current();
    if (old) old.classList.remove("current");
    if (!el) return;
    currentId = el.id;
    el.classList.add("current");
    if (scroll) el.scrollIntoView({ block: "center", behavior: "smooth" });
  }

  function move(step) {
    const all = clauses();
    const index = all.indexOf(current());
    const next = all[Math.min(all.length - 1, Math.max(0, index + step))];
    select(next, true);
  }

  function say(text) { if (status) status.textContent = text; }

  // Keyboard changes are sent one after another, each once the previous answer is swapped in:
  // a key pressed while the clause's previous change is in flight would otherwise target the
  // element that answer replaces, and its change would vanish from the page.
  let pending = Promise.resolve();
  function post(url, values, el) {
    const target = "#" + el.id;
    const send = function () {
      return htmx.ajax("POST", url, { source: list, target: target, swap: "outerHTML", values: values });
    };
    pending = pending.then(send, send);
    return pending;
  }

  function highlight(el, key) {
    const text = el.querySelector(".ann-text");
    const selection = window.getSelection();
    if (!selection.rangeCount || selection.isCollapsed) return false;
    const range = selection.getRangeAt(0);
    if (!text.contains(range.startContainer) || !text.contains(range.endContainer)) return false;
    const before = document.createRange();
    before.selectNodeContents(text);
    before.setEnd(range.startContainer, range.startOffset);
    const start = Number(el.dataset.start) + before.toString().length;
    const end = start + range.toString().length;
    const button = el.querySelector('.ann-labels button[data-key="' + key + '"]');
    const urls = el.querySelector(".hidden-urls");
    if (!button || !urls || end <= start) return false;
    post(urls.dataset.span, { label: button.dataset.label, start: start, end: end }, el);
    selection.removeAllRanges();
    return true;
  }

  function digit(event) {
    const match = /^(?:Digit|Numpad)([0-9])$/.exec(event.code);
    return match ? match[1] : null;
  }

  document.addEventListener("keydown", function (event) {
    const target = event.target;
    if (target.matches && target.matches("input, textarea, select")) {
      if (target.classList.contains("ann-comment") && (event.key === "Enter" || event.key === "Escape")) {
        event.preventDefault();
        target.blur();  // "change" fires and saves the comment
        const clause = target.closest(".ann-clause");
        if (clause) clause.focus({ preventScroll: true });
      }
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (help && !help.hidden && event.key === "Escape") { help.hidden = true; return; }
    const el = current();
    const key = digit(event);
    if (key !== null && el && editable) {
      event.preventDefault();
      if (event.shiftKey) {
        if (!highlight(el, key)) say("Select text inside the clause first, then Shift+number.");
        return;
      }
      const button = el.querySelector('.ann-labels button[data-key="' + key + '"]');
      if (button) post(button.getAttribute("hx-post"), { label: button.dataset.label }, el);
      return;
    }
    switch (event.key) {
      case "j": case "ArrowDown": event.preventDefault(); move(1); break;
      case "k": case "ArrowUp": event.preventDefault(); move(-1); break;
      case "n":
        if (el && editable) {
          const urls = el.querySelector(".hidden-urls");
          if (urls) post(urls.dataset.judge, {}, el);
          move(1);
        }
        break;
      case "u":
        if (el && editable) { const b = el.querySelector(".unsure-toggle"); if (b) b.click(); }
        break;
      case "c":
        if (el && editable) { event.preventDefault(); const c = el.querySelector(".ann-comment"); if (c) c.focus(); }
        break;
      case "d": {
        const form = document.getElementById("done-form");
        if (form && window.confirm("Mark this document done?")) form.requestSubmit();
        break;
      }
      case "?": if (help) help.hidden = !help.hidden; break;
      default: return;
    }
  });

  list.addEventListener("click", function (event) {
    const clause = event.target.closest(".ann-clause");
    if (clause) select(clause, false);
  });

  // A swapped clause is a new element: give it the "current" mark back.
  document.body.addEventListener("htmx:afterSettle", function () {
    const el = current();
    if (el && !el.classList.contains("current")) el.classList.add("current");
    say("");
  });
  document.body.addEventListener("htmx:responseError", function (event) {
    say(event.detail.xhr.responseText || "The change was not saved.");
  });
  document.body.addEventListener("htmx:sendError", function () {
    say("The server cannot be reached; the change was not saved.");
  });

  const focus = new URLSearchParams(window.location.search).get("focus");
  const start = (focus && document.getElementById("clause-" + focus)) ||
    (window.location.hash && document.getElementById(window.location.hash.slice(1))) || clauses()[0];
  select(start, Boolean(focus || window.location.hash));
})();
