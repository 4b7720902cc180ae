// Tells the store which search result a shopper opened (click-through feeds ranking). The beacon
// is sent as the browser leaves the page and never delays it; without script nothing is counted.
(function () {
  var results = document.querySelector('.search-results');
  if (!results || !navigator.sendBeacon) return;
  function report(event) {
    var link = event.target.closest('a.product-link[data-product][data-click]');
    if (!link || (event.type === 'auxclick' && event.button !== 1)) return;
    var form = new FormData();
    form.append('product', link.getAttribute('data-product'));
    form.append('token', link.getAttribute('data-click'));
    navigator.sendBeacon('/api/search/click', form);
  }
  results.addEventListener('click', report);
  results.addEventListener('auxclick', report);
})();
