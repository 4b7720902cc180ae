using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Storefront.Catalog.Contracts;
using Storefront.Inventory.Contracts;
using Storefront.Tests.Fixtures;
using static Storefront.Tests.Fixtures.TestPictures;

namespace Storefront.Tests.Web;

public sealed class AdminPagesTests(DemoStoreFixture store) : IClassFixture<DemoStoreFixture>
{
    [Theory]
    [InlineData("/admin")]
    [InlineData("/admin/products")]
    [InlineData("/admin/stock")]
    [InlineData("/admin/jobs")]
    [InlineData("/admin/orders")]
    [InlineData("/admin/fulfilment")]
    [InlineData("/admin/search")]
    public async Task The_admin_area_sends_anonymous_visitors_to_sign_in(string url)
    {
        var response = await store.Client(followRedirects: false).GetAsync(url);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/login", response.Headers.Location!.PathAndQuery);
    }

    [Fact]
    public async Task A_wrong_password_is_refused_with_a_message()
    {
        var client = store.Client();
        var token = Html.AntiforgeryToken(await client.GetStringAsync("/account/login"));
        var response = await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.Email"] = "admin@storefront.test", ["Input.Password"] = "wrong-password-1", ["__RequestVerificationToken"] = token,
        }));
        var doc = await Html.ParseAsync(await response.Content.ReadAsStringAsync());
        Assert.Equal("That e-mail and password do not match an account.", doc.QuerySelector("[role=alert]")!.TextContent);
    }

    [Fact]
    public async Task Admins_see_the_pages_and_the_jobs_dashboard()
    {
        var client = await store.AdminClientAsync();
        foreach (var url in new[] { "/admin", "/admin/products?q=laptop", "/admin/categories", "/admin/stock?sku=SF-0000001", "/admin/reviews", "/admin/products/new", "/admin/jobs" })
        {
            var response = await client.GetAsync(url);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode}");
        }
        var list = await client.GetDocumentAsync("/admin/products?q=laptop");
        Assert.All(list.QuerySelectorAll("table.data tbody tr td:nth-child(2)"), td => Assert.Contains("Laptop", td.TextContent, StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData("/admin/orders")]
    [InlineData("/admin/products")]
    [InlineData("/admin/reviews")]
    public async Task A_huge_page_number_shows_the_last_page_never_an_error(string list)
    {
        var client = await store.AdminClientAsync();
        foreach (var page in new[] { "2147483647", "-2147483648", "0" })
        {
            var response = await client.GetAsync($"{list}?page={page}");
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{list}?page={page}: {(int)response.StatusCode}");
            var doc = await Html.ParseAsync(await response.Content.ReadAsStringAsync());
            var pager = System.Text.RegularExpressions.Regex.Match(doc.QuerySelector(".pager span")!.TextContent, @"^Page (\d+) of (\d+)$");
            Assert.True(pager.Success, doc.QuerySelector(".pager span")!.TextContent);
            Assert.Equal(page == "2147483647" ? pager.Groups[2].Value : "1", pager.Groups[1].Value);
        }
    }

    [Fact]
    public async Task Creating_a_product_with_a_bad_price_saves_nothing_and_a_good_one_creates_product_and_stock()
    {
        var client = await store.AdminClientAsync();
        var form = await client.GetStringAsync("/admin/products/new");
        var category = (await store.Services.CreateScope().ServiceProvider.GetRequiredService<ICatalogAdmin>().ListCategoriesAsync(default)).Single(c => c.Slug == "tents");
        Dictionary<string, string> Fields(string price) => new()
        {
            ["__RequestVerificationToken"] = Html.AntiforgeryToken(form),
            ["Input.Title"] = "Summit Ridge 2 Backpacking Tent", ["Input.Sku"] = "TENT-NEW-1", ["Input.Slug"] = "summit-ridge-2-backpacking-tent",
            ["Input.Brand"] = "Summit", ["Input.CategoryId"] = category.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Input.Attributes[capacity]"] = "2 people", ["Input.Attributes[season]"] = "3-season",
            ["Input.Description"] = "Light.", ["Input.Price"] = price, ["Input.OnHand"] = "7", ["Input.Published"] = "true",
        };
        var bad = await client.PostAsync("/admin/products/new", new FormUrlEncodedContent(Fields("12.345")));
        var badDoc = await Html.ParseAsync(await bad.Content.ReadAsStringAsync());
        Assert.Equal("A price has at most two decimals, such as 19.99.", badDoc.QuerySelector("#Input_Price_error")!.TextContent);
        using (var scope = store.Services.CreateScope())
            Assert.Null(await scope.ServiceProvider.GetRequiredService<IPricesAndStock>().GetAsync("TENT-NEW-1", default));

        var good = await client.PostAsync("/admin/products/new", new FormUrlEncodedContent(Fields("249.00")));
        Assert.Matches("/admin/products/[0-9a-f-]{36}$", good.RequestMessage!.RequestUri!.AbsolutePath);
        using (var scope = store.Services.CreateScope())
        {
            var stock = await scope.ServiceProvider.GetRequiredService<IPricesAndStock>().GetAsync("TENT-NEW-1", default);
            Assert.Equal((249.00m, 7), (stock!.Price.Amount, stock.Available));
        }
        await store.DrainOutboxAsync();
        var product = await store.Client().GetDocumentAsync("/p/summit-ridge-2-backpacking-tent");
        Assert.Equal("$249.00", product.QuerySelector(".buy-box .price")!.TextContent);
        // The category listing learns the price from Inventory's event.
        var listing = await store.Client().GetDocumentAsync("/c/camping?brand=Summit&sort=price-asc&min=249&max=249");
        var card = listing.QuerySelectorAll(".product-card").Single(c => c.QuerySelector(".product-title")!.TextContent == "Summit Ridge 2 Backpacking Tent");
        Assert.Equal("$249.00", card.QuerySelector(".price")!.TextContent);
    }

    [Fact]
    public async Task A_merchant_saving_a_product_someone_saved_after_they_opened_it_is_told_and_keeps_their_form()
    {
        var (first, second) = (await store.AdminClientAsync(), await store.AdminClientAsync());
        var list = await first.GetDocumentAsync("/admin/products?q=backpack");
        var editUrl = list.QuerySelector("table.data tbody a")!.GetAttribute("href")!;
        var (formA, formB) = (await first.GetDocumentAsync(editUrl), await second.GetDocumentAsync(editUrl));
        static Dictionary<string, string> FieldsOf(AngleSharp.Dom.IDocument form, string title)
        {
            var fields = form.QuerySelectorAll("#product-form input[name], #product-form select[name], #product-form textarea[name]")
                .Where(e => e.GetAttribute("type") is not ("checkbox" or "submit"))
                .GroupBy(e => e.GetAttribute("name")!).ToDictionary(g => g.Key, g => g.First() switch
                {
                    AngleSharp.Html.Dom.IHtmlSelectElement select => select.Value ?? "",
                    AngleSharp.Html.Dom.IHtmlTextAreaElement area => area.Value,
                    var input => input.GetAttribute("value") ?? "",
                });
            fields["Input.Title"] = title;
            fields["Input.Published"] = "true";
            fields["__RequestVerificationToken"] = Html.AntiforgeryToken(form.DocumentElement.OuterHtml);
            return fields;
        }
        Assert.Matches(@"^\d{4}-\d\d-\d\dT", FieldsOf(formA, "x")["Input.Version"]);

        var savedA = await first.PostAsync(editUrl, new FormUrlEncodedContent(FieldsOf(formA, "Saved by the first merchant")));
        Assert.Contains("Product saved.", await savedA.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var refused = await Html.ParseAsync(await (await second.PostAsync(editUrl, new FormUrlEncodedContent(FieldsOf(formB, "Saved by the second merchant")))).Content.ReadAsStringAsync());
        Assert.StartsWith("Someone else saved this product after you opened it", refused.QuerySelector(".notice.error")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("Saved by the second merchant", refused.QuerySelector("#product-form input[name='Input.Title']")!.GetAttribute("value"));
        Assert.Equal("Saved by the first merchant", (await first.GetDocumentAsync(editUrl)).QuerySelector("h1")!.TextContent.Trim());

        // Saving the refused form again replaces the first merchant's version, knowingly.
        var again = await second.PostAsync(editUrl, new FormUrlEncodedContent(FieldsOf(refused, "Saved by the second merchant")));
        Assert.Contains("Product saved.", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("Saved by the second merchant", (await first.GetDocumentAsync(editUrl)).QuerySelector("h1")!.TextContent.Trim());
    }

    [Fact]
    public async Task Image_uploads_check_the_content_type_and_store_real_images()
    {
        var client = await store.AdminClientAsync();
        var list = await client.GetDocumentAsync("/admin/products?q=tent");
        var editUrl = list.QuerySelector("table.data tbody a")!.GetAttribute("href")!;
        Task<HttpResponseMessage> Upload(byte[] bytes, string name, string type) =>
            TestPictures.UploadAsync(client, editUrl, bytes, name, type, "Tent pitched in a meadow");

        var disguised = await Upload("<script>alert(1)</script>"u8.ToArray(), "evil.png", "image/png");
        var disguisedDoc = await Html.ParseAsync(await disguised.Content.ReadAsStringAsync());
        Assert.Equal("Only PNG, JPEG, GIF or WebP images can be uploaded.", disguisedDoc.QuerySelector(".notice.error")!.TextContent);

        var huge = await Upload([.. TinyPng, .. new byte[6 * 1024 * 1024]], "big.png", "image/png");
        Assert.Contains("the limit is 5 MB", (await Html.ParseAsync(await huge.Content.ReadAsStringAsync())).QuerySelector(".notice.error")!.TextContent);

        var ok = await Upload(TinyPng, "tent.png", "image/png");
        var okDoc = await Html.ParseAsync(await ok.Content.ReadAsStringAsync());
        Assert.Equal("Image added.", okDoc.QuerySelector("[role=status]")!.TextContent);
        var img = okDoc.QuerySelectorAll(".thumbs img")[^1];
        Assert.Equal("Tent pitched in a meadow", img.GetAttribute("alt"));
        // The thumbnail shows a size; the remove form names the picture itself.
        var served = await client.GetAsync(okDoc.QuerySelectorAll(".thumbs input[name=url]")[^1].GetAttribute("value"));
        Assert.Equal("image/png", served.Content.Headers.ContentType!.MediaType);
        Assert.Equal(TinyPng, await served.Content.ReadAsByteArrayAsync());

        // A file that starts like a JPEG but is not one is refused too: the picture is decoded.
        var fake = await Upload([0xFF, 0xD8, 0xFF, .. "not really a picture"u8.ToArray()], "fake.jpg", "image/jpeg");
        Assert.Equal("Only PNG, JPEG, GIF or WebP images can be uploaded.", (await Html.ParseAsync(await fake.Content.ReadAsStringAsync())).QuerySelector(".notice.error")!.TextContent);

        // A photograph is kept in sizes, made once at upload, each as WebP and JPEG.
        var photo = await Upload(Photo(1000, 600), "meadow.jpg", "image/jpeg");
        var photoDoc = await Html.ParseAsync(await photo.Content.ReadAsStringAsync());
        var original = photoDoc.QuerySelectorAll(".thumbs input[name=url]")[^1].GetAttribute("value")!;
        Assert.Equal(original[..^4] + "-160.jpg", photoDoc.QuerySelectorAll(".thumbs img")[^1].GetAttribute("src")); // a 96-pixel box
        Assert.Matches(@"^/media/uploads/[0-9a-f]{32}-1000x600\.jpg$", original);
        var stem = original[..^4];
        foreach (var width in new[] { 160, 400, 800, 1000 })
        {
            foreach (var (extension, type) in new[] { (".webp", "image/webp"), (".jpg", "image/jpeg") })
            {
                var variant = await store.Client().GetAsync($"{stem}-{width}{extension}");
                Assert.Equal(HttpStatusCode.OK, variant.StatusCode);
                Assert.Equal(type, variant.Content.Headers.ContentType!.MediaType);
                Assert.Contains("immutable", variant.Headers.CacheControl!.ToString(), StringComparison.Ordinal);
                using var decoded = SkiaSharp.SKBitmap.Decode(await variant.Content.ReadAsByteArrayAsync());
                Assert.Equal((width, width * 600 / 1000), (decoded.Width, decoded.Height));
            }
        }
        Assert.Equal(HttpStatusCode.NotFound, (await store.Client().GetAsync($"{stem}-1200.webp")).StatusCode); // never enlarged

        // The shopper's page lists the sizes, WebP first, with the box's width and height.
        var slug = (await client.GetDocumentAsync(editUrl)).QuerySelector("a[href^='/p/']")!.GetAttribute("href")!;
        {
            var page = await store.Client().GetDocumentAsync(slug);
            var thumb = page.QuerySelectorAll(".thumbs picture")[^1];
            Assert.Equal($"{stem}-160.webp 160w, {stem}-400.webp 400w, {stem}-800.webp 800w, {stem}-1000.webp 1000w",
                thumb.QuerySelector("source[type='image/webp']")!.GetAttribute("srcset"));
            var fallback = thumb.QuerySelector("img")!;
            Assert.Equal(("72", "43", "lazy"), (fallback.GetAttribute("width"), fallback.GetAttribute("height"), fallback.GetAttribute("loading"))); // 1000×600
            Assert.Equal($"{stem}-160.jpg", fallback.GetAttribute("src"));
        }
    }

    [Fact]
    public async Task Removing_an_image_the_product_does_not_have_says_so_and_removing_one_it_has_confirms()
    {
        var client = await store.AdminClientAsync();
        var list = await client.GetDocumentAsync("/admin/products?q=backpack");
        var editUrl = list.QuerySelector("table.data tbody a")!.GetAttribute("href")!;
        var token = Html.AntiforgeryToken(await client.GetStringAsync(editUrl));
        await TestPictures.UploadAsync(client, editUrl, TinyPng, "pack.png", "image/png");
        var url = (await client.GetDocumentAsync(editUrl)).QuerySelectorAll(".thumbs input[name=url]")[^1].GetAttribute("value")!;
        Task<HttpResponseMessage> Remove(string image) => client.PostAsync(editUrl + "?handler=RemoveImage", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["url"] = image,
        }));

        var missing = await Html.ParseAsync(await (await Remove("/images/not-this-one.png")).Content.ReadAsStringAsync());
        Assert.Equal("That image was not found on this product; nothing was removed.", missing.QuerySelector("[role=alert]")!.TextContent);
        Assert.Null(missing.QuerySelector("[role=status]"));
        Assert.Contains(url, missing.QuerySelectorAll(".thumbs input[name=url]").Select(i => i.GetAttribute("value")));

        var removed = await Html.ParseAsync(await (await Remove(url)).Content.ReadAsStringAsync());
        Assert.Equal("Image removed.", removed.QuerySelector("[role=status]")!.TextContent);
        Assert.Null(removed.QuerySelector("[role=alert]"));
        Assert.DoesNotContain(url, removed.QuerySelectorAll(".thumbs input[name=url]").Select(i => i.GetAttribute("value")));
    }

    [Fact]
    public async Task Hiding_a_review_that_does_not_exist_says_so_and_hiding_one_that_does_confirms()
    {
        var client = await store.AdminClientAsync();
        var productUrl = (await client.GetDocumentAsync("/admin/products?q=tent")).QuerySelector("table.data tbody a")!.GetAttribute("href")!;
        var productId = Guid.Parse(productUrl[(productUrl.LastIndexOf('/') + 1)..]);
        Guid reviewId;
        using (var scope = store.Services.CreateScope())
            reviewId = (await scope.ServiceProvider.GetRequiredService<ICatalogAdmin>().AddReviewAsync(productId, new ReviewInput(4, "Stays dry", "Held up in the rain.", "Kim"), default)).Value;
        var token = Html.AntiforgeryToken(await client.GetStringAsync("/admin/reviews"));
        Task<HttpResponseMessage> Hide(Guid id) => client.PostAsync("/admin/reviews", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["id"] = id.ToString(), ["hide"] = "true", ["show"] = "\r\nX: y", ["page"] = "1",
        }));

        var missing = await Hide(Guid.NewGuid());
        Assert.Equal(HttpStatusCode.OK, missing.StatusCode);
        var missingDoc = await Html.ParseAsync(await missing.Content.ReadAsStringAsync());
        Assert.Equal("That review was not found (it may have been deleted); nothing was changed.", missingDoc.QuerySelector("[role=alert]")!.TextContent);
        Assert.Null(missingDoc.QuerySelector("[role=status]"));

        var hidden = await Html.ParseAsync(await (await Hide(reviewId)).Content.ReadAsStringAsync());
        Assert.Equal("Review hidden; the product's rating no longer counts it.", hidden.QuerySelector("[role=status]")!.TextContent);
        Assert.Null(hidden.QuerySelector("[role=alert]"));
        using (var scope = store.Services.CreateScope())
        {
            var reviews = await scope.ServiceProvider.GetRequiredService<ICatalogQueries>().GetReviewsAsync(productId, 1, 50, default);
            Assert.DoesNotContain(reviews.Items, r => r.Title == "Stays dry");
        }
    }

    [Fact]
    public async Task Merchants_create_and_rename_categories_and_shoppers_see_them()
    {
        var client = await store.AdminClientAsync();
        var page = await client.GetStringAsync("/admin/categories");
        var token = Html.AntiforgeryToken(page);
        var camping = (await Html.ParseAsync(page)).QuerySelectorAll("#new-parent option").Single(o => o.TextContent == "Sports & Outdoors › Camping & Hiking").GetAttribute("value")!;

        var created = await client.PostAsync("/admin/categories?handler=Create", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["name"] = "Hammocks", ["parentId"] = camping,
        }));
        var doc = await Html.ParseAsync(await created.Content.ReadAsStringAsync());
        Assert.Equal("Category “Hammocks” created.", doc.QuerySelector("[role=status]")!.TextContent);
        var row = doc.QuerySelectorAll("table.data tbody tr").Single(r => r.QuerySelector("td a")!.TextContent == "Hammocks");
        var id = row.QuerySelector("input[name=id]")!.GetAttribute("value")!;
        var slug = row.QuerySelector("td a")!.GetAttribute("href")!;

        var shopper = await store.Client().GetDocumentAsync(slug);
        Assert.Equal(["Home", "Sports & Outdoors", "Camping & Hiking", "Hammocks"], shopper.QuerySelectorAll(".breadcrumbs li").Select(l => l.TextContent.Trim()).ToArray());

        var empty = await client.PostAsync("/admin/categories?handler=Rename", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["id"] = id, ["name"] = "   ",
        }));
        Assert.Equal("Enter a name of 1 to 100 characters.", (await Html.ParseAsync(await empty.Content.ReadAsStringAsync())).QuerySelector("[role=alert]")!.TextContent);

        await client.PostAsync("/admin/categories?handler=Rename", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["id"] = id, ["name"] = "Hammocks & Tarps",
        }));
        // The category page is cached: the rename evicts it (through the event log) within moments.
        for (var wait = 0; wait < 60 && (await store.Client().GetDocumentAsync(slug)).QuerySelector("h1")!.TextContent != "Hammocks & Tarps"; wait++)
            await Task.Delay(50);
        var renamed = await store.Client().GetDocumentAsync(slug);
        Assert.Equal("Hammocks & Tarps", renamed.QuerySelector("h1")!.TextContent);
    }

    [Fact]
    public async Task Merchants_adjust_stock_with_a_reason_see_the_ledger_and_release_a_cart_hold()
    {
        using (var scope = store.Services.CreateScope())
            await scope.ServiceProvider.GetRequiredService<IStockReservations>().ReserveAsync("cart-admin-test", "SF-0000003", 1, default);
        var client = await store.AdminClientAsync();
        var page = await client.GetStringAsync("/admin/stock?sku=SF-0000003");
        var token = Html.AntiforgeryToken(page);
        var before = (await store.Services.CreateScope().ServiceProvider.GetRequiredService<IPricesAndStock>().GetAsync("SF-0000003", default))!.OnHand;

        var bad = await client.PostAsync("/admin/stock?handler=Adjust", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["Adjustment.Sku"] = "SF-0000003", ["Adjustment.Delta"] = "ten", ["Adjustment.Reason"] = "Delivery",
        }));
        Assert.Equal("Enter a whole number of units, such as 12 or -3.",
            (await Html.ParseAsync(await bad.Content.ReadAsStringAsync())).QuerySelector("[data-valmsg-for='Adjustment.Delta']")!.TextContent);

        var ok = await client.PostAsync("/admin/stock?handler=Adjust", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["Adjustment.Sku"] = "SF-0000003", ["Adjustment.Delta"] = "12", ["Adjustment.Reason"] = "Delivery PO-9",
        }));
        var doc = await Html.ParseAsync(await ok.Content.ReadAsStringAsync());
        var newest = doc.QuerySelectorAll("#ledger tbody tr")[0].QuerySelectorAll("td").Select(td => td.TextContent).ToArray();
        Assert.Equal(["+12", (before + 12).ToString(System.Globalization.CultureInfo.InvariantCulture), "Delivery PO-9", "admin@storefront.test"], newest[1..5]);

        var hold = doc.QuerySelectorAll("#holds tbody tr").Single(r => r.QuerySelector("td")!.TextContent == "cart-admin-test");
        var released = await client.PostAsync("/admin/stock?handler=Release", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["sku"] = "SF-0000003", ["holder"] = "cart-admin-test",
        }));
        var after = await Html.ParseAsync(await released.Content.ReadAsStringAsync());
        Assert.Equal("Hold of cart-admin-test on SF-0000003 released.", after.QuerySelector("[role=status]")!.TextContent);
        Assert.DoesNotContain(after.QuerySelectorAll("#holds tbody tr"), r => r.QuerySelector("td")!.TextContent == "cart-admin-test");
        Assert.NotNull(hold);
    }

    [Fact]
    public async Task Stock_form_rejects_bad_values_without_changing_anything()
    {
        var client = await store.AdminClientAsync();
        var page = await client.GetStringAsync("/admin/stock?sku=SF-0000002");
        var before = await store.Services.CreateScope().ServiceProvider.GetRequiredService<IPricesAndStock>().GetAsync("SF-0000002", default);
        var response = await client.PostAsync("/admin/stock", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Html.AntiforgeryToken(page), ["Input.Sku"] = "SF-0000002",
            ["Input.Price"] = "5.00", ["Input.Currency"] = "USD", ["Input.OnHand"] = "-3",
        }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var doc = await Html.ParseAsync(await response.Content.ReadAsStringAsync());
        Assert.Contains("whole number between 0", doc.QuerySelector("[data-valmsg-for='Input.OnHand']")!.TextContent);
        var after = await store.Services.CreateScope().ServiceProvider.GetRequiredService<IPricesAndStock>().GetAsync("SF-0000002", default);
        Assert.Equal(before, after);
    }

    private async Task<List<T>> QueryAsync<T>(string sql, Func<Npgsql.NpgsqlDataReader, T> read)
    {
        await using var connection = new Npgsql.NpgsqlConnection(store.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync()) rows.Add(read(reader));
        return rows;
    }

    private static string Words(string text) => string.Join(' ', text.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries));

    [Fact]
    public async Task The_dashboard_says_what_sold_what_waits_and_names_the_products_running_out()
    {
        var client = await store.AdminClientAsync();
        var doc = await client.GetDocumentAsync("/admin");

        Assert.Equal(["Last 24 hours", "Last 7 days", "Last 30 days"], doc.QuerySelectorAll("table.sales tbody th").Select(t => t.TextContent.Trim()));
        var paid = (await QueryAsync("SELECT count(*) FROM checkout.orders WHERE status = 'Paid'", r => r.GetInt64(0)))[0];
        Assert.Equal(paid == 0 ? "No orders to pack" : $"{paid:N0} paid order{(paid == 1 ? "" : "s")} to pack",
            Words(doc.QuerySelector("[data-to-do=pack]")!.TextContent));

        var (none, low) = (await QueryAsync("""
            SELECT count(*) FILTER (WHERE on_hand - reserved <= 0), count(*) FILTER (WHERE on_hand - reserved BETWEEN 1 AND 5) FROM inventory.stock_items
            """, r => (r.GetInt64(0), r.GetInt64(1))))[0];
        Assert.True(none > 0, "the demo catalog has products with no stock");
        var stockLink = doc.QuerySelector("[data-to-do=stock] a")!;
        Assert.Equal("/admin/stock", stockLink.GetAttribute("href"));
        Assert.Equal($"{none:N0} product{(none == 1 ? "" : "s")} with none available, {low:N0} with 1 to 5",
            Words(stockLink.TextContent));

        // The ten with the fewest available, each named and linked to its product and to its stock.
        var expected = await QueryAsync("""
            SELECT s.sku, p.id, p.title, s.on_hand - s.reserved FROM inventory.stock_items s JOIN catalog.products p ON p.sku = s.sku
            WHERE s.on_hand - s.reserved <= 5 ORDER BY s.on_hand - s.reserved, s.sku LIMIT 10
            """, r => (Sku: r.GetString(0), Id: r.GetGuid(1), Title: r.GetString(2), Available: r.GetInt32(3)));
        var rows = doc.QuerySelectorAll("table.low-stock tbody tr");
        Assert.Equal(expected.Count, rows.Length);
        foreach (var (row, want) in rows.Zip(expected))
        {
            var links = row.QuerySelectorAll("a");
            Assert.Equal((want.Title, $"/admin/products/{want.Id}"), (links[0].TextContent, links[0].GetAttribute("href")));
            Assert.Equal((want.Sku, $"/admin/stock?sku={want.Sku}"), (links[1].TextContent, links[1].GetAttribute("href")));
            Assert.StartsWith(want.Available.ToString(System.Globalization.CultureInfo.InvariantCulture), row.QuerySelectorAll("td")[2].TextContent.Trim(), StringComparison.Ordinal);
        }
        Assert.Contains("Sold out", rows[0].TextContent, StringComparison.Ordinal);

        // An event its consumer could not take is counted and leads to the events page.
        Assert.Equal("Every event was delivered", Words(doc.QuerySelector("[data-to-do=events]")!.TextContent));
        await QueryAsync("""
            INSERT INTO events.parked_events (consumer, instance, position, name, subject, payload, occurred_at, attempts, error, parked_at)
            VALUES ('dashboard.test', 'cluster', 1, 'test.event.v1', 'dashboard', '{}', now(), 20, 'failed for the test', now())
            """, _ => 0);
        try
        {
            var parked = (await client.GetDocumentAsync("/admin")).QuerySelector("[data-to-do=events] a")!;
            Assert.Equal(("1 event could not be delivered", "/admin/events"), (Words(parked.TextContent), parked.GetAttribute("href")));
        }
        finally
        {
            await QueryAsync("DELETE FROM events.parked_events WHERE consumer = 'dashboard.test'", _ => 0);
        }
    }

    [Fact]
    public async Task The_stock_page_names_the_product_of_a_sku_and_pages_through_everything_running_out()
    {
        var client = await store.AdminClientAsync();
        var all = await QueryAsync("""
            SELECT s.sku, p.title FROM inventory.stock_items s JOIN catalog.products p ON p.sku = s.sku
            WHERE s.on_hand - s.reserved <= 5 ORDER BY s.on_hand - s.reserved, s.sku
            """, r => (Sku: r.GetString(0), Title: r.GetString(1)));
        Assert.True(all.Count > 50, $"the demo catalog has more than a page of low stock ({all.Count})");

        var seen = new List<(string, string)>();
        string? url = "/admin/stock";
        for (var pages = 0; url is not null && pages < 10; pages++)
        {
            var page = await client.GetDocumentAsync(url);
            seen.AddRange(page.QuerySelectorAll("table.low-stock tbody tr").Select(r => (r.QuerySelectorAll("a")[1].TextContent, r.QuerySelectorAll("a")[0].TextContent)));
            url = page.QuerySelector(".pager a[rel=next]")?.GetAttribute("href");
        }
        Assert.Equal(all, seen);
        // A page past the end shows the last one.
        var last = await client.GetDocumentAsync("/admin/stock?page=2147483647");
        Assert.Equal(all[^1].Sku, last.QuerySelectorAll("table.low-stock tbody tr")[^1].QuerySelectorAll("a")[1].TextContent);

        var sku = await client.GetDocumentAsync($"/admin/stock?sku={all[0].Sku}");
        Assert.Equal(all[0].Title, sku.QuerySelector(".stock-product a")!.TextContent);
    }
}
