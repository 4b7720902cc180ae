// The per-visitor parts of a cached page: the cart's count and the signed-in links in the header,
// the click tokens of search results, and the product being looked at (for this visitor's search
// ranking). One request to /api/visitor after the page is shown; without script the page still
// works and the header says "Cart" without a count.
(function () {
  var nav = document.querySelector('nav.account[data-visitor]');
  if (!nav || !window.fetch) return;
  var body = new URLSearchParams();
  var viewed = document.querySelector('[data-viewed]');
  if (viewed) body.append('viewed', viewed.getAttribute('data-viewed'));
  var links = Array.prototype.slice.call(document.querySelectorAll('a.product-link[data-product]'));
  if (links.length) body.append('results', links.map(function (a) { return a.getAttribute('data-product'); }).slice(0, 100).join(','));
  fetch('/api/visitor', { method: 'POST', body: body, credentials: 'same-origin', headers: { 'Accept': 'application/json' } })
    .then(function (response) { return response.ok ? response.json() : null; })
    .then(function (me) {
      if (!me) return;
      var state = me.signedIn ? 'signed-in' : 'signed-out';
      nav.querySelectorAll('[data-visitor-show]').forEach(function (el) {
        var shows = el.getAttribute('data-visitor-show').split(' ');
        el.hidden = !(shows.indexOf(state) >= 0 || (me.admin && shows.indexOf('admin') >= 0));
      });
      var cart = nav.querySelector('a.mini-cart');
      var count = cart && cart.querySelector('.cart-count');
      if (count && typeof me.cartCount === 'number') {
        count.textContent = String(me.cartCount);
        count.hidden = false;
        cart.setAttribute('aria-label', 'Cart, ' + me.cartCount + (me.cartCount === 1 ? ' item' : ' items'));
      }
      links.forEach(function (a) {
        var token = me.clicks && me.clicks[a.getAttribute('data-product')];
        if (token) a.setAttribute('data-click', token);
      });
    })
    .catch(function () { /* the header stays as served */ });
})();
