using Storefront.BuildingBlocks.Outcomes;
using Storefront.Checkout.Contracts;
using Storefront.Checkout.Orders;
using Storefront.Tests.Fixtures;

namespace Storefront.Tests.Rules;

/// <summary>The order's fulfilment moves and the money side of refunds, on an order in memory.</summary>
public sealed class OrderMovesTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static Order Paid(decimal total = 100m) => new() { Status = OrderStatus.Paid, Total = total, PaymentId = "pay_1", Currency = "USD" };

    public static TheoryData<string, string> AllowedMoves => new()
    {
        { OrderStatus.Paid, OrderStatus.Packed }, { OrderStatus.Paid, OrderStatus.Cancelled },
        { OrderStatus.Packed, OrderStatus.Shipped }, { OrderStatus.Packed, OrderStatus.Cancelled },
        { OrderStatus.Shipped, OrderStatus.Delivered },
    };

    [Fact]
    public void The_only_moves_are_forward_through_fulfilment_and_cancelling_before_shipping()
    {
        var allowed = AllowedMoves.Select(row => ((string)row[0], (string)row[1])).ToHashSet();
        foreach (var from in OrderStatus.All)
            foreach (var to in OrderStatus.All.Append(OrderStatus.Placed).Append(OrderStatus.Refunded))
                Assert.True(OrderStatus.CanMove(from, to) == allowed.Contains((from, to)), $"{from} → {to}");
        Assert.False(OrderStatus.CanMove("Unknown", OrderStatus.Paid));
    }

    [Theory]
    [InlineData("Paid", "Packed")]
    [InlineData("Packed", "Shipped")]
    [InlineData("Shipped", "Delivered")]
    [InlineData("Delivered", null)]
    [InlineData("Cancelled", null)]
    public void The_next_step_never_cancels(string status, string? next) => Assert.Equal(next, OrderStatus.NextOf(status));

    [Theory]
    [MemberData(nameof(AllowedMoves))]
    public void An_allowed_move_changes_the_status_and_adds_it_to_the_timeline(string from, string to)
    {
        var order = Paid();
        order.Status = from;
        var note = Problem.Of(CheckoutProblems.NoteShipped, ("carrier", "UPS"), ("trackingNumber", "1Z1"));
        Assert.Null(order.MoveTo(to, Now, "merchant@example.com", note));
        Assert.Equal(to, order.Status);
        Assert.Equal(Now, order.UpdatedAt);
        var entry = Assert.Single(order.History);
        Assert.Equal((to, "UPS 1Z1", "merchant@example.com"), (entry.Status, English.Of(OrderNotes.Read(entry.Note)), entry.Actor));
        Assert.Equal(to == OrderStatus.Cancelled, order.RestockPending);
    }

    [Theory]
    [InlineData("Shipped", "Cancelled", "A shipped order cannot be cancelled; its goods come back through a return.")]
    [InlineData("Paid", "Shipped", "An order that is paid can only become packed or be cancelled.")]
    [InlineData("Shipped", "Packed", "An order that is shipped can only become delivered.")]
    [InlineData("Delivered", "Paid", "An order that is delivered cannot change any more.")]
    [InlineData("Cancelled", "Packed", "An order that is cancelled cannot change any more.")]
    public void A_refused_move_says_why_and_changes_nothing(string from, string to, string reason)
    {
        var order = Paid();
        order.Status = from;
        Assert.Equal(reason, English.Of(order.MoveTo(to, Now, "merchant")));
        Assert.Equal(from, order.Status);
        Assert.Empty(order.History);
        Assert.False(order.RestockPending);
    }

    [Theory]
    [InlineData(0, 100, "None")]
    [InlineData(-1, 100, "None")]
    [InlineData(0.01, 100, "Partial")]
    [InlineData(99.99, 100, "Partial")]
    [InlineData(100, 100, "Full")]
    [InlineData(120, 100, "Full")]
    public void Refund_state_follows_the_amount_given_back(decimal refunded, decimal total, string state) =>
        Assert.Equal(state, RefundState.Of(refunded, total));

    [Fact]
    public void Refunds_add_up_to_a_full_refund_without_moving_the_order_in_fulfilment()
    {
        var order = Paid(100m);
        order.MoveTo(OrderStatus.Packed, Now, "merchant");
        order.Refund(30m, Now, "merchant");
        Assert.Equal((30m, RefundState.Partial, OrderStatus.Packed), (order.Refunded, order.RefundState, order.Status));
        order.Refund(70m, Now.AddMinutes(1), "merchant");
        Assert.Equal((100m, RefundState.Full, OrderStatus.Packed), (order.Refunded, order.RefundState, order.Status));
        Assert.Equal([OrderStatus.Packed, OrderStatus.PartiallyRefunded, OrderStatus.Refunded], order.History.Select(h => h.Status));
    }

    [Fact]
    public void What_is_refundable_is_what_was_paid_less_refunds_done_and_under_way()
    {
        var order = Paid(100m);
        order.Refund(30m, Now, "merchant");
        Assert.Equal(50m, order.Refundable(pending: 20m));
        Assert.Equal(0m, order.Refundable(pending: 90m));
        Assert.Equal(0m, new Order { Total = 100m }.Refundable(0m));
    }
}
