using System.Globalization;
using Hangfire;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Storefront.BuildingBlocks;
using Storefront.BuildingBlocks.Email;
using Storefront.BuildingBlocks.Events;
using Storefront.BuildingBlocks.Links;
using Storefront.BuildingBlocks.Outbox;
using Storefront.Checkout.Contracts;
using Storefront.Web.Identity;
using Storefront.Web.Words;

namespace Storefront.Web.Shopping;

/// <summary>Who hears of new orders (section <c>Storefront:Notifications</c>).</summary>
public sealed class MerchantNotificationOptions
{
    /// <summary>An e-mail to the merchants for each order placed.</summary>
    public bool NewOrders { get; set; } = true;

    /// <summary>Where those e-mails go; when empty, to every merchant account with a confirmed address.</summary>
    public List<string> Recipients { get; set; } = [];

    /// <summary>
    /// At most this many order e-mails in an hour (a flash sale places hundreds in minutes): past
    /// it, one e-mail says that more are coming in than are mailed, and the orders page has them all.
    /// </summary>
    public int MaxPerHour { get; set; } = 30;

    /// <summary>A daily e-mail naming the products that are out of stock or running low.</summary>
    public bool LowStock { get; set; } = true;

    /// <summary>When it is sent (cron, UTC).</summary>
    public string LowStockCron { get; set; } = "0 7 * * *";
}

/// <summary>
/// The addresses merchant e-mails go to: those configured, else every staff account with a
/// confirmed address whose role covers the e-mail (new orders: owners and order staff; stock:
/// owners and catalog staff).
/// </summary>
public sealed class MerchantRecipients(UserManager<StoreUser> users, IOptions<MerchantNotificationOptions> options)
{
    public async Task<IReadOnlyList<string>> ListAsync(params string[] roles)
    {
        var configured = options.Value.Recipients;
        if (configured.Count > 0)
            return configured.Where(r => !string.IsNullOrWhiteSpace(r)).Select(r => r.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var accounts = new List<StoreUser>();
        foreach (var role in roles) accounts.AddRange(await users.GetUsersInRoleAsync(role));
        return accounts.Where(u => u.EmailConfirmed && !string.IsNullOrEmpty(u.Email))
            .Select(u => u.Email!).Distinct(StringComparer.OrdinalIgnoreCase).OrderBy(a => a, StringComparer.Ordinal).ToList();
    }
}

/// <summary>
/// "New order" e-mails to the merchants, from Checkout's event (so only for orders that happened,
/// whichever request, recovery pass or sale completed them): what was bought, the total, where it
/// goes, and a link to the order in the admin area. Also "Return asked for", when a customer asks to
/// return products (with <see cref="MerchantNotificationOptions.NewOrders"/>, to the same people:
/// returns are the order staff's work too).
/// </summary>
public sealed partial class MerchantOrderNotices(IEmailSender email, IOrders orders, IReturns returns, MerchantRecipients merchants, IStoreLinks links,
    ShopLinks pages, OutcomeText words, IOptions<MerchantNotificationOptions> options, TimeProvider clock, MerchantOrderNotices.Window window,
    ILogger<MerchantOrderNotices> logger) : IIntegrationEventHandler<OrderPlacedEvent>, IIntegrationEventHandler<ReturnChangedEvent>
{
    public async Task HandleAsync(ReturnChangedEvent integrationEvent, CancellationToken cancellationToken)
    {
        var e = integrationEvent;
        if (e.Status != ReturnStatus.Requested || !options.Value.NewOrders) return;
        var recipients = await merchants.ListAsync(Roles.Admin, Roles.Orders);
        if (recipients.Count == 0) return;
        var asked = (await returns.ForOrderAsync(e.OrderNumber, cancellationToken)).FirstOrDefault(r => r.Id == e.ReturnId);
        var amount = new Money(e.Amount, e.Currency);
        var lines = asked?.Lines.Select(l => words.Of("email.order-placed.line", ("quantity", l.Quantity), ("title", l.Title), ("sku", l.Sku),
            ("amount", new Money(l.UnitPrice.Amount * l.Quantity, l.UnitPrice.Currency)))) ?? [];
        var subject = words.Of("email.merchant-return.subject", ("number", e.Number), ("amount", amount));
        var text = words.Of("email.merchant-return.body", ("order", e.OrderNumber), ("number", e.Number), ("lines", string.Join("\n", lines)),
            ("reason", asked?.Reason ?? ""), ("amount", amount), ("customer", e.Email), ("returnsUrl", links.Absolute(pages.AdminReturns())));
        foreach (var to in recipients) await email.SendAsync(new EmailMessage(to, subject, text), cancellationToken);
    }

    public const string ConsumerName = "web.merchant-order-notices";

    /// <summary>The e-mails sent in the last hour, kept by the instance that delivers this consumer's events.</summary>
    public sealed class Window
    {
        internal readonly Queue<DateTimeOffset> Sent = new();
        internal bool Held;
        internal readonly Lock Gate = new();
    }

    public async Task HandleAsync(OrderPlacedEvent integrationEvent, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!settings.NewOrders) return;
        var e = integrationEvent;
        var (send, holdNotice) = Admit(settings.MaxPerHour);
        if (!send && !holdNotice)
        {
            LogHeld(logger, e.OrderNumber);
            return;
        }
        var recipients = await merchants.ListAsync(Roles.Admin, Roles.Orders);
        if (recipients.Count == 0) return;
        var ordersUrl = links.Absolute(pages.AdminOrders());
        string subject, text;
        if (holdNotice)
        {
            subject = words.Of("email.merchant-order.held.subject");
            text = words.Of("email.merchant-order.held.body", ("max", settings.MaxPerHour), ("number", e.OrderNumber), ("ordersUrl", ordersUrl));
        }
        else
        {
            var order = await orders.GetAsync(e.OrderNumber, cancellationToken);
            var total = order?.Total ?? new Money(e.Total, e.Currency);
            var lines = order is not null
                ? order.Lines.Select(l => words.Of("email.order-placed.line", ("quantity", l.Quantity), ("title", l.Title), ("sku", l.Sku), ("amount", l.LineTotal)))
                : e.Lines.Select(l => words.Of("email.order-placed.line", ("quantity", l.Quantity), ("title", l.Sku), ("sku", l.Sku), ("amount", new Money(l.UnitPrice * l.Quantity, e.Currency))));
            var destination = order?.ShippingAddress is { } a ? $"{a.Name}, {a.City}, {a.Country}" : "";
            subject = words.Of("email.merchant-order.subject", ("number", e.OrderNumber), ("total", total));
            text = words.Of("email.merchant-order.body", ("number", e.OrderNumber),
                ("placedAt", e.PlacedAt.ToString("d MMMM yyyy, HH:mm 'UTC'", CultureInfo.InvariantCulture)), ("lines", string.Join("\n", lines)),
                ("total", total), ("customer", e.Email), ("destination", destination), ("orderUrl", links.Absolute(pages.AdminOrder(e.OrderNumber))));
        }
        foreach (var to in recipients) await email.SendAsync(new EmailMessage(to, subject, text), cancellationToken);
        // Counted once sent: a delivery retried while the mail server is away uses up nothing.
        Sent(holdNotice);
    }

    /// <summary>Whether this order is mailed, or (once, when the hour's limit is reached) the notice that the rest are not.</summary>
    private (bool Send, bool HoldNotice) Admit(int maxPerHour)
    {
        lock (window.Gate)
        {
            var now = clock.GetUtcNow();
            while (window.Sent.TryPeek(out var at) && now - at >= TimeSpan.FromHours(1)) window.Sent.Dequeue();
            if (window.Sent.Count < Math.Max(1, maxPerHour)) return (true, false);
            return (false, !window.Held);
        }
    }

    private void Sent(bool holdNotice)
    {
        lock (window.Gate)
        {
            if (holdNotice)
            {
                window.Held = true;
                return;
            }
            window.Held = false;
            window.Sent.Enqueue(clock.GetUtcNow());
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Order {Number} was not e-mailed to the merchants: the hour's limit of order e-mails is reached")]
    private static partial void LogHeld(ILogger logger, string number);
}

public static class MerchantNoticesRegistration
{
    public static IServiceCollection AddMerchantNotices(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MerchantNotificationOptions>().Bind(configuration.GetSection("Storefront:Notifications"))
            .Validate(o => o.MaxPerHour is >= 1 and <= 10_000, "Storefront:Notifications:MaxPerHour must be between 1 and 10000.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.LowStockCron), "Storefront:Notifications:LowStockCron must be a cron expression such as \"0 7 * * *\".")
            .ValidateOnStart();
        services.AddSingleton<MerchantOrderNotices.Window>();
        services.AddScoped<MerchantRecipients>();
        services.AddScoped<LowStockDigestJob>();
        return services.AddEventConsumer<MerchantOrderNotices>(MerchantOrderNotices.ConsumerName, ConsumerScope.OncePerCluster);
    }

    /// <summary>Schedules the daily low-stock e-mail (or removes it when turned off).</summary>
    public static void UseMerchantNoticeJobs(this IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<MerchantNotificationOptions>>().Value;
        var jobs = services.GetRequiredService<IRecurringJobManager>();
        if (options.LowStock) jobs.AddOrUpdate<LowStockDigestJob>(LowStockDigestJob.Id, job => job.RunAsync(CancellationToken.None), options.LowStockCron);
        else jobs.RemoveIfExists(LowStockDigestJob.Id);
    }
}
