// A "Print" button where there is something to print (without scripts, the browser's own command does it).
document.querySelectorAll('button[data-print]').forEach(button => {
    button.hidden = false;
    button.addEventListener('click', () => window.print());
});
