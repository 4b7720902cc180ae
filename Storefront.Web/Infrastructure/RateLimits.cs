using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc.ApplicationModels;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Storefront.Web.Infrastructure;

/// <summary>One rate-limit policy: at most <see cref="PermitLimit"/> requests per <see cref="Window"/> (sliding).</summary>
public sealed class RateLimitPolicyOptions
{
    public int PermitLimit { get; set; }
    public TimeSpan Window { get; set; }
    public int SegmentsPerWindow { get; set; } = 6;
}

/// <summary>
/// Every rate limit of the store, in one place. Each named policy partitions by client IP; the
/// account actions (sign-in, registration, password reset) are also limited per targeted e-mail
/// address, so one address cannot be hammered from many IPs. Limits come from
/// <c>RateLimits:&lt;Policy&gt;:PermitLimit</c> / <c>Window</c> / <c>SegmentsPerWindow</c>.
/// </summary>
internal static class RateLimits
{
    public const string Search = "Search";
    public const string Suggest = "Suggest";
    public const string SearchClick = "SearchClick";
    public const string CartWrites = "CartWrites";
    public const string OrderTracking = "OrderTracking";
    public const string SignIn = "SignIn";
    public const string Registration = "Registration";
    public const string PasswordReset = "PasswordReset";

    /// <summary>Joining a sale's line, leaving it and buying: per IP, generous enough for a household behind one address.</summary>
    public const string SaleWrites = "SaleWrites";

    /// <summary>A sale's status polls: a page polls every few seconds at most, as the status tells it.</summary>
    public const string SaleStatus = "SaleStatus";

    /// <summary>The merchant unlock pages: per IP only, so hammering a merchant's address never keeps them from their link.</summary>
    public const string MerchantUnlock = "MerchantUnlock";

    /// <summary>The per-visitor parts of the cached pages (/api/visitor): one request per page a shopper opens.</summary>
    public const string Visitor = "Visitor";

    /// <summary>The checkout's steps, where discount codes are tried: enough for a shopper's corrections, not for guessing codes.</summary>
    public const string Checkout = "Checkout";

    /// <summary>The per-address limit shared by sign-in, registration and password reset (counted per action).</summary>
    public const string PerAccount = "PerAccount";

    private sealed record Policy(string Name, int PermitLimit, TimeSpan Window, bool CountsReads);

    // Defaults: a shopper clicking and typing as fast as a person can stays well below these; a
    // script guessing passwords, order numbers or filling carts is stopped within a minute or two.
    private static readonly Policy[] Policies =
    [
        new(Search, 120, TimeSpan.FromMinutes(1), CountsReads: true),
        new(Suggest, 300, TimeSpan.FromMinutes(1), CountsReads: true),
        new(Visitor, 300, TimeSpan.FromMinutes(1), CountsReads: true),
        new(SearchClick, 120, TimeSpan.FromMinutes(1), CountsReads: true),
        new(CartWrites, 120, TimeSpan.FromMinutes(1), CountsReads: false),
        new(OrderTracking, 20, TimeSpan.FromMinutes(15), CountsReads: false),
        new(SignIn, 30, TimeSpan.FromMinutes(15), CountsReads: false),
        new(Registration, 10, TimeSpan.FromHours(1), CountsReads: false),
        new(PasswordReset, 20, TimeSpan.FromMinutes(15), CountsReads: false),
        new(MerchantUnlock, 10, TimeSpan.FromMinutes(15), CountsReads: false),
        new(Checkout, 60, TimeSpan.FromMinutes(15), CountsReads: false),
        new(SaleWrites, 60, TimeSpan.FromMinutes(1), CountsReads: false),
        new(SaleStatus, 600, TimeSpan.FromMinutes(1), CountsReads: true),
        new(PerAccount, 10, TimeSpan.FromMinutes(15), CountsReads: false),
    ];

    /// <summary>Policy names, for settings and tests.</summary>
    public static IReadOnlyList<string> Names { get; } = Policies.Select(p => p.Name).ToArray();

    private static readonly string[] AccountPolicies = [SignIn, Registration, PasswordReset];

    // Razor pages and the policy that guards them (their GETs only show forms, so they are free).
    private static readonly (string Page, string Policy)[] Pages =
    [
        ("/Search", Search),
        ("/Cart/Index", CartWrites),
        ("/Account/StockAlerts", CartWrites),
        ("/Account/Saved", CartWrites),
        ("/Catalog/Review", CartWrites),
        ("/Orders/Return", CartWrites),
        ("/Orders/Track", OrderTracking),
        ("/Checkout/Index", Checkout),
        ("/Checkout/Review", Checkout),
        ("/Account/Login", SignIn),
        ("/Account/ConfirmEmail", SignIn),
        ("/Account/Join", SignIn),
        ("/Account/LoginTwoStep", SignIn),
        ("/Account/TwoStep", SignIn),
        ("/Account/Register", Registration),
        ("/Account/ResendConfirmation", Registration),
        ("/Account/ForgotPassword", PasswordReset),
        ("/Account/ResetPassword", PasswordReset),
        ("/Account/Unlock", MerchantUnlock),
        ("/Account/UnlockLink", MerchantUnlock),
        ("/Sale/Index", SaleWrites),
        ("/Sale/Buy", SaleWrites),
    ];

    public static IServiceCollection AddStorefrontRateLimits(this IServiceCollection services)
    {
        foreach (var policy in Policies)
        {
            services.AddOptions<RateLimitPolicyOptions>(policy.Name)
                .Configure(o => (o.PermitLimit, o.Window) = (policy.PermitLimit, policy.Window))
                .BindConfiguration($"RateLimits:{policy.Name}")
                .Validate(o => o.PermitLimit is >= 1 and <= 1_000_000, $"RateLimits:{policy.Name}:PermitLimit must be between 1 and 1000000.")
                .Validate(o => o.Window > TimeSpan.Zero && o.Window <= TimeSpan.FromDays(1), $"RateLimits:{policy.Name}:Window must be a time span above zero and at most one day, such as 00:01:00.")
                .Validate(o => o.SegmentsPerWindow is >= 1 and <= 60, $"RateLimits:{policy.Name}:SegmentsPerWindow must be between 1 and 60.")
                .ValidateOnStart();
        }

        services.AddRateLimiter(o =>
        {
            foreach (var policy in Policies.Where(p => p.Name != PerAccount))
                o.AddPolicy(policy.Name, http => policy.CountsReads || !IsRead(http)
                    ? Partition($"{policy.Name}|{ClientIp(http)}", policy.Name, http)
                    : RateLimitPartition.GetNoLimiter(""));
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
                AccountTarget(http) is { } target ? Partition($"{PerAccount}|{target}", PerAccount, http) : RateLimitPartition.GetNoLimiter(""));
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            // No body here: the status-code pages turn the 429 into a problem (under /api) or the
            // friendly error page, which asks the shopper to wait.
            o.OnRejected = (context, _) =>
            {
                var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1);
                context.HttpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                return ValueTask.CompletedTask;
            };
        });
        return services;
    }

    /// <summary>Puts each page's policy on its endpoint (call from <c>AddRazorPages</c>).</summary>
    public static PageConventionCollection AddStorefrontRateLimits(this PageConventionCollection conventions)
    {
        foreach (var (page, policy) in Pages)
            conventions.AddPageApplicationModelConvention(page, m => m.EndpointMetadata.Add(new EnableRateLimitingAttribute(policy)));
        return conventions;
    }

    /// <summary>After routing (policies are endpoint metadata), before the endpoints.</summary>
    public static IApplicationBuilder UseStorefrontRateLimits(this IApplicationBuilder app)
    {
        // The per-address limit needs the posted e-mail: read the (small) form now, asynchronously,
        // so the limiter can look at it; the page binds the same buffered form later.
        app.Use(async (http, next) =>
        {
            if (IsAccountAction(http) && http.Request.HasFormContentType) await http.Request.ReadFormAsync(http.RequestAborted);
            await next(http);
        });
        return app.UseRateLimiter();
    }

    private static RateLimitPartition<string> Partition(string key, string policy, HttpContext http)
    {
        var options = http.RequestServices.GetRequiredService<IOptionsMonitor<RateLimitPolicyOptions>>().Get(policy);
        return RateLimitPartition.GetSlidingWindowLimiter(key, _ => new SlidingWindowRateLimiterOptions
        {
            PermitLimit = options.PermitLimit,
            Window = options.Window,
            SegmentsPerWindow = options.SegmentsPerWindow,
            QueueLimit = 0,
        });
    }

    private static bool IsRead(HttpContext http) => HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method);

    /// <summary>
    /// The connection's address. Behind a proxy this is right once forwarded headers are applied;
    /// requests without one (in-process hosts, Unix sockets) share one partition.
    /// </summary>
    private static string ClientIp(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    private static bool IsAccountAction(HttpContext http) =>
        !IsRead(http) && http.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName is { } name
        && AccountPolicies.Contains(name);

    /// <summary>The action and the e-mail address an account request targets, or null.</summary>
    private static string? AccountTarget(HttpContext http)
    {
        if (!IsAccountAction(http) || !http.Request.HasFormContentType) return null;
        var form = http.Features.Get<Microsoft.AspNetCore.Http.Features.IFormFeature>()?.Form;
        if (form is null) return null;
        var email = form["Input.Email"].FirstOrDefault() ?? form["Email"].FirstOrDefault();
        if (string.IsNullOrWhiteSpace(email)) return null;
        var policy = http.GetEndpoint()!.Metadata.GetMetadata<EnableRateLimitingAttribute>()!.PolicyName;
        return $"{policy}|{email.Trim().ToUpperInvariant()}";
    }
}
