using System.Globalization;
using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Core;
using Lucene.Net.Analysis.En;
using Lucene.Net.Analysis.Miscellaneous;
using Lucene.Net.Analysis.Standard;
using Lucene.Net.Analysis.Util;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Highlight;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Store;
using Lucene.Net.Util;
using Storefront.Search.Contracts;
using Directory = Lucene.Net.Store.Directory;

namespace Storefront.Search.Lucene;

/// <summary>
/// The embedded engine: one Lucene.Net index with BM25 scoring, near-real-time readers, filters as
/// non-scoring clauses and facet counts over every matching document, read from in-memory columns
/// (<see cref="SegmentColumns"/>).
/// Titles and descriptions are analysed in English (stemming, stop words); an analysed word the
/// index does not know may also match within one or two edits, so "hedphones" still finds
/// headphones; how many words get that, and "did you mean", is bounded by <see cref="QueryLimits"/>.
/// </summary>
internal sealed class LuceneSearchEngine : ISearchEngine, IDisposable
{
    private const LuceneVersion Version = LuceneVersion.LUCENE_48;

    private static readonly (string Label, double? From, double? To)[] PriceBands =
        SearchFacets.PriceBands.Select(b => (b.Label, (double?)b.From, (double?)b.To)).ToArray();

    private readonly Directory _directory;
    private readonly Analyzer _analyzer;
    private readonly IndexWriter _writer;
    private readonly SearcherManager _searchers;
    private readonly object _refresh = new();
    private readonly TypoAutomata _typos;

    /// <summary>
    /// Opens (or creates) the index in <paramref name="path"/>. A new index is stamped with the current
    /// <see cref="SearchIndexFormat"/> only when <paramref name="stampFormat"/> is set (a rebuild), so
    /// an index that was never built from the catalog is known to need it.
    /// </summary>
    public LuceneSearchEngine(string path, bool stampFormat = false, TypoAutomata? typos = null)
    {
        _typos = typos ?? new TypoAutomata(new TypoCacheOptions().MaxEntries, new TypoCacheOptions().MaxCharacters);
        System.IO.Directory.CreateDirectory(path);
        _directory = FSDirectory.Open(path);
        if (DirectoryReader.IndexExists(_directory))
        {
            using var reader = DirectoryReader.Open(_directory);
            Format = reader.IndexCommit.UserData.TryGetValue("format", out var format) ? format : null;
        }
        _analyzer = new PerFieldAnalyzerWrapper(new KeywordAnalyzer(), new Dictionary<string, Analyzer>
        {
            ["title"] = new EnglishAnalyzer(Version),
            ["description"] = new EnglishAnalyzer(Version),
            ["category_text"] = new EnglishAnalyzer(Version),
            ["title_words"] = new StandardAnalyzer(Version, CharArraySet.Empty),
        });
        _writer = new IndexWriter(_directory, new IndexWriterConfig(Version, _analyzer)
        {
            OpenMode = OpenMode.CREATE_OR_APPEND,
            Similarity = new BM25Similarity(),
            MergedSegmentWarmer = new SegmentColumns.MergeWarmer(),
        });
        if (stampFormat || Format == SearchIndexFormat.Version)
        {
            _writer.SetCommitData(new Dictionary<string, string> { ["format"] = SearchIndexFormat.Version });
            _writer.Commit();
            Format = SearchIndexFormat.Version;
        }
        _searchers = new SearcherManager(_writer, true, new SegmentColumns.WarmingSearcherFactory(new BM25Similarity()));
        SkipsUnchanged = !stampFormat;
    }

    /// <summary>The <see cref="SearchIndexFormat"/> the index was built in; null when it never was.</summary>
    public string? Format { get; }

    /// <summary>The cached edit-distance automata of typo-tolerant words.</summary>
    internal TypoAutomata Typos => _typos;

    /// <summary>
    /// Whether <see cref="IndexAsync"/> looks each document up to skip the ones held as they are. Off
    /// while a rebuild fills a new index (nothing is there to skip, so the look-ups would only cost);
    /// on once that index is live.
    /// </summary>
    internal bool SkipsUnchanged { get; set; }

    /// <summary>
    /// Writes the documents that differ from what the index holds (by a fingerprint of their
    /// content) and makes them visible; documents the index already holds as they are cost a look-up
    /// and no commit. Most stock changes are such: a sale of a well-stocked product changes nothing a
    /// search shows.
    /// </summary>
    public Task IndexAsync(IReadOnlyList<SearchDocument> documents, CancellationToken ct)
    {
        var changed = SkipsUnchanged ? Changed(documents) : documents.Select(d => (d, Fingerprint(d))).ToList();
        if (changed.Count == 0) return Task.CompletedTask;
        foreach (var (d, fingerprint) in changed) _writer.UpdateDocument(new Term("id", d.ProductId.ToString("N")), ToDocument(d, fingerprint));
        Refresh();
        return Task.CompletedTask;
    }

    /// <summary>The documents whose fingerprint is not the one the index holds for their product, with their fingerprint.</summary>
    private List<(SearchDocument Document, string Fingerprint)> Changed(IReadOnlyList<SearchDocument> documents)
    {
        var changed = new List<(SearchDocument, string)>(documents.Count);
        var searcher = _searchers.Acquire();
        try
        {
            // The id's term looked up segment by segment.
            var leaves = searcher.IndexReader.Leaves
                .Select(l => (Reader: l.AtomicReader, Ids: l.AtomicReader.GetTerms("id")?.GetEnumerator()))
                .Where(l => l.Ids is not null).ToList();
            foreach (var d in documents)
            {
                var fingerprint = Fingerprint(d);
                var id = new BytesRef(d.ProductId.ToString("N"));
                string? held = null;
                foreach (var (reader, ids) in leaves)
                {
                    if (!ids!.SeekExact(id)) continue;
                    var doc = ids.Docs(reader.LiveDocs, null, DocsFlags.NONE).NextDoc();
                    if (doc == DocIdSetIterator.NO_MORE_DOCS) continue;
                    held = reader.Document(doc, FingerprintOnly).Get("fingerprint");
                    break;
                }
                if (held != fingerprint) changed.Add((d, fingerprint));
            }
        }
        finally
        {
            _searchers.Release(searcher);
        }
        return changed;
    }

    private static readonly ISet<string> FingerprintOnly = new HashSet<string> { "fingerprint" };

    /// <summary>A hash of everything the document holds: equal fingerprints, equal documents.</summary>
    internal static string Fingerprint(SearchDocument d) =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(d)), 0, 16);

    public Task DeleteAsync(IReadOnlyList<Guid> productIds, CancellationToken ct)
    {
        _writer.DeleteDocuments(productIds.Select(id => new Term("id", id.ToString("N"))).ToArray());
        Refresh();
        return Task.CompletedTask;
    }

    /// <summary>Commits and makes the changes visible to the next search (near real time).</summary>
    private void Refresh()
    {
        lock (_refresh)
        {
            _writer.Commit();
            _searchers.MaybeRefreshBlocking();
        }
    }

    private static Document ToDocument(SearchDocument d, string fingerprint)
    {
        var doc = new Document
        {
            new StringField("id", d.ProductId.ToString("N"), Field.Store.YES),
            new StoredField("fingerprint", fingerprint),
            new StoredField("sku", d.Sku),
            new StoredField("slug", d.Slug),
            new TextField("title", d.Title, Field.Store.YES),
            new TextField("title_words", d.Title, Field.Store.NO),
            new TextField("description", d.Description, Field.Store.NO),
            new TextField("category_text", string.Join(" ", d.CategoryNames), Field.Store.NO),
            new StringField("brand", d.Brand.ToLowerInvariant(), Field.Store.NO),
            new StoredField("brand_name", d.Brand),
            new SortedDocValuesField("brand_dv", new BytesRef(d.Brand)),
            new DoubleField("price", (double)d.Price, Field.Store.YES),
            new DoubleDocValuesField("price_dv", (double)d.Price),
            new StoredField("currency", d.Currency),
            new DoubleField("rating", (double)d.Rating, Field.Store.YES),
            new DoubleDocValuesField("rating_dv", (double)d.Rating),
            new StoredField("reviews", d.ReviewCount),
            new Int32Field("available", d.Available, Field.Store.YES),
            new NumericDocValuesField("available_dv", d.Available),
            new DoubleDocValuesField("popularity_dv", d.Popularity),
            new NumericDocValuesField("created_dv", d.CreatedAt.ToUnixTimeMilliseconds()),
        };
        foreach (var slug in d.CategorySlugs.Distinct())
        {
            doc.Add(new StringField("category", slug, Field.Store.NO));
            doc.Add(new SortedSetDocValuesField("category_dv", new BytesRef(slug)));
        }
        return doc;
    }

    public Task<long> CountAsync(CancellationToken ct)
    {
        var searcher = _searchers.Acquire();
        try
        {
            return Task.FromResult((long)searcher.IndexReader.NumDocs);
        }
        finally
        {
            _searchers.Release(searcher);
        }
    }

    public Task<SearchResult> SearchAsync(SearchRequest request, CancellationToken ct)
    {
        var size = Math.Clamp(request.PageSize, 1, 100);
        var page = Math.Clamp(request.Page, 1, 100);
        var searcher = _searchers.Acquire();
        try
        {
            var query = new BooleanQuery();
            var (text, work) = TextQuery(searcher.IndexReader, request.Query, request.Limits);
            query.Add(text ?? new MatchAllDocsQuery(), Occur.MUST);
            // Brand and category narrow the matches through their postings, without changing scores…
            void Filter(Query filter) => query.Add(new ConstantScoreQuery(filter) { Boost = 0f }, Occur.MUST);
            if (!string.IsNullOrWhiteSpace(request.Brand)) Filter(new TermQuery(new Term("brand", request.Brand.ToLowerInvariant())));
            if (!string.IsNullOrWhiteSpace(request.Category)) Filter(new TermQuery(new Term("category", request.Category)));
            // …and price, rating and stock are checked on the documents that match already.
            var checks = new ColumnFilter((double?)request.MinPrice, (double?)request.MaxPrice, request.MinRating, request.InStockOnly);
            Query filtered = checks.IsEmpty ? query : new FilteredQuery(query, checks, FilteredQuery.QUERY_FIRST_FILTER_STRATEGY);

            Query ranked = request.Sort == SearchSort.Relevance && (request.PopularityWeight > 0 || request.Boosts.Count > 0)
                ? new RankedQuery(filtered, request.PopularityWeight, request.Boosts)
                : filtered;

            var top = TopFieldCollector.Create(SortFor(request.Sort), page * size, null, true, false, false, false);
            var facets = new FacetCollector();
            searcher.Search(ranked, MultiCollector.Wrap(top, facets));
            var docs = top.GetTopDocs((page - 1) * size, size);
            // The highlighter gets the words as they matched (typo-tolerant clauses already expanded
            // to the indexed terms), so marking a title does not rebuild the edit-distance automata.
            var highlighter = text is null || docs.ScoreDocs.Length == 0 ? null
                : new Highlighter(new SimpleHTMLFormatter("<mark>", "</mark>"), new SimpleHTMLEncoder(), new QueryScorer(searcher.Rewrite(text), "title"));
            var hits = docs.ScoreDocs.Select(s =>
            {
                var hit = Hit(searcher.Doc(s.Doc));
                return highlighter is null ? hit : hit with { Highlight = highlighter.GetBestFragment(_analyzer, "title", hit.Title) };
            }).ToList();
            var result = new SearchResult(hits, docs.TotalHits, facets.Result()) { Work = work };
            if (docs.TotalHits == 0 && !string.IsNullOrWhiteSpace(request.Query))
            {
                var words = Analyze("title_words", request.Query, request.Limits.MaxWords);
                result = words.Count > request.Limits.DidYouMeanMaxWords
                    ? result with { Work = work with { DidYouMeanSkipped = true } }
                    : result with { DidYouMean = DidYouMean(searcher.IndexReader, words, request.Limits) };
            }
            return Task.FromResult(result);
        }
        finally
        {
            _searchers.Release(searcher);
        }
    }

    public Task<IReadOnlyList<SearchHit>> SuggestAsync(string prefix, int take, CancellationToken ct)
    {
        var words = Analyze("title_words", prefix, QueryLimits.Default.MaxWords);
        if (words.Count == 0) return Task.FromResult<IReadOnlyList<SearchHit>>([]);
        var query = new BooleanQuery();
        // Whole words typed so far must be there; the last one may still be growing.
        for (var i = 0; i < words.Count - 1; i++) query.Add(new TermQuery(new Term("title_words", words[i])), Occur.MUST);
        query.Add(new PrefixQuery(new Term("title_words", words[^1])), Occur.MUST);
        var searcher = _searchers.Acquire();
        try
        {
            var docs = searcher.Search(query, null, Math.Clamp(take, 1, 20), new Sort(new SortField("popularity_dv", ColumnSort.Popularity, true), new SortField("id", SortFieldType.STRING)));
            IReadOnlyList<SearchHit> hits = docs.ScoreDocs.Select(s => Hit(searcher.Doc(s.Doc))).ToList();
            return Task.FromResult(hits);
        }
        finally
        {
            _searchers.Release(searcher);
        }
    }

    /// <summary>
    /// Replaces each word of the query that no title contains by the title word within two edits that
    /// the most products have (for at most <see cref="QueryLimits.MaxTypoWords"/> words, none longer
    /// than <see cref="QueryLimits.MaxTypoWordLength"/>); null when no word changes.
    /// </summary>
    private string? DidYouMean(IndexReader reader, List<string> words, QueryLimits limits)
    {
        var terms = MultiFields.GetTerms(reader, "title_words");
        if (terms is null) return null;
        var changed = false;
        var looked = 0;
        var corrected = new List<string>(words.Count);
        foreach (var word in words)
        {
            var term = new Term("title_words", word);
            if (word.Length < 3 || word.Length > limits.MaxTypoWordLength || looked >= limits.MaxTypoWords || reader.DocFreq(term) > 0)
            {
                corrected.Add(word);
                continue;
            }
            looked++;
            var attributes = new AttributeSource();
            var shared = attributes.AddAttribute<FuzzyTermsEnum.ILevenshteinAutomataAttribute>().Automata;
            if (_typos.TryGet(word, 2, out var cached)) foreach (var automaton in cached) shared.Add(automaton);
            var fuzzy = new FuzzyTermsEnum(terms, attributes, term, 2f, 1, true);
            if (shared.Count > 2) _typos.Add(word, 2, [.. shared]);
            string? best = null;
            var bestFreq = 0;
            while (fuzzy.MoveNext())
            {
                if (fuzzy.DocFreq <= bestFreq) continue;
                (best, bestFreq) = (fuzzy.Term.Utf8ToString(), fuzzy.DocFreq);
            }
            changed |= best is not null;
            corrected.Add(best ?? word);
        }
        return changed ? string.Join(' ', corrected) : null;
    }

    private static Sort SortFor(SearchSort sort) => sort switch
    {
        SearchSort.PriceLowHigh => new Sort(new SortField("price_dv", ColumnSort.Price), SortField.FIELD_SCORE),
        SearchSort.PriceHighLow => new Sort(new SortField("price_dv", ColumnSort.Price, true), SortField.FIELD_SCORE),
        SearchSort.Rating => new Sort(new SortField("rating_dv", ColumnSort.Rating, true), SortField.FIELD_SCORE),
        SearchSort.Newest => new Sort(new SortField("created_dv", SortFieldType.INT64, true)),
        _ => new Sort(SortField.FIELD_SCORE, new SortField("popularity_dv", ColumnSort.Popularity, true), new SortField("id", SortFieldType.STRING)),
    };

    /// <summary>
    /// Text relevance re-ranked: each score is multiplied by 1 + w × ln(1 + popularity) plus the
    /// weight of every boosted brand or category the product has (read from doc values).
    /// </summary>
    private sealed class RankedQuery(Query query, double popularityWeight, IReadOnlyList<RankingBoost> boosts) : global::Lucene.Net.Queries.CustomScoreQuery(query)
    {
        protected override global::Lucene.Net.Queries.CustomScoreProvider GetCustomScoreProvider(AtomicReaderContext context) =>
            new Provider(context, popularityWeight, boosts);

        private sealed class Provider : global::Lucene.Net.Queries.CustomScoreProvider
        {
            private readonly double _weight;
            private readonly SegmentColumns _columns;
            private readonly Dictionary<int, double> _brandBoosts = [];
            private readonly Dictionary<int, double> _categoryBoosts = [];

            public Provider(AtomicReaderContext context, double weight, IReadOnlyList<RankingBoost> boosts) : base(context)
            {
                _weight = weight;
                _columns = SegmentColumns.For(context.AtomicReader);
                foreach (var boost in boosts)
                {
                    if (boost.Field == BoostField.Brand && _columns.BrandOrdinal(boost.Value) is >= 0 and var brand)
                        _brandBoosts[brand] = _brandBoosts.GetValueOrDefault(brand) + boost.Weight;
                    if (boost.Field == BoostField.Category && _columns.CategoryOrdinal(boost.Value) is >= 0 and var category)
                        _categoryBoosts[category] = _categoryBoosts.GetValueOrDefault(category) + boost.Weight;
                }
            }

            public override float CustomScore(int doc, float subQueryScore, float valSrcScore)
            {
                var factor = global::Storefront.Search.Ranking.PopularityFormula.Multiplier(_weight, _columns.Popularity[doc]);
                if (_brandBoosts.Count > 0 && _brandBoosts.TryGetValue(_columns.Brand[doc], out var b)) factor += b;
                if (_categoryBoosts.Count > 0)
                {
                    for (var i = _columns.CategoryStart[doc]; i < _columns.CategoryStart[doc + 1]; i++)
                        if (_categoryBoosts.TryGetValue(_columns.Categories[i], out var c)) factor += c;
                }
                return (float)(subQueryScore * factor);
            }
        }
    }

    /// <summary>
    /// Every analysed word must match the title, description or category names; title matches weigh
    /// most. A word that no product has (a typo, most likely) may match within one edit from four
    /// letters, two from eight; a word the index knows matches exactly, which keeps "cast" from
    /// also finding "case" and spares the cost of expanding it. Only the first
    /// <see cref="QueryLimits.MaxTypoWords"/> unknown words get edits, and together they expand to
    /// at most <see cref="QueryLimits.MaxExpansions"/> indexed terms; the expansion is done here, once,
    /// so that the search and the highlighter share it and the work done is known.
    /// </summary>
    private (Query? Query, QueryWork Work) TextQuery(IndexReader reader, string? text, QueryLimits limits)
    {
        var words = Analyze("title", text ?? "", limits.MaxWords);
        if (words.Count == 0) return (null, QueryWork.None);
        bool Known(string word) => reader.DocFreq(new Term("title", word)) > 0 || reader.DocFreq(new Term("description", word)) > 0
            || reader.DocFreq(new Term("category_text", word)) > 0;
        var typos = words.Where(w => w.Length >= 4 && w.Length <= limits.MaxTypoWordLength && !Known(w))
            .Take(Math.Max(0, limits.MaxTypoWords)).ToHashSet(StringComparer.Ordinal);
        // Two typo-tolerant clauses (title, description) per word share the expansion budget; one
        // typo keeps Lucene's usual 50 per clause.
        var perClause = typos.Count == 0 ? 0 : Math.Clamp(limits.MaxExpansions / (2 * typos.Count), 1, 50);
        var expansions = 0;
        var all = new BooleanQuery();
        foreach (var word in words)
        {
            var either = new BooleanQuery
            {
                { new TermQuery(new Term("title", word)) { Boost = 3f }, Occur.SHOULD },
                { new TermQuery(new Term("description", word)), Occur.SHOULD },
                { new TermQuery(new Term("category_text", word)) { Boost = 1.5f }, Occur.SHOULD },
            };
            if (typos.Contains(word))
            {
                var edits = word.Length >= 8 ? 2 : 1;
                foreach (var (field, boost) in new[] { ("title", 0.8f), ("description", 0.2f) })
                {
                    var expanded = new TypoQuery(new Term(field, word), edits, perClause, _typos) { Boost = boost }.Rewrite(reader);
                    expansions += TermCount(expanded);
                    either.Add(expanded, Occur.SHOULD);
                }
            }
            all.Add(either, Occur.MUST);
        }
        return (all, new QueryWork(words.Count, typos.Count, expansions, false));
    }

    private static int TermCount(Query query) => query is BooleanQuery b ? b.Clauses.Sum(c => TermCount(c.Query)) : 1;

    /// <summary>
    /// A fuzzy query (prefix of one letter) whose edit-distance automata are built once per word and
    /// edit count and then shared, through <see cref="TypoAutomata"/>, by every query and field.
    /// </summary>
    private sealed class TypoQuery(Term term, int maxEdits, int maxExpansions, TypoAutomata cache)
        : FuzzyQuery(term, maxEdits, 1, maxExpansions, true)
    {
        protected override TermsEnum GetTermsEnum(Terms terms, AttributeSource atts)
        {
            var shared = atts.AddAttribute<FuzzyTermsEnum.ILevenshteinAutomataAttribute>().Automata;
            if (shared.Count == 0 && cache.TryGet(Term.Text, MaxEdits, out var cached))
                foreach (var automaton in cached) shared.Add(automaton);
            var found = base.GetTermsEnum(terms, atts);
            if (shared.Count > MaxEdits) cache.Add(Term.Text, MaxEdits, [.. shared]);
            return found;
        }
    }

    private List<string> Analyze(string field, string text, int maxWords)
    {
        var words = new List<string>();
        using var stream = _analyzer.GetTokenStream(field, text);
        var term = stream.AddAttribute<ICharTermAttribute>();
        stream.Reset();
        while (words.Count < maxWords && stream.IncrementToken()) words.Add(term.ToString());
        stream.End();
        return words.Distinct().ToList();
    }

    private static SearchHit Hit(Document d) => new(
        Guid.ParseExact(d.Get("id"), "N"), d.Get("sku"), d.Get("slug"), d.Get("title"), d.Get("brand_name"),
        (decimal)(d.GetField("price").GetDoubleValue() ?? 0), d.Get("currency"),
        Math.Round((decimal)(d.GetField("rating").GetDoubleValue() ?? 0), 1), d.GetField("reviews").GetInt32Value() ?? 0,
        d.GetField("available").GetInt32Value() ?? 0, null);

    /// <summary>
    /// Counts brand, category, price band, rating and availability over every matching document.
    /// Brands and categories are counted by ordinal per segment and turned into names once per
    /// segment, so a match costs a few array increments.
    /// </summary>
    private sealed class FacetCollector : ICollector
    {
        private readonly Dictionary<string, long> _brands = new(StringComparer.Ordinal);
        private readonly Dictionary<string, long> _categories = new(StringComparer.Ordinal);
        private readonly long[] _prices = new long[PriceBands.Length];
        private readonly long[] _ratings = new long[4];
        private long _inStock;
        private SegmentColumns? _columns;
        private int[] _brandCounts = [];
        private int[] _categoryCounts = [];

        public bool AcceptsDocsOutOfOrder => true;

        public void SetScorer(Scorer scorer)
        {
        }

        public void SetNextReader(AtomicReaderContext context)
        {
            Flush();
            _columns = SegmentColumns.For(context.AtomicReader);
            _brandCounts = new int[_columns.BrandNames.Length];
            _categoryCounts = new int[_columns.CategorySlugs.Length];
        }

        /// <summary>Adds the previous segment's ordinal counts to the totals by name.</summary>
        private void Flush()
        {
            if (_columns is null) return;
            for (var ord = 0; ord < _brandCounts.Length; ord++)
            {
                if (_brandCounts[ord] == 0) continue;
                var brand = _columns.BrandNames[ord];
                _brands[brand] = _brands.GetValueOrDefault(brand) + _brandCounts[ord];
            }
            for (var ord = 0; ord < _categoryCounts.Length; ord++)
            {
                if (_categoryCounts[ord] == 0) continue;
                var slug = _columns.CategorySlugs[ord];
                _categories[slug] = _categories.GetValueOrDefault(slug) + _categoryCounts[ord];
            }
            _columns = null;
        }

        public void Collect(int doc)
        {
            var columns = _columns!;
            if (columns.Brand[doc] is >= 0 and var brand) _brandCounts[brand]++;
            for (var i = columns.CategoryStart[doc]; i < columns.CategoryStart[doc + 1]; i++) _categoryCounts[columns.Categories[i]]++;
            var price = columns.Price[doc];
            for (var i = 0; i < PriceBands.Length; i++)
                if ((PriceBands[i].From is not { } from || price >= from) && (PriceBands[i].To is not { } to || price < to)) { _prices[i]++; break; }
            var rating = columns.Rating[doc];
            for (var stars = 4; stars >= 1; stars--) if (rating >= stars) _ratings[4 - stars]++;
            if (columns.InStock[doc]) _inStock++;
        }

        public IReadOnlyDictionary<string, IReadOnlyList<FacetCount>> Result()
        {
            Flush();
            return new Dictionary<string, IReadOnlyList<FacetCount>>
            {
                ["brand"] = _brands.OrderByDescending(b => b.Value).ThenBy(b => b.Key, StringComparer.Ordinal).Take(20).Select(b => new FacetCount(b.Key, b.Value)).ToList(),
                ["category"] = _categories.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal).Take(30).Select(c => new FacetCount(c.Key, c.Value)).ToList(),
                ["price"] = PriceBands.Select((b, i) => new FacetCount(b.Label, _prices[i])).Where(f => f.Count > 0).ToList(),
                ["rating"] = Enumerable.Range(0, 4).Select(i => new FacetCount(SearchFacets.RatingLabel(4 - i), _ratings[i])).Where(f => f.Count > 0).ToList(),
                ["availability"] = [new FacetCount(SearchLabels.InStock, _inStock)],
            };
        }
    }

    public void Dispose()
    {
        _searchers.Dispose();
        _writer.Dispose();
        _analyzer.Dispose();
        _directory.Dispose();
    }
}
