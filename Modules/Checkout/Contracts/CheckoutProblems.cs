using Storefront.BuildingBlocks.Outcomes;

namespace Storefront.Checkout.Contracts;

/// <summary>The problems checkout reports (<see cref="Problem.Code"/>); the summary of a code names the values it carries.</summary>
[ProblemCodes]
public static class CheckoutProblems
{
    public const string ShippingMethodRequired = "checkout.shipping-method-required";
    public const string CartEmpty = "checkout.cart-empty";
}
