// Search-as-you-type for the header search box (ARIA combobox with a listbox): suggestions appear
// after two characters, ↑/↓ move through them, Enter opens the chosen one, Escape closes the list.
(function () {
    const input = document.getElementById('site-search-q');
    const list = document.getElementById('site-search-suggestions');
    if (!input || !list) return;
    let items = [], active = -1, timer = 0, latest = 0;

    function close() {
        list.hidden = true; list.innerHTML = ''; items = []; active = -1;
        input.setAttribute('aria-expanded', 'false'); input.removeAttribute('aria-activedescendant');
    }
    function mark(index) {
        items.forEach((li, i) => li.setAttribute('aria-selected', i === index ? 'true' : 'false'));
        active = index;
        if (index >= 0) input.setAttribute('aria-activedescendant', items[index].id); else input.removeAttribute('aria-activedescendant');
    }
    function show(suggestions) {
        list.innerHTML = '';
        items = suggestions.map((s, i) => {
            const li = document.createElement('li');
            li.id = 'suggestion-' + i; li.setAttribute('role', 'option'); li.dataset.url = s.url;
            const kind = document.createElement('span'); kind.className = 'kind'; kind.textContent = s.kind;
            li.append(kind, document.createTextNode(' ' + s.label));
            li.addEventListener('mousedown', e => { e.preventDefault(); location.href = s.url; });
            list.append(li);
            return li;
        });
        if (items.length === 0) { close(); return; }
        list.hidden = false; input.setAttribute('aria-expanded', 'true'); mark(-1);
    }
    input.addEventListener('input', () => {
        clearTimeout(timer);
        const q = input.value.trim();
        if (q.length < 2) { close(); return; }
        timer = setTimeout(async () => {
            const ticket = ++latest;
            const response = await fetch('/api/search/suggest?q=' + encodeURIComponent(q));
            if (!response.ok || ticket !== latest) return;
            show(await response.json());
        }, 120);
    });
    input.addEventListener('keydown', e => {
        if (list.hidden) return;
        if (e.key === 'ArrowDown') { e.preventDefault(); mark((active + 1) % items.length); }
        else if (e.key === 'ArrowUp') { e.preventDefault(); mark(active <= 0 ? items.length - 1 : active - 1); }
        else if (e.key === 'Enter' && active >= 0) { e.preventDefault(); location.href = items[active].dataset.url; }
        else if (e.key === 'Escape') { close(); }
    });
    input.addEventListener('blur', () => setTimeout(close, 150));
})();
