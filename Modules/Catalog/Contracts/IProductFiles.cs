using Storefront.BuildingBlocks.Outcomes;

namespace Storefront.Catalog.Contracts;

/// <summary>What a row of an import does to its SKU.</summary>
public enum ImportRowAction { Create, Update }

/// <summary>One value a row changes: the field's column name, what it is now (null for a new product) and what the file says.</summary>
public sealed record ImportFieldChange(string Column, string? Before, string After);

/// <summary>A problem of the file: its line (1 is the header), the column and why.</summary>
public sealed record ImportProblem(int Line, string Column, Problem Problem);

/// <summary>
/// A row that changes something, as previewed, and once applied how it went: <see cref="Done"/>
/// with no <see cref="Skipped"/> problem is applied; with one, nothing of it was (or, for
/// <see cref="PartlyApplied"/>, only the product's text was).
/// </summary>
public sealed record ImportRowView(int Line, string Sku, ImportRowAction Action, IReadOnlyList<ImportFieldChange> Changes,
    bool Done, Problem? Skipped, bool PartlyApplied);

public static class ImportStatus
{
    /// <summary>Checked and shown; nothing changed yet.</summary>
    public const string Previewed = "previewed";
    public const string Applying = "applying";
    public const string Applied = "applied";
}

/// <param name="Rows">The rows that change something (up to the number asked for), in file order.</param>
public sealed record ProductImportView(Guid Id, string FileName, string CreatedBy, DateTimeOffset CreatedAt, string Status,
    int Lines, int Creates, int Updates, int Unchanged, int Done, int Skipped, string? StartedBy, DateTimeOffset? FinishedAt,
    bool CanApply, IReadOnlyList<ImportRowView> Rows);

/// <summary>
/// A checked file: with problems, nothing was kept (<see cref="ImportId"/> is null) and the first
/// problems are listed, <see cref="ProblemCount"/> counting them all; without, the preview's id.
/// </summary>
public sealed record ImportCheckResult(Guid? ImportId, IReadOnlyList<ImportProblem> Problems, int ProblemCount)
{
    public bool Succeeded => ImportId is not null;
}

public enum ImportStartOutcome { Started, AlreadyStarted, Expired, NothingToDo, NotFound }

/// <summary>
/// The catalog as a spreadsheet: every product with its price and stock written out as CSV, and a
/// CSV file of products read back in — checked whole first (one problem anywhere and nothing
/// changes), previewed as the changes it would make, then applied in the background once.
/// </summary>
public interface IProductFiles
{
    /// <summary>Most products an import may hold (records after the header, whatever line breaks their cells hold).</summary>
    const int MaxProducts = 5_000;

    /// <summary>Largest file an import reads, in bytes.</summary>
    const int MaxBytes = 8 * 1024 * 1024;

    /// <summary>Writes every product, in the import's columns, as CSV (UTF-8).</summary>
    Task ExportAsync(Stream output, CancellationToken cancellationToken);

    /// <summary>Reads and checks a file and, when it has no problem, keeps its preview.</summary>
    Task<ImportCheckResult> CheckAsync(string fileName, Stream content, string actor, CancellationToken cancellationToken);

    Task<ProductImportView?> GetAsync(Guid id, int rows, CancellationToken cancellationToken);

    /// <summary>The newest imports, without their rows.</summary>
    Task<IReadOnlyList<ProductImportView>> RecentAsync(int take, CancellationToken cancellationToken);

    /// <summary>
    /// Starts applying a preview in the background, once: of two presses (double click, two
    /// merchants), one starts it and the other is told <see cref="ImportStartOutcome.AlreadyStarted"/>.
    /// A preview older than an hour is <see cref="ImportStartOutcome.Expired"/>.
    /// </summary>
    Task<ImportStartOutcome> StartAsync(Guid id, string actor, CancellationToken cancellationToken);

    /// <summary>As <see cref="StartAsync"/>, but applies the preview here and now, returning when it is done (the command line).</summary>
    Task<ImportStartOutcome> ApplyNowAsync(Guid id, string actor, CancellationToken cancellationToken);
}
