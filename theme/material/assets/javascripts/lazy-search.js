/* rightsite: load the search index only when the reader starts to search.
 * Material fetches search/search_index.json (hundreds of KB with Chinese text) on every
 * page load; on a phone that is most of the page's weight. This holds that one request
 * back until the search box is focused or tapped (or the URL carries a query), then
 * sends it; everything else about Material's search is unchanged. */
(function () {
  var wanted = false, queue = [];
  var open = XMLHttpRequest.prototype.open, send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.open = function (method, url) {
    this.__rsLazy = /search\/search_index\.json/.test(String(url));
    return open.apply(this, arguments);
  };
  XMLHttpRequest.prototype.send = function () {
    if (this.__rsLazy && !wanted) { queue.push([this, arguments]); return; }
    return send.apply(this, arguments);
  };
  function go() {
    if (wanted) return;
    wanted = true;
    queue.splice(0).forEach(function (q) { send.apply(q[0], q[1]); });
  }
  document.addEventListener("focusin", function (e) {
    if (e.target && e.target.closest && e.target.closest(".md-search")) go();
  });
  document.addEventListener("pointerdown", function (e) {
    if (e.target && e.target.closest && e.target.closest("label[for='__search'], .md-search")) go();
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "/" || e.key === "s" || e.key === "f") go();
  });
  if (/[?&](q|h)=/.test(location.search)) go();
})();

/* rightsite: highlight what the reader typed. Material puts into `?h=` only the index terms that
 * matched, which for Chinese are pieces of words (讲座 -> 讲, 头皮护理 -> 头皮): the page then marks
 * every 讲. The typed words replace the pieces they contain; other matched terms are kept. */
(function () {
  function typed() {
    var box = document.querySelector("input.md-search__input");
    return box ? box.value.trim() : "";
  }
  document.addEventListener("click", function (e) {
    var a = e.target && e.target.closest && e.target.closest("a.md-search-result__link");
    var words = typed();
    if (!a || !words) return;
    try {
      var url = new URL(a.getAttribute("href"), location.href);
      if (!url.searchParams.has("h")) return;  // search.highlight off
      // a piece that is part of a typed word (讲 of 讲座) would mark every 讲 on the page: dropped
      var pieces = (url.searchParams.get("h") || "").split(/\s+/).filter(function (p) {
        return p && words.indexOf(p) < 0;
      });
      url.searchParams.set("h", [words].concat(pieces).join(" "));
      a.setAttribute("href", url.href);
    } catch (err) {}
  }, true);
})();
