using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Storefront.Checkout.Contracts;
using Storefront.Tests.Fixtures;
using Storefront.Web.Infrastructure;

namespace Storefront.Tests.Web;

public sealed class DiscountPagesFixture : ShopFixture;

/// <summary>Discount codes over HTTP: the shopper's checkout steps, the order page and e-mail, and the merchant's page.</summary>
public sealed class DiscountPagesTests(DiscountPagesFixture store) : IClassFixture<DiscountPagesFixture>
{
    private static Dictionary<string, string> Delivery(string email, string? code) => new()
    {
        ["Form.Email"] = email, ["Form.Name"] = "Dora Deal", ["Form.Line1"] = "9 Bargain Street", ["Form.City"] = "Austin",
        ["Form.Region"] = "TX", ["Form.PostalCode"] = "73301", ["Form.Country"] = "US", ["Form.ShippingMethod"] = "standard",
        ["Form.DiscountCode"] = code ?? "",
    };

    private static string Usd(decimal amount) => "$" + amount.ToString("#,##0.00", CultureInfo.InvariantCulture);

    private async Task<(HttpClient Client, ShopFixture.TestProduct Product)> ShopperWithCartAsync(int quantity = 2)
    {
        var product = await store.ProductAsync(onHand: 100);
        var client = store.Client();
        var page = await client.GetStringAsync($"/p/{product.Slug}");
        var added = await client.PostAsync("/cart?handler=Add", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["sku"] = product.Sku, ["quantity"] = quantity.ToString(CultureInfo.InvariantCulture),
            ["returnUrl"] = $"/p/{product.Slug}", ["__RequestVerificationToken"] = Html.AntiforgeryToken(page),
        }));
        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        return (client, product);
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string url, Dictionary<string, string> form, string tokenFrom)
    {
        form["__RequestVerificationToken"] = Html.AntiforgeryToken(tokenFrom);
        return await client.PostAsync(url, new FormUrlEncodedContent(form));
    }

    private async Task<string> CodeAsync(string prefix, DiscountKind kind, decimal value, int? limit = null)
    {
        var code = $"{prefix}-{Guid.NewGuid().ToString("N")[..6]}".ToUpperInvariant();
        using var scope = store.Services.CreateScope();
        var made = await scope.ServiceProvider.GetRequiredService<IDiscountCodes>().CreateAsync(new DiscountInput(code, kind, value, UsageLimit: limit), default);
        Assert.True(made.Succeeded);
        return code;
    }

    /// <summary>The review page for the shopper's cart with <paramref name="code"/>: its HTML.</summary>
    private static async Task<string> ReviewAsync(HttpClient client, string email, string code)
    {
        var review = await PostAsync(client, "/checkout", Delivery(email, code), await client.GetStringAsync("/checkout"));
        Assert.Equal("/checkout/review", review.RequestMessage!.RequestUri!.AbsolutePath);
        return await review.Content.ReadAsStringAsync();
    }

    private static async Task<HttpResponseMessage> PayAsync(HttpClient client, string reviewHtml, string? card = "4242 4242 4242 4242")
    {
        var doc = await Html.ParseAsync(reviewHtml);
        var form = doc.QuerySelectorAll("form.payment input[type=hidden]").ToDictionary(i => i.GetAttribute("name")!, i => i.GetAttribute("value") ?? "");
        if (card is not null) form["Card"] = card;
        return await PostAsync(client, "/checkout/review", form, reviewHtml);
    }

    [Fact]
    public async Task A_shopper_gives_a_code_at_checkout_and_the_review_the_order_page_and_the_e_mail_show_what_it_took_off()
    {
        var (client, product) = await ShopperWithCartAsync();
        var code = await CodeAsync("save", DiscountKind.Percent, 25);

        // A code the store does not have: the step says so beside the field and goes no further.
        var delivery = await client.GetStringAsync("/checkout");
        var wrong = await PostAsync(client, "/checkout", Delivery("dora@example.test", "NOPE-123"), delivery);
        Assert.Equal("/checkout", wrong.RequestMessage!.RequestUri!.AbsolutePath);
        var wrongDoc = await Html.ParseAsync(await wrong.Content.ReadAsStringAsync());
        Assert.Equal("There is no discount code NOPE-123. Check its spelling, or leave the field empty.", wrongDoc.QuerySelector("#Form_DiscountCode-error")!.TextContent);
        Assert.Equal("NOPE-123", wrongDoc.QuerySelector("#Form_DiscountCode")!.GetAttribute("value"));

        // Typed in lower case with spaces, it is the same code.
        var reviewHtml = await ReviewAsync(client, "dora@example.test", $"  {code.ToLowerInvariant()} ");
        var review = await Html.ParseAsync(reviewHtml);
        var subtotal = product.Price * 2;
        var off = Math.Round(subtotal * 0.25m, 2, MidpointRounding.AwayFromZero);
        var shipping = subtotal >= 50m ? 0m : 4.99m;
        var total = subtotal - off + shipping + Math.Round((subtotal - off + shipping) * 0.0625m, 2, MidpointRounding.AwayFromZero);
        Assert.Equal("−" + Usd(off), review.QuerySelector("#order-discount")!.TextContent);
        Assert.Contains($"Discount ({code})", review.QuerySelector("table.order-lines tfoot")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(Usd(total), review.QuerySelector("#order-total")!.TextContent);

        var placed = await PayAsync(client, reviewHtml);
        Assert.StartsWith("/orders/SF-", placed.RequestMessage!.RequestUri!.AbsolutePath, StringComparison.Ordinal);
        var order = await Html.ParseAsync(await placed.Content.ReadAsStringAsync());
        var totals = order.QuerySelector("table.order-lines tfoot")!.TextContent;
        Assert.Contains($"Discount ({code})−{Usd(off)}", totals, StringComparison.Ordinal);
        Assert.Contains($"Total{Usd(total)}", totals, StringComparison.Ordinal);

        await store.DrainOutboxAsync();
        var number = placed.RequestMessage.RequestUri.AbsolutePath.Split('/').Last();
        var mail = await WaitForMailAsync("dora@example.test", $"Your order {number}");
        Assert.Contains($"Discount ({code}): −{Usd(off)}", mail, StringComparison.Ordinal);
        Assert.Contains($"Total: {Usd(total)}", mail, StringComparison.Ordinal);

        // The merchant sees what the code brought, and its orders one click away.
        var admin = await store.AdminClientAsync();
        var row = (await admin.GetDocumentAsync("/admin/discounts")).QuerySelector($"#discount-codes tr[data-code='{code}']")!;
        Assert.Equal(("1", Usd(off), Usd(total), "1"),
            (row.QuerySelector(".orders")!.TextContent, row.QuerySelector(".given")!.TextContent, row.QuerySelector(".sales")!.TextContent, row.QuerySelector(".used")!.TextContent));
        var list = await admin.GetDocumentAsync(row.QuerySelector(".orders a")!.GetAttribute("href")!);
        Assert.Equal([number], list.QuerySelectorAll("table.data tbody tr td:first-child").Select(td => td.TextContent.Trim()));
        Assert.Equal(code, list.QuerySelector("#code")!.GetAttribute("value"));
    }

    private async Task<string> WaitForMailAsync(string email, string subject)
    {
        for (var i = 0; i < 50; i++)
        {
            if (Mailbox.For(store, email, subject) is [var mail, ..]) return mail;
            await Task.Delay(100);
        }
        throw new TimeoutException($"No e-mail \"{subject}\" to {email}.");
    }

    [Fact]
    public async Task A_code_used_up_while_a_shopper_reviews_sends_them_back_with_the_reason_and_nothing_charged()
    {
        var code = await CodeAsync("only", DiscountKind.Amount, 5, limit: 1);
        var (late, _) = await ShopperWithCartAsync(quantity: 1);
        var lateReview = await ReviewAsync(late, "late@example.test", code);

        var (early, _) = await ShopperWithCartAsync(quantity: 1);
        var earlyPlaced = await PayAsync(early, await ReviewAsync(early, "early@example.test", code));
        Assert.StartsWith("/orders/SF-", earlyPlaced.RequestMessage!.RequestUri!.AbsolutePath, StringComparison.Ordinal);

        var refused = await PayAsync(late, lateReview);
        Assert.Equal("/checkout", refused.RequestMessage!.RequestUri!.AbsolutePath);
        var page = await Html.ParseAsync(await refused.Content.ReadAsStringAsync());
        Assert.Contains("This discount code has been used as often as it can be. Nothing was charged.", page.Body!.TextContent, StringComparison.Ordinal);
        // The answers are kept, and the code is there to remove or change.
        Assert.Equal("late@example.test", page.QuerySelector("#Form_Email")!.GetAttribute("value"));
        Assert.Equal(code, page.QuerySelector("#Form_DiscountCode")!.GetAttribute("value"));
        Assert.Equal("This discount code has been used as often as it can be.", page.QuerySelector("#Form_DiscountCode-error")!.TextContent);

        // Without it, the order goes through.
        var placed = await PayAsync(late, await ReviewAsync(late, "late@example.test", ""));
        Assert.StartsWith("/orders/SF-", placed.RequestMessage!.RequestUri!.AbsolutePath, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_code_that_pays_for_everything_places_the_order_without_a_charge_and_the_pages_say_so()
    {
        var code = await CodeAsync("gift", DiscountKind.Percent, 100);
        var product = await store.ProductAsync(onHand: 100);
        var quantity = product.Price >= 50m ? 1 : (int)Math.Ceiling(50m / product.Price); // free standard shipping from $50
        var client = store.Client();
        var productPage = await client.GetStringAsync($"/p/{product.Slug}");
        await client.PostAsync("/cart?handler=Add", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["sku"] = product.Sku, ["quantity"] = quantity.ToString(CultureInfo.InvariantCulture),
            ["returnUrl"] = $"/p/{product.Slug}", ["__RequestVerificationToken"] = Html.AntiforgeryToken(productPage),
        }));

        var reviewHtml = await ReviewAsync(client, "gift@example.test", code);
        var review = await Html.ParseAsync(reviewHtml);
        Assert.Equal("$0.00", review.QuerySelector("#order-total")!.TextContent);
        Assert.NotNull(review.QuerySelector("#nothing-to-pay"));
        Assert.Equal("Place order", review.QuerySelector("form.payment button[type=submit]")!.TextContent.Trim());
        // No card is asked for: the form has no card field, and the order is placed without one.
        Assert.Null(review.QuerySelector("form.payment [name=Card]"));

        var placed = await PayAsync(client, reviewHtml, card: null);
        Assert.StartsWith("/orders/SF-", placed.RequestMessage!.RequestUri!.AbsolutePath, StringComparison.Ordinal);
        var order = await Html.ParseAsync(await placed.Content.ReadAsStringAsync());
        Assert.Contains("Total$0.00", order.QuerySelector("table.order-lines tfoot")!.TextContent, StringComparison.Ordinal);
        // Nothing was charged: the timeline names no card, and there is nothing to refund.
        Assert.DoesNotContain("card ending", order.QuerySelector(".timeline")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("nothing was charged", order.QuerySelector("form.cancel-order")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_merchant_creates_a_code_is_told_what_is_wrong_with_bad_values_and_ends_and_restarts_it()
    {
        var admin = await store.AdminClientAsync();
        var page = await admin.GetStringAsync("/admin/discounts");
        Dictionary<string, string> Form(string code, string kind, string value, string min = "", string starts = "", string ends = "", string limit = "") => new()
        {
            ["Input.Code"] = code, ["Input.Kind"] = kind, ["Input.Value"] = value, ["Input.MinimumSubtotal"] = min,
            ["Input.StartsAt"] = starts, ["Input.EndsAt"] = ends, ["Input.UsageLimit"] = limit, ["Input.OncePerCustomer"] = "false",
        };

        var bad = await PostAsync(admin, "/admin/discounts?handler=Create", Form("no spaces allowed", "Percent", "ten", min: "-", ends: "tomorrow", limit: "lots"), page);
        Assert.Equal(HttpStatusCode.OK, bad.StatusCode);
        var badDoc = await Html.ParseAsync(await bad.Content.ReadAsStringAsync());
        string Error(string field) => badDoc.QuerySelector($"[data-valmsg-for='Input.{field}']")!.TextContent;
        Assert.Equal("Enter how much the code takes off as a number, such as 10.", Error("Value"));
        Assert.Equal("Enter the minimum as a number such as 50, or leave it empty.", Error("MinimumSubtotal"));
        Assert.Equal("Enter a date and time (UTC) such as 2026-12-01 12:00.", Error("EndsAt"));
        Assert.Equal("Enter the limit as a whole number such as 100, or leave it empty.", Error("UsageLimit"));

        var ranges = await PostAsync(admin, "/admin/discounts?handler=Create", Form("no spaces allowed", "Percent", "250", ends: "2026-01-01T00:00", starts: "2026-02-01T00:00", limit: "0"), page);
        var rangesDoc = await Html.ParseAsync(await ranges.Content.ReadAsStringAsync());
        string RangeError(string field) => rangesDoc.QuerySelector($"[data-valmsg-for='Input.{field}']")!.TextContent;
        Assert.Equal("A code is 3 to 32 letters, digits, dashes or underscores, such as SUMMER-10.", RangeError("Code"));
        Assert.Equal("A percentage is a whole number from 1 to 100.", RangeError("Value"));
        Assert.Equal("The end must come after the start.", RangeError("EndsAt"));
        Assert.Equal("A limit is a whole number from 1 to 1,000,000.", RangeError("UsageLimit"));
        Assert.Empty(rangesDoc.QuerySelectorAll("#discount-codes tr[data-code='NO SPACES ALLOWED']"));

        var code = $"WINTER-{Guid.NewGuid().ToString("N")[..6]}".ToUpperInvariant();
        var made = await PostAsync(admin, "/admin/discounts?handler=Create", Form(code.ToLowerInvariant(), "Amount", "7.50", min: "40", limit: "100"), page);
        var list = await Html.ParseAsync(await made.Content.ReadAsStringAsync());
        Assert.Contains($"Discount code {code} created.", list.Body!.TextContent, StringComparison.Ordinal);
        var row = list.QuerySelector($"#discount-codes tr[data-code='{code}']")!;
        Assert.Contains("7.50 off", row.TextContent, StringComparison.Ordinal);
        Assert.Contains("$40.00", row.TextContent, StringComparison.Ordinal);
        Assert.Equal("0 of 100", row.QuerySelector(".used")!.TextContent);
        Assert.Equal(("0", "$0.00"), (row.QuerySelector(".orders")!.TextContent, row.QuerySelector(".given")!.TextContent));
        Assert.Equal("Live", row.QuerySelector(".state")!.TextContent);

        var again = await PostAsync(admin, "/admin/discounts?handler=Create", Form(code, "Percent", "5"), await admin.GetStringAsync("/admin/discounts"));
        var againDoc = await Html.ParseAsync(await again.Content.ReadAsStringAsync());
        Assert.Equal($"There is a discount code {code} already.", againDoc.QuerySelector("[data-valmsg-for='Input.Code']")!.TextContent);

        var ended = await PostAsync(admin, "/admin/discounts?handler=End", new() { ["code"] = code }, await admin.GetStringAsync("/admin/discounts"));
        var endedDoc = await Html.ParseAsync(await ended.Content.ReadAsStringAsync());
        Assert.Equal("Ended", endedDoc.QuerySelector($"#discount-codes tr[data-code='{code}'] .state")!.TextContent);
        using (var scope = store.Services.CreateScope())
            Assert.False((await scope.ServiceProvider.GetRequiredService<IDiscountCodes>().GetAsync(code, default))!.Active);

        var restarted = await PostAsync(admin, "/admin/discounts?handler=Restart", new() { ["code"] = code }, await admin.GetStringAsync("/admin/discounts"));
        Assert.Equal("Live", (await Html.ParseAsync(await restarted.Content.ReadAsStringAsync())).QuerySelector($"#discount-codes tr[data-code='{code}'] .state")!.TextContent);

        // A shopper cannot reach the page.
        var shopper = store.Client();
        var anonymous = await shopper.GetAsync("/admin/discounts");
        Assert.NotEqual("/admin/discounts", anonymous.RequestMessage!.RequestUri!.AbsolutePath);
    }
}

public sealed class EmptyDemoStoreFixture : StoreFixture;

/// <summary>The demo store comes with a discount code to try, and only the demo store.</summary>
public sealed class DemoDiscountTests(EmptyDemoStoreFixture store) : IClassFixture<EmptyDemoStoreFixture>
{
    [Fact]
    public async Task The_demo_store_has_a_welcome_code_for_ten_percent_once_per_customer()
    {
        using var scope = store.Services.CreateScope();
        var codes = scope.ServiceProvider.GetRequiredService<IDiscountCodes>();
        Assert.Null(await codes.GetAsync(Storefront.Web.Infrastructure.HostCommands.DemoDiscountCode, default));

        await scope.ServiceProvider.SeedDemoStoreAsync(new Storefront.Web.Infrastructure.StorefrontOptions { DemoProducts = 40, DemoOrders = 100 });
        var code = await codes.GetAsync("welcome10", default);
        Assert.NotNull(code);
        Assert.Equal((DiscountKind.Percent, 10m, true, DiscountState.Live), (code.Kind, code.Value, code.OncePerCustomer, code.StateAt(DateTimeOffset.UtcNow)));

        // A second start finds the catalog there and adds nothing.
        await scope.ServiceProvider.SeedDemoStoreAsync(new Storefront.Web.Infrastructure.StorefrontOptions { DemoProducts = 40, DemoOrders = 100 });
        Assert.Single(await codes.ListAsync(default));
    }
}
