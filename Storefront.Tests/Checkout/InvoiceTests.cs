using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Storefront.Checkout.Contracts;
using Storefront.Tests.Fixtures;
using Storefront.Tests.Web;
using Storefront.Web.Shopping;

namespace Storefront.Tests.Checkout;

/// <summary>A shop of its own (its invoice sequence starts at one), with the seller's details configured.</summary>
public sealed class InvoiceFixture : ShopFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Checkout:Invoices:Prefix"] = "TEST-",
        ["Checkout:Invoices:SellerName"] = "Example Trading Ltd",
        ["Checkout:Invoices:SellerAddress:0"] = "1 Market Street",
        ["Checkout:Invoices:SellerAddress:1"] = "Springfield 12345",
        ["Checkout:Invoices:TaxId"] = "GB123456789",
        ["Checkout:Invoices:Footer"] = "Registered in England, no. 01234567.",
    };
}

public sealed class InvoiceTests(InvoiceFixture store) : IClassFixture<InvoiceFixture>
{
    private async Task<OrderView> PlaceAsync(ShopFixture.TestProduct product)
    {
        var number = await MerchantNoticesFixture.OrderAsync(store, product, $"invoice-{Guid.NewGuid():N}@example.test");
        using var scope = store.Services.CreateScope();
        return (await scope.ServiceProvider.GetRequiredService<IOrders>().GetAsync(number, default))!;
    }

    private async Task<List<(Guid Order, int Year, int Sequence, string Number)>> InvoicesAsync()
    {
        await using var connection = new NpgsqlConnection(store.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT order_id, year, sequence, number FROM checkout.invoices ORDER BY year, sequence", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(Guid, int, int, string)>();
        while (await reader.ReadAsync()) rows.Add((reader.GetGuid(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetString(3)));
        return rows;
    }

    [Fact]
    public async Task Invoice_numbers_have_no_gaps_or_repeats_however_often_and_concurrently_an_order_is_numbered()
    {
        var product = await store.ProductAsync(onHand: 50);
        var orders = new List<OrderView>();
        for (var i = 0; i < 12; i++) orders.Add(await PlaceAsync(product));

        // Each order numbered four times at once (deliveries repeated, instances racing, a page
        // opened), beside the event consumer doing the same.
        var attempts = orders.SelectMany(o => Enumerable.Range(0, 4).Select(async _ =>
        {
            using var scope = store.Services.CreateScope();
            return (o.Id, (await scope.ServiceProvider.GetRequiredService<IInvoices>().IssueAsync(o.Id, o.PlacedAt, default)).Number);
        }));
        var issued = await Task.WhenAll(attempts);
        await store.DrainOutboxAsync();

        // Every attempt for an order got the same number, and the numbers are 1..n of the year.
        Assert.All(issued.GroupBy(i => i.Id), g => Assert.Single(g.Select(i => i.Number).Distinct()));
        var rows = await InvoicesAsync();
        // (The class's other test may have numbered an order of its own.)
        Assert.Subset(rows.Select(r => r.Order).ToHashSet(), orders.Select(o => o.Id).ToHashSet());
        Assert.Equal(rows.Count, rows.Select(r => r.Order).Distinct().Count());
        var year = orders[0].PlacedAt.UtcDateTime.Year;
        Assert.Equal(Enumerable.Range(1, rows.Count), rows.Select(r => r.Sequence));
        Assert.All(rows, r => Assert.Equal($"TEST-{year}-{r.Sequence:D6}", r.Number));

        // A later order continues the sequence, from its event alone.
        var later = await PlaceAsync(product);
        await store.DrainOutboxAsync();
        var last = (await InvoicesAsync())[^1];
        Assert.Equal((later.Id, rows.Count + 1), (last.Order, last.Sequence));
    }

    [Fact]
    public async Task The_invoice_shows_the_order_as_placed_with_the_sellers_details_to_whoever_may_see_the_order()
    {
        var product = await store.ProductAsync(onHand: 10);
        var order = await PlaceAsync(product);
        await store.DrainOutboxAsync();
        InvoiceView invoice;
        using (var scope = store.Services.CreateScope())
            invoice = (await scope.ServiceProvider.GetRequiredService<IInvoices>().ForOrderAsync(order.Id, default))!;
        var key = store.Services.GetRequiredService<OrderAccess>().KeyFor(order);

        // The guest's order page links to it, with the order's key.
        var orderPage = await store.Client().GetDocumentAsync($"/orders/{order.Number}?key={Uri.EscapeDataString(key)}");
        var link = orderPage.QuerySelector("#invoice-link")!.GetAttribute("href")!;
        Assert.StartsWith($"/orders/{order.Number}/invoice?key=", link, StringComparison.Ordinal);

        var page = await store.Client().GetDocumentAsync(link);
        var document = page.QuerySelector("#invoice")!;
        Assert.Equal(invoice.Number, document.GetAttribute("data-invoice"));
        Assert.Equal($"Invoice {invoice.Number}", document.QuerySelector("h1")!.TextContent.Trim());
        var text = document.TextContent;
        foreach (var expected in new[] { "Example Trading Ltd", "1 Market Street", "Springfield 12345", "Tax ID GB123456789", "Registered in England, no. 01234567.",
                     order.Number, order.Email, "Nia Notified", "1 Main St", "Albany, NY 12207", product.Title, $"SKU {product.Sku}", "Standard (3–5 days)" })
            Assert.Contains(expected, text, StringComparison.Ordinal);
        Assert.Equal(order.Subtotal.ToString(), document.QuerySelector("#invoice-subtotal")!.TextContent.Trim());
        Assert.Equal(order.Tax.ToString(), document.QuerySelector("#invoice-tax")!.TextContent.Trim());
        Assert.Equal(order.Total.ToString(), document.QuerySelector("#invoice-total")!.TextContent.Trim());
        Assert.Null(document.QuerySelector("#invoice-refunded"));

        // Without the key it does not exist; order staff see it from the admin order page.
        Assert.Equal(HttpStatusCode.NotFound, (await store.Client().GetAsync($"/orders/{order.Number}/invoice")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await store.Client().GetAsync($"/orders/{order.Number}/invoice?key=forged")).StatusCode);
        var admin = await store.AdminClientAsync();
        Assert.NotNull((await admin.GetDocumentAsync($"/admin/orders/{order.Number}")).QuerySelector($"a[href='/orders/{order.Number}/invoice']"));
        Assert.Equal(invoice.Number, (await admin.GetDocumentAsync($"/orders/{order.Number}/invoice")).QuerySelector("#invoice")!.GetAttribute("data-invoice"));

        // Cancelled: the same invoice, with the refund shown.
        using (var scope = store.Services.CreateScope())
            Assert.True((await scope.ServiceProvider.GetRequiredService<IOrderAdmin>().CancelAsync(order.Number, "test", default)).Succeeded);
        var cancelled = (await admin.GetDocumentAsync($"/orders/{order.Number}/invoice")).QuerySelector("#invoice")!;
        Assert.Equal(invoice.Number, cancelled.GetAttribute("data-invoice"));
        Assert.Equal($"−{order.Total}", cancelled.QuerySelector("#invoice-refunded")!.TextContent.Trim());
    }
}
