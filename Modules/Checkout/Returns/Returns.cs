using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Storefront.BuildingBlocks;
using Storefront.BuildingBlocks.Outbox;
using Storefront.BuildingBlocks.Outcomes;
using Storefront.Checkout.Contracts;
using Storefront.Checkout.Data;
using Storefront.Checkout.Orders;
using Storefront.Inventory.Contracts;

namespace Storefront.Checkout.Returns;

/// <summary>
/// Returns of shipped orders. A request is written with the order's row locked (<c>FOR UPDATE</c>), so
/// the quantities still returnable hold when the shopper presses twice or asks from two tabs. Each
/// merchant step locks the return's row and checks its state first; the refund moves it to
/// Refunding before the provider is called, so a decline cannot cross it, and goes through
/// <see cref="OrderAdmin.RefundAsync"/> with the return's id as its request id (one refund however
/// often it is pressed). Products go back in stock once per return and SKU (the stock ledger's
/// reference is the return's number).
/// </summary>
internal sealed class Returns(CheckoutDbContext db, OrderAdmin orders, IPricesAndStock stock, IOptions<ReturnOptions> options,
    TimeProvider clock) : IReturns
{
    public const int MaxReason = 500;
    public const int MaxNote = 500;
    /// <summary>A request like one the same person made this long ago is the same press again (a double click).</summary>
    private static readonly TimeSpan RepeatWindow = TimeSpan.FromMinutes(1);

    public async Task<ReturnableOrder?> ReturnableAsync(string orderNumber, CancellationToken ct)
    {
        var order = await LoadOrderAsync(orderNumber, ct);
        if (order is null) return null;
        var taken = await TakenAsync(order.Id, ct);
        return Returnable(order, taken);
    }

    private ReturnableOrder Returnable(Order order, IReadOnlyDictionary<string, int> taken)
    {
        var lines = order.Lines.OrderBy(l => l.Title, StringComparer.Ordinal)
            .Select(l => new ReturnableLine(l.Sku, l.Title, new Money(l.UnitPrice, order.Currency), l.Quantity,
                Math.Max(0, l.Quantity - taken.GetValueOrDefault(l.Sku))))
            .ToList();
        var o = options.Value;
        if (!o.Enabled) return new(order.Number, lines, null, Problem.Of(CheckoutProblems.ReturnsOff));
        if (order.Status is not (OrderStatus.Shipped or OrderStatus.Delivered))
            return new(order.Number, lines, null, Problem.Of(CheckoutProblems.ReturnNotShipped, ("status", order.Status)));
        // The window counts from delivery when the order was marked delivered, else from shipping.
        var from = order.History.Where(h => h.Status == OrderStatus.Delivered).Select(h => (DateTimeOffset?)h.At).Max()
            ?? order.History.Where(h => h.Status == OrderStatus.Shipped).Select(h => (DateTimeOffset?)h.At).Max()
            ?? order.UpdatedAt;
        var until = from.AddDays(Math.Max(0, o.Days));
        if (clock.GetUtcNow() > until)
            return new(order.Number, lines, until, Problem.Of(CheckoutProblems.ReturnWindowClosed, ("days", o.Days), ("until", until)));
        if (lines.All(l => l.Returnable == 0)) return new(order.Number, lines, until, Problem.Of(CheckoutProblems.ReturnNothingLeft));
        return new(order.Number, lines, until, null);
    }

    public async Task<OrderChangeResult> RequestAsync(string orderNumber, IReadOnlyDictionary<string, int> quantities, string reason, string actor,
        CancellationToken ct)
    {
        reason = (reason ?? "").Trim();
        var chosen = quantities.Where(q => q.Value > 0).ToDictionary(q => q.Key, q => q.Value, StringComparer.Ordinal);
        if (chosen.Count == 0) return new(false, Problem.Of(CheckoutProblems.ReturnNothingChosen), "Quantities");
        if (reason.Length == 0) return new(false, Problem.Of(CheckoutProblems.ReturnReasonRequired), "Reason");
        if (reason.Length > MaxReason) return new(false, Problem.Of(CheckoutProblems.ReturnReasonTooLong, ("max", MaxReason)), "Reason");

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var id = await db.Database.SqlQuery<Guid>($"SELECT id AS \"Value\" FROM checkout.orders WHERE number = {orderNumber} FOR UPDATE")
            .FirstOrDefaultAsync(ct);
        if (id == Guid.Empty || await LoadOrderAsync(orderNumber, ct) is not { } order) return OrderChangeResult.Refused(CheckoutProblems.NoSuchOrder);
        var earlier = await db.Returns.AsNoTracking().Where(r => r.OrderId == order.Id).ToListAsync(ct);
        var now = clock.GetUtcNow();
        // The same request again within a minute (a double click, a second tab): it was made once.
        if (earlier.FirstOrDefault(r => r.RequestedBy == actor && r.Reason == reason && now - r.CreatedAt < RepeatWindow
                && r.Lines.Count == chosen.Count && r.Lines.All(l => chosen.GetValueOrDefault(l.Sku) == l.Quantity)) is { } same)
            return OrderChangeResult.Done(CheckoutProblems.ReturnRequested, ("number", same.Number));

        var returnable = Returnable(order, Taken(earlier));
        if (returnable.Why is { } why) return new(false, why, "");
        var lines = new List<ReturnedLine>();
        foreach (var (sku, quantity) in chosen)
        {
            if (returnable.Lines.FirstOrDefault(l => l.Sku == sku) is not { } line)
                return new(false, Problem.Of(CheckoutProblems.ReturnNotInOrder), "Quantities");
            if (quantity > line.Returnable)
                return new(false, Problem.Of(CheckoutProblems.ReturnTooMany, ("title", line.Title), ("left", line.Returnable)), $"Quantities[{sku}]");
            lines.Add(new ReturnedLine { Sku = sku, Title = line.Title, Quantity = quantity, UnitPrice = line.UnitPrice.Amount });
        }

        var request = new ReturnRequest
        {
            Id = Guid.CreateVersion7(now), Number = $"{order.Number}-R{earlier.Count + 1}", OrderId = order.Id, OrderNumber = order.Number,
            Email = order.Email, Reason = reason, Lines = lines, Amount = PaidFor(order, lines), Currency = order.Currency,
            RequestedBy = actor, CreatedAt = now, UpdatedAt = now,
        };
        db.Returns.Add(request);
        Publish(request, now);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return OrderChangeResult.Done(CheckoutProblems.ReturnRequested, ("number", request.Number));
    }

    /// <summary>
    /// What the lines cost as the shopper paid: their prices scaled by what the goods came to after
    /// the discount and with tax (the order's total less shipping, over its subtotal).
    /// </summary>
    private static decimal PaidFor(Order order, IEnumerable<ReturnedLine> lines)
    {
        var goods = lines.Sum(l => l.UnitPrice * l.Quantity);
        if (order.Subtotal <= 0) return 0;
        var paidForGoods = Math.Max(0, order.Total - order.ShippingCost);
        return Math.Min(paidForGoods, decimal.Round(goods * paidForGoods / order.Subtotal, 2, MidpointRounding.AwayFromZero));
    }

    public async Task<IReadOnlyList<ReturnView>> ForOrderAsync(string orderNumber, CancellationToken ct) =>
        (await db.Returns.AsNoTracking().Where(r => r.OrderNumber == orderNumber).OrderBy(r => r.CreatedAt).ToListAsync(ct)).Select(View).ToList();

    public async Task<IReadOnlyList<ReturnView>> ListAsync(string? status, int take, CancellationToken ct)
    {
        var returns = db.Returns.AsNoTracking();
        returns = status is null ? returns.Where(r => ReturnStatus.Open.Contains(r.Status)) : returns.Where(r => r.Status == status);
        return (await returns.OrderByDescending(r => r.CreatedAt).Take(Math.Clamp(take, 1, 500)).ToListAsync(ct)).Select(View).ToList();
    }

    public Task<int> OpenCountAsync(CancellationToken ct) => db.Returns.CountAsync(r => ReturnStatus.Open.Contains(r.Status), ct);

    public Task<OrderChangeResult> ApproveAsync(Guid id, string actor, CancellationToken ct) =>
        DecideAsync(id, [ReturnStatus.Requested], ReturnStatus.Approved, null, actor, CheckoutProblems.ReturnApproved, ct);

    public Task<OrderChangeResult> DeclineAsync(Guid id, string note, string actor, CancellationToken ct)
    {
        note = (note ?? "").Trim();
        if (note.Length == 0) return Task.FromResult(new OrderChangeResult(false, Problem.Of(CheckoutProblems.ReturnNoteRequired), "Note"));
        if (note.Length > MaxNote) return Task.FromResult(new OrderChangeResult(false, Problem.Of(CheckoutProblems.ReturnNoteTooLong, ("max", MaxNote)), "Note"));
        return DecideAsync(id, [ReturnStatus.Requested, ReturnStatus.Approved], ReturnStatus.Declined, note, actor, CheckoutProblems.ReturnDeclined, ct);
    }

    /// <summary>Moves a return from one of <paramref name="from"/> to <paramref name="to"/> with its row locked; told "already" otherwise.</summary>
    private async Task<OrderChangeResult> DecideAsync(Guid id, string[] from, string to, string? note, string actor, string done, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (await LockAsync(id, ct) is not { } request) return OrderChangeResult.Refused(CheckoutProblems.NoSuchReturn);
        if (!from.Contains(request.Status))
            return OrderChangeResult.Refused(CheckoutProblems.ReturnAlready, ("number", request.Number), ("status", request.Status));
        var now = clock.GetUtcNow();
        (request.Status, request.Note, request.DecidedBy, request.UpdatedAt) = (to, note ?? request.Note, actor, now);
        Publish(request, now);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return OrderChangeResult.Done(done, ("number", request.Number));
    }

    public async Task<OrderChangeResult> RefundAsync(Guid id, bool restock, string actor, CancellationToken ct)
    {
        // 1. Claim the refund: Requested or Approved (or a Refunding one whose press was cut short) → Refunding.
        ReturnRequest request;
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            if (await LockAsync(id, ct) is not { } locked) return OrderChangeResult.Refused(CheckoutProblems.NoSuchReturn);
            request = locked;
            var restockOnly = request.Status == ReturnStatus.Refunded && restock && !request.Restocked;
            if (request.Status is ReturnStatus.Declined || (request.Status == ReturnStatus.Refunded && !restockOnly))
                return OrderChangeResult.Refused(CheckoutProblems.ReturnAlready, ("number", request.Number), ("status", request.Status));
            if (!restockOnly)
            {
                (request.Status, request.DecidedBy, request.UpdatedAt) = (ReturnStatus.Refunding, actor, clock.GetUtcNow());
                await db.SaveChangesAsync(ct);
            }
            await tx.CommitAsync(ct);
        }
        db.ChangeTracker.Clear();

        // 2. The money, keyed by the return's id: pressed twice, it refunds once.
        var refunded = new Money(0, request.Currency);
        if (request.Status == ReturnStatus.Refunding)
        {
            var amount = Math.Min(request.Amount, await LeftAsync(request, ct));
            OrderChangeResult? outcome = amount > 0 ? await orders.RefundAsync(request.OrderNumber, request.RefundKey, amount, actor, ct) : null;
            if (outcome is { Succeeded: false })
            {
                // Pressed twice at once, the other press may have made (or be making) the refund under
                // the same key and this one only lost the race: the refund's own row decides.
                db.ChangeTracker.Clear();
                var key = request.RefundKey;
                var made = await db.OrderRefunds.AsNoTracking().FirstOrDefaultAsync(r => r.Id == key, ct);
                if (made?.Status == OrderRefund.Pending) return OrderChangeResult.Done(CheckoutProblems.RefundUnderWay);
                if (made?.Status != OrderRefund.Succeeded)
                {
                    await SetBackAsync(request.Id, key, ct);
                    return OrderChangeResult.Refused(CheckoutProblems.ReturnRefundFailed, ("number", request.Number), ("problem", outcome.Outcome));
                }
                outcome = OrderChangeResult.Done(CheckoutProblems.Refunded, ("amount", new Money(made.Amount, request.Currency)));
            }
            if (outcome?.Outcome.Code == CheckoutProblems.RefundUnderWay) return outcome; // the other press books it
            if (outcome?.Outcome.Args.GetValueOrDefault("amount") is Money paid) refunded = paid;
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var booked = (await LockAsync(request.Id, ct))!;
            // The money went out: whatever a losing press set meanwhile, the return is refunded.
            if (booked.Status is ReturnStatus.Refunding or ReturnStatus.Approved or ReturnStatus.Requested)
            {
                var now = clock.GetUtcNow();
                (booked.Status, booked.UpdatedAt) = (ReturnStatus.Refunded, now);
                Publish(booked, now);
                await db.SaveChangesAsync(ct);
            }
            await tx.CommitAsync(ct);
            db.ChangeTracker.Clear();
        }

        // 3. The products back on the shelf, once per return and SKU.
        if (restock)
        {
            foreach (var line in request.Lines)
            {
                var back = await stock.AdjustOnHandAsync(line.Sku, line.Quantity,
                    new StockChangeContext(actor, "Returned", request.Number, OncePerReference: true), ct);
                if (!back.Succeeded && back.Outcome != StockChangeOutcome.UnknownSku)
                    return OrderChangeResult.Refused(CheckoutProblems.ReturnRestockFailed, ("number", request.Number), ("sku", line.Sku),
                        ("problem", (object?)back.Problem ?? back.Outcome.ToString()));
            }
            await db.Returns.Where(r => r.Id == request.Id).ExecuteUpdateAsync(s => s.SetProperty(r => r.Restocked, true), ct);
        }
        return OrderChangeResult.Done(CheckoutProblems.ReturnRefunded, ("number", request.Number), ("amount", refunded));
    }

    /// <summary>What is left of the order's payment for this return: less what was refunded and what other refunds have under way.</summary>
    private async Task<decimal> LeftAsync(ReturnRequest request, CancellationToken ct)
    {
        var order = await db.Orders.AsNoTracking().FirstAsync(o => o.Id == request.OrderId, ct);
        // This return's own refund, if an earlier press started it, is not "another" refund.
        var key = request.RefundKey;
        if (await db.OrderRefunds.AsNoTracking().AnyAsync(r => r.Id == key, ct)) return request.Amount;
        var pending = await db.OrderRefunds.Where(r => r.OrderId == order.Id && r.Status == OrderRefund.Pending).SumAsync(r => (decimal?)r.Amount, ct) ?? 0;
        return order.Refundable(pending);
    }

    /// <summary>
    /// A refund the provider refused under <paramref name="key"/>: the return waits, approved, for
    /// another press, which goes out under a new key (a refused key stays refused).
    /// </summary>
    private async Task SetBackAsync(Guid id, Guid key, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Only once per refused key, and never while a refund under it is under way or made (by another press).
        if (await LockAsync(id, ct) is not { Status: ReturnStatus.Refunding } request || request.RefundKey != key) return;
        if (await db.OrderRefunds.AsNoTracking().AnyAsync(r => r.Id == key && r.Status != OrderRefund.Failed, ct)) return;
        (request.Status, request.UpdatedAt) = (ReturnStatus.Approved, clock.GetUtcNow());
        if (await db.OrderRefunds.AsNoTracking().AnyAsync(r => r.Id == key, ct)) request.FailedRefunds++;
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();
    }

    private async Task<ReturnRequest?> LockAsync(Guid id, CancellationToken ct) =>
        await db.Returns.FromSqlInterpolated($"SELECT * FROM checkout.returns WHERE id = {id} FOR UPDATE").FirstOrDefaultAsync(ct);

    private Task<Order?> LoadOrderAsync(string number, CancellationToken ct) =>
        db.Orders.AsNoTracking().Include(o => o.Lines).Include(o => o.History).FirstOrDefaultAsync(o => o.Number == number, ct);

    /// <summary>How many of each SKU are in returns that were not declined.</summary>
    private async Task<IReadOnlyDictionary<string, int>> TakenAsync(Guid orderId, CancellationToken ct) =>
        Taken(await db.Returns.AsNoTracking().Where(r => r.OrderId == orderId).ToListAsync(ct));

    private static Dictionary<string, int> Taken(IEnumerable<ReturnRequest> returns) =>
        returns.Where(r => r.Status != ReturnStatus.Declined).SelectMany(r => r.Lines)
            .GroupBy(l => l.Sku, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(l => l.Quantity), StringComparer.Ordinal);

    private void Publish(ReturnRequest r, DateTimeOffset now) =>
        db.AddIntegrationEvent(new ReturnChangedEvent(r.Id, r.Number, r.OrderNumber, r.Email, r.Status, r.Amount, r.Currency, r.Note), now);

    private static ReturnView View(ReturnRequest r) => new(r.Id, r.Number, r.OrderNumber, r.Email, r.Status, r.Reason,
        r.Lines.Select(l => new ReturnLine(l.Sku, l.Title, l.Quantity, new Money(l.UnitPrice, r.Currency))).ToList(),
        new Money(r.Amount, r.Currency), r.CreatedAt, r.UpdatedAt, r.Note, r.DecidedBy, r.Restocked);
}
