namespace Storefront.Checkout.Returns;

/// <summary>A return of some products of a shipped order (checkout.returns). Its id is also its refund's request id, so it refunds once.</summary>
internal sealed class ReturnRequest
{
    public Guid Id { get; set; }
    /// <summary>The order's number and the return's place among its returns: "SF-ABCD-EFGH-JKLM-R1".</summary>
    public string Number { get; set; } = "";
    public Guid OrderId { get; set; }
    public string OrderNumber { get; set; } = "";
    public string Email { get; set; } = "";
    public string Status { get; set; } = Contracts.ReturnStatus.Requested;
    public string Reason { get; set; } = "";
    public List<ReturnedLine> Lines { get; set; } = [];
    /// <summary>What the products cost as paid; the refund gives this back (at most what is left of the payment).</summary>
    public decimal Amount { get; set; }
    public string Currency { get; set; } = "";
    public string? Note { get; set; }
    public string RequestedBy { get; set; } = "";
    public string? DecidedBy { get; set; }
    public bool Restocked { get; set; }
    /// <summary>How many of its refunds the provider refused: each new try goes out under a key of its own (<see cref="RefundKey"/>).</summary>
    public int FailedRefunds { get; set; }

    /// <summary>
    /// The key of the refund being tried now: the return's id first, then one made from it and the
    /// number of refused tries, so presses at once share a key and a refused refund can be tried again.
    /// </summary>
    public Guid RefundKey => FailedRefunds == 0 ? Id
        : new Guid(System.Security.Cryptography.SHA256.HashData([.. Id.ToByteArray(), .. BitConverter.GetBytes(FailedRefunds)]).AsSpan(0, 16));
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

internal sealed class ReturnedLine
{
    public string Sku { get; set; } = "";
    public string Title { get; set; } = "";
    public int Quantity { get; set; }
    public decimal UnitPrice { get; set; }
}
