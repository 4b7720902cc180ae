using System.Net;
using Storefront.Tests.Fixtures;

namespace Storefront.Tests.Web;

public sealed class PackingSlipFixture : ShopFixture;

/// <summary>Packing slips: what goes in the box and where, for the orders waiting to be packed, in the queue's order, without prices.</summary>
public sealed class PackingSlipTests(PackingSlipFixture store) : IClassFixture<PackingSlipFixture>
{
    [Fact]
    public async Task The_packer_prints_a_slip_per_waiting_order_in_queue_order_with_lines_and_address_and_no_prices()
    {
        var tent = await store.ProductAsync(onHand: 10);
        var lamp = await store.ProductAsync(onHand: 10);
        var first = await MerchantNoticesFixture.OrderAsync(store, tent, $"slip-a-{Guid.NewGuid():N}@example.test");
        var second = await MerchantNoticesFixture.OrderAsync(store, lamp, $"slip-b-{Guid.NewGuid():N}@example.test");
        var admin = await store.AdminClientAsync();

        // The fulfilment page links to the slips of its list, and to each order's own.
        var fulfilment = await admin.GetDocumentAsync("/admin/fulfilment");
        Assert.Equal("/admin/packing-slips", fulfilment.QuerySelector("#print-slips")!.GetAttribute("href"));
        Assert.Equal($"/admin/packing-slips/{first}", fulfilment.QuerySelector($"tr[data-order='{first}'] a[href^='/admin/packing-slips/']")!.GetAttribute("href"));

        var page = await admin.GetDocumentAsync("/admin/packing-slips");
        var slips = page.QuerySelectorAll("article.packing-slip").Select(s => s.GetAttribute("data-order")).ToList();
        Assert.Equal(fulfilment.QuerySelectorAll("tr[data-order]").Select(r => r.GetAttribute("data-order")), slips);
        Assert.True(slips.IndexOf(first) < slips.IndexOf(second));

        var slip = page.QuerySelector($"article.packing-slip[data-order='{second}']")!;
        var line = Assert.Single(slip.QuerySelectorAll("tbody tr"));
        Assert.Equal(["☐", "1", lamp.Sku, lamp.Title], line.QuerySelectorAll("td").Select(c => c.TextContent.Trim()));
        var address = slip.QuerySelector("address")!.TextContent;
        Assert.Contains("Nia Notified", address, StringComparison.Ordinal);
        Assert.Contains("1 Main St", address, StringComparison.Ordinal);
        Assert.Contains("Albany, NY 12207", address, StringComparison.Ordinal);
        Assert.DoesNotContain("$", slip.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain(lamp.Price.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture), slip.TextContent, StringComparison.Ordinal);

        // One order's slip, from its page; an unknown number is not found.
        var one = await admin.GetDocumentAsync($"/admin/packing-slips/{first}");
        Assert.Equal([first], one.QuerySelectorAll("article.packing-slip").Select(s => s.GetAttribute("data-order")));
        Assert.Contains(tent.Title, one.QuerySelector("article.packing-slip")!.TextContent, StringComparison.Ordinal);
        Assert.NotNull((await admin.GetDocumentAsync($"/admin/orders/{first}")).QuerySelector($"a[href='/admin/packing-slips/{first}']"));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/admin/packing-slips/SF-NOPE-NOPE-NOPE")).StatusCode);

        // A packed order leaves the list, and its slip with it.
        var request = fulfilment.QuerySelector($"tr[data-order='{first}'] input[name=id]")!.GetAttribute("value")!;
        var packed = await admin.PostAsync("/admin/fulfilment", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["id"] = request, ["__RequestVerificationToken"] = Html.AntiforgeryToken(await admin.GetStringAsync("/admin/fulfilment")),
        }));
        Assert.Equal(HttpStatusCode.OK, packed.StatusCode);
        var after = (await admin.GetDocumentAsync("/admin/packing-slips")).QuerySelectorAll("article.packing-slip").Select(s => s.GetAttribute("data-order")).ToList();
        Assert.DoesNotContain(first, after);
        Assert.Contains(second, after);
    }
}
