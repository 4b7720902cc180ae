using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Xml.Linq;
using AngleSharp.Dom;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Storefront.Catalog.Contracts;
using Storefront.Inventory.Contracts;
using Storefront.Tests.Fixtures;

namespace Storefront.Tests.Web;

/// <summary>A demo store with a public address of its own and small sitemap files, so a few products fill several.</summary>
public sealed class SeoFixture : StoreFixture
{
    public const string PublicUrl = "https://shop.example.test";
    public const int PerFile = 40;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Storefront:PublicUrl"] = PublicUrl,
        ["Seo:SitemapUrlsPerFile"] = PerFile.ToString(CultureInfo.InvariantCulture),
        ["Seo:StoreName"] = "Trailhead Outfitters",
    };

    /// <summary>How often the sitemaps read the catalog, by what they asked.</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, int> CatalogReads { get; } = new();

    protected override void ConfigureServices(IServiceCollection services)
    {
        services.AddScoped<Storefront.Catalog.Browsing.CatalogSitemap>();
        services.AddScoped<ICatalogSitemap>(sp => new CountingSitemap(sp.GetRequiredService<Storefront.Catalog.Browsing.CatalogSitemap>(), CatalogReads));
    }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await SeedDemoAsync(150);
    }

    /// <summary>The catalog's sitemap queries, counted, each a little slower, so requests overlap.</summary>
    private sealed class CountingSitemap(ICatalogSitemap inner, System.Collections.Concurrent.ConcurrentDictionary<string, int> reads) : ICatalogSitemap
    {
        public async Task<IReadOnlyList<SitemapPart>> ProductPartsAsync(int urlsPerPart, CancellationToken cancellationToken)
        {
            reads.AddOrUpdate("parts", 1, (_, n) => n + 1);
            await Task.Delay(200, cancellationToken);
            return await inner.ProductPartsAsync(urlsPerPart, cancellationToken);
        }

        public IAsyncEnumerable<SitemapEntry> ProductsAsync(Guid firstId, Guid? nextFirstId, int max, CancellationToken cancellationToken)
        {
            reads.AddOrUpdate($"products from {firstId}", 1, (_, n) => n + 1);
            return inner.ProductsAsync(firstId, nextFirstId, max, cancellationToken);
        }

        public Task<IReadOnlyList<(string Slug, DateTimeOffset? LastModified)>> CategoriesAsync(CancellationToken cancellationToken)
        {
            reads.AddOrUpdate("categories", 1, (_, n) => n + 1);
            return inner.CategoriesAsync(cancellationToken);
        }
    }

    /// <summary>The slugs of the published products, from the database.</summary>
    public async Task<HashSet<string>> PublishedSlugsAsync()
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT slug FROM catalog.products WHERE is_published", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var slugs = new HashSet<string>(StringComparer.Ordinal);
        while (await reader.ReadAsync()) slugs.Add(reader.GetString(0));
        return slugs;
    }
}

public sealed class SeoTests(SeoFixture store) : IClassFixture<SeoFixture>
{
    private static readonly XNamespace Sitemap = "http://www.sitemaps.org/schemas/sitemap/0.9";

    private static JsonElement JsonLd(IDocument page, string type) =>
        page.QuerySelectorAll("script[type='application/ld+json']")
            .Select(s => JsonDocument.Parse(s.TextContent).RootElement)
            .SelectMany(e => e.ValueKind == JsonValueKind.Array ? e.EnumerateArray().ToArray() : [e])
            .Single(e => e.GetProperty("@type").GetString() == type);

    private static string? Meta(IDocument page, string name) =>
        (page.QuerySelector($"meta[name='{name}']") ?? page.QuerySelector($"meta[property='{name}']"))?.GetAttribute("content");

    private static string? Canonical(IDocument page) => page.QuerySelector("link[rel=canonical]")?.GetAttribute("href");

    private async Task<ProductSummary> ProductWithReviewsAsync()
    {
        using var scope = store.Services.CreateScope();
        var newest = await scope.ServiceProvider.GetRequiredService<ICatalogQueries>().GetNewestAsync(60, default);
        return newest.Where(p => p.ReviewCount > 0 && p.Available > 5).OrderBy(p => p.Sku, StringComparer.Ordinal).First();
    }

    [Fact]
    public async Task A_product_page_carries_product_data_equal_to_what_it_shows_and_follows_a_price_change()
    {
        var product = await ProductWithReviewsAsync();
        var url = $"/p/{product.Slug}";
        var page = await store.Client().GetDocumentAsync(url);

        var data = JsonLd(page, "Product");
        Assert.Equal("https://schema.org", data.GetProperty("@context").GetString());
        Assert.Equal(page.QuerySelector("h1")!.TextContent, data.GetProperty("name").GetString());
        Assert.Equal(product.Sku, data.GetProperty("sku").GetString());
        Assert.Equal($"SKU {product.Sku}", page.QuerySelector(".buy-box .hint:last-child")!.TextContent);
        Assert.Equal(page.QuerySelector(".brand")!.TextContent, data.GetProperty("brand").GetProperty("name").GetString());
        Assert.False(string.IsNullOrWhiteSpace(data.GetProperty("description").GetString()));
        Assert.Equal(SeoFixture.PublicUrl + url, data.GetProperty("url").GetString());
        var images = data.GetProperty("image").EnumerateArray().Select(i => i.GetString()!).ToList();
        Assert.NotEmpty(images);
        Assert.All(images, i => Assert.StartsWith(SeoFixture.PublicUrl + "/", i, StringComparison.Ordinal));
        Assert.Equal(page.QuerySelector("#main-image")!.GetAttribute("src"), images[0][SeoFixture.PublicUrl.Length..]);

        var offer = data.GetProperty("offers");
        Assert.Equal("Offer", offer.GetProperty("@type").GetString());
        var shownPrice = page.QuerySelector(".buy-box .price")!.TextContent;
        Assert.Equal(shownPrice, "$" + decimal.Parse(offer.GetProperty("price").GetString()!, CultureInfo.InvariantCulture).ToString("#,##0.00", CultureInfo.InvariantCulture));
        Assert.Equal("USD", offer.GetProperty("priceCurrency").GetString());
        Assert.Equal("In stock", page.QuerySelector("#availability")!.TextContent.Trim());
        Assert.Equal("https://schema.org/InStock", offer.GetProperty("availability").GetString());
        Assert.Equal(SeoFixture.PublicUrl + url, offer.GetProperty("url").GetString());

        var rating = data.GetProperty("aggregateRating");
        var stars = page.QuerySelector(".product-page .rating")!.GetAttribute("aria-label")!;
        Assert.Equal($"Rated {rating.GetProperty("ratingValue").GetString()} out of 5 from {rating.GetProperty("reviewCount").GetInt32()} review{(rating.GetProperty("reviewCount").GetInt32() == 1 ? "" : "s")}", stars);
        var reviews = data.GetProperty("review").EnumerateArray().ToList();
        Assert.InRange(reviews.Count, 1, 5);
        // The reviews listed on the page, in its order, with their authors and ratings.
        var shown = page.QuerySelectorAll("#reviews article.review").ToList();
        Assert.Equal(shown.Select(a => a.QuerySelector("h3")!.TextContent), reviews.Select(r => r.GetProperty("name").GetString()));
        Assert.Equal(shown.Select(a => a.QuerySelector(".meta")!.TextContent.Split(" · ")[0]), reviews.Select(r => r.GetProperty("author").GetProperty("name").GetString()));
        Assert.Equal(shown.Select(a => a.QuerySelector("time")!.GetAttribute("datetime")), reviews.Select(r => r.GetProperty("datePublished").GetString()));
        Assert.All(reviews, r => Assert.InRange(r.GetProperty("reviewRating").GetProperty("ratingValue").GetInt32(), 1, 5));

        // The link preview and the description say the same.
        Assert.Equal("product", Meta(page, "og:type"));
        Assert.Equal(SeoFixture.PublicUrl + url, Meta(page, "og:url"));
        Assert.Equal(images[0], Meta(page, "og:image"));
        Assert.Equal(offer.GetProperty("price").GetString(), Meta(page, "product:price:amount"));
        Assert.Equal("summary_large_image", Meta(page, "twitter:card"));
        Assert.Equal(page.QuerySelector("h1")!.TextContent, Meta(page, "og:title"));
        Assert.Equal("Trailhead Outfitters", Meta(page, "og:site_name"));
        Assert.InRange(Meta(page, "description")!.Length, 20, 161);

        // A price change shows in the page and its data alike.
        using (var scope = store.Services.CreateScope())
            Assert.True((await scope.ServiceProvider.GetRequiredService<IPricesAndStock>().SetPriceAsync(product.Sku, 123.45m, "USD", default)).Succeeded);
        await store.DrainOutboxAsync();
        await Task.Delay(1200); // the eviction is repeated after the settle delay
        var changed = await store.Client().GetDocumentAsync(url);
        Assert.Equal("$123.45", changed.QuerySelector(".buy-box .price")!.TextContent);
        Assert.Equal("123.45", JsonLd(changed, "Product").GetProperty("offers").GetProperty("price").GetString());
        Assert.Equal("123.45", Meta(changed, "product:price:amount"));
    }

    [Fact]
    public async Task Breadcrumb_data_follows_the_category_path_shown_on_product_and_category_pages()
    {
        var product = await ProductWithReviewsAsync();
        var page = await store.Client().GetDocumentAsync($"/p/{product.Slug}");
        var shown = page.QuerySelectorAll("nav.breadcrumbs li").Select(li => (Name: li.TextContent.Trim(), Href: li.QuerySelector("a")?.GetAttribute("href"))).ToList();
        var items = JsonLd(page, "BreadcrumbList").GetProperty("itemListElement").EnumerateArray().ToList();
        Assert.Equal(shown.Count, items.Count);
        Assert.True(shown.Count >= 3);
        for (var i = 0; i < items.Count; i++)
        {
            Assert.Equal(i + 1, items[i].GetProperty("position").GetInt32());
            Assert.Equal(shown[i].Name, items[i].GetProperty("name").GetString());
            if (shown[i].Href is { } href) Assert.Equal(SeoFixture.PublicUrl + href, items[i].GetProperty("item").GetString());
            else Assert.False(items[i].TryGetProperty("item", out _));
        }

        var categoryHref = shown[^2].Href!;
        var category = await store.Client().GetDocumentAsync(categoryHref);
        var trail = JsonLd(category, "BreadcrumbList").GetProperty("itemListElement").EnumerateArray().ToList();
        Assert.Equal(category.QuerySelectorAll("nav.breadcrumbs li").Select(li => li.TextContent.Trim()), trail.Select(t => t.GetProperty("name").GetString()));
        Assert.Equal(SeoFixture.PublicUrl + categoryHref, trail[^1].GetProperty("item").GetString());
    }

    [Fact]
    public async Task Sorted_paged_and_filtered_listings_point_to_a_sensible_canonical_or_say_noindex()
    {
        var client = store.Client();
        var product = await ProductWithReviewsAsync();
        var productPage = await client.GetDocumentAsync($"/p/{product.Slug}?reviews=2&utm_source=mail");
        Assert.Equal($"{SeoFixture.PublicUrl}/p/{product.Slug}", Canonical(productPage));
        Assert.Null(Meta(productPage, "robots"));

        var home = await client.GetDocumentAsync("/");
        var top = home.QuerySelector("ul.subcategories a")!.GetAttribute("href")!;
        var listing = SeoFixture.PublicUrl + top;
        var plain = await client.GetDocumentAsync(top);
        Assert.Equal(listing, Canonical(plain));
        Assert.Null(Meta(plain, "robots"));
        Assert.Equal(listing, Canonical(await client.GetDocumentAsync(top + "?utm_source=ad")));

        foreach (var variant in new[] { "?sort=price-asc", "?brand=Summit", "?min=10&max=50", "?attr.color=Red" })
        {
            var page = await client.GetDocumentAsync(top + variant);
            Assert.Equal(listing, Canonical(page));
            Assert.Equal("noindex, follow", Meta(page, "robots"));
        }
        // The next page of the listing stands for itself.
        var next = plain.QuerySelector("a[rel=next]")!.GetAttribute("href")!;
        var second = await client.GetDocumentAsync(next);
        Assert.Equal(SeoFixture.PublicUrl + next, Canonical(second));
        Assert.Null(Meta(second, "robots"));
        var backwards = second.QuerySelector("a[rel=prev]")!.GetAttribute("href")!;
        Assert.Equal("noindex, follow", Meta(await client.GetDocumentAsync(backwards), "robots"));

        var word = product.Brand.Split(' ')[0].ToLowerInvariant();
        var search = await client.GetDocumentAsync($"/search?q={word}&utm_source=x");
        Assert.Equal($"{SeoFixture.PublicUrl}/search?q={word}", Canonical(search));
        Assert.Null(Meta(search, "robots"));
        Assert.StartsWith($"Results for “{word}” at Trailhead Outfitters:", Meta(search, "description"), StringComparison.Ordinal);
        foreach (var variant in new[] { "&sort=price-asc", "&min=5", "&instock=true", "&rating=4" })
        {
            var page = await client.GetDocumentAsync($"/search?q={word}{variant}");
            Assert.Equal($"{SeoFixture.PublicUrl}/search?q={word}", Canonical(page));
            Assert.Equal("noindex, follow", Meta(page, "robots"));
        }
        Assert.Equal("noindex, follow", Meta(await client.GetDocumentAsync("/search?q=zzqxjwv"), "robots"));
        Assert.Equal("noindex, follow", Meta(await client.GetDocumentAsync("/search"), "robots"));
    }

    [Fact]
    public async Task Every_storefront_page_has_a_description_and_the_home_page_names_the_store_and_its_search()
    {
        var client = store.Client();
        var raw = await client.GetStringAsync("/");
        Assert.Contains("<script type=\"application/ld+json\">", raw, StringComparison.Ordinal);
        var home = await Html.ParseAsync(raw);
        Assert.Equal(SeoFixture.PublicUrl + "/", Canonical(home));
        Assert.False(string.IsNullOrWhiteSpace(Meta(home, "description")));
        var organization = JsonLd(home, "Organization");
        Assert.Equal("Trailhead Outfitters", organization.GetProperty("name").GetString());
        Assert.Equal(SeoFixture.PublicUrl + "/", organization.GetProperty("url").GetString());
        var site = JsonLd(home, "WebSite");
        var action = site.GetProperty("potentialAction");
        Assert.Equal("SearchAction", action.GetProperty("@type").GetString());
        Assert.Equal(SeoFixture.PublicUrl + "/search?q={search_term_string}", action.GetProperty("target").GetProperty("urlTemplate").GetString());
        Assert.Equal("required name=search_term_string", action.GetProperty("query-input").GetString());
        Assert.Equal("Home · Trailhead Outfitters", home.Title);

        var top = home.QuerySelector("ul.subcategories a")!;
        var category = await client.GetDocumentAsync(top.GetAttribute("href")!);
        Assert.StartsWith($"{top.TextContent} at Trailhead Outfitters: ", Meta(category, "description"), StringComparison.Ordinal);

        // Icons, the manifest, and error pages kept out of search results.
        var icon = await client.GetAsync(home.QuerySelector("link[rel=icon][sizes]")!.GetAttribute("href"));
        Assert.Equal(HttpStatusCode.OK, icon.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/favicon.ico")).StatusCode);
        var manifest = await client.GetAsync(home.QuerySelector("link[rel=manifest]")!.GetAttribute("href"));
        Assert.Equal("application/manifest+json", manifest.Content.Headers.ContentType!.MediaType);
        var app = JsonDocument.Parse(await manifest.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("Trailhead Outfitters", app.GetProperty("name").GetString());
        foreach (var i in app.GetProperty("icons").EnumerateArray())
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(i.GetProperty("src").GetString())).StatusCode);
        foreach (var own in new[] { "/cart", "/account/login", "/orders/track" })
            Assert.Equal("noindex, follow", Meta(await client.GetDocumentAsync(own), "robots"));
        var missing = await client.GetAsync("/p/no-such-product");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("noindex, follow", Meta(await Html.ParseAsync(await missing.Content.ReadAsStringAsync()), "robots"));
    }

    [Fact]
    public async Task Robots_txt_keeps_crawlers_out_of_private_and_filtered_pages_and_names_the_sitemap_at_the_configured_address()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/robots.txt");
        request.Headers.Host = "evil.example";
        var answer = await store.Client().SendAsync(request);
        Assert.Equal("text/plain", answer.Content.Headers.ContentType!.MediaType);
        var lines = (await answer.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("User-agent: *", lines[0]);
        foreach (var path in new[] { "/cart", "/checkout", "/account", "/admin", "/orders", "/api/", "/search?*sort=", "/search?*category=", "/c/*?*brand=" })
            Assert.Contains($"Disallow: {path}", lines);
        Assert.DoesNotContain("Disallow: /", lines);
        Assert.DoesNotContain(lines, l => l is "Disallow: /search" or "Disallow: /c/" or "Disallow: /p/");
        Assert.Equal($"Sitemap: {SeoFixture.PublicUrl}/sitemap.xml", lines[^1]);
    }

    [Fact]
    public async Task The_sitemap_index_and_files_are_valid_within_the_limits_list_only_published_products_and_follow_publishing()
    {
        var (index, files) = await ReadSitemapsAsync();
        Assert.Equal("sitemapindex", index.Root!.Name.LocalName);
        Assert.Equal(Sitemap, index.Root.Name.Namespace);
        var published = await store.PublishedSlugsAsync();
        Assert.Equal((int)Math.Ceiling(published.Count / (double)SeoFixture.PerFile) + 1, files.Count);

        var products = files.Where(f => f.Key.Contains("/sitemaps/products-", StringComparison.Ordinal)).SelectMany(f => f.Value).ToList();
        Assert.All(files.Values, urls => Assert.InRange(urls.Count, 1, SeoFixture.PerFile));
        Assert.Equal(products.Count, products.Select(p => p.Loc).Distinct().Count());
        Assert.Equal(published.Select(s => $"{SeoFixture.PublicUrl}/p/{s}").Order(StringComparer.Ordinal), products.Select(p => p.Loc).Order(StringComparer.Ordinal));
        Assert.All(products, p => Assert.True(DateTimeOffset.TryParseExact(p.LastModified, "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _)));
        var categories = files.Single(f => f.Key.EndsWith("/sitemaps/categories.xml", StringComparison.Ordinal)).Value;
        Assert.Contains(categories, c => c.Loc == SeoFixture.PublicUrl + "/");
        Assert.Contains(categories, c => c.Loc.StartsWith(SeoFixture.PublicUrl + "/c/", StringComparison.Ordinal));

        // Unpublishing takes a product out; publishing puts it back, with its new change time.
        var slug = published.Order(StringComparer.Ordinal).First();
        Guid id;
        using (var scope = store.Services.CreateScope())
        {
            id = (await scope.ServiceProvider.GetRequiredService<ICatalogQueries>().GetProductAsync(slug, default))!.Id;
            Assert.True(await scope.ServiceProvider.GetRequiredService<ICatalogAdmin>().SetPublishedAsync(id, false, default));
        }
        await store.DrainOutboxAsync();
        var (_, without) = await ReadSitemapsAsync();
        Assert.DoesNotContain(without.Values.SelectMany(v => v), u => u.Loc == $"{SeoFixture.PublicUrl}/p/{slug}");
        Assert.Equal(published.Count - 1, without.Where(f => f.Key.Contains("/products-", StringComparison.Ordinal)).Sum(f => f.Value.Count));

        using (var scope = store.Services.CreateScope())
            Assert.True(await scope.ServiceProvider.GetRequiredService<ICatalogAdmin>().SetPublishedAsync(id, true, default));
        await store.DrainOutboxAsync();
        var (_, again) = await ReadSitemapsAsync();
        Assert.Contains(again.Values.SelectMany(v => v), u => u.Loc == $"{SeoFixture.PublicUrl}/p/{slug}");
    }

    [Fact]
    public async Task A_price_change_moves_the_product_s_lastmod_in_the_sitemap()
    {
        var product = await ProductWithReviewsAsync();
        var loc = $"{SeoFixture.PublicUrl}/p/{product.Slug}";
        DateTimeOffset LastModified(Dictionary<string, List<(string Loc, string? LastModified)>> files) =>
            DateTimeOffset.Parse(files.Values.SelectMany(v => v).Single(u => u.Loc == loc).LastModified!, CultureInfo.InvariantCulture);
        var before = LastModified((await ReadSitemapsAsync()).Files);
        await Task.Delay(1100); // lastmod is to the second

        var changedAt = DateTimeOffset.UtcNow.AddSeconds(-1);
        using (var scope = store.Services.CreateScope())
            Assert.True((await scope.ServiceProvider.GetRequiredService<IPricesAndStock>().SetPriceAsync(product.Sku, 77.70m, "USD", default)).Succeeded);
        await store.DrainOutboxAsync();
        await Task.Delay(Storefront.Web.Seo.Sitemaps.Changes.SettleDelay + TimeSpan.FromMilliseconds(500));
        var after = LastModified((await ReadSitemapsAsync()).Files);
        Assert.True(after > before, $"lastmod {after:o} is not after {before:o}");
        Assert.True(after >= changedAt, $"lastmod {after:o} is before the change at {changedAt:o}");
    }

    [Fact]
    public async Task A_client_without_gzip_gets_the_sitemap_unpacked_and_an_unknown_file_is_not_found()
    {
        using var handler = new HttpClientHandler { AutomaticDecompression = DecompressionMethods.None };
        var client = store.Factory.CreateDefaultClient();
        var plain = await client.GetAsync("/sitemap.xml");
        Assert.True(plain.StatusCode == HttpStatusCode.OK, await plain.Content.ReadAsStringAsync());
        Assert.Empty(plain.Content.Headers.ContentEncoding);
        Assert.Equal("sitemapindex", XDocument.Parse(await plain.Content.ReadAsStringAsync()).Root!.Name.LocalName);
        using var gzipRequest = new HttpRequestMessage(HttpMethod.Get, "/sitemap.xml");
        gzipRequest.Headers.AcceptEncoding.ParseAdd("gzip");
        var packed = await client.SendAsync(gzipRequest);
        Assert.Equal("gzip", packed.Content.Headers.ContentEncoding.Single());
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/sitemaps/products-999.xml")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/sitemaps/products-0.xml")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/sitemaps/whatever.xml")).StatusCode);
    }

    [Fact]
    public async Task Requests_for_the_same_sitemap_at_once_read_the_catalog_once()
    {
        store.Services.GetRequiredService<Storefront.Web.Seo.Sitemaps>().Forget();
        store.CatalogReads.Clear();
        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => store.Client().GetStringAsync(i % 2 == 0 ? "/sitemap.xml" : "/sitemaps/products-2.xml")));
        Assert.Equal(2, answers.Distinct().Count());
        Assert.Contains("<sitemapindex", answers[0], StringComparison.Ordinal);
        Assert.Contains("<urlset", answers[1], StringComparison.Ordinal);
        Assert.Equal(1, store.CatalogReads["parts"]);
        Assert.Equal(1, store.CatalogReads["categories"]);
        Assert.Equal(1, Assert.Single(store.CatalogReads, r => r.Key.StartsWith("products from", StringComparison.Ordinal)).Value);
    }

    [Fact]
    public void A_staging_copy_keeps_every_crawler_out_and_extra_rules_are_added_to_the_defaults()
    {
        var links = store.Services.GetRequiredService<Storefront.BuildingBlocks.Links.IStoreLinks>();
        Assert.Equal("User-agent: *\nDisallow: /\n", Storefront.Web.Seo.SeoEndpoints.RobotsTxt(new Storefront.Web.Seo.SeoOptions { AllowIndexing = false }, links));
        var extra = Storefront.Web.Seo.SeoEndpoints.RobotsTxt(new Storefront.Web.Seo.SeoOptions { Disallow = ["/landing/old", "not-a-path"] }, links);
        Assert.Contains("Disallow: /landing/old\n", extra, StringComparison.Ordinal);
        Assert.Contains("Disallow: /cart\n", extra, StringComparison.Ordinal);
        Assert.DoesNotContain("not-a-path", extra, StringComparison.Ordinal);
    }

    [Fact]
    public void Structured_data_cannot_close_its_script_element()
    {
        var product = new ProductDetails(Guid.NewGuid(), "SKU-1", "x", "</script><script>alert(1)</script>", "A & B <b>", "Brand",
            [], [], [], 0, 0, [0, 0, 0, 0, 0], DateTimeOffset.UtcNow);
        var json = Storefront.Web.Seo.StructuredData.Product(product, null, [], "https://shop.example.test/p/x", []);
        Assert.DoesNotContain("<", json, StringComparison.Ordinal);
        Assert.Equal("</script><script>alert(1)</script>", JsonDocument.Parse(json).RootElement.GetProperty("name").GetString());
    }

    private async Task<(XDocument Index, Dictionary<string, List<(string Loc, string? LastModified)>> Files)> ReadSitemapsAsync()
    {
        var client = store.Client();
        var index = XDocument.Parse(await client.GetStringAsync("/sitemap.xml"));
        var files = new Dictionary<string, List<(string Loc, string? LastModified)>>(StringComparer.Ordinal);
        foreach (var entry in index.Root!.Elements(Sitemap + "sitemap"))
        {
            var loc = entry.Element(Sitemap + "loc")!.Value;
            Assert.StartsWith(SeoFixture.PublicUrl + "/sitemaps/", loc, StringComparison.Ordinal);
            Assert.NotNull(entry.Element(Sitemap + "lastmod"));
            var file = XDocument.Parse(await client.GetStringAsync(loc[SeoFixture.PublicUrl.Length..]));
            Assert.Equal(Sitemap + "urlset", file.Root!.Name);
            files[loc] = file.Root.Elements(Sitemap + "url").Select(u => (u.Element(Sitemap + "loc")!.Value, u.Element(Sitemap + "lastmod")?.Value)).ToList();
        }
        return (index, files);
    }
}
