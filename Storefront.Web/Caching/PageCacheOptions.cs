namespace Storefront.Web.Caching;

/// <summary>Settings under <c>PageCache</c>: the cached storefront pages (home, category, product, search).</summary>
public sealed class PageCacheOptions
{
    /// <summary>Whether the storefront pages are cached at all (off: every view is rendered, as before).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// How long this instance keeps a page. Changes evict pages at once (by tag), so this only bounds
    /// what an eviction could miss: a restock seen by no instance since its start, say.
    /// </summary>
    public TimeSpan Duration { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How long a shared results page is kept: besides the products on it (evicted by their events),
    /// its order follows the popularity the ranking job recounts, which no event reports.
    /// </summary>
    public TimeSpan SearchDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// After a change the pages are evicted at once and again after this delay: the first page
    /// rendered after a change may have read another cache that had not caught up yet (the
    /// catalog's copy of a product, the listing prices, the home page's shelves).
    /// </summary>
    public TimeSpan SettleDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a CDN in front may keep a page (<c>s-maxage</c>); browsers always ask again.</summary>
    public TimeSpan SharedMaxAge { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a CDN may serve a page past <see cref="SharedMaxAge"/> while it fetches a fresh one.</summary>
    public TimeSpan StaleWhileRevalidate { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Where the cached pages live: <c>memory</c> (each instance its own; evictions reach every
    /// instance through the event log) or <c>redis</c> (one copy shared by all instances).
    /// </summary>
    public string Store { get; set; } = "memory";

    /// <summary>
    /// Optional: an address the store POSTs <c>{"tags": [...]}</c> to when pages are evicted, for a
    /// CDN's purge-by-tag (the same names as the pages' <c>Surrogate-Key</c> header).
    /// </summary>
    public Uri? PurgeUrl { get; set; }

    /// <summary>Sent as <c>Authorization</c> with each purge, when set.</summary>
    public string? PurgeAuthorization { get; set; }
}
