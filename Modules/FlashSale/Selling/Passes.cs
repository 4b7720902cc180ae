using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Storefront.FlashSale.Contracts;

namespace Storefront.FlashSale.Selling;

/// <summary>A pass's contents once its signature checked out.</summary>
internal sealed record PassClaims(Guid Sale, string Customer, long Ticket, DateTimeOffset ExpiresAt);

/// <summary>
/// The waiting room's passes: <c>fs1.&lt;sale&gt;.&lt;ticket&gt;.&lt;expires&gt;.&lt;customer&gt;.&lt;signature&gt;</c>,
/// the customer in base64url and the signature an HMAC-SHA256 over everything before it, checked in
/// constant time. A pass says who joined which sale with which ticket, so an instance can refuse a
/// forged, altered, borrowed or expired pass without asking Redis, and a shopper Redis forgot (a
/// flush, a failover) gets the same place back. The key is <c>FlashSale:PassKey</c> when set, or one
/// the store makes once and keeps in PostgreSQL, so every instance signs alike.
/// </summary>
internal sealed class Passes(PassKey key)
{
    private const string Version = "fs1";

    public async Task<string> IssueAsync(Guid sale, string customer, long ticket, DateTimeOffset expiresAt, CancellationToken ct)
    {
        var body = string.Join('.', Version, sale.ToString("N"), ticket.ToString(CultureInfo.InvariantCulture),
            expiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), Base64Url(Encoding.UTF8.GetBytes(customer)));
        return body + "." + Base64Url(Sign(await key.GetAsync(ct), body));
    }

    /// <summary>The pass's contents, or why it is refused for this customer and sale.</summary>
    public async Task<(PassClaims? Claims, PassRefusal? Refused)> CheckAsync(string? pass, Guid sale, string? customer, DateTimeOffset now, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(pass) || pass.Length > 400) return (null, PassRefusal.Forged);
        var cut = pass.LastIndexOf('.');
        if (cut < 0) return (null, PassRefusal.Forged);
        var body = pass[..cut];
        var signature = FromBase64Url(pass[(cut + 1)..]);
        var expected = Sign(await key.GetAsync(ct), body);
        if (signature is null || !CryptographicOperations.FixedTimeEquals(signature, expected))
            return (null, PassRefusal.Forged);
        var parts = body.Split('.');
        if (parts.Length != 5 || parts[0] != Version
            || !Guid.TryParseExact(parts[1], "N", out var passSale)
            || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var ticket)
            || !long.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var expires)
            || FromBase64Url(parts[4]) is not { } customerBytes)
            return (null, PassRefusal.Forged);
        var claims = new PassClaims(passSale, Encoding.UTF8.GetString(customerBytes), ticket, DateTimeOffset.FromUnixTimeSeconds(expires));
        if (claims.Sale != sale) return (null, PassRefusal.OtherSale);
        if (claims.ExpiresAt <= now) return (null, PassRefusal.Expired);
        if (customer is null || !string.Equals(claims.Customer, customer, StringComparison.Ordinal)) return (null, PassRefusal.OtherCustomer);
        return (claims, null);
    }

    private static byte[] Sign(byte[] key, string body) => HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(body));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[]? FromBase64Url(string text)
    {
        if (text.Length is 0 or > 300) return null;
        var padded = text.Replace('-', '+').Replace('_', '/');
        padded += (padded.Length % 4) switch { 2 => "==", 3 => "=", _ => "" };
        var buffer = new byte[padded.Length];
        return Convert.TryFromBase64String(padded, buffer, out var written) ? buffer[..written] : null;
    }
}

/// <summary>The passes' signing key: <c>FlashSale:PassKey</c> (base64, 32 bytes or more), or the store's own, kept in PostgreSQL.</summary>
internal sealed class PassKey(IOptions<FlashSaleOptions> options, Func<CancellationToken, Task<byte[]>> stored)
{
    private Task<byte[]>? key;

    public async ValueTask<byte[]> GetAsync(CancellationToken ct)
    {
        var current = key;
        if (current is { IsCompletedSuccessfully: true }) return current.Result;
        if (current is null || current.IsFaulted || current.IsCanceled)
        {
            var fresh = options.Value.PassKey is { Length: > 0 } configured
                ? Task.FromResult(Convert.FromBase64String(configured))
                : stored(CancellationToken.None);
            current = Interlocked.CompareExchange(ref key, fresh, current) == current ? fresh : key!;
        }
        return await current.WaitAsync(ct);
    }
}
