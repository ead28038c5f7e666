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
