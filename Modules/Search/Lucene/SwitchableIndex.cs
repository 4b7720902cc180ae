using Storefront.Search.Contracts;

namespace Storefront.Search.Lucene;

/// <summary>
/// The live index and, during a full rebuild, the one being built beside it. Searches read the live
/// one; changes go to both, so the new index misses nothing that happened while it was built; when
/// it is complete it becomes the live one in a single swap (recorded in a pointer file, so a restart
/// opens it) and the old one is deleted. Search never goes offline.
/// </summary>
internal sealed class SwitchableIndex : ISearchIndexes, IDisposable
{
    private readonly string _root;
    private readonly object _gate = new();
    private LuceneSearchEngine _live;
    private LuceneSearchEngine? _building;
    private string _liveName;
    private string? _buildingName;
    private readonly TypoAutomata? _typos;

    /// <param name="typos">The automata cache both indexes share (the words are the same).</param>
    public SwitchableIndex(string root, TypoAutomata? typos = null)
    {
        _root = root;
        _typos = typos;
        System.IO.Directory.CreateDirectory(root);
        var pointer = Path.Combine(root, "current");
        _liveName = File.Exists(pointer) ? File.ReadAllText(pointer).Trim() : "lucene";
        _live = new LuceneSearchEngine(Path.Combine(root, _liveName), typos: typos);
    }

    public DateTimeOffset? LastChangeAt { get; private set; }
    public DateTimeOffset? RebuildingSince { get; private set; }
    public string LiveDirectory => Path.Combine(_root, _liveName);

    public string EngineName => "Lucene.Net";

    public string Location => LiveDirectory;

    public Task<bool> IsCurrentAsync(CancellationToken ct)
    {
        lock (_gate) return Task.FromResult(_live.Format == SearchIndexFormat.Version);
    }

    public Task<ISearchEngine?> BeginRebuildAsync(CancellationToken ct) =>
        Task.FromResult(TryBeginRebuild(out var building) ? building : null);

    public Task EndRebuildAsync(bool succeeded, CancellationToken ct)
    {
        EndRebuild(succeeded);
        return Task.CompletedTask;
    }

    private ISearchEngine Live { get { lock (_gate) return _live; } }

    public async Task IndexAsync(IReadOnlyList<SearchDocument> documents, CancellationToken ct)
    {
        LuceneSearchEngine live;
        LuceneSearchEngine? building;
        lock (_gate) (live, building) = (_live, _building);
        await live.IndexAsync(documents, ct);
        if (building is not null) await building.IndexAsync(documents, ct);
        LastChangeAt = DateTimeOffset.UtcNow;
    }

    public async Task DeleteAsync(IReadOnlyList<Guid> productIds, CancellationToken ct)
    {
        LuceneSearchEngine live;
        LuceneSearchEngine? building;
        lock (_gate) (live, building) = (_live, _building);
        await live.DeleteAsync(productIds, ct);
        if (building is not null) await building.DeleteAsync(productIds, ct);
        LastChangeAt = DateTimeOffset.UtcNow;
    }

    public Task<SearchResult> SearchAsync(SearchRequest request, CancellationToken ct) => Live.SearchAsync(request, ct);

    public Task<long> CountAsync(CancellationToken ct) => Live.CountAsync(ct);

    public Task<IReadOnlyList<SearchHit>> SuggestAsync(string prefix, int take, CancellationToken ct) => Live.SuggestAsync(prefix, take, ct);

    /// <summary>Starts a new, empty index beside the live one; false when a rebuild is already running.</summary>
    public bool TryBeginRebuild(out ISearchEngine building)
    {
        lock (_gate)
        {
            if (_building is not null)
            {
                building = _building;
                return false;
            }
            _buildingName = "lucene-" + DateTimeOffset.UtcNow.ToString("yyyyMMddHHmmssfff", System.Globalization.CultureInfo.InvariantCulture);
            _building = new LuceneSearchEngine(Path.Combine(_root, _buildingName), stampFormat: true, typos: _typos);
            RebuildingSince = DateTimeOffset.UtcNow;
            building = _building;
            return true;
        }
    }

    /// <summary>Makes the new index the live one, or, when the rebuild failed, throws it away.</summary>
    public void EndRebuild(bool succeeded)
    {
        LuceneSearchEngine? retired;
        string? retiredName;
        lock (_gate)
        {
            if (_building is null) return;
            if (succeeded)
            {
                File.WriteAllText(Path.Combine(_root, "current.tmp"), _buildingName);
                File.Move(Path.Combine(_root, "current.tmp"), Path.Combine(_root, "current"), overwrite: true);
                (retired, retiredName) = (_live, _liveName);
                (_live, _liveName) = (_building, _buildingName!);
            }
            else
            {
                (retired, retiredName) = (_building, _buildingName);
            }
            (_building, _buildingName, RebuildingSince) = (null, null, null);
        }
        retired.Dispose();
        try
        {
            System.IO.Directory.Delete(Path.Combine(_root, retiredName!), recursive: true);
        }
        catch (IOException)
        {
            // A reader may still hold a file; the folder is only disk space now.
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _building?.Dispose();
            _live.Dispose();
        }
    }
}
