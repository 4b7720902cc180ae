// Tells the store which search result a shopper opened (click-through feeds ranking). The beacon
// is sent as the browser leaves the page and never delays it; without script nothing is counted.
(function () {
  var results = document.querySelector('.search-results');
  if (!results || !navigator.sendBeacon) return;
  function report(event) {
    var link = event.target.closest('a.product-link[data-product][data-click]');
    // On a shared page the token arrives from /api/visitor (visitor.js); until then there is none.
    if (!link || !link.getAttribute('data-click') || (event.type === 'auxclick' && event.button !== 1)) return;
    var form = new FormData();
    form.append('product', link.getAttribute('data-product'));
    form.append('token', link.getAttribute('data-click'));
    navigator.sendBeacon('/api/search/click', form);
  }
  results.addEventListener('click', report);
  results.addEventListener('auxclick', report);
})();
