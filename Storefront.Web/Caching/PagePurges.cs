using System.Net.Http.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace Storefront.Web.Caching;

/// <summary>
/// Tells a CDN which pages to drop: the tags this instance evicted are POSTed to
/// <see cref="PageCacheOptions.PurgeUrl"/> as <c>{"tags": [...]}</c>, up to 100 per request, in the
/// background (a slow or failing CDN never holds up the store; a failure is logged and the CDN's
/// copies expire after <c>s-maxage</c> anyway). Only the instance whose consumer saw the change
/// purges: with the in-memory store every instance evicts, so each purges its own share of the
/// same tags, which a purge-by-tag API takes as the same request.
/// </summary>
internal sealed partial class PagePurges(IHttpClientFactory http, IOptionsMonitor<PageCacheOptions> options, ILogger<PagePurges> logger) : BackgroundService
{
    public const string Client = "page-purges";
    private const int PerRequest = 100;
    private readonly Channel<IReadOnlyList<string>> _pending = Channel.CreateBounded<IReadOnlyList<string>>(
        new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    /// <summary>Queues a purge of these tags, when a purge address is configured.</summary>
    public void Evicted(IReadOnlyList<string> tags)
    {
        if (options.CurrentValue.PurgeUrl is null || tags.Count == 0) return;
        _pending.Writer.TryWrite(tags);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var first in _pending.Reader.ReadAllAsync(stoppingToken))
        {
            var tags = new HashSet<string>(first, StringComparer.Ordinal);
            while (tags.Count < PerRequest && _pending.Reader.TryRead(out var more)) tags.UnionWith(more);
            foreach (var chunk in tags.Chunk(PerRequest)) await PurgeAsync(chunk, stoppingToken);
        }
    }

    private async Task PurgeAsync(string[] tags, CancellationToken ct)
    {
        var settings = options.CurrentValue;
        if (settings.PurgeUrl is not { } url) return;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(new { tags }) };
            if (!string.IsNullOrEmpty(settings.PurgeAuthorization)) request.Headers.TryAddWithoutValidation("Authorization", settings.PurgeAuthorization);
            using var response = await http.CreateClient(Client).SendAsync(request, ct);
            if (!response.IsSuccessStatusCode) LogPurgeRefused((int)response.StatusCode, tags.Length);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            LogPurgeFailed(ex, tags.Length);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The CDN purge address answered {Status} for {Count} tags; its copies expire after s-maxage")]
    private partial void LogPurgeRefused(int status, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The CDN purge address could not be reached for {Count} tags; its copies expire after s-maxage")]
    private partial void LogPurgeFailed(Exception exception, int count);
}
