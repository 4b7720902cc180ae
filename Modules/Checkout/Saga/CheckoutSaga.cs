using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Storefront.BuildingBlocks;
using Storefront.BuildingBlocks.Email;
using Storefront.BuildingBlocks.Outbox;
using Storefront.BuildingBlocks.Outcomes;
using Storefront.Cart.Contracts;
using Storefront.Checkout.Contracts;
using Storefront.Checkout.Data;
using Storefront.Checkout.Discounts;
using Storefront.Checkout.Orders;
using Storefront.Inventory.Contracts;

namespace Storefront.Checkout.Saga;

/// <summary>
/// The checkout saga, orchestrated: validate cart and holds → price → charge → create order →
/// commit stock → publish <see cref="OrderPlacedEvent"/>. The saga row is written before anything
/// else and after every step, so any instance can pick up where another stopped; a failure after
/// the charge is compensated (refund, restock or release, order marked refunded). A reserved order
/// (<see cref="ReservedOrderRequest"/>, CheckoutSaga.Reserved.cs) takes the same steps without a
/// cart: its stock is held, committed and given back by its <see cref="IReservedStock"/>.
/// </summary>
internal sealed partial class CheckoutSaga(
    CheckoutDbContext db,
    Pricing pricing,
    DiscountCodes discounts,
    ICarts carts,
    IStockReservations holds,
    IPricesAndStock stock,
    IPaymentGateway gateway,
    IEnumerable<IReservedStock> reservedStocks,
    ICheckoutFaults faults,
    IOptions<CheckoutOptions> options,
    IOptions<StoreCurrencyOptions> store,
    TimeProvider clock,
    IHostApplicationLifetime lifetime,
    ILogger<CheckoutSaga> logger) : ICheckout
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>How long a checkout keeps its cart frozen if it dies without ending (renewed by recovery).</summary>
    private static readonly TimeSpan FreezeFor = TimeSpan.FromMinutes(30);

    public IReadOnlyList<ShippingChoice> ShippingChoices(Money subtotal, decimal weightKg) => pricing.ShippingChoices(subtotal, weightKg);

    public Task<Quote> QuoteAsync(Guid cartId, Address? address, string? shippingMethod, CancellationToken ct) =>
        pricing.QuoteAsync(cartId, address, shippingMethod, null, ct);

    public Task<Quote> QuoteAsync(Guid cartId, Address? address, string? shippingMethod, string? discountCode, CancellationToken ct) =>
        pricing.QuoteAsync(cartId, address, shippingMethod, discountCode, ct);

    public IReadOnlyDictionary<string, Problem> ValidateAddress(Address address) => pricing.ValidateAddress(address);

    public async Task<CheckoutResult> PlaceOrderAsync(CheckoutRequest request, CancellationToken ct)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var result = await PlaceAsync(request, ct);
        CheckoutMetrics.Answered(result.Outcome, System.Diagnostics.Stopwatch.GetElapsedTime(started));
        return result;
    }

    private async Task<CheckoutResult> PlaceAsync(CheckoutRequest request, CancellationToken ct)
    {
        var form = new CheckoutForm(request.CheckoutId, request.UserId, request.Email, request.ShippingAddress, request.ShippingMethod, request.PaymentMethod);
        var errors = Validate(form);
        // An order the shopper was shown to cost nothing (a discount pays for all of it) asks for no card.
        // The price step holds them to it: if the total is no longer 0, the order stops there as "total changed".
        if (request.ExpectedTotal == 0m && string.IsNullOrWhiteSpace(request.PaymentMethod)) errors.Remove("PaymentMethod");
        var code = DiscountCodeText.Normalize(request.DiscountCode);
        if (code.Length > 0 && !DiscountCodeText.IsWellFormed(code))
            errors["DiscountCode"] = Problem.Of(CheckoutProblems.DiscountUnknown, ("code", code.Length > DiscountCodeText.MaxLength ? code[..DiscountCodeText.MaxLength] + "…" : code));
        var note = DeliveryNotes.Normalize(request.DeliveryNote);
        if (note is { Length: > DeliveryNotes.MaxLength })
            errors["DeliveryNote"] = Problem.Of(CheckoutProblems.DeliveryNoteTooLong, ("max", DeliveryNotes.MaxLength));
        if (errors.Count > 0) return Invalid(errors);
        var saga = NewCheckout(form);
        saga.CartId = request.CartId;
        saga.DiscountCode = code.Length > 0 ? code : null;
        saga.DeliveryNote = note;
        return await StartAsync(saga, request.PaymentMethod, request.ExpectedTotal, ct);
    }

    /// <summary>What every checkout asks for, a cart's or a reserved order's: who orders, where to, how it ships and what pays.</summary>
    private sealed record CheckoutForm(Guid CheckoutId, string? UserId, string Email, Address ShippingAddress, string ShippingMethod, string PaymentMethod);

    /// <summary>A Stripe PaymentMethod id (made by Stripe.js in the browser), or a card number for the test gateway.</summary>
    private readonly record struct PaymentInput(string? Token, string Digits)
    {
        public static PaymentInput Of(string? paymentMethod)
        {
            var text = (paymentMethod ?? "").Trim();
            var isToken = text.StartsWith("pm_", StringComparison.Ordinal) && text.Length <= 100;
            return new(isToken ? text : null, new string(text.Where(char.IsDigit).ToArray()));
        }

        public bool IsValid => Token is not null || Digits.Length is >= 12 and <= 19;

        /// <summary>What the order's timeline says paid (<see cref="CheckoutRecord.PaymentHint"/>).</summary>
        public string Hint => Token is not null ? CheckoutRecord.ThroughProvider : IsValid ? Digits[^4..] : CheckoutRecord.NoPayment;
    }

    public IReadOnlyDictionary<string, Problem> ValidateOrderDetails(Address address, string email, string shippingMethod, string paymentMethod)
    {
        var errors = new Dictionary<string, Problem>(pricing.ValidateAddress(address));
        // The confirmation and every status e-mail go to this address: one that cannot be delivered is refused here.
        if (!EmailAddress.IsDeliverable(email)) errors["Email"] = Problem.Of(CheckoutProblems.EmailInvalid);
        if (!options.Value.Shipping.ContainsKey(shippingMethod ?? "")) errors["ShippingMethod"] = Problem.Of(CheckoutProblems.ShippingMethodRequired);
        if (!PaymentInput.Of(paymentMethod).IsValid) errors["PaymentMethod"] = Problem.Of(CheckoutProblems.CardNumberRequired);
        return errors;
    }

    /// <summary>The form's problems by field; empty when it can be placed.</summary>
    private Dictionary<string, Problem> Validate(CheckoutForm form)
    {
        var errors = new Dictionary<string, Problem>(ValidateOrderDetails(form.ShippingAddress, form.Email, form.ShippingMethod, form.PaymentMethod));
        if (form.CheckoutId == Guid.Empty) errors[""] = Problem.Of(CheckoutProblems.PageExpired);
        return errors;
    }

    private static CheckoutResult Invalid(IReadOnlyDictionary<string, Problem> errors) =>
        new(CheckoutOutcome.Invalid, null, Problem.Of(CheckoutProblems.FieldsInvalid), errors);

    /// <summary>The saga row of a valid form, as it is written before any step, leased to this request.</summary>
    private CheckoutRecord NewCheckout(CheckoutForm form)
    {
        var now = clock.GetUtcNow();
        var payment = PaymentInput.Of(form.PaymentMethod);
        return new CheckoutRecord
        {
            Id = form.CheckoutId, UserId = form.UserId, Email = form.Email.Trim(),
            ShippingAddress = JsonSerializer.Serialize(form.ShippingAddress, Json), ShippingMethod = form.ShippingMethod,
            PaymentHint = payment.Hint, State = CheckoutState.Started,
            // A provider's payment-method reference (never a card number) lets recovery repeat the very same charge request.
            PaymentToken = payment.Token,
            LeaseOwner = Guid.NewGuid(), LeaseUntil = now + options.Value.RecoverAfter, CreatedAt = now, UpdatedAt = now,
        };
    }

    /// <summary>Writes the saga row first (the checkout id is its key), then drives it to an end.</summary>
    private async Task<CheckoutResult> StartAsync(CheckoutRecord saga, string paymentMethod, decimal? expectedTotal, CancellationToken ct)
    {
        db.Checkouts.Add(saga);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } unique)
        {
            db.ChangeTracker.Clear();
            // The same checkout submitted again (double click, retry): the first one's result.
            if (unique.ConstraintName == "pk_checkouts") return await OutcomeOfAsync(saga.Id, ct);
            // Another checkout of the same cart, or of the same reserved order, is under way or done.
            return new(CheckoutOutcome.InProgress, null, Problem.Of(CheckoutProblems.AlreadyBeingPlaced));
        }
        return await DriveAsync(saga, paymentMethod, expectedTotal, ct);
    }

    public async Task<CheckoutResult?> OutcomeAsync(Guid checkoutId, CancellationToken ct)
    {
        var saga = await db.Checkouts.AsNoTracking().FirstOrDefaultAsync(c => c.Id == checkoutId, ct);
        return saga is not null && CheckoutState.IsTerminal(saga.State) ? ResultOf(saga) : null;
    }

    /// <summary>Waits (briefly) for a checkout that another request is driving and reports how it ended.</summary>
    private async Task<CheckoutResult> OutcomeOfAsync(Guid id, CancellationToken ct)
    {
        for (var i = 0; i < 100; i++)
        {
            if (await OutcomeAsync(id, ct) is { } ended) return ended;
            await Task.Delay(100, ct);
        }
        return StillBeingPlaced;
    }

    private static readonly CheckoutResult StillBeingPlaced = new(CheckoutOutcome.InProgress, null, Problem.Of(CheckoutProblems.StillBeingPlaced));

    /// <summary>
    /// How a checkout ended, from its record. The record keeps its problem as JSON; a checkout that
    /// ended before problems were stored holds the very words it showed, and shows them again.
    /// </summary>
    private static CheckoutResult ResultOf(CheckoutRecord saga) =>
        new(Enum.TryParse<CheckoutOutcome>(saga.Outcome, out var outcome) ? outcome : CheckoutOutcome.PaymentFailed, saga.OrderNumber,
            saga.Message is null ? null : ProblemJson.Read(saga.Message) ?? AsWritten(saga.Message));

    private static Problem AsWritten(string text) => Problem.Of(CheckoutProblems.AsWritten, ("text", text));

    /// <summary>The timeline's note of what paid for the order, from <see cref="CheckoutRecord.PaymentHint"/>.</summary>
    internal static Problem PaymentNote(string hint) => hint switch
    {
        CheckoutRecord.ThroughProvider => Problem.Of(CheckoutProblems.NotePaidThroughProvider),
        { Length: 4 } when hint.All(char.IsAsciiDigit) => Problem.Of(CheckoutProblems.NotePaidByCard, ("last4", hint)),
        _ => AsWritten(hint),
    };

    /// <summary>
    /// Runs the saga from its current state to an end. <paramref name="paymentMethod"/> is null when
    /// the recovery job drives it (a card number is never stored): a checkout interrupted before its
    /// charge reached the provider then ends without one. Every save checks that this driver still
    /// owns the checkout (lease owner and row version); one that lost it stops at once, without
    /// another side effect, and reports what the new owner made of it.
    /// </summary>
    internal async Task<CheckoutResult> DriveAsync(CheckoutRecord saga, string? paymentMethod, decimal? expectedTotal, CancellationToken ct)
    {
        try
        {
            if (saga.State == CheckoutState.Started)
            {
                if (await ValidateAndPriceAsync(saga, paymentMethod, expectedTotal, ct) is { } stop) return stop;
            }
            // From the charge on, the shopper closing the tab must not leave money taken and the order
            // half made: only the host shutting down stops the steps (recovery then finishes them).
            ct = lifetime.ApplicationStopping;
            if (saga.State == CheckoutState.Charging)
            {
                if (await ChargeAsync(saga, paymentMethod, ct) is { } stop) return stop;
                Fault(CheckoutStep.AfterCharge, saga);
            }
            if (saga.State == CheckoutState.Charged) await CreateOrderAsync(saga, ct);
            if (saga.State == CheckoutState.OrderCreated) await CommitStockAsync(saga, ct);
            if (saga.State == CheckoutState.StockCommitted) await CompleteAsync(saga, ct);
            if (saga.State == CheckoutState.Compensating) return await CompensateAsync(saga, null, ct);
            return ResultOf(saga);
        }
        catch (CheckoutInterruptedException)
        {
            throw;
        }
        catch (DbUpdateConcurrencyException)
        {
            return await LostOwnershipAsync(saga);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && saga.State is CheckoutState.Charged or CheckoutState.OrderCreated or CheckoutState.StockCommitted)
        {
            LogStepFailed(ex, saga.Id, saga.State);
            try
            {
                return await CompensateAsync(saga, ex is CheckoutProblemException said ? said.Problem : AsWritten(ex.Message), ct);
            }
            catch (DbUpdateConcurrencyException)
            {
                return await LostOwnershipAsync(saga);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException && saga.State == CheckoutState.Charging)
        {
            // The provider's answer is unknown: the recovery job asks it and finishes or ends the checkout.
            LogStepFailed(ex, saga.Id, saga.State);
            return Unconfirmed();
        }
        catch (Exception ex) when (ex is not OperationCanceledException && saga.State == CheckoutState.Started)
        {
            LogStepFailed(ex, saga.Id, saga.State);
            try
            {
                return await EndAsync(saga, CheckoutState.Failed, CheckoutOutcome.PaymentFailed, Problem.Of(CheckoutProblems.NotPlaced), ct);
            }
            catch (DbUpdateConcurrencyException)
            {
                return await LostOwnershipAsync(saga);
            }
        }
    }

    private static CheckoutResult Unconfirmed() => new(CheckoutOutcome.InProgress, null, Problem.Of(CheckoutProblems.PaymentNotConfirmed));

    /// <summary>Another driver (the recovery job) owns the checkout now: nothing more is done here.</summary>
    private async Task<CheckoutResult> LostOwnershipAsync(CheckoutRecord saga)
    {
        LogLostOwnership(saga.Id, saga.State);
        db.ChangeTracker.Clear();
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            return await OutcomeOfAsync(saga.Id, wait.Token);
        }
        catch (OperationCanceledException)
        {
            return StillBeingPlaced;
        }
    }

    private async Task<CheckoutResult?> ValidateAndPriceAsync(CheckoutRecord saga, string? paymentMethod, decimal? expectedTotal, CancellationToken ct)
    {
        if (paymentMethod is null)
            return await EndAsync(saga, CheckoutState.Failed, CheckoutOutcome.PaymentFailed, Problem.Of(CheckoutProblems.InterruptedBeforePayment), ct);

        Fault(CheckoutStep.Validate, saga);
        // A reserved order's stock is its source's and its lines were stored at its start: no cart to hold.
        CartSnapshot? cart = null;
        if (!saga.IsReserved)
        {
            (var stop, cart) = await HoldCartAsync(saga, ct);
            if (stop is not null) return stop;
        }

        Fault(CheckoutStep.Price, saga);
        var address = JsonSerializer.Deserialize<Address>(saga.ShippingAddress, Json)!;
        var quote = cart is null
            ? pricing.QuoteLines(Lines(saga), store.Value.Currency, address, saga.ShippingMethod)
            : await pricing.QuoteCartAsync(cart, address, saga.ShippingMethod, saga.DiscountCode, ct);
        // The quote's problems, for the host to word; the record keeps no message (a later look prices the cart again).
        if (!quote.CanOrder)
            return await EndAsync(saga, CheckoutState.Failed, CheckoutOutcome.Invalid, null, ct) with { Problems = quote.Problems };
        if (quote.DiscountProblem is { } refused) return await DiscountRefusedAsync(saga, refused, ct);
        // This check is also what keeps an order without a card (allowed only when the total shown
        // was 0) from being priced at more than 0.
        if (expectedTotal is { } shown && shown != quote.Total.Amount)
            return await EndAsync(saga, CheckoutState.Failed, CheckoutOutcome.TotalChanged,
                Problem.Of(CheckoutProblems.TotalChanged, ("was", new Money(shown, quote.Total.Currency)), ("now", quote.Total)), ct);
        if (saga.DiscountCode is { } code)
        {
            // The code's use is taken before the charge, under the code's lock: its limit and "once per
            // customer" hold however many checkouts use it at once. A checkout that ends without an order gives it back.
            var redeemed = await discounts.RedeemAsync(saga.Id, code, saga.Email, quote.Subtotal.Amount, ct);
            if (redeemed.Refused is { } taken) return await DiscountRefusedAsync(saga, taken, ct);
            if (redeemed.Amount != quote.Discount?.Amount)
                return await EndAsync(saga, CheckoutState.Failed, CheckoutOutcome.TotalChanged, Problem.Of(CheckoutProblems.TotalChanged,
                    ("was", quote.Total), ("now", quote.Total with { Amount = quote.Total.Amount + (quote.Discount?.Amount ?? 0) - redeemed.Amount })), ct);
            saga.Discount = redeemed.Amount;
            await StepAsync(saga, "discount", "ok", $"{code} {redeemed.Amount}", ct);
        }
        if (cart is not null) saga.Lines = JsonSerializer.Serialize(quote.Lines.Select(l => new PricedLine(l.Sku, l.Title, l.UnitPrice.Amount, l.Quantity)), Json);
        (saga.Subtotal, saga.ShippingCost, saga.Tax, saga.Total, saga.Currency) =
            (quote.Subtotal.Amount, quote.Shipping.Amount, quote.Tax.Amount, quote.Total.Amount, quote.Total.Currency);
        // Charging is recorded before the provider is called, so a crash in between is found and resolved.
        saga.State = CheckoutState.Charging;
        await StepAsync(saga, "price", "ok", quote.Total.ToString(), ct);
        return null;
    }

    /// <summary>The code cannot be used for this order: nothing was charged, and the shopper is told beside the code.</summary>
    private async Task<CheckoutResult> DiscountRefusedAsync(CheckoutRecord saga, Problem refused, CancellationToken ct) =>
        await EndAsync(saga, CheckoutState.Failed, CheckoutOutcome.Invalid, refused, ct) with
        {
            FieldErrors = new Dictionary<string, Problem> { ["DiscountCode"] = refused },
        };

    /// <summary>
    /// Freezes the cart for this checkout and renews its holds; a reason to stop (the cart changed
    /// elsewhere, is empty, or a line cannot be held), or the cart to price.
    /// </summary>
    private async Task<(CheckoutResult? Stop, CartSnapshot? Cart)> HoldCartAsync(CheckoutRecord saga, CancellationToken ct)
    {
        // From here until the order is placed or given up, the cart cannot change (another tab, the
        // cart API): what is held, priced, charged and committed is one and the same.
        if (!await carts.FreezeAsync(saga.CartId, saga.Id, FreezeFor, ct))
            return (await EndAsync(saga, CheckoutState.Failed, CheckoutOutcome.InProgress, Problem.Of(CheckoutProblems.CartChangedElsewhere), ct), null);
        var cart = await carts.GetAsync(saga.CartId, ct);
        if (cart.Lines.Count == 0) return (await EndAsync(saga, CheckoutState.Failed, CheckoutOutcome.CartEmpty, Problem.Of(CheckoutProblems.CartEmpty), ct), cart);
        // Renew every hold (or take it again if it ran out): what is held now can be committed after the charge.
        foreach (var line in cart.Lines)
        {
            var hold = await holds.ReserveAsync(CartHolds.HolderOf(saga.CartId), line.Sku, line.Quantity, ct);
            if (!hold.Succeeded)
            {
                await StepAsync(saga, "validate", "out_of_stock", line.Sku, ct);
                var problem = hold.Outcome == ReservationOutcome.NotEnoughStock
                    ? (hold.Available == 0 ? Problem.Of(CheckoutProblems.JustSoldOut, ("sku", line.Sku))
                                           : Problem.Of(CheckoutProblems.OnlyLeftOf, ("available", hold.Available), ("sku", line.Sku)))
                    : hold.Outcome == ReservationOutcome.UnknownSku ? Problem.Of(InventoryProblems.NoLongerSold) : Problem.Of(CheckoutProblems.CannotBeBought);
                return (await EndAsync(saga, CheckoutState.Failed, CheckoutOutcome.OutOfStock, problem, ct), cart);
            }
        }
        await StepAsync(saga, "validate", "ok", $"{cart.Lines.Count} lines held", ct);
        return (null, cart);
    }

    private async Task<CheckoutResult?> ChargeAsync(CheckoutRecord saga, string? paymentMethod, CancellationToken ct)
    {
        if (saga.Total <= 0)
        {
            // A discount took everything and shipping is free: nothing to charge (a provider refuses a charge of 0).
            saga.State = CheckoutState.Charged;
            await StepAsync(saga, "charge", "nothing-to-charge", null, ct);
            return null;
        }
        var key = saga.Id.ToString("N");
        var request = new ChargeRequest(key, new Money(saga.Total, saga.Currency), paymentMethod ?? saga.PaymentToken ?? "", $"Storefront checkout {saga.Id}");
        PaymentResult result;
        if (paymentMethod is null)
        {
            // Recovery: ask the provider what became of this key, in a way that cannot be stale: by
            // the payment's id when a webhook named it, otherwise by repeating the same request with
            // the same key (the first request's answer if it arrived; settled now if it did not).
            var hinted = await db.CheckoutSteps.AsNoTracking()
                .Where(s => s.CheckoutId == saga.Id && s.Step == "webhook" && s.Detail != null)
                .OrderByDescending(s => s.Id).Select(s => s.Detail).FirstOrDefaultAsync(ct);
            result = await gateway.ResumeChargeAsync(request, hinted, ct);
            if (result.Status == PaymentStatus.RetryLater)
            {
                // Still unknown or still processing: stay in Charging and ask again on the next pass.
                await StepAsync(saga, "charge", "unknown", result.Problem?.ToString(), ct);
                return Unconfirmed();
            }
        }
        else
        {
            Fault(CheckoutStep.Charge, saga);
            result = await gateway.ChargeAsync(request, ct);
            for (var attempt = 1; result.Status == PaymentStatus.RetryLater && attempt < 4; attempt++)
            {
                await Task.Delay(100 * attempt, ct);
                result = await gateway.ChargeAsync(request, ct);
            }
        }
        await StepAsync(saga, "charge", result.Status.ToString(), result.PaymentId ?? result.Problem?.ToString(), ct);
        switch (result.Status)
        {
            case PaymentStatus.Succeeded:
                (saga.PaymentId, saga.State) = (result.PaymentId, CheckoutState.Charged);
                await SaveAsync(saga, ct);
                return null;
            case PaymentStatus.Declined:
                // The holds stay: the shopper can try another card while they last.
                return await EndAsync(saga, CheckoutState.Failed, CheckoutOutcome.PaymentDeclined, result.Problem ?? Problem.Of(CheckoutProblems.CardDeclined), ct);
            case PaymentStatus.RetryLater:
                return Unconfirmed();
            default:
                return await EndAsync(saga, CheckoutState.Failed, CheckoutOutcome.PaymentFailed,
                    result.Problem ?? Problem.Of(CheckoutProblems.PaymentNotProcessedNothingCharged), ct);
        }
    }

    private async Task CreateOrderAsync(CheckoutRecord saga, CancellationToken ct)
    {
        Fault(CheckoutStep.CreateOrder, saga);
        var order = await db.Orders.FirstOrDefaultAsync(o => o.CheckoutId == saga.Id, ct);
        if (order is null)
        {
            var now = clock.GetUtcNow();
            order = new Order
            {
                Id = Guid.CreateVersion7(now), Number = OrderNumbers.New(), CheckoutId = saga.Id,
                UserId = saga.UserId, Email = saga.Email, Status = OrderStatus.Paid, ShippingAddress = saga.ShippingAddress,
                ShippingMethod = saga.ShippingMethod, Subtotal = saga.Subtotal, DiscountCode = saga.DiscountCode, Discount = saga.Discount,
                DeliveryNote = saga.DeliveryNote,
                ShippingCost = saga.ShippingCost, Tax = saga.Tax,
                Total = saga.Total, Currency = saga.Currency, PaymentId = saga.PaymentId, PlacedAt = now, UpdatedAt = now,
                Lines = Lines(saga).Select(l => new OrderLine { Sku = l.Sku, Title = l.Title, UnitPrice = l.UnitPrice, Quantity = l.Quantity }).ToList(),
                History =
                [
                    new OrderStatusChange { Status = OrderStatus.Placed, At = now },
                    // Nothing was charged for an order the discount paid in full: no card to name.
                    new OrderStatusChange { Status = OrderStatus.Paid, At = now, Note = saga.PaymentId is null ? null : OrderNotes.Write(PaymentNote(saga.PaymentHint)) },
                ],
            };
            db.Orders.Add(order);
        }
        (saga.OrderId, saga.OrderNumber, saga.State) = (order.Id, order.Number, CheckoutState.OrderCreated);
        await StepAsync(saga, "order", "created", order.Number, ct); // one SaveChanges: the order and the saga together
    }

    private async Task CommitStockAsync(CheckoutRecord saga, CancellationToken ct)
    {
        Fault(CheckoutStep.CommitStock, saga);
        if (saga.IsReserved) await CommitReservedAsync(saga, ct);
        else await CommitHoldsAsync(saga, ct);
        saga.State = CheckoutState.StockCommitted;
        await SaveAsync(saga, ct);
    }

    /// <summary>Takes each line's stock for good from the cart's holds, recording each line committed.</summary>
    private async Task CommitHoldsAsync(CheckoutRecord saga, CancellationToken ct)
    {
        var holder = CartHolds.HolderOf(saga.CartId);
        foreach (var line in Lines(saga))
        {
            // Exactly the quantity priced and paid for, whatever the hold says now.
            var committed = await holds.CommitAsync(holder, line.Sku, line.Quantity, saga.OrderNumber!, ct);
            if (committed == CommitOutcome.NoHold)
            {
                // The hold ran out between validation and now: take the stock again if it is there.
                var again = await holds.ReserveAsync(holder, line.Sku, line.Quantity, ct);
                if (again.Succeeded) committed = await holds.CommitAsync(holder, line.Sku, line.Quantity, saga.OrderNumber!, ct);
            }
            if (committed is CommitOutcome.NoHold or CommitOutcome.NotEnoughStock)
                throw new CheckoutProblemException(Problem.Of(CheckoutProblems.SoldOutBeforeOrder, ("title", line.Title)),
                    $"{line.Sku} sold out before the order could take it.");
            await StepAsync(saga, "commit", "ok", line.Sku, ct);
        }
    }

    private async Task CompleteAsync(CheckoutRecord saga, CancellationToken ct)
    {
        Fault(CheckoutStep.Complete, saga);
        var now = clock.GetUtcNow();
        db.AddIntegrationEvent(new OrderPlacedEvent(saga.OrderId!.Value, saga.OrderNumber!, saga.UserId, saga.Email,
            Lines(saga).Select(l => new OrderPlacedLine(l.Sku, l.Quantity, l.UnitPrice)).ToList(), saga.Total, saga.Currency, now), now);
        (saga.State, saga.Outcome, saga.Message) = (CheckoutState.Completed, nameof(CheckoutOutcome.Completed), null);
        await StepAsync(saga, "complete", "ok", saga.OrderNumber, ct);
        CheckoutMetrics.OrderPlaced();
        // A reserved order has no cart to empty.
        if (!saga.IsReserved) await ClearCartAsync(saga, ct);
    }

    private async Task ClearCartAsync(CheckoutRecord saga, CancellationToken ct)
    {
        try
        {
            await carts.ClearAsync(saga.CartId, releaseHolds: false, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The order stands; a cart that still shows its lines is only an annoyance.
            LogCartNotCleared(ex, saga.CartId);
        }
    }

    /// <summary>
    /// Gives everything back after a charge: the money, the stock (restocked if it was committed,
    /// released if only held; a reserved order's committed units returned to its source), and marks
    /// the order refunded. Safe to run again after a crash.
    /// </summary>
    private async Task<CheckoutResult> CompensateAsync(CheckoutRecord saga, Problem? reason, CancellationToken ct)
    {
        if (saga.State != CheckoutState.Compensating)
        {
            saga.State = CheckoutState.Compensating;
            await StepAsync(saga, "compensate", "started", reason?.ToString(), ct);
        }
        if (saga.PaymentId is not null && saga.RefundId is null)
        {
            var refund = await gateway.RefundAsync(new RefundRequest("refund-" + saga.Id.ToString("N"), saga.PaymentId, new Money(saga.Total, saga.Currency)), ct);
            if (!refund.Succeeded) throw new InvalidOperationException($"Refund of checkout {saga.Id} failed: {refund.Problem}");
            saga.RefundId = refund.RefundId;
            await StepAsync(saga, "refund", "ok", refund.RefundId, ct);
        }
        if (saga.IsReserved) await ReturnReservedAsync(saga, ct);
        else await GiveBackCartStockAsync(saga, ct);
        if (saga.OrderId is { } orderId && await db.Orders.FirstOrDefaultAsync(o => o.Id == orderId, ct) is { } order
            && order.Status != OrderStatus.Cancelled)
        {
            var now = clock.GetUtcNow();
            // The stock and the money were settled above, by this saga's own keyed steps.
            (order.Status, order.RestockPending, order.UpdatedAt) = (OrderStatus.Cancelled, false, now);
            // The timeline shows a failure's own text, as it always has; a reason the saga words is the
            // checkout's own message, shown where the shopper placed the order.
            order.Record(OrderStatus.Cancelled, now, "checkout", reason is { Code: CheckoutProblems.AsWritten } ? reason : null);
            order.Refund(order.Total - order.Refunded, now, "checkout");
        }
        var charged = new Money(saga.Total, saga.Currency);
        return await EndAsync(saga, CheckoutState.Refunded, CheckoutOutcome.Refunded, reason is null
            ? Problem.Of(CheckoutProblems.NotCompletedRefunded, ("amount", charged))
            : Problem.Of(CheckoutProblems.NotCompletedRefundedBecause, ("reason", reason), ("amount", charged)), ct);
    }

    /// <summary>Restocks the lines committed (each once, by the step log) and releases the holds of the others.</summary>
    private async Task GiveBackCartStockAsync(CheckoutRecord saga, CancellationToken ct)
    {
        var committed = await StepDetailsAsync(saga, "commit", "ok", ct);
        var restocked = await StepDetailsAsync(saga, "restock", null, ct);
        var holder = CartHolds.HolderOf(saga.CartId);
        foreach (var line in Lines(saga))
        {
            if (committed.Contains(line.Sku))
            {
                if (restocked.Contains(line.Sku)) continue;
                await stock.AdjustOnHandAsync(line.Sku, line.Quantity, new StockChangeContext("checkout", "Order cancelled", saga.OrderNumber, OncePerReference: true), ct);
                await StepAsync(saga, "restock", "ok", line.Sku, ct);
            }
            else
            {
                await holds.ReleaseAsync(holder, line.Sku, ct);
            }
        }
    }

    /// <summary>The details of the steps of that name (and outcome) the checkout has recorded: what its compensation has done.</summary>
    private Task<List<string>> StepDetailsAsync(CheckoutRecord saga, string step, string? outcome, CancellationToken ct) =>
        db.CheckoutSteps.AsNoTracking()
            .Where(s => s.CheckoutId == saga.Id && s.Step == step && (outcome == null || s.Outcome == outcome)).Select(s => s.Detail!).ToListAsync(ct);

    private async Task<CheckoutResult> EndAsync(CheckoutRecord saga, string state, CheckoutOutcome outcome, Problem? problem, CancellationToken ct)
    {
        // No order: the code's use goes back before the end is written, so a crash in between leaves
        // nothing taken (the recovery job ends the checkout again, and giving back twice is nothing).
        if (saga.DiscountCode is not null) await discounts.ReleaseAsync(saga.Id, ct);
        (saga.State, saga.Outcome, saga.Message) = (state, outcome.ToString(), problem is null ? null : ProblemJson.Write(problem));
        await StepAsync(saga, "end", outcome.ToString(), problem?.ToString(), ct);
        // A reserved order froze no cart.
        if (!saga.IsReserved) await ThawCartAsync(saga, ct);
        return ResultOf(saga);
    }

    private async Task ThawCartAsync(CheckoutRecord saga, CancellationToken ct)
    {
        try
        {
            await carts.ThawAsync(saga.CartId, saga.Id, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The freeze lapses by itself; the checkout's end stands.
            LogCartNotThawed(ex, saga.CartId);
        }
    }

    private async Task StepAsync(CheckoutRecord saga, string step, string outcome, string? detail, CancellationToken ct)
    {
        db.CheckoutSteps.Add(new CheckoutStepRecord
        {
            CheckoutId = saga.Id, Step = step, Outcome = outcome, At = clock.GetUtcNow(),
            Detail = detail is { Length: > 1000 } ? detail[..1000] : detail,
        });
        await SaveAsync(saga, ct);
    }

    /// <summary>
    /// Saves the saga (and whatever else is pending) and renews this driver's lease on it. The update
    /// is conditional on the row version and lease owner this driver read: if the recovery job took
    /// the checkout over meanwhile, it throws <see cref="DbUpdateConcurrencyException"/> and nothing is saved.
    /// </summary>
    private async Task SaveAsync(CheckoutRecord saga, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        (saga.UpdatedAt, saga.LeaseUntil) = (now, now + options.Value.RecoverAfter);
        await db.SaveChangesAsync(ct);
    }

    private void Fault(CheckoutStep step, CheckoutRecord saga)
    {
        switch (faults.Before(step, saga.Id))
        {
            case CheckoutFault.Crash: throw new CheckoutInterruptedException(step);
            case CheckoutFault.Fail: throw new CheckoutStepFailedException(step);
        }
    }

    private static List<PricedLine> Lines(CheckoutRecord saga) => JsonSerializer.Deserialize<List<PricedLine>>(saga.Lines, Json) ?? [];

    /// <summary>
    /// The recovery pass: every checkout left mid-way past its lease is driven to an end, finished
    /// or compensated. Returns how many were taken over.
    /// </summary>
    public async Task<int> RecoverAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var stuck = await db.Checkouts.AsNoTracking()
            .Where(c => c.LeaseUntil < now && c.State != CheckoutState.Completed && c.State != CheckoutState.Failed && c.State != CheckoutState.Refunded)
            .OrderBy(c => c.UpdatedAt).Select(c => c.Id).Take(100).ToListAsync(ct);
        var recovered = 0;
        foreach (var id in stuck)
        {
            // Take the lease first, under a new owner: the driver that had it fails its next save and stops.
            var owner = Guid.NewGuid();
            var taken = await db.Checkouts.Where(c => c.Id == id && c.LeaseUntil < now)
                .ExecuteUpdateAsync(u => u.SetProperty(c => c.LeaseUntil, now + options.Value.RecoverAfter).SetProperty(c => c.LeaseOwner, owner), ct);
            if (taken == 0) continue;
            db.ChangeTracker.Clear();
            var saga = await db.Checkouts.FirstAsync(c => c.Id == id, ct);
            LogRecovering(id, saga.State);
            try
            {
                await StepAsync(saga, "recover", saga.State, null, ct);
                if (!CheckoutState.IsTerminal(saga.State) && saga.State != CheckoutState.Started && !saga.IsReserved)
                    await carts.FreezeAsync(saga.CartId, saga.Id, FreezeFor, ct);
                await DriveAsync(saga, paymentMethod: null, expectedTotal: null, ct);
            }
            catch (DbUpdateConcurrencyException)
            {
                LogLostOwnership(id, saga.State);
            }
            db.ChangeTracker.Clear();
            recovered++;
        }
        return recovered;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Checkout {CheckoutId} failed in state {State}")]
    private partial void LogStepFailed(Exception exception, Guid checkoutId, string state);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cart {CartId} could not be cleared after its order")]
    private partial void LogCartNotCleared(Exception exception, Guid cartId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cart {CartId} could not be unfrozen after its checkout ended")]
    private partial void LogCartNotThawed(Exception exception, Guid cartId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Checkout {CheckoutId} was taken over by another driver in state {State}; this one stops")]
    private partial void LogLostOwnership(Guid checkoutId, string state);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Recovering checkout {CheckoutId}, left in state {State}")]
    private partial void LogRecovering(Guid checkoutId, string state);
}
