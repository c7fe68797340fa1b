using System.Buffers;
using System.Linq.Expressions;
using System.Reflection;
using JasperFx;
using JasperFx.Events;
using JasperFx.Events.Aggregation;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using JasperFx.MultiTenancy;
using Marten;
using Marten.Events;
using Marten.Events.Aggregation;
using Marten.Internal;
using Marten.Internal.Operations;
using Marten.Schema;
using Npgsql;
using NpgsqlTypes;
using Weasel.Postgresql;

namespace Cargamos.Modular.Infrastructure.Common;

/// <summary>
/// Writes many new event streams in a few multi-row statements (docs/adr/002-bulk-stream-writes.md): the rows Marten would
/// write for <c>StartStream</c> and a save (<c>mt_streams</c>, <c>mt_events</c> and each inline projection's document) but one
/// statement per table per batch instead of an <c>mt_quick_append_events</c> call and one upsert per document and stream.
/// Nothing about the rows is decided here: the streams are started and prepared by a Marten session
/// (<c>StartStream</c>, <c>StreamAction.PrepareEvents</c>: ids, versions, timestamps, tenant, correlation id), the
/// documents are those the store's inline projections build (their own <c>DetermineAction</c>), and the JSON is the
/// store's serializer's. Only the store's configuration this class knows is accepted (<see cref="Create"/>), and only over
/// tables whose columns are exactly the ones it writes (<see cref="VerifyTables"/>); otherwise the caller writes through a
/// session as before.
/// </summary>
internal sealed class BulkStreamWriter
{
    private static readonly string[] StreamColumns = ["id", "type", "version", "timestamp", "created", "tenant_id", "compacted_version", "is_archived"];

    private static readonly string[] EventColumns =
        ["seq_id", "id", "stream_id", "version", "data", "bdata", "type", "timestamp", "tenant_id", "mt_dotnet_type", "correlation_id", "is_archived"];

    private static readonly string[] DocumentColumns = ["id", "data", "mt_last_modified", "mt_dotnet_type", "mt_version"];

    private readonly StoreOptions options;
    private readonly EventGraph events;
    private readonly string schema;
    private readonly IReadOnlyList<ProjectedTable> projections;
    private readonly Json json;

    private BulkStreamWriter(DocumentStore store, IReadOnlyList<ProjectedTable> projections)
    {
        options = store.Options;
        json = new Json(options.Serializer());
        events = store.Events;
        schema = events.DatabaseSchemaName;
        this.projections = projections;
    }

    /// <summary>
    /// The writer for <paramref name="store"/>, or null (with the reason) when the store uses a feature this writer does not
    /// reproduce: then the streams must be written through a session.
    /// </summary>
    public static BulkStreamWriter? Create(IDocumentStore store, out string? reason)
    {
        var documentStore = (DocumentStore)store;
        var options = documentStore.Options;
        var events = documentStore.Events;
        reason = events switch
        {
            // Marten 9's default, QuickWithServerTimestamps, stamps events as Quick does (PrepareEvents) and passes the stamps.
            { AppendMode: not (EventAppendMode.Quick or EventAppendMode.QuickWithServerTimestamps) } => $"event append mode {events.AppendMode}",
            { StreamIdentity: not StreamIdentity.AsGuid } => "stream keys that are strings",
            { TenancyStyle: not TenancyStyle.Single } => "multi-tenanted events",
            { UseTenantPartitionedEvents: true } or { UseArchivedStreamPartitioning: true } => "partitioned events",
            { UseListenNotifyForEventAppends: true } => "NOTIFY on event appends",
            { AppendObserver: not null } => "an append observer",
            { EnableSideEffectsOnInlineProjections: true } => "side effects in inline projections",
            { MetadataConfig: { CausationIdEnabled: true } or { HeadersEnabled: true } or { UserNameEnabled: true } } => "event metadata other than the correlation id",
            { MetadataConfig.CorrelationIdEnabled: false } => "events without a correlation id",
            { TagTypes.Count: > 0 } => "event tags",
            _ => null,
        };

        var projections = new List<ProjectedTable>();
        foreach (var projection in options.Projections.All.OfType<ProjectionBase>().Where(p => p.Lifecycle == ProjectionLifecycle.Inline))
        {
            if (reason is not null)
            {
                break;
            }

            var documentType = SingleStreamDocumentType(projection.GetType());
            if (documentType is null)
            {
                reason = $"inline projection {projection.GetType().Name} is not a single-stream projection with Guid ids";
                break;
            }

            var mapping = (DocumentMapping)((IReadOnlyStoreOptions)options).FindOrResolveDocumentType(documentType);
            reason = mapping switch
            {
                { UseOptimisticConcurrency: true } => $"optimistic concurrency on {documentType.Name}",
                { UseVersionFromMatchingStream: false } => $"{documentType.Name} not versioned by its stream",
                { TenancyStyle: not TenancyStyle.Single } => $"multi-tenanted {documentType.Name}",
                { DeleteStyle: not DeleteStyle.Remove } => $"soft-deleted {documentType.Name}",
                _ when mapping.IsHierarchy() => $"the {documentType.Name} hierarchy",
                _ when projection is IAggregateProjection { NaturalKeyDefinition: not null } => $"the natural key of {documentType.Name}",
                _ => null,
            };
            if (reason is null)
            {
                projections.Add(ProjectedTable.For(projection, documentType, mapping));
            }
        }

        return reason is null ? new BulkStreamWriter(documentStore, projections) : null;
    }

    /// <summary>
    /// True when the tables have exactly the columns this writer fills or leaves to their defaults: a column added by another
    /// Marten feature (or version) would otherwise be left empty. The reason says which table differs.
    /// </summary>
    public async Task<(bool Matches, string? Reason)> VerifyTables(NpgsqlConnection connection, CancellationToken ct)
    {
        var expected = new Dictionary<string, string[]>(StringComparer.Ordinal)
        {
            [$"{schema}.mt_streams"] = StreamColumns,
            [$"{schema}.mt_events"] = EventColumns,
        };
        foreach (var projection in projections)
        {
            expected[projection.Table] = [.. DocumentColumns, .. projection.Duplicates.Select(d => d.Column)];
        }

        await using var command = new NpgsqlCommand(
            "select table_schema || '.' || table_name, column_name from information_schema.columns where table_schema || '.' || table_name = any(@tables)",
            connection);
        command.Parameters.AddWithValue("tables", expected.Keys.ToArray());
        var actual = expected.Keys.ToDictionary(t => t, _ => new HashSet<string>(StringComparer.Ordinal), StringComparer.Ordinal);
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                actual[reader.GetString(0)].Add(reader.GetString(1));
            }
        }

        foreach (var (table, columns) in expected)
        {
            if (!actual[table].SetEquals(columns))
            {
                return (false, $"{table} has the columns ({string.Join(", ", actual[table].Order(StringComparer.Ordinal))}), " +
                    $"not ({string.Join(", ", columns.Order(StringComparer.Ordinal))})");
            }
        }

        return (true, null);
    }

    /// <summary>
    /// Everything about a stream <paramref name="session"/> started that does not depend on the other streams written
    /// with it, done before the write (for an API order, on its own request's thread, while the group before it is being
    /// written): the events prepared as the session's save would (ids, versions, timestamps, tenant, the session's
    /// correlation id), each inline projection's document built and, like the events, serialized to the store's JSON.
    /// Null when a projection answers something other than a new document with the stream's id or none (a delete, a
    /// document without its id): write through a session then.
    /// </summary>
    /// <param name="arena">
    /// Where the JSON goes when the caller writes the stream and disposes <paramref name="arena"/> after (a spreadsheet
    /// batch); without one, each document's JSON is an array of its own.
    /// </param>
    public async Task<PreparedStream?> Prepare(IDocumentSession session, StreamAction stream, CancellationToken ct, JsonArena? arena = null)
    {
        stream.TenantId ??= session.TenantId;
        stream.PrepareEvents(0, events, NoSequences, (IMetadataContext)session);
        return await Prepared(session, stream, null, arena, ct);
    }

    /// <summary>
    /// An append to an existing stream that <paramref name="session"/> fetched for writing (<c>FetchForWriting</c>: the
    /// stream action knows the version it was read at), prepared as <see cref="Prepare"/> prepares a new stream: the events
    /// numbered from that version, each inline projection's document folded from <paramref name="snapshots"/> (the
    /// documents read with the stream, by document type) over the new events, as Marten's inline projection folds them. Null
    /// when the append cannot be written so (a projection's document was not read, a projection answers a delete or a
    /// document without its id, the stream was not fetched for writing): the session must not be saved then (its events
    /// were prepared); decide again through a new one.
    /// </summary>
    public async Task<PreparedStream?> PrepareAppend(IDocumentSession session, StreamAction stream, IReadOnlyDictionary<Type, object?> snapshots, CancellationToken ct)
    {
        if (stream is not { ActionType: StreamActionType.Append, ExpectedVersionOnServer: > 0 and var version, Events.Count: > 0 })
        {
            return null;
        }

        stream.TenantId ??= session.TenantId;
        stream.PrepareEvents(version, events, NoSequences, (IMetadataContext)session);
        return await Prepared(session, stream, snapshots, null, ct);
    }

    /// <summary>
    /// The prepared events' JSON and each projection's document, folded over its snapshot (none for a new stream:
    /// <paramref name="snapshots"/> null) and serialized; null when a projection's answer or a missing snapshot needs a session.
    /// </summary>
    private async Task<PreparedStream?> Prepared(IDocumentSession session, StreamAction stream, IReadOnlyDictionary<Type, object?>? snapshots,
        JsonArena? arena, CancellationToken ct)
    {
        var documents = new ProjectedDocument?[projections.Count];
        for (var i = 0; i < projections.Count; i++)
        {
            object? snapshot = null;
            if (snapshots is not null && !snapshots.TryGetValue(projections[i].DocumentType, out snapshot))
            {
                return null;
            }

            var (supported, document) = await projections[i].Project(session, stream, snapshot, ct);
            if (!supported)
            {
                return null;
            }

            documents[i] = document is null ? null : projections[i].Prepare(document, json, arena);
        }

        var eventJson = new ReadOnlyMemory<byte>[stream.Events.Count];
        for (var i = 0; i < eventJson.Length; i++)
        {
            eventJson[i] = json.Utf8(stream.Events[i].Data, arena);
        }

        return new PreparedStream(stream, eventJson, documents);
    }

    /// <summary>Adds to <paramref name="batch"/> the statements that write <paramref name="streams"/>: one per table.</summary>
    public void Add(NpgsqlBatch batch, IReadOnlyList<PreparedStream> streams)
    {
        batch.BatchCommands.Add(StreamsCommand(streams));
        batch.BatchCommands.Add(EventsCommand(streams));
        AddDocuments(batch, streams, upsert: false);
    }

    /// <summary>
    /// Adds to <paramref name="batch"/> the statements that append <paramref name="streams"/> (each prepared by
    /// <see cref="PrepareAppend"/>, at most once each): the events, the streams' versions, the documents' upserts, one
    /// statement per table. The check that no other writer appended meanwhile is the primary key of <c>mt_events</c>
    /// (stream, version), as in <c>mt_quick_append_events</c>: an append that lost the race fails with a unique violation
    /// on its first event, and the batch with it. Give the streams in one order (by id) so that two batches wait for each
    /// other's events in the same order.
    /// </summary>
    public void AddAppends(NpgsqlBatch batch, IReadOnlyList<PreparedStream> streams)
    {
        batch.BatchCommands.Add(EventsCommand(streams));
        batch.BatchCommands.Add(StreamVersionsCommand(streams));
        AddDocuments(batch, streams, upsert: true);
    }

    // Each projection's documents of the streams in one statement: inserted for new streams, upserted for appends.
    private void AddDocuments(NpgsqlBatch batch, IReadOnlyList<PreparedStream> streams, bool upsert)
    {
        for (var i = 0; i < projections.Count; i++)
        {
            var documents = streams.Where(s => s.Documents[i] is not null).Select(s => (s.Documents[i]!, s.Stream)).ToList();
            if (documents.Count > 0)
            {
                batch.BatchCommands.Add(projections[i].InsertCommand(documents, upsert));
            }
        }
    }

    /// <summary>A new stream ready to be written (<see cref="Prepare"/>): its events and their JSON, each projection's document or none.</summary>
    internal sealed record PreparedStream(StreamAction Stream, ReadOnlyMemory<byte>[] EventJson, ProjectedDocument?[] Documents);

    /// <summary>A projected document as its row needs it: the JSON, the CLR type's name, the duplicated fields' values.</summary>
    internal sealed record ProjectedDocument(ReadOnlyMemory<byte> Json, string DotNetType, object?[] Duplicates);

    /// <summary>
    /// Adds to <paramref name="batch"/> the SQL the store's listeners queued on <paramref name="session"/>
    /// (<c>QueueSqlCommand</c>: the webhook outbox's messages and its NOTIFY), as Marten's save would send it. False, with
    /// nothing added, when anything else is queued: a document operation's results are read back by Marten's save, so such
    /// a session must be saved.
    /// </summary>
    public static bool AddQueuedSql(NpgsqlBatch batch, IDocumentSession session)
    {
        var queued = session.PendingChanges.Operations().ToList();
        if (!OnlyQueuedSql(queued))
        {
            return false;
        }

        if (queued.Count == 0)
        {
            return true;
        }

        // One command per operation: a new one is started between two (StartNewCommand adds it at once), Compile closes the last.
        var builder = new BatchBuilder(batch);
        for (var i = 0; i < queued.Count; i++)
        {
            if (i > 0)
            {
                builder.StartNewCommand();
            }

            ((IStorageOperation)queued[i]).ConfigureCommand(builder, (IMartenSession)session);
        }

        builder.Compile();
        return true;
    }

    /// <summary>True when all <paramref name="session"/> has queued is SQL (<see cref="AddQueuedSql"/> can add it to a batch).</summary>
    public static bool OnlyQueuedSql(IDocumentSession session) => OnlyQueuedSql(session.PendingChanges.Operations());

    private static bool OnlyQueuedSql(IEnumerable<object> queued) => queued.All(o => o is IStorageOperation && o.GetType().FullName == QueuedSqlOperation);

    // What QueueSqlCommand queues (internal to Marten, so known by name: a renamed one is saved through a session).
    private const string QueuedSqlOperation = "Marten.Internal.Operations.ExecuteSqlStorageOperation";

    private static readonly Queue<long> NoSequences = new();

    // As mt_quick_append_events creates a stream: its final version, now() as its timestamp; created, compacted_version and
    // is_archived from their defaults.
    private NpgsqlBatchCommand StreamsCommand(IReadOnlyList<PreparedStream> prepared)
    {
        var streams = prepared.Select(p => p.Stream).ToList();
        var command = new NpgsqlBatchCommand($"""
            insert into {schema}.mt_streams (id, type, version, timestamp, tenant_id)
            select s.id, s.type, s.version, now(), s.tenant_id from unnest($1, $2, $3, $4) as s(id, type, version, tenant_id)
            """);
        command.Parameters.Add(Array(NpgsqlDbType.Uuid, streams.Select(s => s.Id).ToArray()));
        command.Parameters.Add(Array(NpgsqlDbType.Varchar, streams.Select(s => s.AggregateTypeName).ToArray()));
        command.Parameters.Add(Array(NpgsqlDbType.Bigint, streams.Select(s => s.Version).ToArray()));
        command.Parameters.Add(Array(NpgsqlDbType.Varchar, streams.Select(s => s.TenantId).ToArray()));
        return command;
    }

    // As mt_quick_append_events ends an append to an existing stream: its version moved forward (never back), now() as its
    // timestamp.
    private NpgsqlBatchCommand StreamVersionsCommand(IReadOnlyList<PreparedStream> prepared)
    {
        var command = new NpgsqlBatchCommand($"""
            update {schema}.mt_streams as s set version = greatest(s.version, u.version), timestamp = now()
            from unnest($1, $2) as u(id, version) where s.id = u.id
            """);
        command.Parameters.Add(Array(NpgsqlDbType.Uuid, prepared.Select(p => p.Stream.Id).ToArray()));
        command.Parameters.Add(Array(NpgsqlDbType.Bigint, prepared.Select(p => p.Stream.Version).ToArray()));
        return command;
    }

    // As mt_quick_append_events inserts each event: the next value of the event sequence (in stream and event order), no
    // binary body, not archived.
    private NpgsqlBatchCommand EventsCommand(IReadOnlyList<PreparedStream> streams)
    {
        var events = streams.SelectMany(s => s.Stream.Events.Select((e, i) => (s.Stream, Event: e, Json: s.EventJson[i]))).ToList();
        var command = new NpgsqlBatchCommand($"""
            insert into {schema}.mt_events (seq_id, id, stream_id, version, data, type, tenant_id, timestamp, mt_dotnet_type, is_archived, correlation_id)
            select nextval('{schema}.mt_events_sequence'), e.id, e.stream_id, e.version, e.data, e.type, e.tenant_id, e.timestamp, e.dotnet_type, false, e.correlation_id
            from unnest($1, $2, $3, $4, $5, $6, $7, $8, $9) with ordinality as e(id, stream_id, version, data, type, tenant_id, timestamp, dotnet_type, correlation_id, n)
            order by e.n
            """);
        command.Parameters.Add(Array(NpgsqlDbType.Uuid, events.Select(x => x.Event.Id).ToArray()));
        command.Parameters.Add(Array(NpgsqlDbType.Uuid, events.Select(x => x.Stream.Id).ToArray()));
        command.Parameters.Add(Array(NpgsqlDbType.Bigint, events.Select(x => x.Event.Version).ToArray()));
        command.Parameters.Add(Array(NpgsqlDbType.Jsonb, events.Select(x => x.Json).ToArray()));
        command.Parameters.Add(Array(NpgsqlDbType.Varchar, events.Select(x => EventTypeName(x.Event)).ToArray()));
        command.Parameters.Add(Array(NpgsqlDbType.Varchar, events.Select(x => x.Stream.TenantId).ToArray()));
        command.Parameters.Add(Array(NpgsqlDbType.TimestampTz, events.Select(x => x.Event.Timestamp).ToArray()));
        command.Parameters.Add(Array(NpgsqlDbType.Varchar, events.Select(x => DotNetTypeName(x.Event)).ToArray()));
        command.Parameters.Add(Array(NpgsqlDbType.Varchar, events.Select(x => x.Event.CorrelationId).ToArray()));
        return command;
    }

    private string EventTypeName(IEvent e) => string.IsNullOrEmpty(e.EventTypeName) ? events.EventMappingFor(e.EventType).EventTypeName : e.EventTypeName;

    private string DotNetTypeName(IEvent e) => string.IsNullOrEmpty(e.DotNetTypeName) ? events.EventMappingFor(e.EventType).DotNetTypeName : e.DotNetTypeName;

    private static NpgsqlParameter Array(NpgsqlDbType elementType, object values) => new() { NpgsqlDbType = NpgsqlDbType.Array | elementType, Value = values };

    /// <summary>TDoc of a <c>SingleStreamProjection&lt;TDoc, Guid&gt;</c>, else null.</summary>
    private static Type? SingleStreamDocumentType(Type? type)
    {
        for (; type is not null; type = type.BaseType)
        {
            if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(SingleStreamProjection<,>) && type.GetGenericArguments()[1] == typeof(Guid))
            {
                return type.GetGenericArguments()[0];
            }
        }

        return null;
    }

    /// <summary>An inline projection's document table: the projection folds a new stream, the rows go in with one insert.</summary>
    private sealed class ProjectedTable
    {
        private static readonly MethodInfo ProjectorMethod = typeof(ProjectedTable).GetMethod(nameof(Projector), BindingFlags.NonPublic | BindingFlags.Static)!;

        private readonly Func<IQuerySession, StreamAction, object?, CancellationToken, ValueTask<(bool Supported, object? Document)>> project;
        private readonly IDocumentType mapping;

        private ProjectedTable(
            Func<IQuerySession, StreamAction, object?, CancellationToken, ValueTask<(bool Supported, object? Document)>> project, Type documentType,
            IDocumentType mapping, IReadOnlyList<DuplicatedColumn> duplicates)
        {
            this.project = project;
            this.mapping = mapping;
            DocumentType = documentType;
            Duplicates = duplicates;
        }

        public Type DocumentType { get; }

        /// <summary>schema.table, as information_schema names it.</summary>
        public string Table => $"{mapping.TableName.Schema}.{mapping.TableName.Name}";

        public IReadOnlyList<DuplicatedColumn> Duplicates { get; }

        public static ProjectedTable For(ProjectionBase projection, Type documentType, IDocumentType mapping) => new(
            (Func<IQuerySession, StreamAction, object?, CancellationToken, ValueTask<(bool Supported, object? Document)>>)ProjectorMethod.MakeGenericMethod(documentType)
                .Invoke(null, [projection, IdReader(documentType, mapping.IdMember)])!,
            documentType,
            mapping,
            mapping.DuplicatedFields.Where(f => !f.OnlyForSearching).Select(f => DuplicatedColumn.For(documentType, f.ColumnName, f.Members, f.DbType)).ToList());

        /// <summary>The projection's document after the stream's events, folded over <paramref name="snapshot"/> (null for a new stream).</summary>
        public ValueTask<(bool Supported, object? Document)> Project(IQuerySession session, StreamAction stream, object? snapshot, CancellationToken ct) =>
            project(session, stream, snapshot, ct);

        // The projection's own fold of a stream's new events over its document (what Marten's inline aggregation runs for a slice). The
        // projections build their documents with the stream's id; one that did not would need Marten to set it: not supported.
        private static Func<IQuerySession, StreamAction, object?, CancellationToken, ValueTask<(bool Supported, object? Document)>> Projector<TDoc>(
            ProjectionBase projection, Func<object, object?> id)
            where TDoc : notnull
        {
            var single = (SingleStreamProjection<TDoc, Guid>)projection;
            var keepIdentity = new KeepIdentity<TDoc>();

            // Whether the projection takes a stream depends only on its event types: asked once per type (a new shipment's
            // stream starts with one event, or two of known types), not once per stream.
            var applies = new System.Collections.Concurrent.ConcurrentDictionary<Type, bool>();
            return async (session, stream, snapshot, ct) =>
            {
                var takes = stream.Events.Count == 1
                    ? applies.GetOrAdd(stream.Events[0].EventType, type => single.AppliesTo([type]))
                    : single.AppliesTo(stream.Events.Select(e => e.EventType));
                if (!takes)
                {
                    return (true, null);
                }

                var (document, action) = await single.DetermineActionAsync(session, (TDoc?)snapshot, stream.Id, keepIdentity, stream.Events, ct);
                return action switch
                {
                    ActionType.Nothing => (true, null),
                    ActionType.Store when document is not null && Equals(id(document), stream.Id) => (true, document),
                    _ => (false, null),
                };
            };
        }

        private static Func<object, object?> IdReader(Type documentType, MemberInfo idMember)
        {
            var document = Expression.Parameter(typeof(object), "document");
            var value = Expression.MakeMemberAccess(Expression.Convert(document, documentType), idMember);
            return Expression.Lambda<Func<object, object?>>(Expression.Convert(value, typeof(object)), document).Compile();
        }

        private sealed class KeepIdentity<TDoc> : IIdentitySetter<TDoc, Guid>
            where TDoc : notnull
        {
            public void SetIdentity(TDoc document, Guid identity)
            {
            }

            public Guid Identity(TDoc document) => throw new NotSupportedException();
        }

        /// <summary>The document as its row needs it (<see cref="InsertCommand"/>), prepared with its stream.</summary>
        public ProjectedDocument Prepare(object document, Json json, JsonArena? arena) =>
            new(json.Utf8(document, arena), document.GetType().FullName!, Duplicates.Select(d => d.Read(document)).ToArray());

        // As Marten's upsert of a projected document: the store's JSON, the stream's version, the CLR type, the transaction's
        // time, and the duplicated fields from the document's members. A new stream's documents are inserted; an append's
        // replace the stored ones (upsert).
        public NpgsqlBatchCommand InsertCommand(IReadOnlyList<(ProjectedDocument Document, StreamAction Stream)> documents, bool upsert)
        {
            var columns = string.Join(", ", Duplicates.Select(d => d.Column));
            var values = string.Join(", ", Duplicates.Select((_, i) => $"d.f{i}"));
            var parameters = string.Join(", ", Enumerable.Range(5, Duplicates.Count).Select(i => $"${i}"));
            var aliases = string.Join(", ", Duplicates.Select((_, i) => $"f{i}"));
            var command = new NpgsqlBatchCommand($"""
                insert into {mapping.TableName.QualifiedName} (id, data, mt_version, mt_dotnet_type, mt_last_modified{(columns.Length > 0 ? ", " + columns : "")})
                select d.id, d.data, d.version, d.dotnet_type, transaction_timestamp(){(values.Length > 0 ? ", " + values : "")}
                from unnest($1, $2, $3, $4{(parameters.Length > 0 ? ", " + parameters : "")}) as d(id, data, version, dotnet_type{(aliases.Length > 0 ? ", " + aliases : "")})
                {(upsert ? "on conflict (id) do update set data = excluded.data, mt_version = excluded.mt_version, mt_dotnet_type = excluded.mt_dotnet_type, mt_last_modified = excluded.mt_last_modified" + string.Concat(Duplicates.Select(d => $", {d.Column} = excluded.{d.Column}")) : "")}
                """);
            command.Parameters.Add(Array(NpgsqlDbType.Uuid, documents.Select(d => d.Stream.Id).ToArray()));
            command.Parameters.Add(Array(NpgsqlDbType.Jsonb, documents.Select(d => d.Document.Json).ToArray()));
            command.Parameters.Add(Array(NpgsqlDbType.Bigint, documents.Select(d => d.Stream.Version).ToArray()));
            command.Parameters.Add(Array(NpgsqlDbType.Varchar, documents.Select(d => d.Document.DotNetType).ToArray()));
            for (var i = 0; i < Duplicates.Count; i++)
            {
                var column = i;
                command.Parameters.Add(Array(Duplicates[i].DbType, Duplicates[i].Values(documents.Select(d => d.Document.Duplicates[column]))));
            }

            return command;
        }
    }

    /// <summary>
    /// The store's serializer writing UTF-8 (its buffer-writer path, as Marten's quick append does): half the memory of a
    /// string per document, and nothing for Npgsql to transcode. Into the caller's <see cref="JsonArena"/> when it has one;
    /// otherwise into one buffer per thread (the serializer is synchronous, so the streams of concurrent requests are
    /// prepared at the same time), copied out to an array of the document's own.
    /// </summary>
    private sealed class Json(ISerializer serializer)
    {
        [ThreadStatic]
        private static ArrayBufferWriter<byte>? threadBuffer;

        public ReadOnlyMemory<byte> Utf8(object value, JsonArena? arena)
        {
            if (arena is not null)
            {
                return arena.Write(serializer, value);
            }

            var buffer = threadBuffer ??= new ArrayBufferWriter<byte>(4096);
            buffer.ResetWrittenCount();
            serializer.WriteTo(buffer, value);
            return buffer.WrittenSpan.ToArray();
        }
    }

    /// <summary>A duplicated field: its column, its PostgreSQL type and how to read it from a document.</summary>
    private sealed record DuplicatedColumn(string Column, NpgsqlDbType DbType, Type ValueType, Func<object, object?> Read)
    {
        public static DuplicatedColumn For(Type documentType, string column, IReadOnlyList<MemberInfo> members, NpgsqlDbType dbType)
        {
            var document = Expression.Parameter(typeof(object), "document");
            Expression value = Expression.Convert(document, documentType);
            foreach (var member in members)
            {
                value = Expression.MakeMemberAccess(value, member);
            }

            var read = Expression.Lambda<Func<object, object?>>(Expression.Convert(value, typeof(object)), document).Compile();
            var valueType = value.Type.IsValueType && Nullable.GetUnderlyingType(value.Type) is null
                ? typeof(Nullable<>).MakeGenericType(value.Type)
                : value.Type;
            return new DuplicatedColumn(column, dbType, valueType, read);
        }

        /// <summary>The values read from the documents (<see cref="Read"/>), as a typed array for the column's parameter.</summary>
        public System.Array Values(IEnumerable<object?> read)
        {
            var list = read.ToList();
            var values = System.Array.CreateInstance(ValueType, list.Count);
            for (var i = 0; i < list.Count; i++)
            {
                values.SetValue(list[i], i);
            }

            return values;
        }
    }
}
