using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Storefront.FlashSale.Data.Migrations
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.EnsureSchema(
                name: "flashsale");

            migrationBuilder.CreateTable(
                name: "sales",
                schema: "flashsale",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    slug = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    sku = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    units = table.Column<int>(type: "integer", nullable: false),
                    price = table.Column<decimal>(type: "numeric(12,2)", precision: 12, scale: 2, nullable: false),
                    currency = table.Column<string>(type: "character(3)", fixedLength: true, maxLength: 3, nullable: false),
                    starts_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ends_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    limit_per_customer = table.Column<int>(type: "integer", nullable: false),
                    admission_per_minute = table.Column<int>(type: "integer", nullable: false),
                    purchase_window = table.Column<TimeSpan>(type: "interval", nullable: false),
                    guests_allowed = table.Column<bool>(type: "boolean", nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    quota_held = table.Column<int>(type: "integer", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    armed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_sales", x => x.id);
                    table.CheckConstraint("ck_sales_price", "price > 0");
                    table.CheckConstraint("ck_sales_quota", "quota_held >= 0 AND quota_held <= units");
                    table.CheckConstraint("ck_sales_units", "units > 0");
                    table.CheckConstraint("ck_sales_window", "ends_at > starts_at");
                });

            migrationBuilder.CreateIndex(
                name: "ix_sales_sku_starts_at",
                schema: "flashsale",
                table: "sales",
                columns: new[] { "sku", "starts_at" });

            migrationBuilder.CreateIndex(
                name: "ix_sales_slug",
                schema: "flashsale",
                table: "sales",
                column: "slug",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "sales",
                schema: "flashsale");
        }
    }
}
