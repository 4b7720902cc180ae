using Microsoft.EntityFrameworkCore;
using Npgsql;
using Storefront.BuildingBlocks;
using Storefront.BuildingBlocks.Outbox;
using Storefront.BuildingBlocks.Outcomes;
using Storefront.Checkout.Contracts;
using Storefront.Checkout.Data;
using Storefront.Inventory.Contracts;

namespace Storefront.Checkout.Orders;

/// <summary>
/// What merchants do with orders, every move through the order's state machine (<see cref="Order.MoveTo"/>).
/// A change is saved first, conditional on the order's row version, and only the request whose save
/// went through goes on to the side effects (refund, restock, e-mails); those are keyed so that a
/// retry repeats none of them.
/// </summary>
internal sealed class OrderAdmin(CheckoutDbContext db, IPaymentGateway gateway, IPricesAndStock stock, TimeProvider clock) : IOrderAdmin
{
    private static readonly OrderChangeResult Raced = OrderChangeResult.Refused(CheckoutProblems.OrderChangedMeanwhile);
    private static readonly OrderChangeResult NoSuchOrder = OrderChangeResult.Refused(CheckoutProblems.NoSuchOrder);

    public async Task<AdminOrderPage> ListAsync(AdminOrderQuery q, CancellationToken ct)
    {
        var orders = Filtered(q);
        var size = Math.Clamp(q.PageSize, 1, 100);
        var total = await orders.LongCountAsync(ct);
        var page = Paging.Within(q.Page, size, total);
        var rows = await orders.OrderByDescending(o => o.PlacedAt).ThenByDescending(o => o.Id).Skip((page - 1) * size).Take(size)
            .Select(o => new AdminOrderRow(o.Number, o.Email, o.Status, new Money(o.Total, o.Currency), o.Lines.Sum(l => l.Quantity), o.PlacedAt, o.RefundState))
            .ToListAsync(ct);
        return new AdminOrderPage(rows, page, size, total);
    }

    public IAsyncEnumerable<AdminOrderExportRow> ExportAsync(AdminOrderQuery q) =>
        Filtered(q).OrderByDescending(o => o.PlacedAt).ThenByDescending(o => o.Id)
            .Select(o => new AdminOrderExportRow(o.Number, o.PlacedAt, o.Email, o.Status, o.RefundState, o.Lines.Sum(l => l.Quantity),
                o.Subtotal, o.ShippingCost, o.Tax, o.Total, o.Refunded, o.Currency, o.ShippingMethod, o.Carrier, o.TrackingNumber)
            {
                DiscountCode = o.DiscountCode, Discount = o.Discount,
                InvoiceNumber = db.Invoices.Where(i => i.OrderId == o.Id).Select(i => i.Number).FirstOrDefault(),
            })
            .AsAsyncEnumerable();

    /// <summary>The orders a merchant's query matches (its page aside).</summary>
    private IQueryable<Order> Filtered(AdminOrderQuery q)
    {
        var orders = db.Orders.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(q.Status)) orders = orders.Where(o => o.Status == q.Status);
        if (!string.IsNullOrWhiteSpace(q.RefundState)) orders = orders.Where(o => o.RefundState == q.RefundState);
        if (q.From is { } from) orders = orders.Where(o => o.PlacedAt >= new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));
        if (q.To is { } to) orders = orders.Where(o => o.PlacedAt < new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));
        if (!string.IsNullOrWhiteSpace(q.Customer))
        {
            var pattern = "%" + q.Customer.Trim().Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";
            orders = orders.Where(o => EF.Functions.ILike(o.Email, pattern) || EF.Functions.ILike(o.Number, pattern));
        }
        if (q.MinTotal is { } min) orders = orders.Where(o => o.Total >= min);
        if (q.MaxTotal is { } max) orders = orders.Where(o => o.Total <= max);
        if (!string.IsNullOrWhiteSpace(q.DiscountCode))
        {
            var code = DiscountCodeText.Normalize(q.DiscountCode);
            orders = orders.Where(o => o.DiscountCode == code);
        }
        // What CancelAsync finishes when asked again (OrderActions.CancellationUnfinished).
        if (q.Unfinished)
            orders = orders.Where(o => o.Status == OrderStatus.Cancelled
                && (o.RestockPending || db.OrderRefunds.Any(r => r.OrderId == o.Id && r.Status == OrderRefund.Pending)));
        return orders;
    }

    public async Task<IReadOnlyList<SalesFigures>> SalesSinceAsync(DateTimeOffset since, CancellationToken ct)
    {
        var rows = await db.Orders.AsNoTracking().Where(o => o.PlacedAt >= since)
            .GroupBy(o => o.Currency)
            .Select(g => new
            {
                Currency = g.Key,
                Orders = g.Count(o => o.Status != OrderStatus.Cancelled),
                Gross = g.Where(o => o.Status != OrderStatus.Cancelled).Sum(o => o.Total),
                Refunded = g.Where(o => o.Status != OrderStatus.Cancelled).Sum(o => o.Refunded),
                Cancelled = g.Count(o => o.Status == OrderStatus.Cancelled),
            })
            .ToListAsync(ct);
        return rows.Select(r => new SalesFigures(r.Currency.Trim(), r.Orders, r.Gross, r.Refunded, r.Cancelled))
            .OrderByDescending(f => f.Orders).ThenBy(f => f.Currency, StringComparer.Ordinal).ToList();
    }

    public async Task<IReadOnlyList<DailySales>> SalesByDayAsync(DateOnly from, DateOnly to, CancellationToken ct)
    {
        if (Period(from, to) is not var (start, end)) return [];
        var rows = new List<DailySales>();
        await foreach (var r in ReadAsync("""
            SELECT (placed_at AT TIME ZONE 'UTC')::date AS day, currency,
                   count(*) FILTER (WHERE status <> @cancelled),
                   coalesce(sum(total) FILTER (WHERE status <> @cancelled), 0),
                   coalesce(sum(refunded) FILTER (WHERE status <> @cancelled), 0),
                   count(*) FILTER (WHERE status = @cancelled)
            FROM checkout.orders WHERE placed_at >= @start AND placed_at < @end
            GROUP BY 1, 2 ORDER BY 1, 2
            """, start, end, ct))
        {
            rows.Add(new DailySales(DateOnly.FromDateTime(r.GetDateTime(0)),
                new SalesFigures(r.GetString(1).Trim(), (int)r.GetInt64(2), r.GetDecimal(3), r.GetDecimal(4), (int)r.GetInt64(5))));
        }
        return rows;
    }

    public async Task<IReadOnlyList<ProductSales>> TopProductsAsync(DateOnly from, DateOnly to, int count, CancellationToken ct)
    {
        if (Period(from, to) is not var (start, end)) return [];
        var rows = new List<ProductSales>();
        await foreach (var r in ReadAsync($"""
            SELECT l.sku, max(l.title), o.currency, sum(l.quantity), sum(l.unit_price * l.quantity) AS sales
            FROM checkout.orders o JOIN checkout.order_lines l ON l.order_id = o.id
            WHERE o.placed_at >= @start AND o.placed_at < @end AND o.status <> @cancelled
            GROUP BY l.sku, o.currency ORDER BY sales DESC, l.sku LIMIT {Math.Clamp(count, 1, 100)}
            """, start, end, ct))
        {
            rows.Add(new ProductSales(r.GetString(0), r.GetString(1), r.GetString(2).Trim(), (int)r.GetInt64(3), r.GetDecimal(4)));
        }
        return rows;
    }

    /// <summary>The instants a period of whole UTC days runs between, or null for an empty or too long one.</summary>
    private static (DateTimeOffset Start, DateTimeOffset End)? Period(DateOnly from, DateOnly to) =>
        to < from || to.DayNumber - from.DayNumber + 1 > SalesReport.MaxDays
            ? null
            : (new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));

    private async IAsyncEnumerable<NpgsqlDataReader> ReadAsync(string sql, DateTimeOffset start, DateTimeOffset end,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(db.Database.GetConnectionString());
        await connection.OpenAsync(ct);
#pragma warning disable CA2100 // the only value spliced into the text is a clamped number
        await using var command = new NpgsqlCommand(sql, connection);
#pragma warning restore CA2100
        command.Parameters.Add(new("start", start));
        command.Parameters.Add(new("end", end));
        command.Parameters.Add(new("cancelled", OrderStatus.Cancelled));
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) yield return reader;
    }

    public async Task<OrderView?> GetAsync(string number, CancellationToken ct)
    {
        if (OrderQueries.Normalize(number) is not { } normalized) return null;
        var order = await db.Orders.AsNoTracking().Include(o => o.Lines).Include(o => o.History).FirstOrDefaultAsync(o => o.Number == normalized, ct);
        return order is null ? null : OrderQueries.View(order, await PendingRefundsAsync(order.Id, ct), withActors: true);
    }

    public async Task<OrderChangeResult> MoveAsync(string number, string status, string? carrier, string? trackingNumber, string actor, CancellationToken ct)
    {
        if (await LoadAsync(number, ct) is not { } order) return NoSuchOrder;
        if (status == OrderStatus.Cancelled) return OrderChangeResult.Refused(CheckoutProblems.CancelThroughCancel);
        Problem? note = null;
        if (status == OrderStatus.Shipped && OrderStatus.CanMove(order.Status, status))
        {
            if (string.IsNullOrWhiteSpace(carrier) || carrier.Length > 60) return new(false, Problem.Of(CheckoutProblems.CarrierRequired), "Carrier");
            if (string.IsNullOrWhiteSpace(trackingNumber) || trackingNumber.Length > 60) return new(false, Problem.Of(CheckoutProblems.TrackingNumberRequired), "TrackingNumber");
            (order.Carrier, order.TrackingNumber) = (carrier.Trim(), trackingNumber.Trim());
            note = Problem.Of(CheckoutProblems.NoteShipped, ("carrier", order.Carrier), ("trackingNumber", order.TrackingNumber));
        }
        var now = clock.GetUtcNow();
        if (order.MoveTo(status, now, actor, note) is { } refused) return new(false, refused);
        Publish(order, status, order.History[^1].Note, now);
        return await SaveAsync(ct) ? OrderChangeResult.Done(CheckoutProblems.OrderMoved, ("number", order.Number), ("status", status)) : Raced;
    }

    public Task<OrderChangeResult> CancelAsync(string number, string actor, CancellationToken ct) => CancelAsync(number, actor, onlyBeforePacking: false, ct);

    /// <summary>
    /// Cancels the order, refunds what is left and restocks its lines. <paramref name="onlyBeforePacking"/>
    /// (the shopper's own cancellation): only while it is Paid; a merchant packing it at the same
    /// moment wins or loses on the row version, never both.
    /// </summary>
    internal async Task<OrderChangeResult> CancelAsync(string number, string actor, bool onlyBeforePacking, CancellationToken ct)
    {
        if (await LoadAsync(number, ct) is not { } order) return NoSuchOrder;
        var now = clock.GetUtcNow();
        if (order.Status != OrderStatus.Cancelled)
        {
            if (onlyBeforePacking && order.Status != OrderStatus.Paid)
                return OrderChangeResult.Refused(CheckoutProblems.TooLateToCancel, ("status", order.Status));
            if (order.MoveTo(OrderStatus.Cancelled, now, actor) is { } refused) return new(false, refused);
            // The rest of what is left to refund is reserved with the cancellation itself, so a
            // refund asked for meanwhile cannot take it too.
            var pending = await PendingRefundsAsync(order.Id, ct);
            if (order.Refundable(pending) is > 0 and var left)
                db.OrderRefunds.Add(new OrderRefund { Id = CancellationRefundId(order), OrderId = order.Id, Amount = left, Actor = actor, CreatedAt = now });
            Publish(order, OrderStatus.Cancelled, null, now);
            // Only the one request whose cancellation is saved goes on to refund and restock.
            if (!await SaveAsync(ct)) return Raced;
        }
        else if (!order.RestockPending && !await db.OrderRefunds.AnyAsync(r => r.OrderId == order.Id && r.Status == OrderRefund.Pending, ct))
        {
            return OrderChangeResult.Refused(CheckoutProblems.AlreadyCancelled, ("number", order.Number));
        }
        return await SettleCancellationAsync(order, actor, ct);
    }

    /// <summary>The side effects of a cancellation, each keyed so that finishing twice does each once.</summary>
    private async Task<OrderChangeResult> SettleCancellationAsync(Order order, string actor, CancellationToken ct)
    {
        Money? refunded = null;
        if (await db.OrderRefunds.AsNoTracking().FirstOrDefaultAsync(r => r.Id == CancellationRefundId(order) && r.Status == OrderRefund.Pending, ct) is { } refund)
        {
            var outcome = await CompleteRefundAsync(order.Id, refund.Id, actor, ct, retryable: true);
            if (!outcome.Succeeded)
                return OrderChangeResult.Refused(CheckoutProblems.CancelledRefundFailed, ("number", order.Number), ("problem", outcome.Outcome));
            refunded = new Money(refund.Amount, order.Currency);
        }
        if (order.RestockPending)
        {
            foreach (var line in order.Lines)
            {
                var restocked = await stock.AdjustOnHandAsync(line.Sku, line.Quantity,
                    new StockChangeContext(actor, "Order cancelled", order.Number, OncePerReference: true), ct);
                if (!restocked.Succeeded && restocked.Outcome != StockChangeOutcome.UnknownSku)
                    return OrderChangeResult.Refused(CheckoutProblems.CancelledRestockFailed, ("number", order.Number), ("sku", line.Sku),
                        ("problem", (object?)restocked.Problem ?? restocked.Outcome.ToString()));
            }
            // Another request finishing the same cancellation at once is harmless: each restock happened once.
            for (var attempt = 0; attempt < 5; attempt++)
            {
                db.ChangeTracker.Clear();
                var fresh = await db.Orders.FirstAsync(o => o.Id == order.Id, ct);
                if (!fresh.RestockPending) break;
                fresh.RestockPending = false;
                if (await SaveAsync(ct)) break;
            }
        }
        return refunded is { } amount
            ? OrderChangeResult.Done(CheckoutProblems.CancelledAndRefunded, ("number", order.Number), ("amount", amount))
            : OrderChangeResult.Done(CheckoutProblems.Cancelled, ("number", order.Number));
    }

    public async Task<OrderChangeResult> RefundAsync(string number, Guid requestId, decimal amount, string actor, CancellationToken ct)
    {
        if (requestId == Guid.Empty) return OrderChangeResult.Refused(CheckoutProblems.RefundFormExpired);
        if (await LoadAsync(number, ct) is not { } order) return NoSuchOrder;
        if (await db.OrderRefunds.AsNoTracking().FirstOrDefaultAsync(r => r.Id == requestId, ct) is { } earlier)
        {
            // The same request again (a double click, a retry): it refunds once.
            if (earlier.OrderId != order.Id) return OrderChangeResult.Refused(CheckoutProblems.RefundFormOfOtherOrder);
            return earlier.Status == OrderRefund.Pending
                ? await CompleteRefundAsync(order.Id, requestId, actor, ct)
                : earlier.Status == OrderRefund.Succeeded
                    ? OrderChangeResult.Done(CheckoutProblems.Refunded, ("amount", new Money(earlier.Amount, order.Currency)))
                    : OrderChangeResult.Refused(CheckoutProblems.RefundFailed, ("reason", ReasonOf(earlier)));
        }
        if (amount <= 0 || decimal.Round(amount, 2) != amount) return new(false, Problem.Of(CheckoutProblems.RefundAmountInvalid), "Amount");
        if (order.PaymentId is null) return OrderChangeResult.Refused(CheckoutProblems.NoPaymentToRefund);
        var left = order.Refundable(await PendingRefundsAsync(order.Id, ct));
        if (amount > left)
            return new(false, left == 0 ? Problem.Of(CheckoutProblems.NothingLeftToRefund)
                : Problem.Of(CheckoutProblems.RefundAtMost, ("left", new Money(left, order.Currency))), "Amount");
        // Written as pending, with the order's version checked, before the provider is called: of two
        // refunds at once only one can take what is left.
        var now = clock.GetUtcNow();
        order.UpdatedAt = now;
        db.OrderRefunds.Add(new OrderRefund { Id = requestId, OrderId = order.Id, Amount = amount, Actor = actor, CreatedAt = now });
        if (!await SaveAsync(ct))
        {
            // The same request saved first (a double click) goes on by itself; anything else raced us.
            return await db.OrderRefunds.AsNoTracking().AnyAsync(r => r.Id == requestId, ct)
                ? OrderChangeResult.Done(CheckoutProblems.RefundUnderWay)
                : Raced;
        }
        return await CompleteRefundAsync(order.Id, requestId, actor, ct);
    }

    /// <summary>Sends a pending refund to the provider (its key is the refund's id) and books the answer on the order.</summary>
    /// <param name="retryable">A cancellation's refund stays pending when the provider refuses it, so "Finish the cancellation" can send it again.</param>
    private async Task<OrderChangeResult> CompleteRefundAsync(Guid orderId, Guid refundId, string actor, CancellationToken ct, bool retryable = false)
    {
        db.ChangeTracker.Clear();
        var order = await db.Orders.AsNoTracking().FirstAsync(o => o.Id == orderId, ct);
        var pending = await db.OrderRefunds.AsNoTracking().FirstAsync(r => r.Id == refundId, ct);
        var result = await gateway.RefundAsync(new RefundRequest($"refund-{refundId:N}", order.PaymentId!, new Money(pending.Amount, order.Currency)), ct);
        // Booked with a retry: a concurrent change of the order (another refund starting) must not lose
        // this one. A success always wins: a request repeated at the same moment may be told "failed"
        // by the provider (its twin still in flight) and must not undo the refund its twin made.
        for (var attempt = 0; ; attempt++)
        {
            db.ChangeTracker.Clear();
            // The order first, then its refund: a twin that books between the two reads leaves this
            // read of the order stale, so its save fails and the next pass sees the refund booked.
            var fresh = await db.Orders.FirstAsync(o => o.Id == orderId, ct);
            var refund = await db.OrderRefunds.FirstAsync(r => r.Id == refundId, ct);
            if (refund.Status == OrderRefund.Succeeded || (!result.Succeeded && (retryable || refund.Status != OrderRefund.Pending))) break;
            var now = clock.GetUtcNow();
            if (result.Succeeded)
            {
                (refund.Status, refund.RefundId, refund.Message) = (OrderRefund.Succeeded, result.RefundId, null);
                fresh.Refund(refund.Amount, now, actor);
                Publish(fresh, fresh.History[^1].Status, fresh.History[^1].Note, now);
            }
            else
            {
                (refund.Status, refund.Message) = (OrderRefund.Failed, Stored(result.Problem));
            }
            if (await SaveAsync(ct)) break;
            if (attempt >= 5) throw new DbUpdateConcurrencyException($"The refund {refundId} could not be booked on order {orderId}.");
        }
        var booked = await db.OrderRefunds.AsNoTracking().FirstAsync(r => r.Id == refundId, ct);
        return booked.Status == OrderRefund.Succeeded
            ? OrderChangeResult.Done(CheckoutProblems.Refunded, ("amount", new Money(pending.Amount, order.Currency)))
            : OrderChangeResult.Refused(CheckoutProblems.RefundFailed, ("reason", result.Succeeded ? ReasonOf(booked) : result.Problem ?? ReasonOf(booked)));
    }

    private static Guid CancellationRefundId(Order order) => order.Id;

    /// <summary>Why a refund failed, as kept with it (300 characters): a provider's long text is cut short, never the code.</summary>
    private static string? Stored(Problem? problem)
    {
        if (problem is null) return null;
        var json = ProblemJson.Write(problem);
        if (json.Length <= 300) return json;
        var shortened = problem.Args.ToDictionary(a => a.Key, a => a.Value is string { Length: > 120 } s ? (object?)s[..120] : a.Value);
        return ProblemJson.Write(problem with { Args = shortened });
    }

    /// <summary>A refund's stored reason; a row from before reasons were problems holds the words themselves.</summary>
    private static Problem? ReasonOf(OrderRefund refund) =>
        refund.Message is null ? null : ProblemJson.Read(refund.Message) ?? Problem.Of(CheckoutProblems.AsWritten, ("text", refund.Message));

    private Task<decimal> PendingRefundsAsync(Guid orderId, CancellationToken ct) =>
        db.OrderRefunds.Where(r => r.OrderId == orderId && r.Status == OrderRefund.Pending).SumAsync(r => r.Amount, ct);

    private Task<Order?> LoadAsync(string number, CancellationToken ct)
    {
        if (OrderQueries.Normalize(number) is not { } normalized) return Task.FromResult<Order?>(null);
        db.ChangeTracker.Clear();
        return db.Orders.Include(o => o.Lines).FirstOrDefaultAsync(o => o.Number == normalized, ct);
    }

    /// <summary>The customer's e-mail goes out through the outbox, in the transaction of the change.</summary>
    private void Publish(Order order, string status, string? note, DateTimeOffset now) =>
        db.AddIntegrationEvent(new OrderStatusChangedEvent(order.Id, order.Number, order.Email, status, note, now), now);

    /// <summary>
    /// Saves, unless the order (or its refund) changed since it was read, or another request wrote the
    /// same refund first (or booked it, so that this one would refund more than was paid — the
    /// database's check refuses that); then nothing is saved and false is returned.
    /// </summary>
    private async Task<bool> SaveAsync(CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (Exception ex) when (ex is DbUpdateConcurrencyException
            || ex is DbUpdateException { InnerException: PostgresException { SqlState: PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.CheckViolation } })
        {
            db.ChangeTracker.Clear();
            return false;
        }
    }
}
