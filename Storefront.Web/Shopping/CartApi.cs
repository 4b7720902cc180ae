using System.Text.Json;
using Storefront.Cart.Contracts;
using Storefront.Web.Infrastructure;
using Storefront.Web.Words;

namespace Storefront.Web.Shopping;

/// <summary>
/// The cart as JSON, for scripts, apps and the benchmarks: the same cart and the same rules as the
/// cart page, with RFC 7807 problem responses. Changes need a JSON body, so a cross-site HTML form
/// cannot make them.
/// </summary>
internal static class CartApi
{
    public sealed record LineDto(string Sku, int Quantity, decimal? PriceWhenAdded, string? Currency);

    public sealed record CartDto(Guid? CartId, int ItemCount, IReadOnlyList<LineDto> Lines);

    public sealed record AddLineRequest(string? Sku, int? Quantity);

    public sealed record SetQuantityRequest(int? Quantity);

    public static WebApplication MapCartApi(this WebApplication app)
    {
        var group = app.MapGroup("/api/cart");
        group.MapGet("", async (ShopperCart shopper, ICarts carts, CancellationToken ct) =>
            TypedResults.Ok(await ReadAsync(await shopper.CurrentIdAsync(ct), carts, ct)));

        group.MapPost("/lines", async (HttpContext http, ShopperCart shopper, ICarts carts, OutcomeText words, CancellationToken ct) =>
        {
            var (body, problem) = await ReadBodyAsync<AddLineRequest>(http, """{"sku": "SKU-123", "quantity": 1}""", ct);
            if (problem is not null) return problem;
            if (string.IsNullOrWhiteSpace(body!.Sku)) return Invalid("sku", "Give the SKU of the product to add.");
            if (body.Quantity is not { } quantity) return Invalid("quantity", "Give a quantity of 1 or more.");
            // An Idempotency-Key makes a retried or doubled request add once (for ten minutes, per cart).
            var key = http.Request.Headers["Idempotency-Key"].ToString();
            if (key.Length > 0 && !CartAddIds.IsValid(key))
                return Invalid("Idempotency-Key", "An Idempotency-Key is 16 to 64 letters, digits, '-' or '_' (a UUID will do).");
            var addId = key.Length > 0 ? key : null;
            var id = await shopper.EnsureIdAsync(addId, ct);
            return await AnswerAsync(await carts.AddAsync(id, body.Sku, quantity, shopper.Client, addId, ct), id, carts, words, ct);
        }).RequireRateLimiting(RateLimits.CartWrites);

        group.MapPut("/lines/{sku}", async (string sku, HttpContext http, ShopperCart shopper, ICarts carts, OutcomeText words, CancellationToken ct) =>
        {
            var (body, problem) = await ReadBodyAsync<SetQuantityRequest>(http, """{"quantity": 2}""", ct);
            if (problem is not null) return problem;
            if (body!.Quantity is not { } quantity) return Invalid("quantity", "Give a quantity of 0 or more.");
            if (await shopper.CurrentIdAsync(ct) is not { } id) return NotInCart();
            return await AnswerAsync(await carts.SetQuantityAsync(id, sku, quantity, shopper.Client, ct), id, carts, words, ct);
        }).RequireRateLimiting(RateLimits.CartWrites);

        group.MapDelete("/lines/{sku}", async (string sku, ShopperCart shopper, ICarts carts, OutcomeText words, CancellationToken ct) =>
            await shopper.CurrentIdAsync(ct) is { } id
                ? await AnswerAsync(await carts.RemoveAsync(id, sku, ct), id, carts, words, ct)
                : NotInCart())
            .RequireRateLimiting(RateLimits.CartWrites);
        return app;
    }

    private static async Task<CartDto> ReadAsync(Guid? id, ICarts carts, CancellationToken ct)
    {
        if (id is null) return new CartDto(null, 0, []);
        var cart = await carts.GetAsync(id.Value, ct);
        return new CartDto(id, cart.ItemCount,
            cart.Lines.Select(l => new LineDto(l.Sku, l.Quantity, l.PriceWhenAdded?.Amount, l.PriceWhenAdded?.Currency)).ToList());
    }

    private static async Task<IResult> AnswerAsync(CartChangeResult result, Guid id, ICarts carts, OutcomeText words, CancellationToken ct)
    {
        if (result.Succeeded) return TypedResults.Ok(await ReadAsync(id, carts, ct));
        var (status, title) = result.Outcome switch
        {
            CartChangeOutcome.NotEnoughStock => (StatusCodes.Status409Conflict, "Not enough stock"),
            CartChangeOutcome.UnknownSku => (StatusCodes.Status404NotFound, "Unknown product"),
            CartChangeOutcome.NotInCart => (StatusCodes.Status404NotFound, "Not in the cart"),
            CartChangeOutcome.Busy => (StatusCodes.Status409Conflict, "Cart busy"),
            CartChangeOutcome.Frozen => (StatusCodes.Status409Conflict, "Order in progress"),
            CartChangeOutcome.TooManyLines => (StatusCodes.Status422UnprocessableEntity, "Cart full"),
            // Not a request rate: the cart (or its network) already holds what the holds policy allows.
            CartChangeOutcome.LimitReached => (StatusCodes.Status409Conflict, "Hold limit reached"),
            _ => (StatusCodes.Status400BadRequest, "Invalid quantity"),
        };
        return TypedResults.Problem(words.Of(result.Problem, null), statusCode: status, title: title,
            extensions: new Dictionary<string, object?> { ["available"] = result.Available, ["quantity"] = result.Quantity });
    }

    private static async Task<(T? Body, IResult? Problem)> ReadBodyAsync<T>(HttpContext http, string example, CancellationToken ct)
        where T : class
    {
        if (!http.Request.HasJsonContentType())
            return (null, TypedResults.Problem($"Send a JSON body (Content-Type: application/json), for example {example}.",
                statusCode: StatusCodes.Status415UnsupportedMediaType, title: "JSON expected"));
        try
        {
            var body = await http.Request.ReadFromJsonAsync<T>(ct);
            return body is null ? (null, Malformed(example)) : (body, null);
        }
        catch (JsonException)
        {
            return (null, Malformed(example));
        }
    }

    private static IResult Malformed(string example) =>
        TypedResults.Problem($"The body is not valid JSON of the expected shape, for example {example}.",
            statusCode: StatusCodes.Status400BadRequest, title: "Malformed request");

    private static IResult Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, title: "Invalid request");

    private static IResult NotInCart() =>
        TypedResults.Problem("That product is not in your cart.", statusCode: StatusCodes.Status404NotFound, title: "Not in the cart");
}
