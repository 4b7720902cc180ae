using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Storefront.Checkout.Data.Migrations
{
    /// <inheritdoc />
    public partial class SafeCheckoutAndOrders : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "refund_state",
                schema: "checkout",
                table: "orders",
                type: "character varying(10)",
                maxLength: 10,
                nullable: false,
                defaultValue: "None");

            migrationBuilder.AddColumn<bool>(
                name: "restock_pending",
                schema: "checkout",
                table: "orders",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<uint>(
                name: "xmin",
                schema: "checkout",
                table: "orders",
                type: "xid",
                rowVersion: true,
                nullable: false,
                defaultValue: 0u);

            migrationBuilder.AddColumn<string>(
                name: "actor",
                schema: "checkout",
                table: "order_status_changes",
                type: "character varying(256)",
                maxLength: 256,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "lease_owner",
                schema: "checkout",
                table: "checkouts",
                type: "uuid",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"));

            migrationBuilder.AddColumn<string>(
                name: "payment_token",
                schema: "checkout",
                table: "checkouts",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<uint>(
                name: "xmin",
                schema: "checkout",
                table: "checkouts",
                type: "xid",
                rowVersion: true,
                nullable: false,
                defaultValue: 0u);

            // Refunds used to be written into the status; they are the money side now, and the status
            // goes back to where the order was in fulfilment (cancelled orders stay cancelled).
            migrationBuilder.Sql("""
                UPDATE checkout.orders SET refund_state = CASE WHEN refunded <= 0 THEN 'None' WHEN refunded >= total THEN 'Full' ELSE 'Partial' END;
                UPDATE checkout.orders o SET status = coalesce((
                    SELECT h.status FROM checkout.order_status_changes h
                    WHERE h.order_id = o.id AND h.status IN ('Paid', 'Packed', 'Shipped', 'Delivered', 'Cancelled')
                    ORDER BY h.id DESC LIMIT 1), 'Paid')
                WHERE o.status IN ('Refunded', 'Partially refunded');
                """);

            migrationBuilder.CreateTable(
                name: "order_refunds",
                schema: "checkout",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    order_id = table.Column<Guid>(type: "uuid", nullable: false),
                    amount = table.Column<decimal>(type: "numeric(12,2)", precision: 12, scale: 2, nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    refund_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    message = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    actor = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_order_refunds", x => x.id);
                    table.CheckConstraint("ck_order_refunds_amount", "amount > 0");
                });

            migrationBuilder.CreateIndex(
                name: "ix_order_refunds_order_id_status",
                schema: "checkout",
                table: "order_refunds",
                columns: new[] { "order_id", "status" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "order_refunds",
                schema: "checkout");

            migrationBuilder.DropColumn(
                name: "refund_state",
                schema: "checkout",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "restock_pending",
                schema: "checkout",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "xmin",
                schema: "checkout",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "actor",
                schema: "checkout",
                table: "order_status_changes");

            migrationBuilder.DropColumn(
                name: "lease_owner",
                schema: "checkout",
                table: "checkouts");

            migrationBuilder.DropColumn(
                name: "payment_token",
                schema: "checkout",
                table: "checkouts");

            migrationBuilder.DropColumn(
                name: "xmin",
                schema: "checkout",
                table: "checkouts");
        }
    }
}
