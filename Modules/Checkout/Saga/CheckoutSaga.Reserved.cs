using System.Text.Json;
using Storefront.BuildingBlocks.Outcomes;
using Storefront.Checkout.Contracts;

namespace Storefront.Checkout.Saga;

/// <summary>
/// Reserved orders: units another module holds (a flash sale's), priced by it. They take the cart's
/// steps (CheckoutSaga.cs) from the price on, with no cart: the lines are stored with the saga row at
/// its start, and the stock is committed through, and given back to, the order's <see cref="IReservedStock"/>.
/// </summary>
internal sealed partial class CheckoutSaga
{
    public async Task<CheckoutResult> PlaceReservedOrderAsync(ReservedOrderRequest request, CancellationToken ct)
    {
        var form = new CheckoutForm(request.CheckoutId, request.UserId, request.Email, request.ShippingAddress, request.ShippingMethod, request.PaymentMethod);
        var errors = Validate(form);
        ValidateReserved(request, errors);
        if (errors.Count > 0) return Invalid(errors);
        var saga = NewCheckout(form);
        (saga.CartId, saga.Source, saga.SourceReference) = (Guid.Empty, request.Source, request.Reference);
        // Kept with the saga: the price step, and recovery after it, need nothing but the record.
        saga.Lines = JsonSerializer.Serialize(request.Lines.Select(l => new PricedLine(l.Sku, l.Title, l.UnitPrice.Amount, l.Quantity, l.WeightKg)), Json);
        return await StartAsync(saga, request.PaymentMethod, request.ExpectedTotal, ct);
    }

    /// <summary>A reserved order's own fields: a registered source, a reference, and lines an order can hold, in the store's currency.</summary>
    private void ValidateReserved(ReservedOrderRequest request, Dictionary<string, Problem> errors)
    {
        if (!reservedStocks.Any(s => s.Source == request.Source))
            errors["Source"] = Problem.Of(CheckoutProblems.ReservedSourceUnknown, ("source", request.Source));
        if (string.IsNullOrWhiteSpace(request.Reference) || request.Reference.Length > 100)
            errors["Reference"] = Problem.Of(CheckoutProblems.ReferenceInvalid);
        var lines = request.Lines ?? [];
        if (lines.Count == 0) errors["Lines"] = Problem.Of(CheckoutProblems.LinesRequired);
        var currency = store.Value.Currency;
        var skus = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < lines.Count; i++)
        {
            var (line, field) = (lines[i], $"Lines[{i}].");
            if (line is null)
            {
                errors[$"Lines[{i}]"] = Problem.Of(CheckoutProblems.LineInvalid);
                continue;
            }
            // An order holds a SKU once (order lines are keyed by it), with the lengths its columns take.
            if (string.IsNullOrWhiteSpace(line.Sku) || line.Sku.Length > 64 || !skus.Add(line.Sku)) errors[field + "Sku"] = Problem.Of(CheckoutProblems.LineInvalid);
            if (string.IsNullOrWhiteSpace(line.Title) || line.Title.Length > 300) errors[field + "Title"] = Problem.Of(CheckoutProblems.LineInvalid);
            if (line.Quantity <= 0) errors[field + "Quantity"] = Problem.Of(CheckoutProblems.QuantityInvalid);
            if (line.UnitPrice.Currency != currency)
                errors[field + "UnitPrice"] = Problem.Of(CheckoutProblems.PriceOtherCurrency, ("currency", line.UnitPrice.Currency), ("storeCurrency", currency));
            else if (line.UnitPrice.Amount < 0 || decimal.Round(line.UnitPrice.Amount, 2) != line.UnitPrice.Amount)
                errors[field + "UnitPrice"] = Problem.Of(CheckoutProblems.PriceInvalid);
            if (line.WeightKg < 0) errors[field + "WeightKg"] = Problem.Of(CheckoutProblems.WeightInvalid);
        }
    }

    /// <summary>
    /// Commits the units through the order's source. Refused (the units are gone), the checkout is
    /// compensated; committed, it is recorded with the reference, so a compensation gives them back.
    /// </summary>
    private async Task CommitReservedAsync(CheckoutRecord saga, CancellationToken ct)
    {
        var reference = saga.SourceReference!;
        if (!await SourceOf(saga).CommitAsync(reference, saga.OrderNumber!, ct))
            throw new CheckoutProblemException(Problem.Of(CheckoutProblems.SoldOutBeforeOrder, ("title", Lines(saga)[0].Title)),
                $"The source {saga.Source} no longer holds the units of {reference}.");
        await StepAsync(saga, "commit", "ok", reference, ct);
    }

    /// <summary>Gives units the source committed back to it, once; a refused or unreached commit left nothing to give back.</summary>
    private async Task ReturnReservedAsync(CheckoutRecord saga, CancellationToken ct)
    {
        var reference = saga.SourceReference!;
        if (!(await StepDetailsAsync(saga, "commit", "ok", ct)).Contains(reference)) return;
        if ((await StepDetailsAsync(saga, "return", null, ct)).Contains(reference)) return;
        await SourceOf(saga).ReturnAsync(reference, ct);
        await StepAsync(saga, "return", "ok", reference, ct);
    }

    private IReservedStock SourceOf(CheckoutRecord saga) =>
        reservedStocks.FirstOrDefault(s => s.Source == saga.Source)
        ?? throw new InvalidOperationException($"No IReservedStock is registered for the source {saga.Source} of checkout {saga.Id}.");
}
