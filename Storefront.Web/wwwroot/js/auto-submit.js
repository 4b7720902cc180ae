// Sort menus apply as soon as a choice is made (a <noscript> button does it without scripts).
document.querySelectorAll('select[data-auto-submit]').forEach(select =>
    select.addEventListener('change', () => select.form.submit()));
