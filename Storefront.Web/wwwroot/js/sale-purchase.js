// Waits for a sale purchase's order: asks every second or two and shows the page again once it is placed (or not).
(function () {
    const page = document.querySelector('[data-purchase-status]');
    if (!page) return;
    const url = page.getAttribute('data-purchase-status');
    async function poll() {
        try {
            const response = await fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
            if (response.ok) {
                const purchase = await response.json();
                if (purchase.state !== 'processing') { location.reload(); return; }
            }
        } catch (e) { /* try again */ }
        setTimeout(poll, 1500);
    }
    setTimeout(poll, 1000);
})();
