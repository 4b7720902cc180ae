// A form with a [data-once] button is sent once: a second click while it is on its way does nothing,
// and the button says what is happening (its data-once words, or "Sending…"). The server is the real
// guard (one order per checkout id, a version check on every edit); this only spares the wait.
// Another submit button of the same form (a preview) sends as usual.
document.querySelectorAll('form').forEach(function (form) {
    const button = form.querySelector('button[data-once]');
    if (!button) return;
    form.addEventListener('submit', function (event) {
        if (event.submitter && event.submitter !== button) return;
        if (form.dataset.sent) { event.preventDefault(); return; }
        form.dataset.sent = '1';
        button.setAttribute('aria-disabled', 'true');
        button.textContent = button.dataset.once || 'Sending…';
    });
});
