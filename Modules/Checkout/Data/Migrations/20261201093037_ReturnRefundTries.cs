using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Storefront.Checkout.Data.Migrations
{
    /// <inheritdoc />
    public partial class ReturnRefundTries : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "failed_refunds",
                schema: "checkout",
                table: "returns",
                type: "integer",
                nullable: false,
                defaultValue: 0);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "failed_refunds",
                schema: "checkout",
                table: "returns");
        }
    }
}
