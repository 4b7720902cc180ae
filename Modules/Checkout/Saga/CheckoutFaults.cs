namespace Storefront.Checkout.Saga;

public enum CheckoutStep { Validate, Price, Charge, AfterCharge, CreateOrder, CommitStock, Complete }

public enum CheckoutFault
{
    None,
    /// <summary>The step throws: the saga compensates as it would for any real failure.</summary>
    Fail,
    /// <summary>The process "dies" before the step: nothing more happens until the recovery job runs.</summary>
    Crash,
}

/// <summary>
/// Where tests inject failures into the saga. Production registers <see cref="NoCheckoutFaults"/>;
/// nothing else in the saga knows tests exist.
/// </summary>
public interface ICheckoutFaults
{
    CheckoutFault Before(CheckoutStep step, Guid checkoutId);
}

public sealed class NoCheckoutFaults : ICheckoutFaults
{
    public CheckoutFault Before(CheckoutStep step, Guid checkoutId) => CheckoutFault.None;
}

/// <summary>Thrown where a test makes the process die; the saga's state stays as it was.</summary>
public sealed class CheckoutInterruptedException(CheckoutStep step) : Exception($"The checkout was interrupted before {step}.");

/// <summary>A step failed for a reason the shopper is told, as a problem; the message is for the log.</summary>
internal sealed class CheckoutProblemException(BuildingBlocks.Outcomes.Problem problem, string message) : Exception(message)
{
    public BuildingBlocks.Outcomes.Problem Problem { get; } = problem;
}

/// <summary>Thrown where a test makes a step fail.</summary>
public sealed class CheckoutStepFailedException(CheckoutStep step) : Exception($"The {step} step failed.");
