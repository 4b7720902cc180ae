using Storefront.Catalog.Contracts;

namespace Storefront.Web.Seeding;

/// <summary>
/// The demo store's own pages: sample terms, privacy notice, shipping and returns, and contact, in
/// the footer, the first two named at checkout. Each says it is a sample: a real store writes its
/// own under Admin → Store pages.
/// </summary>
internal static class DemoPages
{
    private const string Sample = "*This is the demo store's sample text. Replace it with your own under Admin → Store pages before you open.*";

    public static IEnumerable<StorePageInput> All() =>
    [
        new("Shipping and returns", "shipping-and-returns", "How long delivery takes, what it costs, and how to send something back.", $"""
            {Sample}

            ## Delivery
            | Method | Takes | Costs |
            | --- | --- | --- |
            | Standard | 3–5 working days | free from the amount shown at checkout |
            | Express | 1–2 working days | as shown at checkout |

            Orders paid by 2 pm on a working day leave the same day. You get an e-mail with the tracking number when your parcel is on its way.

            ## Returns
            You can send anything back within 30 days of delivery, unused and in its packaging. Write to us with your order number and we send you a return label.
            Your refund goes to the card you paid with within 5 working days of the parcel reaching us.
            """, true, true, 10, false),
        new("Terms and conditions", "terms", "The terms every order from this store is placed under.", $"""
            {Sample}

            ## Who we are
            This store is run by the company named on the [contact page](/pages/contact).

            ## Your order
            Placing an order is an offer to buy. The contract is made when we send the e-mail confirming your order. Prices include tax; shipping is shown before you pay.

            ## Payment
            Your card is charged when you place the order. If we cannot send what you ordered, we refund it in full.

            ## Cancelling
            You may cancel within 14 days of delivery without giving a reason; see [shipping and returns](/pages/shipping-and-returns).
            """, true, true, 20, true),
        new("Privacy notice", "privacy", "What we keep about you, why, and for how long.", $"""
            {Sample}

            ## What we keep
            - Your name, delivery address and e-mail address, to deliver your order and tell you about it.
            - Your orders, for as long as tax law asks us to keep invoices.
            - If you make an account: your password, stored only as a salted hash.

            We never see or keep your card number: the payment provider takes it directly.

            ## Cookies
            One cookie keeps your cart and one keeps you signed in. We use no advertising or tracking cookies.

            ## Your rights
            You can see, correct or delete your account at any time on your account page, or [write to us](/pages/contact).
            """, true, true, 30, true),
        new("Contact", "contact", "How to reach the store.", $"""
            {Sample}

            Demo Store Ltd
            1 Example Street
            Springfield 12345

            E-mail: [hello@demo.example](mailto:hello@demo.example)
            Phone: [+1 555 0100](tel:+15550100), Monday to Friday, 9 am to 5 pm
            """, true, true, 40, false),
    ];
}
