using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Storefront.Tests.Fixtures;

/// <summary>
/// A local server that speaks Stripe's wire format for the endpoints the store uses
/// (PaymentIntents create and retrieve, refunds): form-encoded requests, bearer keys, the
/// Idempotency-Key header with Stripe's replay rules, and Stripe-shaped JSON and errors. It records
/// what it was sent so tests can check the requests, and never charges the same key twice.
/// </summary>
public sealed class StripeStandIn : IAsyncDisposable
{
    public const string SecretKey = "sk_test_standin";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, (string Fingerprint, int Status, string Body)> _idempotent = new();
    private readonly ConcurrentDictionary<string, Dictionary<string, object?>> _intents = new();
    private readonly ConcurrentDictionary<string, long> _refunded = new();
    private readonly object _gate = new();

    public ConcurrentQueue<(string Method, string Path, string? IdempotencyKey, IReadOnlyDictionary<string, string> Form)> Requests { get; } = new();

    /// <summary>PaymentIntents that took money (replays of an idempotent request not counted).</summary>
    public int SucceededCharges => _intents.Values.Count(i => (string?)i["status"] == "succeeded");

    public Uri BaseAddress { get; private set; } = default!;

    private StripeStandIn(WebApplication app) => _app = app;

    public static async Task<StripeStandIn> StartAsync()
    {
        var standIn = new StripeStandIn(LocalServer.Create());
        standIn.Map();
        standIn.BaseAddress = await LocalServer.StartAsync(standIn._app);
        return standIn;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private void Map()
    {
        _app.MapPost("/v1/payment_intents", (Func<HttpContext, Task<IResult>>)(http => Idempotent(http, CreateIntent)));
        // Stripe's search is eventually consistent (a new PaymentIntent can be missing from it for a
        // while), so the store never uses it; reading one PaymentIntent by id is consistent.
        _app.MapGet("/v1/payment_intents/{id}", (HttpContext http, string id) =>
        {
            if (Unauthorized(http) is { } denied) return denied;
            Record(http, new Dictionary<string, string>());
            return _intents.TryGetValue(id, out var intent) ? Json(200, intent)
                : Error(404, "invalid_request_error", "resource_missing", $"No such payment_intent: '{id}'");
        });
        _app.MapPost("/v1/refunds", (Func<HttpContext, Task<IResult>>)(http => Idempotent(http, CreateRefund)));
    }

    private static IResult? Unauthorized(HttpContext http) =>
        http.Request.Headers.Authorization.ToString() == $"Bearer {SecretKey}" ? null
            : Error(401, "invalid_request_error", null, "Invalid API Key provided.");

    private async Task<IResult> Idempotent(HttpContext http, Func<Dictionary<string, string>, (int Status, object Body)> handle)
    {
        if (Unauthorized(http) is { } denied) return denied;
        var form = (await http.Request.ReadFormAsync()).ToDictionary(f => f.Key, f => f.Value.ToString());
        Record(http, form);
        var key = http.Request.Headers["Idempotency-Key"].ToString();
        var fingerprint = http.Request.Path + "?" + string.Join("&", form.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{f.Key}={f.Value}"));
        lock (_gate)
        {
            if (key.Length > 0 && _idempotent.TryGetValue(key, out var earlier))
            {
                return earlier.Fingerprint == fingerprint
                    ? Results.Text(earlier.Body, "application/json", statusCode: earlier.Status)
                    : Error(400, "idempotency_error", null, "Keys for idempotent requests can only be used with the same parameters they were first used with.");
            }
            var (status, body) = handle(form);
            var text = JsonSerializer.Serialize(body);
            if (key.Length > 0) _idempotent[key] = (fingerprint, status, text);
            return Results.Text(text, "application/json", statusCode: status);
        }
    }

    private (int, object) CreateIntent(Dictionary<string, string> form)
    {
        if (!long.TryParse(form.GetValueOrDefault("amount"), CultureInfo.InvariantCulture, out var amount) || amount < 50)
            return (400, ErrorBody("invalid_request_error", "parameter_invalid_integer", "Amount must be at least 50 cents."));
        var intent = new Dictionary<string, object?>
        {
            ["id"] = "pi_" + Guid.NewGuid().ToString("N")[..24], ["object"] = "payment_intent", ["amount"] = amount,
            ["currency"] = form.GetValueOrDefault("currency"), ["description"] = form.GetValueOrDefault("description"), ["livemode"] = false,
            ["metadata"] = form.Where(f => f.Key.StartsWith("metadata[", StringComparison.Ordinal))
                .ToDictionary(f => f.Key["metadata[".Length..^1], f => f.Value),
            ["payment_method"] = form.GetValueOrDefault("payment_method"), ["status"] = "requires_payment_method", ["last_payment_error"] = null,
        };
        switch (form.GetValueOrDefault("payment_method"))
        {
            case "pm_card_visa":
                intent["status"] = "succeeded";
                _intents[(string)intent["id"]!] = intent;
                return (200, intent);
            case "pm_card_chargeDeclined":
                var error = new Dictionary<string, object?> { ["type"] = "card_error", ["code"] = "card_declined", ["decline_code"] = "generic_decline", ["message"] = "Your card was declined." };
                intent["last_payment_error"] = error;
                _intents[(string)intent["id"]!] = intent;
                return (402, new Dictionary<string, object?> { ["error"] = new Dictionary<string, object?>(error) { ["payment_intent"] = intent } });
            default:
                return (400, ErrorBody("invalid_request_error", "resource_missing", $"No such PaymentMethod: '{form.GetValueOrDefault("payment_method")}'"));
        }
    }

    private (int, object) CreateRefund(Dictionary<string, string> form)
    {
        var id = form.GetValueOrDefault("payment_intent") ?? "";
        if (!_intents.TryGetValue(id, out var intent) || (string?)intent["status"] != "succeeded")
            return (400, ErrorBody("invalid_request_error", "resource_missing", $"No such payment_intent: '{id}'"));
        var charged = (long)intent["amount"]!;
        var amount = long.TryParse(form.GetValueOrDefault("amount"), CultureInfo.InvariantCulture, out var a) ? a : charged - _refunded.GetValueOrDefault(id);
        if (amount <= 0 || _refunded.GetValueOrDefault(id) + amount > charged)
            return (400, ErrorBody("invalid_request_error", "amount_too_large", $"Refund amount ({amount}) is greater than unrefunded amount on charge ({charged - _refunded.GetValueOrDefault(id)})."));
        _refunded.AddOrUpdate(id, amount, (_, before) => before + amount);
        return (200, new Dictionary<string, object?>
        {
            ["id"] = "re_" + Guid.NewGuid().ToString("N")[..24], ["object"] = "refund", ["amount"] = amount,
            ["currency"] = intent["currency"], ["payment_intent"] = id, ["status"] = "succeeded",
        });
    }

    /// <summary>How much of a PaymentIntent has been refunded, in cents.</summary>
    public long RefundedCents(string paymentIntentId) => _refunded.GetValueOrDefault(paymentIntentId);

    private void Record(HttpContext http, IReadOnlyDictionary<string, string> form) =>
        Requests.Enqueue((http.Request.Method, http.Request.Path, http.Request.Headers["Idempotency-Key"].FirstOrDefault(), form));

    private static Dictionary<string, object?> ErrorBody(string type, string? code, string message) =>
        new() { ["error"] = new Dictionary<string, object?> { ["type"] = type, ["code"] = code, ["message"] = message } };

    private static IResult Error(int status, string type, string? code, string message) => Json(status, ErrorBody(type, code, message));

    private static IResult Json(int status, object body) => Results.Text(JsonSerializer.Serialize(body), "application/json", statusCode: status);

    /// <summary>A Stripe-Signature header for a payload, as Stripe signs webhooks (HMAC-SHA256 of "t.payload").</summary>
    public static string Sign(string payload, string secret, DateTimeOffset at)
    {
        var t = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var hmac = new System.Security.Cryptography.HMACSHA256(System.Text.Encoding.UTF8.GetBytes(secret));
        var v1 = Convert.ToHexStringLower(hmac.ComputeHash(System.Text.Encoding.UTF8.GetBytes($"{t}.{payload}")));
        return $"t={t},v1={v1}";
    }
}
