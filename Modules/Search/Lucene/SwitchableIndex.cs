using Storefront.Search.Contracts;

namespace Storefront.Search.Lucene;

/// <summary>
/// The live index and, during a full rebuild, the one being built beside it. Searches read the live
/// one; changes go to both, so the new index misses nothing that happened while it was built; when
/// it is complete it becomes the live one in a single swap (recorded in a pointer file, so a restart
/// opens it) and the old one is deleted. Search never goes offline: every use of an index holds it
/// (<see cref="Held"/>), and a retired index is closed and deleted only once the last search or write
/// that began on it has finished.
/// </summary>
internal sealed class SwitchableIndex : ISearchIndexes, IDisposable
{
    private readonly string _root;
    private readonly object _gate = new();
    private Held _live;
    private Held? _building;
    private string _liveName;
    private string? _buildingName;
    private readonly TypoAutomata? _typos;

    /// <summary>An index and how many operations are using it; retiring it closes it when the last one ends.</summary>
    private sealed class Held(LuceneSearchEngine engine)
    {
        private readonly object _lock = new();
        private int _users;
        private bool _retired;
        private string? _folder;

        public LuceneSearchEngine Engine => engine;

        public void Acquire()
        {
            lock (_lock) _users++;
        }

        public void Release()
        {
            bool close;
            lock (_lock) close = --_users == 0 && _retired;
            if (close) Close();
        }

        /// <summary>Closes the index now or, if it is in use, when its last user is done; then deletes <paramref name="folder"/>.</summary>
        public void Retire(string folder)
        {
            bool close;
            lock (_lock)
            {
                if (_retired) return;
                (_retired, _folder) = (true, folder);
                close = _users == 0;
            }
            if (close) Close();
        }

        private void Close()
        {
            engine.Dispose();
            if (_folder is null) return;
            try
            {
                System.IO.Directory.Delete(_folder, recursive: true);
            }
            catch (IOException)
            {
                // A reader may still hold a file; the folder is only disk space now.
            }
        }
    }

    /// <param name="typos">The automata cache both indexes share (the words are the same).</param>
    public SwitchableIndex(string root, TypoAutomata? typos = null)
    {
        _root = root;
        _typos = typos;
        System.IO.Directory.CreateDirectory(root);
        var pointer = Path.Combine(root, "current");
        _liveName = File.Exists(pointer) ? File.ReadAllText(pointer).Trim() : "lucene";
        _live = new Held(new LuceneSearchEngine(Path.Combine(root, _liveName), typos: typos));
    }

    public DateTimeOffset? LastChangeAt { get; private set; }
    public DateTimeOffset? RebuildingSince { get; private set; }
    public string LiveDirectory => Path.Combine(_root, _liveName);

    public string EngineName => "Lucene.Net";

    public string Location => LiveDirectory;

    public Task<bool> IsCurrentAsync(CancellationToken ct)
    {
        lock (_gate) return Task.FromResult(_live.Engine.Format == SearchIndexFormat.Version);
    }

    public Task<ISearchEngine?> BeginRebuildAsync(CancellationToken ct) =>
        Task.FromResult(TryBeginRebuild(out var building) ? building : null);

    public Task EndRebuildAsync(bool succeeded, CancellationToken ct)
    {
        EndRebuild(succeeded);
        return Task.CompletedTask;
    }

    /// <summary>Runs <paramref name="use"/> on the live index, holding it so a swap cannot close it meanwhile.</summary>
    private async Task<T> OnLiveAsync<T>(Func<LuceneSearchEngine, Task<T>> use)
    {
        Held live;
        lock (_gate)
        {
            live = _live;
            live.Acquire();
        }
        try
        {
            return await use(live.Engine);
        }
        finally
        {
            live.Release();
        }
    }

    /// <summary>Runs <paramref name="change"/> on the live index and on the one being built, if any, holding both.</summary>
    private async Task OnBothAsync(Func<LuceneSearchEngine, Task> change)
    {
        Held live;
        Held? building;
        lock (_gate)
        {
            (live, building) = (_live, _building);
            live.Acquire();
            building?.Acquire();
        }
        try
        {
            await change(live.Engine);
            if (building is not null) await change(building.Engine);
        }
        finally
        {
            live.Release();
            building?.Release();
        }
        LastChangeAt = DateTimeOffset.UtcNow;
    }

    public Task IndexAsync(IReadOnlyList<SearchDocument> documents, CancellationToken ct) => OnBothAsync(e => e.IndexAsync(documents, ct));

    public Task DeleteAsync(IReadOnlyList<Guid> productIds, CancellationToken ct) => OnBothAsync(e => e.DeleteAsync(productIds, ct));

    public Task<SearchResult> SearchAsync(SearchRequest request, CancellationToken ct) => OnLiveAsync(e => e.SearchAsync(request, ct));

    public Task<long> CountAsync(CancellationToken ct) => OnLiveAsync(e => e.CountAsync(ct));

    public Task<IReadOnlyList<SearchHit>> SuggestAsync(string prefix, int take, CancellationToken ct) => OnLiveAsync(e => e.SuggestAsync(prefix, take, ct));

    /// <summary>Starts a new, empty index beside the live one; false when a rebuild is already running.</summary>
    public bool TryBeginRebuild(out ISearchEngine building)
    {
        lock (_gate)
        {
            if (_building is not null)
            {
                building = _building.Engine;
                return false;
            }
            _buildingName = "lucene-" + DateTimeOffset.UtcNow.ToString("yyyyMMddHHmmssfff", System.Globalization.CultureInfo.InvariantCulture);
            _building = new Held(new LuceneSearchEngine(Path.Combine(_root, _buildingName), stampFormat: true, typos: _typos));
            RebuildingSince = DateTimeOffset.UtcNow;
            building = _building.Engine;
            return true;
        }
    }

    /// <summary>Makes the new index the live one, or, when the rebuild failed, throws it away.</summary>
    public void EndRebuild(bool succeeded)
    {
        Held retired;
        string retiredName;
        lock (_gate)
        {
            if (_building is null) return;
            if (succeeded)
            {
                File.WriteAllText(Path.Combine(_root, "current.tmp"), _buildingName);
                File.Move(Path.Combine(_root, "current.tmp"), Path.Combine(_root, "current"), overwrite: true);
                (retired, retiredName) = (_live, _liveName);
                (_live, _liveName) = (_building, _buildingName!);
                _live.Engine.SkipsUnchanged = true;
            }
            else
            {
                (retired, retiredName) = (_building, _buildingName!);
            }
            (_building, _buildingName, RebuildingSince) = (null, null, null);
        }
        // Searches that began on the retired index finish on it; it is closed and deleted after them.
        retired.Retire(Path.Combine(_root, retiredName));
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _building?.Engine.Dispose();
            _live.Engine.Dispose();
        }
    }
}
