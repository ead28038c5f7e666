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
