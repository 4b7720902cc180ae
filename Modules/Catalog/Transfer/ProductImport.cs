using Storefront.Catalog.Contracts;

namespace Storefront.Catalog.Transfer;

/// <summary>A checked file, kept as its preview until it is applied (table catalog.product_imports).</summary>
internal sealed class ProductImport
{
    public Guid Id { get; set; }
    public string FileName { get; set; } = "";
    public string CreatedBy { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public string Status { get; set; } = ImportStatus.Previewed;
    /// <summary>Lines of products in the file (the header not counted).</summary>
    public int Lines { get; set; }
    public int Creates { get; set; }
    public int Updates { get; set; }
    public int Unchanged { get; set; }
    public int Done { get; set; }
    public int Skipped { get; set; }
    public string? StartedBy { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
}

/// <summary>A row of a file that changes something (catalog.product_import_rows): what to do, what it changes, and how it went.</summary>
internal sealed class ProductImportRow
{
    public Guid ImportId { get; set; }
    public int Line { get; set; }
    public string Sku { get; set; } = "";
    public ImportRowAction Action { get; set; }
    /// <summary><see cref="RowPlan"/> as JSON.</summary>
    public string Plan { get; set; } = "{}";
    /// <summary>The <see cref="ImportFieldChange"/>s as JSON, for the preview.</summary>
    public string Changes { get; set; } = "[]";
    public bool Done { get; set; }
    /// <summary>Why the row was not applied (a problem as JSON), when it was not.</summary>
    public string? Skipped { get; set; }
    public bool PartlyApplied { get; set; }
}

/// <summary>
/// What applying a row does, with the values it was checked against, so that applying never undoes
/// what changed since the preview: <see cref="Input"/> is the product's text (null when the row
/// leaves it as it is), saved only if the product is still at <see cref="SeenUpdatedAt"/>;
/// <see cref="Price"/> and <see cref="OnHand"/> (null when left as they are) are saved only if no one
/// changed them since they were <see cref="SeenPrice"/> and <see cref="SeenOnHand"/>.
/// </summary>
internal sealed record RowPlan(Guid? ProductId, DateTimeOffset? SeenUpdatedAt, ProductInput? Input,
    decimal? Price, int? OnHand, decimal? SeenPrice, int? SeenOnHand);
