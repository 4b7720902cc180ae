using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Storefront.Cart.Contracts;
using Storefront.Cart.Storage;

namespace Storefront.Cart;

/// <summary>
/// Writes changed carts from Redis to PostgreSQL every <see cref="CartOptions.WriteBehindInterval"/>.
/// Any number of instances may run it: the durable copy only ever moves to a newer version, and a
/// cart leaves the dirty set only if nothing changed after the version that was written.
/// </summary>
internal sealed partial class CartWriteBehind(IServiceScopeFactory scopes, IOptions<CartOptions> options, ILogger<CartWriteBehind> logger)
    : BackgroundService
{
    private const int Batch = 500;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.WriteBehindEnabled) return;
        using var timer = new PeriodicTimer(options.Value.WriteBehindInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await FlushDirtyAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(ex);
            }
        }
    }

    /// <summary>One pass: writes every cart that is dirty now; returns how many were written.</summary>
    public async Task<int> FlushDirtyAsync(CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        var live = scope.ServiceProvider.GetRequiredService<RedisCartStore>();
        var carts = scope.ServiceProvider.GetRequiredService<ICarts>();
        var written = 0;
        var seen = new HashSet<Guid>();
        while (!ct.IsCancellationRequested)
        {
            var dirty = await live.DirtyAsync(Batch);
            var fresh = dirty.Where(seen.Add).ToList();
            if (fresh.Count == 0) break;
            foreach (var id in fresh)
            {
                await carts.FlushAsync(id, ct);
                written++;
            }
            if (dirty.Count < Batch) break;
        }
        return written;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Writing carts to PostgreSQL failed; the next pass retries them")]
    private partial void LogFailed(Exception exception);
}
