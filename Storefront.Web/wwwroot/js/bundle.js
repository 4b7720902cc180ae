// "Frequently bought together": the total and the button follow the checked items.
(() => {
  for (const form of document.querySelectorAll('form[data-bundle]')) {
    const boxes = [...form.querySelectorAll('input[type=checkbox][name=sku]')];
    const total = form.querySelector('[data-bundle-total]');
    const button = form.querySelector('[data-bundle-button]');
    const money = new Intl.NumberFormat(document.documentElement.lang || 'en', { style: 'currency', currency: form.dataset.currency });
    const update = () => {
      const checked = boxes.filter(b => b.checked);
      const cents = checked.reduce((sum, b) => sum + Math.round(parseFloat(b.dataset.price) * 100), 0);
      total.textContent = money.format(cents / 100);
      button.disabled = checked.length === 0;
      button.textContent = checked.length === boxes.length ? `Add all ${boxes.length} to cart`
        : checked.length === 1 ? 'Add 1 item to cart' : `Add ${checked.length} items to cart`;
    };
    boxes.forEach(b => b.addEventListener('change', update));
  }
})();
