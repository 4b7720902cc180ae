using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Xml;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Storefront.BuildingBlocks.Links;
using Storefront.BuildingBlocks.Outbox;
using Storefront.Catalog.Contracts;
using Storefront.Web.Shopping;

namespace Storefront.Web.Seo;

/// <summary>
/// The sitemaps (sitemaps.org protocol 0.9): <c>/sitemap.xml</c> is an index of
/// <c>/sitemaps/categories.xml</c> (the home page, the published store pages and the categories) and <c>/sitemaps/products-{n}.xml</c>, each file at most
/// <see cref="SeoOptions.SitemapUrlsPerFile"/> (≤ 50,000) addresses with the last change of each.
/// A file is written from the catalog's rows as they are read, straight into gzip, and kept
/// compressed in this instance's memory (a 50,000-address file is about 5 MB of XML and a few
/// hundred KB kept), so neither the catalog nor a whole file is ever held uncompressed. Every kept
/// file is dropped when a product, a price or a category changes (event consumer "web.sitemaps", on
/// every instance); the next request writes it anew.
/// </summary>
public sealed class Sitemaps(IOptions<SeoOptions> options, IServiceScopeFactory scopes, ShopLinks links, IStoreLinks store) : IDisposable
{
    public const string ConsumerName = "web.sitemaps";
    private const string Namespace = "http://www.sitemaps.org/schemas/sitemap/0.9";
    private static readonly XmlWriterSettings Settings = new() { Async = true, Encoding = new UTF8Encoding(false), Indent = false };
    // Sizes in KB: at most 128 MB of compressed files (a 1,000,000-product catalog's set is about 11 MB).
    private readonly MemoryCache _kept = new(new MemoryCacheOptions { SizeLimit = 128 * 1024 });
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(long Generation, string Key), Lazy<Task>> _making = new();
    private long _generation;

    /// <summary>Forgets every kept file (the catalog changed).</summary>
    public void Forget()
    {
        Interlocked.Increment(ref _generation);
        _kept.Clear();
    }

    public void Dispose() => _kept.Dispose();

    /// <summary>The parts of the products' sitemap as of now (kept with the files).</summary>
    private Task<IReadOnlyList<SitemapPart>> PartsAsync(CancellationToken ct) =>
        KeptAsync("parts", () => WithCatalogAsync(catalog => catalog.ProductPartsAsync(PerFile, CancellationToken.None)), ct);

    private Task<IReadOnlyList<(string Slug, DateTimeOffset? LastModified)>> CategoriesAsync(CancellationToken ct) =>
        KeptAsync("categories-list", () => WithCatalogAsync(catalog => catalog.CategoriesAsync(CancellationToken.None)), ct);

    private Task<IReadOnlyList<StorePageLink>> StorePagesAsync(CancellationToken ct) =>
        KeptAsync("store-pages", async () =>
        {
            await using var scope = scopes.CreateAsyncScope();
            return (await scope.ServiceProvider.GetRequiredService<IStorePages>().LinksAsync(CancellationToken.None)).All;
        }, ct);

    private int PerFile => Math.Clamp(options.Value.SitemapUrlsPerFile, 1, 50_000);

    /// <summary>A file, gzip-compressed: the index, "categories" or "products-{n}"; null when there is no such file.</summary>
    public async Task<byte[]?> FileAsync(string name, CancellationToken ct)
    {
        if (name == "index")
        {
            return await KeptAsync("index", async () =>
            {
                var parts = await PartsAsync(CancellationToken.None);
                var categories = await CategoriesAsync(CancellationToken.None);
                return await WriteAsync(Entries(), "sitemapindex", "sitemap");
                async IAsyncEnumerable<(string Url, DateTimeOffset? Changed)> Entries()
                {
                    yield return (store.Absolute("/sitemaps/categories.xml"), categories.Max(c => c.LastModified));
                    foreach (var part in parts) yield return (store.Absolute($"/sitemaps/products-{part.Number.ToString(CultureInfo.InvariantCulture)}.xml"), part.LastModified);
                    await Task.CompletedTask;
                }
            }, ct);
        }
        if (name == "categories")
        {
            return await KeptAsync("file:categories", async () =>
            {
                var categories = await CategoriesAsync(CancellationToken.None);
                var pages = await StorePagesAsync(CancellationToken.None);
                return await WriteAsync(Entries(), "urlset", "url");
                async IAsyncEnumerable<(string Url, DateTimeOffset? Changed)> Entries()
                {
                    yield return (store.Absolute("/"), categories.Max(c => c.LastModified));
                    // At most PerFile addresses in the file: the home page, the store pages, then the categories.
                    var shown = pages.Take(PerFile - 1).ToList();
                    foreach (var page in shown) yield return (store.Absolute(links.StorePage(page.Slug)), page.UpdatedAt);
                    foreach (var (slug, changed) in categories.Take(PerFile - 1 - shown.Count)) yield return (store.Absolute(links.Category(slug)), changed);
                    await Task.CompletedTask;
                }
            }, ct);
        }
        if (!name.StartsWith("products-", StringComparison.Ordinal)
            || !int.TryParse(name.AsSpan("products-".Length), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            return null;
        var all = await PartsAsync(ct);
        if (number < 1 || number > all.Count) return null;
        var part = all[number - 1];
        Guid? next = number < all.Count ? all[number].FirstId : null;
        return await KeptAsync($"file:products-{number}", () => WithCatalogAsync(async catalog =>
        {
            // Routing builds one address; the others are the same with their slug, which is made of
            // characters an address takes as they are (others are left to routing to escape).
            const string Sample = "sample-slug";
            var sample = store.Absolute(links.Product(Sample));
            var prefix = sample.EndsWith(Sample, StringComparison.Ordinal) ? sample[..^Sample.Length] : null;
            return await WriteAsync(Entries(), "urlset", "url");
            async IAsyncEnumerable<(string Url, DateTimeOffset? Changed)> Entries()
            {
                await foreach (var product in catalog.ProductsAsync(part.FirstId, next, PerFile, CancellationToken.None))
                {
                    var url = prefix is not null && product.Slug.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')
                        ? prefix + product.Slug
                        : store.Absolute(links.Product(product.Slug));
                    yield return (url, product.LastModified);
                }
            }
        }), ct);
    }

    /// <summary>
    /// Work shared by every request waiting for the same file runs in a scope of its own, and to its
    /// end: the request that started it may be gone before the others are answered.
    /// </summary>
    private async Task<T> WithCatalogAsync<T>(Func<ICatalogSitemap, Task<T>> work)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<ICatalogSitemap>());
    }

    private async Task<T> KeptAsync<T>(string key, Func<Task<T>> make, CancellationToken ct)
    {
        // Read the generation first: a file being written while the catalog changes is kept under the
        // old generation, which no request asks for again.
        var generation = Interlocked.Read(ref _generation);
        var cacheKey = (generation, key);
        if (_kept.TryGetValue(cacheKey, out T? kept) && kept is not null) return kept;
        // One writer per file: the requests arriving while it is written (a crawler asking for every
        // file at once after a change) wait for the same result instead of each reading the catalog.
        var making = _making.GetOrAdd(cacheKey, _ => new Lazy<Task>(() => MakeAndKeepAsync()));
        return await ((Task<T>)making.Value).WaitAsync(ct);

        async Task<T> MakeAndKeepAsync()
        {
            try
            {
                var made = await make();
                if (Interlocked.Read(ref _generation) == generation)
                    _kept.Set(cacheKey, made, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = options.Value.SitemapDuration, Size = made is byte[] bytes ? bytes.Length / 1024 + 1 : 1 });
                return made;
            }
            finally
            {
                _making.TryRemove(cacheKey, out _);
            }
        }
    }

    private static async Task<byte[]> WriteAsync(IAsyncEnumerable<(string Url, DateTimeOffset? Changed)> entries, string root, string element)
    {
        using var compressed = new MemoryStream();
        await using (var gzip = new GZipStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        await using (var xml = XmlWriter.Create(gzip, Settings))
        {
            await xml.WriteStartDocumentAsync();
            await xml.WriteStartElementAsync(null, root, Namespace);
            await foreach (var (url, changed) in entries)
            {
                await xml.WriteStartElementAsync(null, element, Namespace);
                await xml.WriteElementStringAsync(null, "loc", Namespace, url);
                if (changed is { } at)
                    await xml.WriteElementStringAsync(null, "lastmod", Namespace, at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
                await xml.WriteEndElementAsync();
            }
            await xml.WriteEndElementAsync();
            await xml.WriteEndDocumentAsync();
        }
        return compressed.ToArray();
    }

    /// <summary>
    /// Event consumer "web.sitemaps": a product, price, category or store page change makes every file
    /// be written anew. A price's time reaches the catalog, and a store page the instance's copy of
    /// them, through another consumer of the same event, so after those the files are dropped once
    /// more a moment later.
    /// </summary>
    internal sealed class Changes(Sitemaps sitemaps, IHostApplicationLifetime lifetime) :
        IIntegrationEventBatchHandler<ProductChangedEvent>,
        IIntegrationEventBatchHandler<CategoriesChangedEvent>,
        IIntegrationEventBatchHandler<StorePagesChangedEvent>,
        IIntegrationEventBatchHandler<Storefront.Inventory.Contracts.PriceChangedEvent>
    {
        public static readonly TimeSpan SettleDelay = TimeSpan.FromSeconds(2);

        public Task HandleAsync(IReadOnlyList<Storefront.Inventory.Contracts.PriceChangedEvent> changes, CancellationToken ct) => ForgetNowAndAgain();

        /// <summary>Forgets the files now and once more a moment later, when another consumer of the same event keeps what they are written from.</summary>
        private Task ForgetNowAndAgain()
        {
            sitemaps.Forget();
            _ = Task.Delay(SettleDelay, lifetime.ApplicationStopping).ContinueWith(_ => sitemaps.Forget(), CancellationToken.None,
                TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
            return Task.CompletedTask;
        }

        public Task HandleAsync(IReadOnlyList<ProductChangedEvent> changes, CancellationToken ct)
        {
            sitemaps.Forget();
            return Task.CompletedTask;
        }

        public Task HandleAsync(IReadOnlyList<CategoriesChangedEvent> changes, CancellationToken ct)
        {
            sitemaps.Forget();
            return Task.CompletedTask;
        }

        // The pages' copy is dropped by the catalog's own consumer of the same event.
        public Task HandleAsync(IReadOnlyList<StorePagesChangedEvent> changes, CancellationToken ct) => ForgetNowAndAgain();
    }
}
