// A form with a [data-once] button is sent once: a second click while it is on its way does nothing.
// (The server gives one order for one checkout id anyway; this only spares the shopper the wait.)
document.querySelectorAll('form').forEach(function (form) {
    const button = form.querySelector('button[data-once]');
    if (!button) return;
    form.addEventListener('submit', function (event) {
        if (form.dataset.sent) { event.preventDefault(); return; }
        form.dataset.sent = '1';
        button.setAttribute('aria-disabled', 'true');
        button.textContent = 'Placing your order…';
    });
});
