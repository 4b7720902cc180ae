// Keeps a sale's waiting page current: polls its status endpoint when the endpoint says to
// (pollAfter, in seconds), shows the place and, when it is the shopper's turn, the way to buy.
(function () {
    const page = document.querySelector('[data-sale-status]');
    if (!page) return;
    const url = page.getAttribute('data-sale-status');
    const message = page.querySelector('[data-sale-message]');
    const buy = page.querySelector('[data-sale-buy]');
    const left = page.querySelector('[data-units-left]');
    const done = new Set(['bought', 'timed-out', 'gave-up', 'sold-out', 'ended']);

    async function poll() {
        let wait = 5;
        try {
            const response = await fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
            const retry = Number(response.headers.get('Retry-After'));
            if (response.ok) {
                const status = await response.json();
                if (message) message.textContent = status.message;
                if (left) left.textContent = Number(status.unitsLeft).toLocaleString('en');
                page.setAttribute('data-state', status.state);
                if (status.buyUrl && buy) {
                    buy.hidden = false;
                    const link = buy.querySelector('[data-sale-buy-link]');
                    if (link) link.setAttribute('href', status.buyUrl);
                }
                if (done.has(status.state)) { if (status.state !== 'bought') location.reload(); return; }
                wait = status.pollAfter || 5;
            } else if (response.status === 403) {
                location.reload();
                return;
            } else if (retry > 0) {
                wait = retry;
            }
        } catch (e) {
            wait = 5;
        }
        // A little spread, so a crowd told the same moment does not come back at once.
        setTimeout(poll, wait * 1000 * (0.9 + Math.random() * 0.2));
    }
    setTimeout(poll, 1000);
})();
