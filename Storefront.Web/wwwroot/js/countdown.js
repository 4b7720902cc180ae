// Counts down every <time data-countdown datetime="..."> to its moment, once a second.
(function () {
    const clocks = Array.from(document.querySelectorAll('time[data-countdown]'));
    if (clocks.length === 0) return;
    function render() {
        const now = Date.now();
        for (const el of clocks) {
            const left = Math.max(0, Math.floor((Date.parse(el.getAttribute('datetime')) - now) / 1000));
            const m = Math.floor(left / 60), s = left % 60;
            el.textContent = left === 0 ? 'no time' : m > 0 ? `${m} min ${String(s).padStart(2, '0')} s` : `${s} s`;
        }
    }
    render();
    setInterval(render, 1000);
})();
