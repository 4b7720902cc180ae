using Microsoft.AspNetCore.OutputCaching;
using Microsoft.Extensions.Options;

namespace Storefront.Web.Caching;

/// <summary>
/// The output-cache policy of the storefront pages: GET and HEAD only, no <c>Authorization</c>
/// header, and only a 200 without <c>Set-Cookie</c> is stored (ASP.NET Core's default rules, which a
/// named policy does not inherit), varied by the query values each page names. A request
/// carrying a flash message (the TempData cookie) is rendered for its visitor and not stored. A
/// signed-in shopper gets the cached page too: the pages under this policy show nothing of who is
/// looking (the header's per-visitor parts are filled in by script from <c>/api/visitor</c>).
/// Concurrent misses of one page wait for one rendering.
/// </summary>
/// <param name="personal">
/// For pages that some visitors get made for them alone (search results ranked by the visitor's
/// history): true for such a request, which is then neither looked up nor stored.
/// </param>
/// <param name="duration">How long its pages are kept (default <see cref="PageCacheOptions.Duration"/>).</param>
internal sealed class PageCachePolicy(IOptionsMonitor<PageCacheOptions> options, Func<HttpContext, ValueTask<bool>>? personal = null,
    Func<PageCacheOptions, TimeSpan>? duration = null) : IOutputCachePolicy
{
    public const string Name = "storefront-page";

    /// <summary>The search results page: shared unless ranked by the visitor's own history.</summary>
    public const string SearchName = "storefront-search";

    private const string PersonalKey = "storefront.page-personal";
    private const string DegradedKey = "storefront.page-degraded";

    /// <summary>
    /// This rendering is missing a part because a dependency failed just now (search, the category
    /// menu, recommendations): it is served, but neither stored nor offered to a CDN.
    /// </summary>
    public static void DoNotStore(HttpContext http) => http.Items[DegradedKey] = true;

    /// <summary>The cookie that carries a flash message to the next page.</summary>
    public const string TempDataCookie = ".AspNetCore.Mvc.CookieTempDataProvider";

    public async ValueTask CacheRequestAsync(OutputCacheContext context, CancellationToken cancellation)
    {
        var settings = options.CurrentValue;
        var request = context.HttpContext.Request;
        var attempt = settings.Enabled && (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
            && request.Headers.Authorization.Count == 0 && !request.Cookies.ContainsKey(TempDataCookie);
        if (attempt && personal is not null && await personal(context.HttpContext))
        {
            context.HttpContext.Items[PersonalKey] = true;
            attempt = false;
        }
        context.EnableOutputCaching = true;
        context.AllowCacheLookup = attempt;
        context.AllowCacheStorage = attempt;
        context.AllowLocking = true;
        context.ResponseExpirationTimeSpan = duration?.Invoke(settings) ?? settings.Duration;
        // One copy per encoding the page is sent in (PageCompression), not one per Accept-Encoding spelling.
        context.CacheVaryByRules.VaryByValues["encoding"] = PageCompression.Negotiate(request) ?? "identity";
        context.Tags.Add(PageTags.All);
    }

    public ValueTask ServeFromCacheAsync(OutputCacheContext context, CancellationToken cancellation) => ValueTask.CompletedTask;

    public ValueTask ServeResponseAsync(OutputCacheContext context, CancellationToken cancellation)
    {
        var response = context.HttpContext.Response;
        if (response.StatusCode != StatusCodes.Status200OK || response.Headers.SetCookie.Count > 0 || context.HttpContext.Items.ContainsKey(DegradedKey))
            context.AllowCacheStorage = false;
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Whether the page being rendered will be shared with other visitors, so it must show nothing
    /// of this one: a page under this policy, with the cache on, and no flash message for this
    /// visitor (such a page is rendered for them alone, header and all, and not stored).
    /// </summary>
    public static bool Shares(HttpContext http) =>
        Covers(http.GetEndpoint())
        && http.RequestServices.GetRequiredService<IOptionsMonitor<PageCacheOptions>>().CurrentValue.Enabled
        && !http.Request.Cookies.ContainsKey(TempDataCookie)
        && !http.Items.ContainsKey(PersonalKey);

    /// <summary>Whether nothing in this rendering asked not to be stored (see <see cref="DoNotStore"/>).</summary>
    public static bool Storable(HttpContext http) => !http.Items.ContainsKey(DegradedKey);

    /// <summary>Whether the endpoint is a storefront page under this policy.</summary>
    public static bool Covers(Endpoint? endpoint) =>
        endpoint?.Metadata.GetMetadata<OutputCacheAttribute>() is { PolicyName: Name or SearchName };
}
