using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.OutputCaching;
using Storefront.Checkout.Contracts;
using Storefront.FlashSale.Contracts;
using Storefront.Web.Infrastructure;
using Storefront.Web.Words;

namespace Storefront.Web.Shopping;

/// <summary>
/// A flash sale as JSON: the status the waiting page polls, and joining, leaving and buying for
/// scripts, apps and the benchmark. Changes need a JSON body (so a cross-site HTML form cannot make
/// them); problems are RFC 7807. Nothing here ever answers a flood with an error: the queue, a 429
/// with Retry-After, or "sold out" (cacheable by a CDN and by this server) are the answers.
/// </summary>
internal static class SaleApi
{
    public sealed record StatusDto(string State, string Phase, long? Position, int? EstimateSeconds, DateTimeOffset? WindowEndsAt,
        long UnitsLeft, int PollAfter, string Message, string? BuyUrl);

    public sealed record JoinDto(string Outcome, string? Pass, StatusDto? Status);

    public sealed record PurchaseBody(string? Name, string? Line1, string? Line2, string? City, string? Region, string? PostalCode,
        string? Country, string? Email, string? Card);

    public sealed record PurchaseDto(Guid Id, string Reference, string State, string? OrderNumber, string? Message, string Url);

    public static WebApplication MapSaleApi(this WebApplication app)
    {
        var group = app.MapGroup("/api/sales");
        // A sold-out or ended sale's status never gets here (SoldOutStatus answers it from memory), so a
        // live poll skips the output cache altogether.
        group.MapGet("/{slug}/status", StatusAsync).RequireRateLimiting(RateLimits.SaleStatus);
        group.MapPost("/{slug}/join", JoinAsync).RequireRateLimiting(RateLimits.SaleWrites);
        group.MapPost("/{slug}/leave", LeaveAsync).RequireRateLimiting(RateLimits.SaleWrites);
        group.MapPost("/{slug}/purchase", PurchaseAsync).RequireRateLimiting(RateLimits.SaleWrites);
        group.MapGet("/{slug}/purchases/{id:guid}", PurchaseStatusAsync).RequireRateLimiting(RateLimits.SaleStatus);
        return app;
    }

    private static async Task<IResult> StatusAsync(string slug, HttpContext http, IFlashSaleRoom sales, OutcomeText words, ShopLinks links, CancellationToken ct)
    {
        if (await sales.FindAsync(slug, ct) is not { } sale) return NoSuchSale();
        if (sale.Phase is SalePhase.SoldOut or SalePhase.Ended)
        {
            // The same answer for everyone: a CDN (and this server) keep it for a few seconds.
            SaleCache.MarkShared(http);
            return TypedResults.Ok(Dto(new PlaceInLine(sale.Phase == SalePhase.SoldOut ? ShopperState.SoldOut : ShopperState.Ended,
                null, null, null, 0, TimeSpan.FromSeconds(30)), sale, links));
        }
        var status = await sales.StatusAsync(slug, SaleShopper.PassOf(http, sale), SaleShopper.Customer(http, sale, create: false), ct);
        if (status.Refused is { } refused) return Refused(words, refused);
        return TypedResults.Ok(Dto(status.Place!, sale, links));
    }

    internal static StatusDto Dto(PlaceInLine place, SaleView sale, ShopLinks links) => new(
        SaleWords.State(place.State), sale.Phase.ToString().ToLowerInvariant(), place.Position,
        place.Estimate is { } e ? (int)Math.Ceiling(e.TotalSeconds) : null, place.WindowEndsAt, place.UnitsLeft,
        Math.Max(1, (int)Math.Ceiling(place.PollAfter.TotalSeconds)), SaleWords.Place(place),
        place.State == ShopperState.Admitted ? links.SaleBuy(sale.Slug) : null);

    private static async Task<IResult> JoinAsync(string slug, HttpContext http, IFlashSaleRoom sales, OutcomeText words, ShopLinks links, CancellationToken ct)
    {
        if (!IsJson(http)) return NeedsJson();
        if (await sales.FindAsync(slug, ct) is not { } sale) return NoSuchSale();
        var joined = await sales.JoinAsync(slug, SaleShopper.Customer(http, sale, create: true), SaleShopper.SignedIn(http), ct);
        if (joined.Pass is { } pass) SaleShopper.KeepPass(http, sale, pass);
        return joined.Outcome switch
        {
            JoinOutcome.Joined or JoinOutcome.AlreadyJoined => TypedResults.Ok(new JoinDto(Camel(joined.Outcome), joined.Pass, Dto(joined.Place!, sale, links))),
            JoinOutcome.SignInRequired => TypedResults.Problem("Sign in to join this sale's line: it allows one place per account.",
                statusCode: StatusCodes.Status401Unauthorized, title: "Sign-in required"),
            JoinOutcome.TooEarly => TypedResults.Problem(
                $"The line opens at {sale.PreQueueOpensAt.ToString("u", CultureInfo.InvariantCulture)}, before the sale starts.",
                statusCode: StatusCodes.Status409Conflict, title: "Not open yet"),
            JoinOutcome.Busy => Busy(http, words, joined.RetryAfter),
            JoinOutcome.OverLimit => TypedResults.Problem(words.Of(FlashSaleProblems.OverLimit, ("limit", sale.LimitPerCustomer)),
                statusCode: StatusCodes.Status409Conflict, title: "Limit reached"),
            JoinOutcome.SoldOut => TypedResults.Problem(words.Of(FlashSaleProblems.SoldOut), statusCode: StatusCodes.Status409Conflict, title: "Sold out"),
            _ => TypedResults.Problem(words.Of(FlashSaleProblems.SaleOver), statusCode: StatusCodes.Status409Conflict, title: "Sale over"),
        };
    }

    private static async Task<IResult> LeaveAsync(string slug, HttpContext http, IFlashSaleRoom sales, OutcomeText words, ShopLinks links, CancellationToken ct)
    {
        if (!IsJson(http)) return NeedsJson();
        if (await sales.FindAsync(slug, ct) is not { } sale) return NoSuchSale();
        var status = await sales.LeaveAsync(slug, SaleShopper.PassOf(http, sale) ?? "", SaleShopper.Customer(http, sale, create: false) ?? "", ct);
        if (status.Refused is { } refused) return Refused(words, refused);
        SaleShopper.DropPass(http, sale);
        return TypedResults.Ok(Dto(status.Place!, sale, links));
    }

    private static async Task<IResult> PurchaseAsync(string slug, HttpContext http, IFlashSaleRoom sales, OutcomeText words, ShopLinks links,
        IConfiguration configuration, CancellationToken ct)
    {
        if (!IsJson(http)) return NeedsJson();
        PurchaseBody? body;
        try
        {
            body = await http.Request.ReadFromJsonAsync<PurchaseBody>(ct);
        }
        catch (JsonException)
        {
            body = null;
        }
        if (body is null) return TypedResults.Problem("The body is not valid JSON of the expected shape: name, line1, city, region, postalCode, country, email, card.",
            statusCode: StatusCodes.Status400BadRequest, title: "Invalid request");
        if (await sales.FindAsync(slug, ct) is not { } sale) return NoSuchSale();
        var customer = SaleShopper.Customer(http, sale, create: false);
        var result = await sales.PurchaseAsync(new PurchaseRequest(slug, SaleShopper.PassOf(http, sale) ?? "", customer ?? "", SaleShopper.UserId(http),
            body.Email ?? "", new Address(body.Name ?? "", body.Line1 ?? "", body.Line2, body.City ?? "", body.Region ?? "", body.PostalCode ?? "", body.Country ?? ""),
            configuration["FlashSale:ShippingMethod"] ?? "standard", body.Card ?? ""), ct);
        return Answer(http, result, sale, words, links);
    }

    internal static IResult Answer(HttpContext http, PurchaseResult result, SaleView sale, OutcomeText words, ShopLinks links)
    {
        switch (result.Outcome)
        {
            case PurchaseOutcome.Confirmed:
                var id = result.PurchaseId!.Value;
                return TypedResults.Ok(new PurchaseDto(id, Reference(id), "processing", null, null, links.SalePurchase(sale.Slug, id)));
            case PurchaseOutcome.Invalid:
                return TypedResults.ValidationProblem(
                    (result.FieldErrors ?? new Dictionary<string, BuildingBlocks.Outcomes.Problem>()).ToDictionary(
                        e => JsonNamingPolicy.CamelCase.ConvertName(e.Key == nameof(PurchaseRequest.PaymentMethod) ? "Card" : e.Key), e => new[] { words.Of(e.Value) }),
                    title: words.Of(result.Problem, "Check the form."));
            case PurchaseOutcome.Busy:
                return Busy(http, words, result.RetryAfter);
            case PurchaseOutcome.PassRefused:
                return TypedResults.Problem(words.Of(result.Problem!), statusCode: StatusCodes.Status403Forbidden, title: "Pass refused");
            default:
                return TypedResults.Problem(words.Of(result.Problem, "Nothing was taken."), statusCode: StatusCodes.Status409Conflict,
                    title: Camel(result.Outcome));
        }
    }

    private static async Task<IResult> PurchaseStatusAsync(string slug, Guid id, HttpContext http, IFlashSaleRoom sales, OutcomeText words, ShopLinks links, CancellationToken ct)
    {
        if (await sales.FindAsync(slug, ct) is not { } sale) return NoSuchSale();
        var customer = SaleShopper.Customer(http, sale, create: false);
        if (customer is null || await sales.GetPurchaseAsync(id, customer, ct) is not { } purchase || purchase.SaleSlug != sale.Slug)
            return TypedResults.Problem("No purchase of yours has this reference.", statusCode: StatusCodes.Status404NotFound, title: "Not found");
        return TypedResults.Ok(new PurchaseDto(purchase.Id, Reference(purchase.Id), Camel(purchase.State), purchase.OrderNumber,
            words.Of(purchase.Problem, null), links.SalePurchase(sale.Slug, purchase.Id)));
    }

    /// <summary>The short reference a shopper quotes: the start of the purchase's random id.</summary>
    public static string Reference(Guid purchase) => purchase.ToString("N")[..10].ToUpperInvariant();

    private static string Camel<T>(T value) where T : struct, Enum => JsonNamingPolicy.CamelCase.ConvertName(value.ToString());

    private static bool IsJson(HttpContext http) => http.Request.HasJsonContentType();

    private static IResult NeedsJson() => TypedResults.Problem("Send a JSON body (Content-Type: application/json), for example {}.",
        statusCode: StatusCodes.Status415UnsupportedMediaType, title: "JSON required");

    private static IResult NoSuchSale() => TypedResults.Problem("There is no sale at this address.", statusCode: StatusCodes.Status404NotFound, title: "No such sale");

    private static IResult Refused(OutcomeText words, PassRefusal refused) =>
        TypedResults.Problem(words.Of(SaleWords.RefusalCode(refused)), statusCode: StatusCodes.Status403Forbidden, title: "Pass refused");

    private static IResult Busy(HttpContext http, OutcomeText words, TimeSpan? retryAfter)
    {
        http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling((retryAfter ?? TimeSpan.FromSeconds(2)).TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return TypedResults.Problem(words.Of(FlashSaleProblems.Busy), statusCode: StatusCodes.Status429TooManyRequests, title: "Try again shortly");
    }
}

/// <summary>
/// Sale answers that are the same for everyone are shared:
/// - sold-out and ended ones carry <c>Cache-Control: public, s-maxage=10, stale-while-revalidate=30</c>
///   so a CDN absorbs the flood, and this server keeps them for ten seconds;
/// - the page of an upcoming or live sale, as a visitor without a place in its line sees it (the
///   countdown, the units left, the button to join), is kept one second here and by a CDN: the
///   crowd waiting for the start reloads it, and the units left may lag that long.
/// Only responses marked shared by the handler (and setting no cookie) are stored. A visitor who
/// holds a place in a sale's line, or is signed in, is looked up apart from the others.
/// </summary>
internal sealed class SaleCache : IOutputCachePolicy
{
    public const string Policy = "SaleShared";
    private const string Marker = "storefront.sale.shared";
    private static readonly TimeSpan SoldOut = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan Live = TimeSpan.FromSeconds(1);

    /// <summary>Marks the answer as the same for everyone, kept <paramref name="keep"/> (ten seconds by default).</summary>
    public static void MarkShared(HttpContext http, TimeSpan? keep = null)
    {
        var kept = keep ?? SoldOut;
        http.Items[Marker] = kept;
        var seconds = (int)kept.TotalSeconds;
        http.Response.Headers.CacheControl = seconds >= 10
            ? $"public, s-maxage={seconds.ToString(CultureInfo.InvariantCulture)}, stale-while-revalidate=30"
            : $"public, s-maxage={seconds.ToString(CultureInfo.InvariantCulture)}";
    }

    ValueTask IOutputCachePolicy.CacheRequestAsync(OutputCacheContext context, CancellationToken cancellation)
    {
        var http = context.HttpContext;
        var get = HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method);
        context.EnableOutputCaching = get;
        context.AllowCacheLookup = get;
        context.AllowCacheStorage = get;
        // No locking: most answers of a live sale are not stored, and locking would make every
        // request of the address wait behind the one already running.
        context.AllowLocking = false;
        context.ResponseExpirationTimeSpan = SoldOut;
        context.CacheVaryByRules.QueryKeys = "";
        // A place in a line (any sale's pass, to keep this cheap) or a signed-in visitor: looked up
        // apart, so a shared page of an upcoming sale never reaches someone who is in its line.
        var inLine = http.Request.Headers.ContainsKey(SaleShopper.PassHeader)
            || http.Request.Cookies.Keys.Any(k => k.StartsWith(SaleShopper.CookiePrefix, StringComparison.Ordinal));
        context.CacheVaryByRules.VaryByValues["sale-visitor"] = (inLine ? "line" : "none") + (SaleShopper.SignedIn(http) ? "+signed-in" : "");
        return ValueTask.CompletedTask;
    }

    ValueTask IOutputCachePolicy.ServeFromCacheAsync(OutputCacheContext context, CancellationToken cancellation) => ValueTask.CompletedTask;

    ValueTask IOutputCachePolicy.ServeResponseAsync(OutputCacheContext context, CancellationToken cancellation)
    {
        var http = context.HttpContext;
        var response = http.Response;
        var shared = http.Items.TryGetValue(Marker, out var keep) && keep is TimeSpan;
        context.AllowCacheStorage = response.StatusCode == StatusCodes.Status200OK && shared
            && !response.Headers.ContainsKey(Microsoft.Net.Http.Headers.HeaderNames.SetCookie);
        if (shared) context.ResponseExpirationTimeSpan = (TimeSpan)keep!;
        return ValueTask.CompletedTask;
    }
}
