using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Storefront.Catalog.Data.Migrations
{
    /// <inheritdoc />
    public partial class CategoryFacetMarks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateSequence(
                name: "category_facet_marks",
                schema: "catalog");

            migrationBuilder.AddColumn<long>(
                name: "counted_from",
                schema: "catalog",
                table: "category_facets",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "stale_mark",
                schema: "catalog",
                table: "category_facets",
                type: "bigint",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "counted_from",
                schema: "catalog",
                table: "category_facets");

            migrationBuilder.DropColumn(
                name: "stale_mark",
                schema: "catalog",
                table: "category_facets");

            migrationBuilder.DropSequence(
                name: "category_facet_marks",
                schema: "catalog");
        }
    }
}
