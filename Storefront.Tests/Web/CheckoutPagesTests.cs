using System.Net;
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

        // The guest makes an account from the order page; the order comes with it.
        var registerLink = order.QuerySelector(".account-panel a")!.GetAttribute("href")!;
        var registerPage = await client.GetStringAsync(registerLink);
        Assert.Contains("value=\"grace@example.test\"", registerPage, StringComparison.Ordinal);
        var registerDoc = await Html.ParseAsync(registerPage);
        var registered = await PostAsync(client, registerLink, new()
        {
            ["Input.DisplayName"] = "Grace", ["Input.Email"] = "grace@example.test", ["Input.Password"] = "Grace-Guest-2024",
            ["Input.ConfirmPassword"] = "Grace-Guest-2024",
            ["Order"] = registerDoc.QuerySelector("input[name=Order]")!.GetAttribute("value")!,
            ["Key"] = registerDoc.QuerySelector("input[name=Key]")!.GetAttribute("value")!,
        }, registerPage);
        Assert.Equal($"/orders/{number}", registered.RequestMessage!.RequestUri!.AbsolutePath);
        var history = await client.GetDocumentAsync("/account/orders");
        Assert.Equal(number, history.QuerySelector("table.data tbody a")!.TextContent);
    }

    [Fact]
    public async Task Delivery_problems_are_shown_beside_the_fields()
    {
        var (client, _) = await ShopperWithCartAsync();
        var page = await client.GetStringAsync("/checkout");
        var form = Delivery("not-an-email");
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
}
