using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Storefront.Checkout.Contracts;
using Storefront.Tests.Fixtures;

namespace Storefront.Tests.Web;

public sealed class CheckoutStoreFixtureForPages : ShopFixture;

public sealed class CheckoutPagesTests(CheckoutStoreFixtureForPages store) : IClassFixture<CheckoutStoreFixtureForPages>
{
    private static Dictionary<string, string> Delivery(string email) => new()
    {
        ["Form.Email"] = email, ["Form.Name"] = "Grace Guest", ["Form.Line1"] = "5 Harbour Road", ["Form.City"] = "Austin",
        ["Form.Region"] = "TX", ["Form.PostalCode"] = "73301", ["Form.Country"] = "US", ["Form.ShippingMethod"] = "standard",
    };

    private async Task<(HttpClient Client, ShopFixture.TestProduct Product)> ShopperWithCartAsync(int onHand = 10, int quantity = 2)
    {
        var product = await store.ProductAsync(onHand);
        var client = store.Client();
        var page = await client.GetStringAsync($"/p/{product.Slug}");
        await client.PostAsync("/cart?handler=Add", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["sku"] = product.Sku, ["quantity"] = quantity.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["returnUrl"] = $"/p/{product.Slug}", ["__RequestVerificationToken"] = Html.AntiforgeryToken(page),
        }));
        return (client, product);
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string url, Dictionary<string, string> form, string tokenFrom)
    {
        form["__RequestVerificationToken"] = Html.AntiforgeryToken(tokenFrom);
        return await client.PostAsync(url, new FormUrlEncodedContent(form));
    }

    /// <summary>The review page's hidden fields, as the browser would send them back.</summary>
    private static async Task<Dictionary<string, string>> ReviewFormAsync(string html)
    {
        var doc = await Html.ParseAsync(html);
        return doc.QuerySelectorAll("form.payment input[type=hidden]")
            .ToDictionary(i => i.GetAttribute("name")!, i => i.GetAttribute("value") ?? "");
    }

    [Fact]
    public async Task Delivery_instructions_go_from_the_delivery_step_to_the_order_page_the_admin_page_and_the_packing_slip()
    {
        var (client, _) = await ShopperWithCartAsync();
        var delivery = await client.GetStringAsync("/checkout");

        // Too long: said beside the field, and the shopper stays on the step.
        var tooLong = await PostAsync(client, "/checkout", new(Delivery("nora@example.test")) { ["Form.DeliveryNote"] = new string('x', 301) }, delivery);
        Assert.Equal("/checkout", tooLong.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Contains("Keep the delivery instructions to 300 characters at most.", await tooLong.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var review = await PostAsync(client, "/checkout", new(Delivery("nora@example.test")) { ["Form.DeliveryNote"] = "  Leave it with the\r\n\tneighbour at 5  " }, delivery);
        var reviewHtml = await review.Content.ReadAsStringAsync();
        Assert.Contains("Leave it with the", (await Html.ParseAsync(reviewHtml)).QuerySelector("#delivery-note")!.TextContent, StringComparison.Ordinal);
        var form = await ReviewFormAsync(reviewHtml);
        form["Card"] = "4242 4242 4242 4242";
        var placed = await PostAsync(client, "/checkout/review", form, reviewHtml);
        var number = placed.RequestMessage!.RequestUri!.AbsolutePath["/orders/".Length..];
        var page = await Html.ParseAsync(await placed.Content.ReadAsStringAsync());
        Assert.Equal("Leave it with the neighbour at 5", page.QuerySelector("#delivery-note em")!.TextContent);

        var admin = await store.AdminClientAsync();
        Assert.Equal("Leave it with the neighbour at 5", (await admin.GetDocumentAsync($"/admin/orders/{number}")).QuerySelector("#delivery-note strong")!.TextContent);
        Assert.Contains("Leave it with the neighbour at 5",
            (await admin.GetDocumentAsync("/admin/packing-slips")).QuerySelector($"article.packing-slip[data-order='{number}'] .delivery-note")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("Leave it with the neighbour at 5",
            (await admin.GetDocumentAsync($"/admin/packing-slips/{number}")).QuerySelector(".delivery-note")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_delivery_note_too_long_for_the_order_places_nothing_and_charges_nothing()
    {
        var product = await store.ProductAsync(onHand: 5);
        using var scope = store.Services.CreateScope();
        var carts = scope.ServiceProvider.GetRequiredService<Storefront.Cart.Contracts.ICarts>();
        var cart = await carts.StartAsync(default);
        Assert.True((await carts.AddAsync(cart, product.Sku, 1, default)).Succeeded);
        var result = await scope.ServiceProvider.GetRequiredService<ICheckout>().PlaceOrderAsync(new CheckoutRequest(Guid.NewGuid(), cart, null,
            "long@example.test", new Address("Lou Long", "1 Main St", null, "Albany", "NY", "12207", "US"), "standard",
            Storefront.Checkout.Payments.TestPaymentGateway.SuccessCard, DeliveryNote: new string('n', 301)), default);
        Assert.False(result.Succeeded);
        Assert.Equal("Keep the delivery instructions to 300 characters at most.", English.Of(result.FieldErrors!["DeliveryNote"]));
        Assert.Null(result.OrderNumber);
        // Only the cart's own hold: nothing was committed.
        Assert.Equal(4, await store.AvailableAsync(product.Sku));
    }

    [Fact]
    public async Task A_guest_checks_out_with_the_test_card_and_lands_on_the_order_page()
    {
        var (client, product) = await ShopperWithCartAsync();
        var delivery = await client.GetStringAsync("/checkout");
        var review = await PostAsync(client, "/checkout", Delivery("grace@example.test"), delivery);
        Assert.Equal("/checkout/review", review.RequestMessage!.RequestUri!.AbsolutePath);
        var reviewHtml = await review.Content.ReadAsStringAsync();
        var reviewDoc = await Html.ParseAsync(reviewHtml);
        // Texas: 6.25 % tax on goods and shipping (free from $50).
        var subtotal = product.Price * 2;
        var shipping = subtotal >= 50m ? 0m : 4.99m;
        var total = subtotal + shipping + Math.Round((subtotal + shipping) * 0.0625m, 2, MidpointRounding.AwayFromZero);
        Assert.Equal($"${total:#,##0.00}", reviewDoc.QuerySelector("#order-total")!.TextContent);

        var form = await ReviewFormAsync(reviewHtml);
        form["Card"] = "4242 4242 4242 4242";
        var placed = await PostAsync(client, "/checkout/review", form, reviewHtml);
        Assert.Equal(HttpStatusCode.OK, placed.StatusCode);
        Assert.StartsWith("/orders/SF-", placed.RequestMessage!.RequestUri!.AbsolutePath, StringComparison.Ordinal);
        var order = await Html.ParseAsync(await placed.Content.ReadAsStringAsync());
        Assert.Equal("Paid", order.QuerySelector("#order-status")!.TextContent);
        Assert.Equal(" — card ending 4242", order.QuerySelector(".timeline li:nth-child(2) .hint")!.TextContent);
        Assert.Contains(product.Title, order.QuerySelector("table.order-lines")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(0, await store.AvailableAsync(product.Sku) - 8);

        // The order page without its key (another visitor) is a plain 404.
        var number = placed.RequestMessage.RequestUri.AbsolutePath.Split('/').Last();
        Assert.Equal(HttpStatusCode.NotFound, (await store.Client().GetAsync($"/orders/{number}")).StatusCode);
        // With the number and e-mail, the guest finds it again.
        var other = store.Client();
        var trackPage = await other.GetStringAsync("/orders/track");
        var tracked = await PostAsync(other, "/orders/track", new() { ["Number"] = number.ToLowerInvariant(), ["Email"] = "GRACE@example.test" }, trackPage);
        Assert.Equal($"/orders/{number}", tracked.RequestMessage!.RequestUri!.AbsolutePath);
        var wrong = await PostAsync(other, "/orders/track", new() { ["Number"] = number, ["Email"] = "someone@example.test" }, trackPage);
        Assert.Contains("We found no order with that number and e-mail address.", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // The guest makes an account from the order page; once the address is confirmed, the order
        // is in it and the confirmation link lands on it.
        var registerLink = order.QuerySelector(".account-panel a")!.GetAttribute("href")!;
        var registerPage = await client.GetStringAsync(registerLink);
        Assert.Contains("value=\"grace@example.test\"", registerPage, StringComparison.Ordinal);
        var registered = await RegisterFromOrderAsync(client, registerLink, registerPage, "grace@example.test");
        Assert.Equal("/account/check-inbox", registered.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Null(await OwnerOfAsync(number));
        var confirmed = await Mailbox.ConfirmAsync(store, client, "grace@example.test", "Grace-Guest-2024");
        Assert.Equal($"/orders/{number}", confirmed.RequestMessage!.RequestUri!.AbsolutePath);
        var history = await client.GetDocumentAsync("/account/orders");
        Assert.Contains(number, history.QuerySelectorAll("table.data tbody a").Select(a => a.TextContent));
    }

    /// <summary>Registers with <paramref name="email"/> from a guest order's "create an account" link (its number and key come along).</summary>
    private static async Task<HttpResponseMessage> RegisterFromOrderAsync(HttpClient client, string registerLink, string registerPage, string email)
    {
        var registerDoc = await Html.ParseAsync(registerPage);
        return await PostAsync(client, registerLink, new()
        {
            ["Input.DisplayName"] = "Grace", ["Input.Email"] = email, ["Input.Password"] = "Grace-Guest-2024",
            ["Input.ConfirmPassword"] = "Grace-Guest-2024",
            ["Order"] = registerDoc.QuerySelector("input[name=Order]")!.GetAttribute("value")!,
            ["Key"] = registerDoc.QuerySelector("input[name=Key]")!.GetAttribute("value")!,
        }, registerPage);
    }

    /// <summary>A guest order placed with <paramref name="email"/>: its number, and its page (with the key) as the guest sees it.</summary>
    private async Task<(string Number, Uri Page)> PlaceGuestOrderAsync(string email)
    {
        var (client, _) = await ShopperWithCartAsync(quantity: 1);
        var review = await PostAsync(client, "/checkout", Delivery(email), await client.GetStringAsync("/checkout"));
        var reviewHtml = await review.Content.ReadAsStringAsync();
        var form = await ReviewFormAsync(reviewHtml);
        form["Card"] = "4242 4242 4242 4242";
        var placed = await PostAsync(client, "/checkout/review", form, reviewHtml);
        var page = placed.RequestMessage!.RequestUri!;
        Assert.StartsWith("/orders/SF-", page.AbsolutePath, StringComparison.Ordinal);
        return (page.AbsolutePath.Split('/').Last(), page);
    }

    private async Task<string?> OwnerOfAsync(string number)
    {
        using var scope = store.Services.CreateScope();
        return (await scope.ServiceProvider.GetRequiredService<IOrders>().GetAsync(number, default))!.UserId;
    }

    [Fact]
    public async Task Confirming_an_address_signs_in_and_attaches_the_guest_orders_placed_with_it_and_no_others()
    {
        var email = $"ada-{Guid.NewGuid():N}@example.test";
        var (first, _) = await PlaceGuestOrderAsync(email);
        var (second, _) = await PlaceGuestOrderAsync(email.ToUpperInvariant());
        var (someoneElses, _) = await PlaceGuestOrderAsync($"bea-{Guid.NewGuid():N}@example.test");

        var client = store.Client();
        await AccountPagesTests.RegisterAsync(client, email, "Ada-Shopper-2024");
        Assert.Null(await OwnerOfAsync(first));
        var confirmed = await Mailbox.ConfirmAsync(store, client, email, "Ada-Shopper-2024");
        Assert.Equal("/account", confirmed.RequestMessage!.RequestUri!.AbsolutePath);

        var history = (await client.GetDocumentAsync("/account/orders")).QuerySelectorAll("table.data tbody a").Select(a => a.TextContent).ToList();
        Assert.Equal(new[] { first, second }.Order(StringComparer.Ordinal), history.Order(StringComparer.Ordinal));
        var owner = await OwnerOfAsync(first);
        Assert.NotNull(owner);
        Assert.Equal(owner, await OwnerOfAsync(second));
        Assert.Null(await OwnerOfAsync(someoneElses));
    }

    [Fact]
    public async Task An_account_with_another_email_cannot_claim_a_guest_order_even_with_its_key()
    {
        var victim = $"vera-{Guid.NewGuid():N}@example.test";
        var (number, orderPage) = await PlaceGuestOrderAsync(victim);
        var orderPath = orderPage.PathAndQuery;

        // Someone who got hold of the order's link registers their own address from it.
        var mallory = $"mallory-{Guid.NewGuid():N}@example.test";
        var attacker = store.Client();
        var order = await attacker.GetDocumentAsync(orderPath);
        var registerLink = order.QuerySelector(".account-panel a")!.GetAttribute("href")!;
        var registered = await RegisterFromOrderAsync(attacker, registerLink, await attacker.GetStringAsync(registerLink), mallory);
        Assert.Equal("/account/check-inbox", registered.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Null(await OwnerOfAsync(number));

        // Confirming their own address brings them no order either.
        var confirmed = await Mailbox.ConfirmAsync(store, attacker, mallory, "Grace-Guest-2024");
        Assert.Equal("/account", confirmed.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Null(await OwnerOfAsync(number));
        Assert.Empty((await attacker.GetDocumentAsync("/account/orders")).QuerySelectorAll("table.data tbody a"));

        // Signed in with the key, the order page offers no claim, and a forged claim is refused.
        order = await attacker.GetDocumentAsync(orderPath);
        Assert.Null(order.QuerySelector("form.account-panel"));
        var key = System.Web.HttpUtility.ParseQueryString(orderPage.Query)["key"]!;
        var claim = await PostAsync(attacker, $"/orders/{number}?handler=Claim&key={Uri.EscapeDataString(key)}", [], await attacker.GetStringAsync("/account"));
        Assert.Equal("Only the account with the e-mail address the order was placed with can add it.",
            (await Html.ParseAsync(await claim.Content.ReadAsStringAsync())).QuerySelector("[role=alert].flash")!.TextContent);
        Assert.Null(await OwnerOfAsync(number));

        // The order's own address, once confirmed, gets it.
        var owner = store.Client();
        await AccountPagesTests.RegisterAndConfirmAsync(store, owner, victim, "Vera-Shopper-2024");
        Assert.Contains(number, (await owner.GetDocumentAsync("/account/orders")).QuerySelectorAll("table.data tbody a").Select(a => a.TextContent));
    }

    [Fact]
    public async Task A_shopper_signed_in_with_the_orders_confirmed_address_adds_a_later_guest_order_to_their_account()
    {
        var email = $"gus-{Guid.NewGuid():N}@example.test";
        var shopper = store.Client();
        await AccountPagesTests.RegisterAndConfirmAsync(store, shopper, email, "Gus-Shopper-2024");
        // Checked out as a guest after the account was confirmed: not attached by itself.
        var (number, orderPage) = await PlaceGuestOrderAsync(email);
        Assert.Null(await OwnerOfAsync(number));

        var page = await shopper.GetStringAsync(orderPage.PathAndQuery);
        var form = (await Html.ParseAsync(page)).QuerySelector("form.account-panel")!;
        var claimed = await PostAsync(shopper, form.GetAttribute("action")!, [], page);
        Assert.Equal("The order is now in your account.",
            (await Html.ParseAsync(await claimed.Content.ReadAsStringAsync())).QuerySelector("[role=status].flash")!.TextContent);
        Assert.NotNull(await OwnerOfAsync(number));
        Assert.Equal(HttpStatusCode.OK, (await shopper.GetAsync($"/orders/{number}")).StatusCode);
    }

    [Fact]
    public async Task Delivery_problems_are_shown_beside_the_fields()
    {
        var (client, _) = await ShopperWithCartAsync();
        var page = await client.GetStringAsync("/checkout");
        // "grace@example" has an at sign but no domain mail can reach: refused here, not after the payment step.
        var form = Delivery("grace@example");
        form["Form.PostalCode"] = "ABCDE";
        form["Form.Name"] = "";
        var response = await PostAsync(client, "/checkout", form, page);
        Assert.Equal("/checkout", response.RequestMessage!.RequestUri!.AbsolutePath);
        var doc = await Html.ParseAsync(await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Enter a valid e-mail address for the order confirmation.", doc.QuerySelector("#Form_Email-error")!.TextContent);
        Assert.Equal("Enter a valid postal code for the country.", doc.QuerySelector("#Form_PostalCode-error")!.TextContent);
        Assert.Equal("Enter the name of the person receiving the order.", doc.QuerySelector("#Form_Name-error")!.TextContent);
    }

    [Fact]
    public async Task A_declined_card_is_told_on_the_review_page_and_a_tampered_total_charges_nothing()
    {
        var (client, product) = await ShopperWithCartAsync();
        var delivery = await client.GetStringAsync("/checkout");
        var review = await PostAsync(client, "/checkout", Delivery("dan@example.test"), delivery);
        var reviewHtml = await review.Content.ReadAsStringAsync();
        var form = await ReviewFormAsync(reviewHtml);
        form["Card"] = "4000 0000 0000 0002";
        var declined = await PostAsync(client, "/checkout/review", form, reviewHtml);
        var declinedHtml = await declined.Content.ReadAsStringAsync();
        Assert.Equal("Your card was declined.", (await Html.ParseAsync(declinedHtml)).QuerySelector("[role=alert]")!.TextContent);

        // The browser's total is only a check: a lowered one stops the order, it never sets the price.
        var again = await ReviewFormAsync(declinedHtml);
        Assert.NotEqual(form["CheckoutId"], again["CheckoutId"]);
        again["ExpectedTotal"] = "0.01";
        again["Card"] = "4242424242424242";
        var tampered = await PostAsync(client, "/checkout/review", again, declinedHtml);
        Assert.StartsWith("The total changed from $0.01 to $", (await Html.ParseAsync(await tampered.Content.ReadAsStringAsync())).QuerySelector("[role=alert]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(8, await store.AvailableAsync(product.Sku));
    }

    [Fact]
    public async Task A_review_form_stripped_of_its_fields_is_refused_without_an_error_page()
    {
        var (client, product) = await ShopperWithCartAsync();
        var page = await client.GetStringAsync("/checkout");
        var response = await PostAsync(client, "/checkout/review", new() { ["Card"] = "4242424242424242", ["ExpectedTotal"] = "lots" }, page);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("/checkout", response.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Contains("Please check your delivery details.", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(8, await store.AvailableAsync(product.Sku));
    }

    [Fact]
    public async Task Checkout_with_an_empty_cart_goes_back_to_the_cart_with_a_message()
    {
        var client = store.Client();
        var response = await client.GetAsync("/checkout");
        Assert.Equal("/cart", response.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Contains("Your cart is empty. Add something before checking out.", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>Puts one unit of <paramref name="product"/> in the cart of <paramref name="client"/>.</summary>
    private static async Task AddAsync(HttpClient client, ShopFixture.TestProduct product)
    {
        var page = await client.GetStringAsync($"/p/{product.Slug}");
        await client.PostAsync("/cart?handler=Add", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["sku"] = product.Sku, ["quantity"] = "1", ["returnUrl"] = $"/p/{product.Slug}", ["__RequestVerificationToken"] = Html.AntiforgeryToken(page),
        }));
    }

    [Fact]
    public async Task A_returning_shopper_finds_the_address_of_their_last_order_filled_in_and_nobody_else_does()
    {
        var product = await store.ProductAsync(onHand: 50);
        var (client, email, _) = await AccountPagesTests.SignedInShopperAsync(store, "Return-Buyer-2024", "returning");
        await AddAsync(client, product);
        var first = await client.GetDocumentAsync("/checkout");
        Assert.Equal(email, first.QuerySelector("#Form_Email")!.GetAttribute("value"));
        Assert.True(string.IsNullOrEmpty(first.QuerySelector("#Form_Line1")!.GetAttribute("value")));

        var delivery = Delivery(email);
        delivery["Form.Line1"] = "77 Return Lane";
        delivery["Form.Line2"] = "Flat 2";
        var review = await PostAsync(client, "/checkout", delivery, await client.GetStringAsync("/checkout"));
        var reviewHtml = await review.Content.ReadAsStringAsync();
        var form = await ReviewFormAsync(reviewHtml);
        form["Card"] = "4242 4242 4242 4242";
        var placed = await PostAsync(client, "/checkout/review", form, reviewHtml);
        Assert.StartsWith("/orders/SF-", placed.RequestMessage!.RequestUri!.AbsolutePath, StringComparison.Ordinal);

        // The next checkout starts from that address.
        await AddAsync(client, product);
        var again = await client.GetDocumentAsync("/checkout");
        string Value(string id) => again.QuerySelector($"#{id}")!.GetAttribute("value") ?? "";
        Assert.Equal(("Grace Guest", "77 Return Lane", "Flat 2", "Austin", "TX", "73301"),
            (Value("Form_Name"), Value("Form_Line1"), Value("Form_Line2"), Value("Form_City"), Value("Form_Region"), Value("Form_PostalCode")));
        Assert.Equal("US", again.QuerySelector("#Form_Country option[selected]")!.GetAttribute("value"));

        // Another account, and a guest, start empty.
        var (other, _, _) = await AccountPagesTests.SignedInShopperAsync(store, "Other-Buyer-2024", "other");
        await AddAsync(other, product);
        Assert.True(string.IsNullOrEmpty((await other.GetDocumentAsync("/checkout")).QuerySelector("#Form_Line1")!.GetAttribute("value")));
        var guest = store.Client();
        await AddAsync(guest, product);
        Assert.True(string.IsNullOrEmpty((await guest.GetDocumentAsync("/checkout")).QuerySelector("#Form_Line1")!.GetAttribute("value")));
    }
}
