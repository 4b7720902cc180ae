// With Stripe as the payment provider: the card field is Stripe's own (Stripe Elements), and on
// submit Stripe.js turns it into a PaymentMethod whose id (pm_…) is all this store receives.
(function () {
    const mount = document.getElementById('card-element');
    if (!mount || typeof Stripe === 'undefined') return;
    const stripe = Stripe(mount.dataset.key);
    const card = stripe.elements().create('card');
    card.mount(mount);
    const form = mount.closest('form');
    const errors = document.getElementById('card-errors');
    form.addEventListener('submit', async function (event) {
        const field = document.getElementById('Card');
        if (field.value) return;
        event.preventDefault();
        event.stopImmediatePropagation();
        const result = await stripe.createPaymentMethod({ type: 'card', card: card });
        if (result.error) { errors.textContent = result.error.message; return; }
        field.value = result.paymentMethod.id;
        form.requestSubmit();
    }, true);
})();
