/* rightsite: wide tables sit in a horizontally scrollable wrapper on phones; make each
 * wrapper reachable by keyboard (WCAG 2.1.1, axe: scrollable-region-focusable). */
(function () {
  function fix() {
    document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (el, i) {
      if (!el.hasAttribute("tabindex")) {
        el.setAttribute("tabindex", "0");
        el.setAttribute("role", "region");
        el.setAttribute("aria-label", "表格 " + (i + 1) + "（可左右滚动）");
      }
    });
  }
  if (typeof document$ !== "undefined") {
    document$.subscribe(function () { setTimeout(fix, 0); });
  } else {
    document.addEventListener("DOMContentLoaded", function () { setTimeout(fix, 0); });
  }
  new MutationObserver(fix).observe(document.documentElement, { childList: true, subtree: true });
})();

/* rightsite: on a phone a wide table (inside .rs-stack, or of three columns or more) becomes one block per row, each value
 * labelled with its column's heading (copied here into data-label, which the CSS prints). */
(function () {
  function label() {
    document.querySelectorAll(".md-content table").forEach(function (table) {
      if (table.dataset.rsLabelled) return;
      var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
        return th.textContent.trim();
      });
      // generated wide tables are marked .rs-stack; any other of three columns or more too
      if (!table.closest(".rs-stack") && (heads.length < 3 || heads.some(function (h) { return !h; }))) return;
      table.querySelectorAll("tbody tr").forEach(function (tr) {
        Array.prototype.forEach.call(tr.children, function (td, i) {
          if (heads[i]) td.setAttribute("data-label", heads[i]);
        });
      });
      table.dataset.rsLabelled = "1";  // an attribute, not a class: Material styles table:not([class])
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", label); else label();
})();
