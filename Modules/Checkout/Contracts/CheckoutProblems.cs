using Storefront.BuildingBlocks.Outcomes;

namespace Storefront.Checkout.Contracts;

/// <summary>The problems checkout reports (<see cref="Problem.Code"/>); the summary of a code names the values it carries.</summary>
[ProblemCodes]
public static class CheckoutProblems
{
    public const string ShippingMethodRequired = "checkout.shipping-method-required";
    public const string CartEmpty = "checkout.cart-empty";

    // A shipping address's fields (ICheckout.ValidateAddress) and the rest of a checkout's form.
    public const string NameRequired = "checkout.name-required";
    public const string NameTooLong = "checkout.name-too-long";
    public const string StreetRequired = "checkout.street-required";
    public const string StreetTooLong = "checkout.street-too-long";
    public const string SecondLineTooLong = "checkout.second-line-too-long";
    public const string CityRequired = "checkout.city-required";
    public const string CityTooLong = "checkout.city-too-long";
    public const string CountryNotShipped = "checkout.country-not-shipped";
    public const string PostalCodeInvalid = "checkout.postal-code-invalid";
    public const string RegionRequired = "checkout.region-required";
    public const string UnknownState = "checkout.unknown-state";
    public const string UnknownProvince = "checkout.unknown-province";
    public const string ZipNotInState = "checkout.zip-not-in-state";
    public const string PostalCodeNotInProvince = "checkout.postal-code-not-in-province";
    public const string EmailInvalid = "checkout.email-invalid";
    public const string CardNumberRequired = "checkout.card-number-required";
    public const string PageExpired = "checkout.page-expired";

    // A reserved order's own fields (ICheckout.PlaceReservedOrderAsync), reported to the module that asked.
    /// <summary>source</summary>
    public const string ReservedSourceUnknown = "checkout.reserved-source-unknown";
    public const string ReferenceInvalid = "checkout.reference-invalid";
    public const string LinesRequired = "checkout.lines-required";
    /// <summary>A line's SKU or title is blank or too long, or its SKU is on another line too.</summary>
    public const string LineInvalid = "checkout.line-invalid";
    public const string QuantityInvalid = "checkout.quantity-invalid";
    public const string PriceInvalid = "checkout.price-invalid";
    public const string WeightInvalid = "checkout.weight-invalid";
    /// <summary>currency, storeCurrency</summary>
    public const string PriceOtherCurrency = "checkout.price-other-currency";

    // What merchants are told about orders (OrderChangeResult), successes included.
    public const string NoSuchOrder = "checkout.no-such-order";
    /// <summary>max</summary>
    public const string DeliveryNoteTooLong = "checkout.delivery-note-too-long";
    public const string ReturnsOff = "checkout.returns-off";
    /// <summary>status</summary>
    public const string ReturnNotShipped = "checkout.return-not-shipped";
    /// <summary>days, until</summary>
    public const string ReturnWindowClosed = "checkout.return-window-closed";
    public const string ReturnNothingLeft = "checkout.return-nothing-left";
    public const string ReturnNothingChosen = "checkout.return-nothing-chosen";
    /// <summary>title, left</summary>
    public const string ReturnTooMany = "checkout.return-too-many";
    public const string ReturnNotInOrder = "checkout.return-not-in-order";
    public const string ReturnReasonRequired = "checkout.return-reason-required";
    /// <summary>max</summary>
    public const string ReturnReasonTooLong = "checkout.return-reason-too-long";
    /// <summary>number</summary>
    public const string ReturnRequested = "checkout.return-requested";
    public const string NoSuchReturn = "checkout.no-such-return";
    /// <summary>number, status</summary>
    public const string ReturnAlready = "checkout.return-already";
    /// <summary>number</summary>
    public const string ReturnApproved = "checkout.return-approved";
    /// <summary>number</summary>
    public const string ReturnDeclined = "checkout.return-declined";
    /// <summary>number, amount</summary>
    public const string ReturnRefunded = "checkout.return-refunded";
    /// <summary>number, problem</summary>
    public const string ReturnRefundFailed = "checkout.return-refund-failed";
    public const string ReturnNoteRequired = "checkout.return-note-required";
    /// <summary>max</summary>
    public const string ReturnNoteTooLong = "checkout.return-note-too-long";
    /// <summary>number, sku, problem</summary>
    public const string ReturnRestockFailed = "checkout.return-restock-failed";
    public const string CancelThroughCancel = "checkout.cancel-through-cancel";
    public const string CarrierRequired = "checkout.carrier-required";
    public const string TrackingNumberRequired = "checkout.tracking-number-required";
    /// <summary>number, status</summary>
    public const string OrderMoved = "checkout.order-moved";
    public const string OrderChangedMeanwhile = "checkout.order-changed-meanwhile";
    public const string ShippedCannotBeCancelled = "checkout.shipped-cannot-be-cancelled";
    /// <summary>status</summary>
    public const string TooLateToCancel = "checkout.too-late-to-cancel";
    /// <summary>status, next</summary>
    public const string CanOnlyBecome = "checkout.can-only-become";
    /// <summary>status, next</summary>
    public const string CanOnlyBecomeOrBeCancelled = "checkout.can-only-become-or-be-cancelled";
    /// <summary>status</summary>
    public const string CannotChange = "checkout.cannot-change";
    /// <summary>number</summary>
    public const string AlreadyCancelled = "checkout.already-cancelled";
    /// <summary>number, problem (why the refund failed)</summary>
    public const string CancelledRefundFailed = "checkout.cancelled-refund-failed";
    /// <summary>number, sku, problem (Inventory's)</summary>
    public const string CancelledRestockFailed = "checkout.cancelled-restock-failed";
    /// <summary>number</summary>
    public const string Cancelled = "checkout.cancelled";
    /// <summary>number, amount</summary>
    public const string CancelledAndRefunded = "checkout.cancelled-and-refunded";
    public const string RefundFormExpired = "checkout.refund-form-expired";
    public const string RefundFormOfOtherOrder = "checkout.refund-form-of-other-order";
    public const string RefundAmountInvalid = "checkout.refund-amount-invalid";
    public const string NoPaymentToRefund = "checkout.no-payment-to-refund";
    public const string NothingLeftToRefund = "checkout.nothing-left-to-refund";
    /// <summary>left</summary>
    public const string RefundAtMost = "checkout.refund-at-most";
    public const string RefundUnderWay = "checkout.refund-under-way";
    /// <summary>amount</summary>
    public const string Refunded = "checkout.refunded";
    /// <summary>reason (the provider's own text, or a problem)</summary>
    public const string RefundFailed = "checkout.refund-failed";
    public const string NoSuchFulfilmentRequest = "checkout.no-such-fulfilment-request";
    public const string FulfilmentRequestHandled = "checkout.fulfilment-request-handled";
    /// <summary>number</summary>
    public const string Packed = "checkout.packed";

    // How a checkout ended (CheckoutResult.Problem, kept with the checkout's record).
    public const string FieldsInvalid = "checkout.fields-invalid";
    public const string AlreadyBeingPlaced = "checkout.already-being-placed";
    public const string StillBeingPlaced = "checkout.still-being-placed";
    public const string NotPlaced = "checkout.not-placed";
    public const string PaymentNotConfirmed = "checkout.payment-not-confirmed";
    public const string InterruptedBeforePayment = "checkout.interrupted-before-payment";
    public const string CartChangedElsewhere = "checkout.cart-changed-elsewhere";
    /// <summary>sku</summary>
    public const string JustSoldOut = "checkout.just-sold-out";
    /// <summary>available, sku</summary>
    public const string OnlyLeftOf = "checkout.only-left-of";
    public const string CannotBeBought = "checkout.cannot-be-bought";
    /// <summary>was, now (Money)</summary>
    public const string TotalChanged = "checkout.total-changed";
    public const string PaymentNotProcessedNothingCharged = "checkout.payment-not-processed-nothing-charged";
    /// <summary>amount (Money)</summary>
    public const string NotCompletedRefunded = "checkout.not-completed-refunded";
    /// <summary>reason (a problem), amount (Money)</summary>
    public const string NotCompletedRefundedBecause = "checkout.not-completed-refunded-because";
    /// <summary>title</summary>
    public const string SoldOutBeforeOrder = "checkout.sold-out-before-order";

    // Payment gateways' answers (PaymentResult.Problem, RefundResult.Problem).
    public const string CardDeclined = "checkout.card-declined";
    /// <summary>reason: the provider's own words for the decline</summary>
    public const string DeclinedByProvider = "checkout.declined-by-provider";
    public const string CardProcessingError = "checkout.card-processing-error";
    public const string TestCardsOnly = "checkout.test-cards-only";
    public const string AmountNotPositive = "checkout.amount-not-positive";
    public const string ProviderBusy = "checkout.provider-busy";
    public const string ProviderTrouble = "checkout.provider-trouble";
    public const string PaymentNotKnownYet = "checkout.payment-not-known-yet";
    public const string PaymentProcessing = "checkout.payment-processing";
    /// <summary>status (the provider's)</summary>
    public const string PaymentStepUnsupported = "checkout.payment-step-unsupported";
    public const string PaymentNotProcessed = "checkout.payment-not-processed";
    /// <summary>status (the provider's)</summary>
    public const string ProviderRefundStatus = "checkout.provider-refund-status";
    public const string NoChargeToRefund = "checkout.no-charge-to-refund";
    /// <summary>amount, currency</summary>
    public const string ProviderRefundAtMost = "checkout.provider-refund-at-most";

    // A discount code a shopper gives (CheckoutResult.FieldErrors["DiscountCode"], Quote.DiscountProblem).
    /// <summary>code</summary>
    public const string DiscountUnknown = "checkout.discount-unknown";
    public const string DiscountNotYet = "checkout.discount-not-yet";
    public const string DiscountOver = "checkout.discount-over";
    public const string DiscountUsedUp = "checkout.discount-used-up";
    /// <summary>minimum (Money)</summary>
    public const string DiscountMinimum = "checkout.discount-minimum";
    public const string DiscountAlreadyUsed = "checkout.discount-already-used";

    // A discount code a merchant writes (DiscountChangeResult.Errors).
    public const string DiscountCodeFormat = "checkout.discount-code-format";
    /// <summary>code</summary>
    public const string DiscountCodeTaken = "checkout.discount-code-taken";
    public const string DiscountPercentRange = "checkout.discount-percent-range";
    public const string DiscountAmountRange = "checkout.discount-amount-range";
    public const string DiscountMinimumRange = "checkout.discount-minimum-range";
    public const string DiscountEndBeforeStart = "checkout.discount-end-before-start";
    public const string DiscountLimitRange = "checkout.discount-limit-range";

    /// <summary>text: words stored before checkout stored problems, or a provider's or a failure's own text, shown as they are.</summary>
    public const string AsWritten = "checkout.as-written";

    // Notes of an order's timeline (OrderStatusView.Note, OrderStatusChangedEvent.Note).
    /// <summary>last4</summary>
    public const string NotePaidByCard = "checkout.note-paid-by-card";
    public const string NotePaidThroughProvider = "checkout.note-paid-through-provider";
    /// <summary>carrier, trackingNumber</summary>
    public const string NoteShipped = "checkout.note-shipped";
    /// <summary>amount</summary>
    public const string NoteRefunded = "checkout.note-refunded";

    // An order's status with its money side (OrderView.RefundState), as the order page shows it.
    /// <summary>status</summary>
    public const string StatusPartiallyRefunded = "checkout.status-partially-refunded";
    /// <summary>status</summary>
    public const string StatusRefunded = "checkout.status-refunded";
}
