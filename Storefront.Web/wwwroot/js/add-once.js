// One click, one add. Each add-to-cart form gets a random id (addId) when the page shows; the server
// adds once per id, so a click that reaches it twice (a double click, a resent request) adds once. A
// second submit while the first is on its way is not sent at all; after a few seconds without an
// answer it may go again, with the same id. A page brought back with the browser's Back button gets
// new ids: adding from it again is a new add. Without script the forms still work, once per request.
(() => {
  const forms = [...document.querySelectorAll('form[data-add-once]')];
  const fresh = () => Array.from(crypto.getRandomValues(new Uint8Array(16)), b => b.toString(16).padStart(2, '0')).join('');
  const arm = () => forms.forEach(form => {
    form.elements.addId.value = fresh();
    delete form.dataset.sentAt;
  });
  forms.forEach(form => form.addEventListener('submit', event => {
    const sentAt = Number(form.dataset.sentAt || 0);
    if (Date.now() - sentAt < 3000) { event.preventDefault(); return; }
    form.dataset.sentAt = String(Date.now());
  }));
  arm();
  window.addEventListener('pageshow', event => { if (event.persisted) arm(); });
})();
