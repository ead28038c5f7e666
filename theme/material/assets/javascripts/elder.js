/* rightsite: 长辈模式 (large text, higher contrast), after MIIT's 《互联网网站适老化通用设计规范》.
 * The header's <button aria-pressed> switches class rs-elder on <html>; the choice is kept in
 * localStorage so every page opens the same way (the <head> applies it before the first paint). */
(function () {
  var KEY = "rs-elder", root = document.documentElement;
  function on() { return root.classList.contains("rs-elder"); }
  function set(value) {
    root.classList.toggle("rs-elder", value);
    try { if (value) localStorage.setItem(KEY, "1"); else localStorage.removeItem(KEY); } catch (e) {}
    sync();
  }
  function sync() {
    document.querySelectorAll("[data-rs-elder]").forEach(function (b) {
      b.hidden = false;
      b.setAttribute("aria-pressed", on() ? "true" : "false");
    });
  }
  document.addEventListener("click", function (e) {
    var b = e.target && e.target.closest && e.target.closest("[data-rs-elder]");
    if (b) set(!on());
  });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", sync); else sync();
})();
