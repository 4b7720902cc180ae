using System.Globalization;
using System.Net;
using AngleSharp.Dom;
using Microsoft.Extensions.DependencyInjection;
using Storefront.Tests.Fixtures;

namespace Storefront.Tests.Web;

public sealed class DemoStoreFixture : StoreFixture
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await SeedDemoAsync(480);
    }
}

public sealed class CatalogPagesTests(DemoStoreFixture store) : IClassFixture<DemoStoreFixture>
{
    private static decimal PriceOf(IElement card) =>
        decimal.Parse(card.QuerySelector(".price")!.TextContent.TrimStart('$'), NumberStyles.Currency, CultureInfo.InvariantCulture);

    [Fact]
    public async Task Home_page_shows_categories_featured_and_new_products()
    {
        var doc = await store.Client().GetDocumentAsync("/");
        Assert.Contains(doc.QuerySelectorAll("nav.categories a"), a => a.TextContent == "Electronics");
        Assert.Equal(10, doc.QuerySelectorAll("section[aria-labelledby=featured] .product-card").Length);
        Assert.Equal(10, doc.QuerySelectorAll("section[aria-labelledby=newest] .product-card").Length);
        Assert.All(doc.QuerySelectorAll(".product-card img"), img => Assert.False(string.IsNullOrWhiteSpace(img.GetAttribute("alt"))));
    }

    [Fact]
    public async Task A_top_category_lists_products_of_its_whole_subtree_with_breadcrumbs()
    {
        var doc = await store.Client().GetDocumentAsync("/c/electronics");
        Assert.Equal("Electronics", doc.QuerySelector("h1")!.TextContent);
        var titles = doc.QuerySelectorAll(".product-title").Select(t => t.TextContent).ToList();
        Assert.Equal(24, titles.Count);
        // Demo products cycle through 28 leaves, 11 of them under Electronics, the first four of them
        // first: 17 full rounds of 28 and then 4 more make 480, so 17 * 11 + 4 = 191.
        Assert.Equal("191 products", doc.QuerySelector("#result-count")!.TextContent);

        var leaf = await store.Client().GetDocumentAsync("/c/headphones");
        Assert.Equal(["Home", "Electronics", "Audio", "Headphones"], leaf.QuerySelectorAll(".breadcrumbs li").Select(l => l.TextContent.Trim()).ToArray());
    }

    [Fact]
    public async Task Paging_through_a_category_by_price_visits_every_product_once_in_order()
    {
        var client = store.Client();
        var url = "/c/electronics?sort=price-asc";
        var seen = new List<(string Link, decimal Price)>();
        var pages = 0;
        string? firstPageUrl = null;
        while (url is not null)
        {
            var doc = await client.GetDocumentAsync(url);
            firstPageUrl ??= url;
            seen.AddRange(doc.QuerySelectorAll(".product-card").Select(c => (c.QuerySelector("a")!.GetAttribute("href")!, PriceOf(c))));
            url = doc.QuerySelector("a[rel=next]")?.GetAttribute("href");
            pages++;
            if (pages == 3)
            {
                // Previous goes back to exactly the page before.
                var back = await client.GetDocumentAsync(doc.QuerySelector("a[rel=prev]")!.GetAttribute("href")!);
                var backTitles = back.QuerySelectorAll(".product-card a").Select(a => a.GetAttribute("href")!).ToList();
                Assert.Equal(seen.Skip(24).Take(24).Select(s => s.Link), backTitles);
            }
        }
        Assert.Equal(8, pages); // 191 products, 24 a page
        Assert.Equal(191, seen.Count);
        Assert.Equal(191, seen.Select(s => s.Link).Distinct().Count());
        Assert.Equal(seen.Select(s => s.Price).Order(), seen.Select(s => s.Price));
    }

    [Fact]
    public async Task Filters_by_attribute_brand_and_price_show_only_matching_products()
    {
        var doc = await store.Client().GetDocumentAsync("/c/headphones?attr.connectivity=Bluetooth&min=20&max=300");
        var cards = doc.QuerySelectorAll(".product-card");
        Assert.NotEmpty(cards);
        Assert.All(cards, c =>
        {
            Assert.EndsWith("Bluetooth", c.QuerySelector(".product-title")!.TextContent);
            Assert.InRange(PriceOf(c), 20m, 300m);
        });
        Assert.Equal("checked", doc.QuerySelector("input[name='attr.connectivity'][value=Bluetooth]")!.GetAttribute("checked") ?? "checked");

        var brand = doc.QuerySelector("input[name=brand]")!.GetAttribute("value")!;
        var byBrand = await store.Client().GetDocumentAsync($"/c/headphones?brand={Uri.EscapeDataString(brand)}");
        Assert.All(byBrand.QuerySelectorAll(".product-card .brand"), b => Assert.Equal(brand, b.TextContent));
    }

    [Fact]
    public async Task Bad_filter_values_and_tampered_cursors_get_a_message_or_the_first_page_never_an_error()
    {
        var client = store.Client();
        var response = await client.GetAsync("/c/headphones?min=abc&max=-5");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var doc = await Html.ParseAsync(await response.Content.ReadAsStringAsync());
        Assert.Equal("Enter the price as a number such as 19.99.", doc.QuerySelector("[data-valmsg-for=min]")!.TextContent);
        Assert.Equal("A price cannot be negative.", doc.QuerySelector("[data-valmsg-for=max]")!.TextContent);

        foreach (var query in new[] { "after=not-a-cursor", "before=%01", "after=" + new string('A', 500), "sort=drop%20table", "attr.unknown=x", "brand=" + new string('x', 300) })
        {
            var r = await client.GetAsync("/c/headphones?" + query);
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
        // A NUL in the address is refused before any page runs (see MalformedRequests).
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/c/headphones?before=%00%01")).StatusCode);
        var inverted = await client.GetDocumentAsync("/c/headphones?min=500&max=10");
        Assert.Equal("The lowest price is above the highest one.", inverted.QuerySelector("[data-valmsg-for=max]")!.TextContent);
    }

    [Theory]
    [InlineData("-1", "A price cannot be negative.")]
    [InlineData("19.999", "A price has at most two decimals, such as 19.99.")]
    [InlineData("10000000000", "A price is at most 9,999,999,999.99.")]
    [InlineData("abc", "Enter the price as a number such as 19.99.")]
    public async Task A_bad_price_filter_is_shown_beside_the_field_and_left_out_on_category_and_search_pages(string value, string message)
    {
        var client = store.Client();
        var unfiltered = await client.GetDocumentAsync("/c/headphones");
        var category = await client.GetDocumentAsync($"/c/headphones?max={Uri.EscapeDataString(value)}");
        Assert.Equal(message, category.QuerySelector("[data-valmsg-for=max]")!.TextContent);
        Assert.Equal(value, category.QuerySelector("input[name=max]")!.GetAttribute("value"));
        Assert.Equal(unfiltered.QuerySelector("#result-count")!.TextContent, category.QuerySelector("#result-count")!.TextContent);

        var search = await client.GetDocumentAsync($"/search?q=headphones&min={Uri.EscapeDataString(value)}");
        Assert.Equal($"The price filter was left out: {message}", search.QuerySelector("#price-problem")!.TextContent);
    }

    [Fact]
    public async Task An_empty_price_filter_is_no_filter_and_no_message()
    {
        var doc = await store.Client().GetDocumentAsync("/c/headphones?min=&max=");
        Assert.Null(doc.QuerySelector("[data-valmsg-for]"));
        Assert.Null((await store.Client().GetDocumentAsync("/search?q=headphones&min=&max=")).QuerySelector("#price-problem"));
    }

    [Fact]
    public async Task Product_page_shows_price_availability_attributes_and_paged_reviews()
    {
        var client = store.Client();
        var category = await client.GetDocumentAsync("/c/smartphones");
        var link = category.QuerySelector(".product-card a")!.GetAttribute("href")!;
        var doc = await client.GetDocumentAsync(link);
        Assert.NotNull(doc.QuerySelector(".buy-box .price"));
        Assert.Matches("^(In stock|Only [1-5] left|Out of stock)$", doc.QuerySelector("#availability")!.TextContent.Trim());
        var labels = doc.QuerySelectorAll("table.attributes th").Select(t => t.TextContent).ToList();
        Assert.Equal(["RAM", "Storage", "Colour"], labels);
        Assert.Equal("Smartphones", doc.QuerySelectorAll(".breadcrumbs a")[^1].TextContent);
        Assert.NotEmpty(doc.QuerySelectorAll(".gallery img"));
    }

    [Theory]
    [InlineData("/p/no-such-product")]
    [InlineData("/c/no-such-category")]
    [InlineData("/definitely/not/here")]
    public async Task Unknown_products_and_categories_get_a_404_page(string url)
    {
        var response = await store.Client().GetAsync(url);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var doc = await Html.ParseAsync(await response.Content.ReadAsStringAsync());
        Assert.Equal("Page not found", doc.QuerySelector("h1")!.TextContent);
    }

    [Fact]
    public async Task Health_endpoints_report_live_and_ready()
    {
        var client = store.Client();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        var ready = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Demo_svg_drawings_linked_by_earlier_seeds_still_show_and_bad_paths_are_not_found()
    {
        var client = store.Client();
        var svg = await client.GetAsync("/media/demo/headphones/200/1.svg");
        Assert.Equal("image/svg+xml", svg.Content.Headers.ContentType!.MediaType);
        Assert.Contains("<svg", await svg.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/media/demo/..%2f..%2fetc/1/1.svg")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/media/uploads/..%2fappsettings.json")).StatusCode);
        // An empty word in the kind ("a--b", a leading or trailing dash) names no picture.
        foreach (var kind in new[] { "-", "a--b", "-headphones", "headphones-" })
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/media/demo/{kind}/200/1.svg")).StatusCode);
    }

    [Fact]
    public async Task Demo_pictures_come_in_sizes_and_formats_like_uploads_and_link_previews_get_a_png()
    {
        var client = store.Client();
        var card = (await client.GetDocumentAsync("/c/tents")).QuerySelector(".product-card")!;
        var webp = card.QuerySelector("picture source[type='image/webp']")!.GetAttribute("srcset")!;
        var img = card.QuerySelector("picture img")!;
        Assert.Matches(@"^/media/demo/tents/\d+/1-400\.png$", img.GetAttribute("src"));
        Assert.Equal(("200", "200"), (img.GetAttribute("width"), img.GetAttribute("height")));

        var sizes = webp.Split(", ").Select(s => s.Split(' ')).ToList();
        Assert.Equal(["160w", "400w", "800w"], sizes.Select(s => s[1]));
        var png = img.GetAttribute("srcset")!.Split(", ").Select(s => s.Split(' ')).ToList();
        Assert.Equal(sizes.Select(s => s[0].Replace(".webp", ".png", StringComparison.Ordinal)), png.Select(s => s[0]));
        foreach (var (url, type) in sizes.Select(s => (s[0], "image/webp")).Concat(png.Select(s => (s[0], "image/png"))))
        {
            var response = await client.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(type, response.Content.Headers.ContentType!.MediaType);
            Assert.Contains("immutable", response.Headers.CacheControl!.ToString());
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            var bytes = await response.Content.ReadAsByteArrayAsync();
            using var picture = SkiaSharp.SKBitmap.Decode(bytes);
            var width = int.Parse(url[(url.LastIndexOf('-') + 1)..url.LastIndexOf('.')], CultureInfo.InvariantCulture);
            Assert.Equal((width, width), (picture.Width, picture.Height));
            // Drawn once, then the same bytes.
            Assert.Equal(bytes, await client.GetByteArrayAsync(url));
        }

        // The product page's link preview and structured data take the largest PNG: previews do not show SVG or WebP everywhere.
        var product = await client.GetDocumentAsync(card.QuerySelector("a")!.GetAttribute("href")!);
        var preview = product.QuerySelector("meta[property='og:image']")!.GetAttribute("content")!;
        Assert.Matches(@"^https?://[^/]+/media/demo/tents/\d+/1-800\.png$", preview);
        Assert.Contains(preview, product.QuerySelector("script[type='application/ld+json']")!.TextContent.Replace("\\/", "/", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri(preview).PathAndQuery)).StatusCode);
        Assert.NotNull(product.QuerySelector("#main-image")!.Closest("picture"));
    }

    [Fact]
    public async Task A_flood_of_new_demo_pictures_is_drawn_one_at_a_time_and_the_overflow_is_told_to_come_back()
    {
        var client = store.Client();
        // 300 pictures nobody asked for before, all at once.
        var urls = Enumerable.Range(0, 300).Select(hue => $"/media/demo/weights/{hue}/2-800.webp").ToList();
        var answers = await Task.WhenAll(urls.Select(u => client.GetAsync(u)));

        var drawn = answers.Where(a => a.StatusCode == HttpStatusCode.OK).ToList();
        var busy = answers.Where(a => a.StatusCode == HttpStatusCode.ServiceUnavailable).ToList();
        Assert.Equal(answers.Length, drawn.Count + busy.Count);
        Assert.NotEmpty(drawn);
        Assert.All(drawn, a => Assert.Equal("image/webp", a.Content.Headers.ContentType!.MediaType));
        Assert.All(busy, a =>
        {
            Assert.Equal("1", a.Headers.RetryAfter!.Delta!.Value.TotalSeconds.ToString(CultureInfo.InvariantCulture));
            Assert.Contains("no-store", a.Headers.CacheControl!.ToString(), StringComparison.Ordinal);
        });
        Assert.Equal(1, store.Services.GetRequiredService<Storefront.Web.Infrastructure.DemoPictures>().PeakDrawing);

        // Asked again, each is there.
        foreach (var (url, answer) in urls.Zip(answers).Where(p => p.Second.StatusCode != HttpStatusCode.OK).Take(5))
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(url)).StatusCode);
    }

    [Theory]
    [InlineData("/media/demo/tents/200/1-800x800.png", HttpStatusCode.OK)]
    [InlineData("/media/demo/basic-phones/0/3-160.webp", HttpStatusCode.OK)]
    [InlineData("/media/demo/nonsense/200/1-400.webp", HttpStatusCode.NotFound)] // not a demo category: nothing is drawn for it
    [InlineData("/media/demo/tents/360/1-400.webp", HttpStatusCode.NotFound)]
    [InlineData("/media/demo/tents/200/0-400.webp", HttpStatusCode.NotFound)]
    [InlineData("/media/demo/tents/200/7-400.webp", HttpStatusCode.NotFound)]
    [InlineData("/media/demo/tents/200/1-300.webp", HttpStatusCode.NotFound)]
    [InlineData("/media/demo/tents/200/1-0400.webp", HttpStatusCode.NotFound)]
    [InlineData("/media/demo/tents/200/1-1200.webp", HttpStatusCode.NotFound)] // wider than the drawing is kept
    [InlineData("/media/demo/tents/200/1-800x800.webp", HttpStatusCode.NotFound)]
    [InlineData("/media/demo/tents/200/1-400.gif", HttpStatusCode.NotFound)]
    [InlineData("/media/demo/tents/200/1-400x400.png", HttpStatusCode.NotFound)]
    public async Task Only_the_demo_pictures_sizes_are_drawn(string url, HttpStatusCode expected) =>
        Assert.Equal(expected, (await store.Client().GetAsync(url)).StatusCode);

    [Fact]
    public async Task Huge_page_numbers_get_a_real_page_never_an_error()
    {
        var client = store.Client();
        var product = (await client.GetDocumentAsync("/c/smartphones")).QuerySelector(".product-card a")!.GetAttribute("href")!;
        foreach (var url in new[] { $"{product}?reviews=2147483647", $"{product}?reviews=-2147483648", "/search?q=phone&page=2147483647", "/search?page=-5" })
        {
            var response = await client.GetAsync(url);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode}");
        }
        // A cursor whose page number is at the edge of an int (not one the store wrote) is the first page.
        var forged = System.Buffers.Text.Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes($"1|||{Guid.NewGuid():N}|{int.MaxValue}"));
        var page = await client.GetDocumentAsync($"/c/smartphones?after={forged}");
        Assert.DoesNotContain("-", page.QuerySelector(".pager")?.TextContent ?? "", StringComparison.Ordinal);
        Assert.NotEmpty(page.QuerySelectorAll(".product-card"));
    }
}
