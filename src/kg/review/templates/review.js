// kg review: keyboard shortcuts and the highlight of the selected fact. Every decision is a plain form
// POST (the page works without this script); this only picks the fact and submits its forms.
"use strict";
(function () {
  const facts = Array.from(document.querySelectorAll("section.fact"));
  let current = null;

  function marks(ref) {
    return Array.from(document.querySelectorAll("mark[data-refs]")).filter(
      (m) => m.dataset.refs.split(" ").includes(ref)
    );
  }

  function select(fact, scroll) {
    if (!fact) return;
    if (current) {
      current.classList.remove("selected");
      marks(current.dataset.ref).forEach((m) => m.classList.remove("selected"));
    }
    current = fact;
    fact.classList.add("selected");
    const spans = marks(fact.dataset.ref);
    spans.forEach((m) => m.classList.add("selected"));
    if (scroll) {
      fact.focus({ preventScroll: true });
      fact.scrollIntoView({ block: "nearest" });
      if (spans.length) spans[0].scrollIntoView({ block: "nearest" });
    }
  }

  function step(forward) {
    const at = current ? facts.indexOf(current) : -1;
    const order = forward
      ? facts.slice(at + 1).concat(facts.slice(0, at + 1))
      : facts.slice(0, Math.max(at, 0)).reverse().concat(facts.slice(Math.max(at, 0)).reverse());
    const next = order.find((f) => f.classList.contains("draft")) || order[0];
    select(next, true);
  }

  function submit(selector) {
    if (!current) return;
    const form = current.querySelector(selector);
    if (form) form.requestSubmit();
  }

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const tag = event.target.tagName;
    if (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA") return;
    const actions = {
      j: () => step(true),
      n: () => step(true),
      k: () => step(false),
      p: () => step(false),
      a: () => submit("form.accept"),
      r: () => submit("form.reject"),
      e: () => {
        const edit = current && current.querySelector("details.edit");
        if (edit) {
          edit.open = true;
          const first = edit.querySelector("select, input:not([type=hidden])");
          if (first) first.focus();
        }
      },
    };
    const act = actions[event.key];
    if (act) {
      event.preventDefault();
      act();
    }
  });

  facts.forEach((f) => f.addEventListener("click", () => select(f, false)));
  document.querySelectorAll("mark[data-refs]").forEach((m) =>
    m.addEventListener("click", () => {
      const ref = m.dataset.refs.split(" ")[0];
      select(facts.find((f) => f.dataset.ref === ref), true);
    })
  );

  // after a failed decision the page opens that fact; else the first fact still to decide
  const failed = document.querySelector("section.fact ul.messages");
  select(failed ? failed.closest("section.fact") : facts.find((f) => f.classList.contains("draft")) || facts[0], true);
})();
