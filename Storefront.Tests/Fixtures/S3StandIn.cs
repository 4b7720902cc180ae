using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Storefront.Tests.Fixtures;

/// <summary>
/// A local server that speaks the S3 REST API for what the image store uses (PUT, GET, HEAD and
/// DELETE of an object, path-style), with one bucket. Every request must carry a valid AWS
/// Signature Version 4 for the stand-in's key pair, and a payload hash that matches the body, as S3
/// checks them (reads may be anonymous when <see cref="PublicRead"/> is set); answers and errors are S3's XML. It records the requests so tests can check them,
/// and can be told to fail like a bucket that is away.
/// </summary>
public sealed class S3StandIn : IAsyncDisposable
{
    public const string Bucket = "storefront-pictures";
    public const string AccessKey = "AKIASTANDIN000000001";
    public const string SecretKey = "standin/secret/key/0000000000000000000000";
    public const string Region = "eu-west-1";

    private readonly WebApplication _app;
    private int _putsLeftBeforeFailing = int.MaxValue;

    public sealed record StoredObject(byte[] Body, string ContentType, string? CacheControl, string ETag, DateTimeOffset Modified);

    public ConcurrentDictionary<string, StoredObject> Objects { get; } = new();

    public ConcurrentQueue<(string Method, string Key, int Status)> Requests { get; } = new();

    /// <summary>Objects may be read without a signature, as a bucket with a public-read policy allows.</summary>
    public bool PublicRead { get; set; }

    /// <summary>While set, every request is answered 503 SlowDown.</summary>
    public bool Away { get; set; }

    public Uri BaseAddress { get; private set; } = default!;

    private S3StandIn(WebApplication app) => _app = app;

    /// <summary>Lets <paramref name="count"/> more uploads through, then answers every upload 500 until reset.</summary>
    public void FailUploadsAfter(int count) => _putsLeftBeforeFailing = count;

    public void StopFailingUploads() => _putsLeftBeforeFailing = int.MaxValue;

    public static async Task<S3StandIn> StartAsync()
    {
        var standIn = new S3StandIn(LocalServer.Create());
        standIn._app.Run(standIn.HandleAsync);
        standIn.BaseAddress = await LocalServer.StartAsync(standIn._app);
        return standIn;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private async Task HandleAsync(HttpContext http)
    {
        var request = http.Request;
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        var body = buffer.ToArray();
        var segments = request.Path.Value!.TrimStart('/').Split('/', 2);
        var key = segments.Length == 2 ? Uri.UnescapeDataString(segments[1]) : "";
        var status = await AnswerAsync(http, segments[0], key, body);
        Requests.Enqueue((request.Method, key, status));
    }

    private async Task<int> AnswerAsync(HttpContext http, string bucket, string key, byte[] body)
    {
        var request = http.Request;
        var response = http.Response;
        response.Headers["x-amz-request-id"] = Guid.NewGuid().ToString("N")[..16].ToUpperInvariant();
        if (Away) return await ErrorAsync(http, 503, "SlowDown", "Please reduce your request rate.", key);
        var anonymousRead = PublicRead && request.Method is ("GET" or "HEAD") && !request.Headers.ContainsKey("Authorization");
        if (!anonymousRead && Verify(http, body) is { } refusal) return await ErrorAsync(http, refusal.Status, refusal.Code, refusal.Message, key);
        if (bucket != Bucket) return await ErrorAsync(http, 404, "NoSuchBucket", "The specified bucket does not exist.", key);
        if (key.Length == 0) return await ErrorAsync(http, 501, "NotImplemented", "The stand-in serves objects only.", key);
        switch (request.Method)
        {
            case "PUT":
                if (Interlocked.Decrement(ref _putsLeftBeforeFailing) < 0)
                    return await ErrorAsync(http, 500, "InternalError", "We encountered an internal error. Please try again.", key);
                // S3's ETag of a whole upload is the body's MD5, which clients may check.
#pragma warning disable CA5351
                var etag = "\"" + Convert.ToHexStringLower(MD5.HashData(body)) + "\"";
#pragma warning restore CA5351
                Objects[key] = new StoredObject(body, request.ContentType ?? "binary/octet-stream", request.Headers.CacheControl.ToString() is { Length: > 0 } cc ? cc : null, etag, DateTimeOffset.UtcNow);
                response.Headers.ETag = etag;
                return 200;
            case "GET" or "HEAD":
                if (!Objects.TryGetValue(key, out var stored)) return await ErrorAsync(http, 404, "NoSuchKey", "The specified key does not exist.", key);
                response.ContentType = stored.ContentType;
                response.ContentLength = stored.Body.Length;
                response.Headers.ETag = stored.ETag;
                response.Headers.LastModified = stored.Modified.ToString("R", CultureInfo.InvariantCulture);
                if (stored.CacheControl is not null) response.Headers.CacheControl = stored.CacheControl;
                if (request.Method == "GET") await response.Body.WriteAsync(stored.Body);
                return 200;
            case "DELETE":
                Objects.TryRemove(key, out _);
                response.StatusCode = 204;
                return 204;
            default:
                return await ErrorAsync(http, 405, "MethodNotAllowed", "The specified method is not allowed against this resource.", key);
        }
    }

    /// <summary>Checks the request's Signature Version 4 the way S3 does; null when it holds.</summary>
    private static (int Status, string Code, string Message)? Verify(HttpContext http, byte[] body)
    {
        var request = http.Request;
        var authorization = request.Headers.Authorization.ToString();
        const string Scheme = "AWS4-HMAC-SHA256 ";
        if (!authorization.StartsWith(Scheme, StringComparison.Ordinal))
            return (403, "AccessDenied", "Access Denied");
        var parts = authorization[Scheme.Length..].Split(',', StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
        if (!parts.TryGetValue("Credential", out var credential) || !parts.TryGetValue("SignedHeaders", out var signedHeaders) || !parts.TryGetValue("Signature", out var signature))
            return (400, "AuthorizationHeaderMalformed", "The authorization header is malformed.");
        var scope = credential.Split('/');
        if (scope.Length != 5 || scope[4] != "aws4_request" || scope[3] != "s3")
            return (400, "AuthorizationHeaderMalformed", "The authorization header is malformed.");
        if (scope[0] != AccessKey) return (403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.");
        if (scope[2] != Region) return (400, "AuthorizationHeaderMalformed", $"The authorization header is malformed; the region '{scope[2]}' is wrong; expecting '{Region}'.");
        var payloadHash = request.Headers["x-amz-content-sha256"].ToString();
        if (payloadHash.Length == 0) return (400, "InvalidRequest", "Missing required header for this request: x-amz-content-sha256");
        if (payloadHash.StartsWith("STREAMING-", StringComparison.Ordinal) || request.Headers.ContentEncoding.ToString().Contains("aws-chunked", StringComparison.Ordinal))
            return (501, "NotImplemented", "The stand-in accepts whole payloads only.");
        if (payloadHash != "UNSIGNED-PAYLOAD" && !string.Equals(payloadHash, Convert.ToHexStringLower(SHA256.HashData(body)), StringComparison.Ordinal))
            return (400, "XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed.");
        var amzDate = request.Headers["x-amz-date"].ToString();
        if (!DateTimeOffset.TryParseExact(amzDate, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var signedAt)
            || !amzDate.StartsWith(scope[1], StringComparison.Ordinal))
            return (403, "AccessDenied", "The request's date is missing or does not match its credential scope.");
        if ((DateTimeOffset.UtcNow - signedAt).Duration() > TimeSpan.FromMinutes(15))
            return (403, "RequestTimeTooSkewed", "The difference between the request time and the current time is too large.");

        var headerNames = signedHeaders.Split(';');
        if (!headerNames.Contains("host") || !headerNames.Contains("x-amz-date") || !headerNames.Contains("x-amz-content-sha256"))
            return (403, "AccessDenied", "host, x-amz-date and x-amz-content-sha256 must be signed.");
        var target = http.Features.Get<IHttpRequestFeature>()!.RawTarget;
        var queryAt = target.IndexOf('?', StringComparison.Ordinal);
        var canonicalUri = queryAt < 0 ? target : target[..queryAt];
        var canonicalQuery = queryAt < 0 ? "" : string.Join('&', target[(queryAt + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .Select(p => (Name: Encode(Uri.UnescapeDataString(p[0])), Value: Encode(Uri.UnescapeDataString(p.Length == 2 ? p[1] : ""))))
            .OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal)
            .Select(p => $"{p.Name}={p.Value}"));
        var canonicalHeaders = string.Concat(headerNames.Select(name =>
            $"{name}:{string.Join(',', request.Headers[name].Select(v => string.Join(' ', (v ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries))))}\n"));
        var canonicalRequest = $"{request.Method}\n{canonicalUri}\n{canonicalQuery}\n{canonicalHeaders}\n{signedHeaders}\n{payloadHash}";
        var stringToSign = $"AWS4-HMAC-SHA256\n{amzDate}\n{string.Join('/', scope[1..])}\n{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)))}";
        var signingKey = new[] { scope[1], scope[2], scope[3], scope[4] }
            .Aggregate(Encoding.UTF8.GetBytes("AWS4" + SecretKey), (k, part) => HMACSHA256.HashData(k, Encoding.UTF8.GetBytes(part)));
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(signingKey, Encoding.UTF8.GetBytes(stringToSign)));
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(signature)) ? null
            : (403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your key and signing method.");
    }

    /// <summary>RFC 3986 encoding as Signature Version 4 wants it (unreserved characters kept, the rest %XX in upper case).</summary>
    private static string Encode(string value) => Uri.EscapeDataString(value);

    private static async Task<int> ErrorAsync(HttpContext http, int status, string code, string message, string key)
    {
        http.Response.StatusCode = status;
        if (http.Request.Method == "HEAD") return status;
        http.Response.ContentType = "application/xml";
        var error = new XDocument(new XDeclaration("1.0", "UTF-8", null), new XElement("Error",
            new XElement("Code", code), new XElement("Message", message), new XElement("Key", key),
            new XElement("RequestId", http.Response.Headers["x-amz-request-id"].ToString())));
        await http.Response.WriteAsync(error.Declaration + error.ToString(SaveOptions.DisableFormatting));
        return status;
    }
}
