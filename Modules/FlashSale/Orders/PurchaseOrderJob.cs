using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Storefront.BuildingBlocks.Outcomes;
using Storefront.Checkout.Contracts;
using Storefront.FlashSale.Contracts;
using Storefront.FlashSale.Data;
using Storefront.FlashSale.Sales;
using Storefront.FlashSale.Selling;

namespace Storefront.FlashSale.Orders;

/// <summary>
/// Hangfire job: turns a claimed unit into an order through the checkout saga (the same gateway,
/// the purchase id as the checkout's and the charge's idempotency key, the same order row and
/// e-mails), with the sale's price and the unit committed against the sale's quota in PostgreSQL.
/// Safe to run again at any point: a second run finds the checkout's outcome. A declined card gives
/// the unit back to the sale and reopens the shopper's window while it lasts.
/// </summary>
public sealed class PurchaseOrderJob(IServiceScopeFactory scopes)
{
    public async Task RunAsync(Guid purchaseId, CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        await scope.ServiceProvider.GetRequiredService<PurchaseOrders>().RunAsync(purchaseId, cancellationToken);
    }
}

/// <summary>Hangfire job "flashsale:recover-purchases": runs purchases whose order job never finished.</summary>
public sealed class RecoverPurchasesJob(IServiceScopeFactory scopes)
{
    public const string Id = "flashsale:recover-purchases";

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<PurchaseOrders>().RecoverAsync(cancellationToken);
    }
}

internal sealed partial class PurchaseOrders(
    FlashSaleDbContext db,
    ICheckout checkout,
    SaleDirectory directory,
    SaleRoomStore room,
    SaleAnnouncements announcements,
    IDataProtectionProvider protection,
    IServiceScopeFactory scopes,
    TimeProvider clock,
    Microsoft.Extensions.Options.IOptions<FlashSaleOptions> options,
    ILogger<PurchaseOrders> logger)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task RunAsync(Guid purchaseId, CancellationToken ct)
    {
        var purchase = await db.Purchases.FirstOrDefaultAsync(p => p.Id == purchaseId, ct);
        if (purchase is null) return;
        if (purchase.State == PurchaseStates.Processing) await OrderAsync(purchase, ct);
        if (purchase.State != PurchaseStates.Processing && !purchase.Settled) await SettleAsync(purchase);
    }

    private async Task OrderAsync(Purchase purchase, CancellationToken ct)
    {
        var sale = await db.Sales.AsNoTracking().FirstAsync(s => s.Id == purchase.SaleId, ct);
        var product = (await directory.FindAsync(sale.Id, ct))?.Product;
        string payment;
        try
        {
            payment = purchase.Payment is null ? "" : protection.CreateProtector(FlashSaleRoom.PaymentPurpose).ToTimeLimitedDataProtector().Unprotect(purchase.Payment);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            // Expired or unreadable: a checkout that already charged still has its outcome; a new one cannot charge.
            payment = "";
        }
        purchase.Attempts++;
        var result = await checkout.OutcomeAsync(purchase.Id, ct) ?? await checkout.PlaceReservedOrderAsync(new ReservedOrderRequest(
            purchase.Id, SaleQuota.SourceName, purchase.Id.ToString("N"), purchase.UserId, purchase.Email,
            JsonSerializer.Deserialize<Address>(purchase.ShippingAddress, Json)!, purchase.ShippingMethod, payment,
            [new ReservedLine(sale.Sku, product?.Title ?? sale.Sku, new BuildingBlocks.Money(sale.Price, sale.Currency), 1, product?.WeightKg)]), ct);
        var now = clock.GetUtcNow();
        switch (result.Outcome)
        {
            case CheckoutOutcome.Completed:
                (purchase.State, purchase.OrderNumber) = (PurchaseStates.Ordered, result.OrderNumber);
                break;
            case CheckoutOutcome.InProgress:
                // The charge's answer is not known yet; the checkout's recovery settles it and this job asks again.
                purchase.UpdatedAt = now;
                await db.SaveChangesAsync(CancellationToken.None);
                throw new PurchaseNotSettledException(purchase.Id);
            case CheckoutOutcome.PaymentDeclined:
                purchase.State = PurchaseStates.Declined;
                break;
            default:
                purchase.State = PurchaseStates.Failed;
                break;
        }
        var problem = result.Problem ?? result.FieldErrors?.Values.FirstOrDefault() ?? (result.Problems.Count > 0 ? result.Problems[0] : null);
        purchase.Problem = purchase.State == PurchaseStates.Ordered || problem is null ? null : ProblemJson.Write(problem);
        (purchase.Payment, purchase.UpdatedAt) = (null, now);
        await db.SaveChangesAsync(CancellationToken.None);
        LogOrdered(purchase.Id, purchase.State, purchase.OrderNumber);
    }

    /// <summary>Tells Redis how the purchase ended: the unit sold, or back to the sale.</summary>
    private async Task SettleAsync(Purchase purchase)
    {
        var now = clock.GetUtcNow();
        if (purchase.State == PurchaseStates.Ordered)
            await room.FinalizeAsync(purchase.SaleId, purchase.Id);
        else if (purchase.Committed)
        {
            // Not possible by the saga's rules (a failure after the commit gives the unit back first);
            // if it happens the unit stays counted as sold and the reconciliation shows it.
        }
        else if (ProblemJson.Read(purchase.Problem)?.Code is CheckoutProblems.SoldOutBeforeOrder)
        {
            // PostgreSQL had no unit for it (Redis counted more than the quota after a loss): there is
            // nothing to give back, and the claim is closed as not sold.
            await room.FinalizeAsync(purchase.SaleId, purchase.Id);
        }
        else
        {
            var declined = purchase.State == PurchaseStates.Declined;
            if (await room.ReleaseAsync(purchase.SaleId, purchase.Id, now, reopen: true, reason: declined ? "declined" : "failed"))
            {
                // This instance learns at once that the unit is back (and lets the next shopper in, as
                // an announcement does on every instance): its sold-out flag must not wait for pub/sub.
                if (directory.Known(purchase.SaleId) is { } live && await room.AdmitAsync(purchase.SaleId, now) is { } step) live.Update(step.Counts);
                announcements.Publish(purchase.SaleId);
            }
        }
        purchase.Settled = true;
        await db.SaveChangesAsync(CancellationToken.None);
    }

    /// <summary>
    /// Runs every purchase still being processed after the recovery delay (its job was lost with its
    /// process, or failed), and settles with Redis those that ended without telling it.
    /// </summary>
    public async Task<int> RecoverAsync(CancellationToken ct)
    {
        var before = clock.GetUtcNow() - options.Value.ClaimRecoveryAfter;
        var ids = await db.Purchases.AsNoTracking()
            .Where(p => (p.State == PurchaseStates.Processing && p.UpdatedAt < before) || (p.State != PurchaseStates.Processing && !p.Settled))
            .OrderBy(p => p.CreatedAt).Select(p => p.Id).Take(500).ToListAsync(ct);
        foreach (var id in ids)
        {
            using var scope = scopes.CreateScope();
            try
            {
                await scope.ServiceProvider.GetRequiredService<PurchaseOrders>().RunAsync(id, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogRecoveryFailed(ex, id);
            }
        }
        return ids.Count;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Purchase {PurchaseId}: {State} {OrderNumber}")]
    private partial void LogOrdered(Guid purchaseId, string state, string? orderNumber);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Purchase {PurchaseId} could not be recovered on this pass")]
    private partial void LogRecoveryFailed(Exception exception, Guid purchaseId);
}

/// <summary>The checkout of a purchase has not ended yet (its charge is unconfirmed): Hangfire runs the job again later.</summary>
public sealed class PurchaseNotSettledException(Guid purchaseId) : Exception($"The checkout of purchase {purchaseId} has not ended yet.");
