using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Storefront.FlashSale.Selling;

/// <summary>
/// Tells every instance at once that a sale's units changed (the last one claimed, one given back,
/// a pause or an end), over Redis pub/sub: each instance then reads the sale's counts and settings
/// again, so the sold-out flag it answers from is set within milliseconds, not at its next refresh.
/// </summary>
internal sealed partial class SaleAnnouncements(IConnectionMultiplexer redis, ILogger<SaleAnnouncements> logger)
{
    public static readonly RedisChannel Channel = RedisChannel.Literal("storefront:flashsale:changed");

    public void Publish(Guid sale)
    {
        try
        {
            redis.GetSubscriber().Publish(Channel, sale.ToString("N"), CommandFlags.FireAndForget);
        }
        catch (RedisException ex)
        {
            // Every instance reads the counts again within a second anyway.
            LogNotAnnounced(ex, sale);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A change of flash sale {SaleId} could not be announced")]
    private partial void LogNotAnnounced(Exception exception, Guid saleId);
}
