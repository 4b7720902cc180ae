namespace Storefront.Web.Seo;

/// <summary>Settings of <c>Seo</c>: how the store presents itself to search engines and link previews.</summary>
public sealed class SeoOptions
{
    /// <summary>The store's name: in every title, in link previews and in the structured data.</summary>
    public string StoreName { get; set; } = "Storefront";

    /// <summary>The home page's description (search results show it under the store's name).</summary>
    public string Description { get; set; } = "Electronics, clothing, home and kitchen, sports and outdoor gear, and books: compare prices and reviews, and order online.";

    /// <summary>
    /// False keeps every crawler out (robots.txt says <c>Disallow: /</c> and pages say <c>noindex</c>):
    /// for a staging copy of the store.
    /// </summary>
    public bool AllowIndexing { get; set; } = true;

    /// <summary>More paths robots.txt keeps crawlers out of, one rule each (e.g. "/landing/old").</summary>
    public List<string> Disallow { get; set; } = [];

    /// <summary>The store's account for Twitter cards ("@store"), if it has one.</summary>
    public string TwitterSite { get; set; } = "";

    /// <summary>Products per sitemap file: at most 50,000, the protocol's limit.</summary>
    public int SitemapUrlsPerFile { get; set; } = 50_000;

    /// <summary>How long a sitemap file is kept when nothing in the catalog changes.</summary>
    public TimeSpan SitemapDuration { get; set; } = TimeSpan.FromHours(6);
}
