// The merchant's live sale page: asks the page's Stats handler for the numbers every 2 seconds and
// writes them into the elements marked data-stat="name" (data-stat="refused.sold-out" for a refusal
// reason). When the buttons that fit the sale change (it ended, another merchant paused it), the
// page reloads to show the right ones. Without this script the page shows the same numbers as of its loading.
(function () {
    const root = document.getElementById('sale-live');
    if (!root || !root.dataset.statsUrl) return;
    const every = 2000;
    const format = new Intl.NumberFormat('en-US');

    function value(stats, path) {
        const [name, key] = path.split('.');
        return key === undefined ? stats[name] : (stats[name] || {})[key];
    }
    function note(state) {
        root.querySelectorAll('[data-live]').forEach(el => { el.hidden = el.dataset.live !== state; });
    }
    function show(stats) {
        document.querySelectorAll('[data-stat]').forEach(el => {
            const path = el.dataset.stat;
            const v = value(stats, path);
            if (path === 'at') {
                el.setAttribute('datetime', v);
                el.textContent = new Date(v).toISOString().substring(11, 19);
            } else if (typeof v === 'number') {
                el.textContent = format.format(v);
            } else if (v !== undefined) {
                el.textContent = v;
            }
            if (path === 'phaseText') el.className = 'phase phase-' + stats.phase.toLowerCase();
        });
        root.querySelectorAll('meter[data-meter]').forEach(m => {
            m.max = Math.max(1, value(stats, m.dataset.meterMax));
            m.value = value(stats, m.dataset.meter);
        });
        root.querySelectorAll('[data-show]').forEach(el => { el.hidden = !stats[el.dataset.show]; });
    }

    async function poll() {
        if (document.hidden) { setTimeout(poll, every); return; }
        try {
            // Marked as a script's request, so a lapsed sign-in answers 401 instead of the sign-in page.
            const response = await fetch(root.dataset.statsUrl, {
                headers: { 'Accept': 'application/json', 'X-Requested-With': 'XMLHttpRequest' },
                credentials: 'same-origin', cache: 'no-store',
            });
            if (response.status === 401 || response.status === 403) { note('signed-out'); return; }
            if (!response.ok) throw new Error(String(response.status));
            const stats = await response.json();
            if (stats.actions !== root.dataset.actions) { location.reload(); return; }
            show(stats);
            note('on');
        } catch {
            note('failing');
        }
        setTimeout(poll, every);
    }

    note('on');
    setTimeout(poll, every);
})();
