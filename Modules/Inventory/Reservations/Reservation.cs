namespace Storefront.Inventory.Reservations;

internal static class ReservationStatus
{
    public const string Active = "active";
    public const string Committed = "committed";
    public const string Released = "released";
    public const string Expired = "expired";
}

internal sealed class Reservation
{
    public Guid Id { get; set; }
    public string Sku { get; set; } = "";
    public string Holder { get; set; } = "";
    public int Quantity { get; set; }
    public string Status { get; set; } = ReservationStatus.Active;
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public string? Reference { get; set; }
}
