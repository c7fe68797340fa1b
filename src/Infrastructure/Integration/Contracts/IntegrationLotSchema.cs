using Marten;
using Weasel.Core;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;
using Cargamos.Modular.Infrastructure.Common;

namespace Cargamos.Modular.Infrastructure.Integration.Contracts;

/// <summary>
/// Integration lots of every source in Marten's database: the lots (a lot of one from the API or VTEX, written COMPLETED
/// with its shipment; a spreadsheet lot with its progress and the lease of the processor that works it), a spreadsheet's
/// file (bytea in parts, stored before the upload is answered) and one result per row. Created with the rest of the schema (Weasel).
/// </summary>
public static class IntegrationLotSchema
{
    public const string LotsTable = "integration_lots";
    public const string FilesTable = "integration_lot_files";
    public const string RowsTable = "integration_lot_rows";

    internal static string Lots => $"{MartenStore.Schema}.{LotsTable}";

    internal static string Files => $"{MartenStore.Schema}.{FilesTable}";

    internal static string Rows => $"{MartenStore.Schema}.{RowsTable}";

    internal static void Configure(StoreOptions options)
    {
        options.Storage.ExtendedSchemaObjects.Add(LotsTableDefinition());
        options.Storage.ExtendedSchemaObjects.Add(FilesTableDefinition());
        options.Storage.ExtendedSchemaObjects.Add(RowsTableDefinition());
    }

    private static PostgresqlObjectName Name(string table) => new(MartenStore.Schema, table, SchemaUtils.IdentifierUsage.General);

    private static Table LotsTableDefinition()
    {
        var table = new Table(Name(LotsTable));
        table.AddColumn<long>("lot_id").AsPrimaryKey();
        table.AddColumn<string>("source").NotNull();
        table.AddColumn<string>("shipper_id").NotNull();
        table.AddColumn<string>("status").NotNull();
        table.AddColumn<string>("shipper_lot_id");
        table.AddColumn<string>("file_name");
        table.AddColumn("layout", "jsonb");
        table.AddColumn<int>("total_rows").NotNull();
        table.AddColumn<int>("processed_rows").NotNull().DefaultValue(0);
        table.AddColumn<int>("last_row").NotNull().DefaultValue(0);
        table.AddColumn<int>("created").NotNull().DefaultValue(0);
        table.AddColumn<int>("rejected").NotNull().DefaultValue(0);
        table.AddColumn<string>("file_sha256");
        table.AddColumn("uploaded_by", "jsonb");
        table.AddColumn<string>("process_id").NotNull();
        table.AddColumn("created_at", "timestamp with time zone").NotNull();
        table.AddColumn("started_at", "timestamp with time zone");
        table.AddColumn("finished_at", "timestamp with time zone");
        table.AddColumn("errors", "jsonb");
        table.AddColumn<int>("attempts").NotNull().DefaultValue(0);
        table.AddColumn<string>("lease_owner");
        table.AddColumn("lease_until", "timestamp with time zone");

        // The listings show spreadsheet lots only: the lots of one, one per API or VTEX order, stay out of their indexes.
        table.Indexes.Add(new IndexDefinition("ix_integration_lots_files_shipper") { Columns = ["shipper_id", "lot_id"], Predicate = "source = 'FILE'" });
        table.Indexes.Add(new IndexDefinition("ix_integration_lots_files") { Columns = ["lot_id"], Predicate = "source = 'FILE'" });

        // The processors' claim: lots not finished.
        table.Indexes.Add(new IndexDefinition("ix_integration_lots_open") { Columns = ["lot_id"], Predicate = "status = 'RECEIVED' or status = 'PROCESSING'" });
        return table;
    }

    /// <summary>The largest part of a file stored in one row (<see cref="FilesTable"/>, one row per part, in order).</summary>
    public const int FilePartBytes = 1024 * 1024;

    private static Table FilesTableDefinition()
    {
        // A file in parts of at most FilePartBytes: PostgreSQL receives, compresses and stores each part on its own instead
        // of buffering (and regrowing a buffer for) the whole file: a third of the time to store a 19 MB file. A file
        // stored before parts existed is its part 0.
        var table = new Table(Name(FilesTable));
        table.AddColumn<long>("lot_id").AsPrimaryKey();
        table.AddColumn<int>("part").AsPrimaryKey().DefaultValueByExpression("0");
        table.AddColumn("content", "bytea").NotNull();
        return table;
    }

    private static Table RowsTableDefinition()
    {
        // The primary key makes a row's result impossible to record twice: a batch that would is rolled back whole.
        var table = new Table(Name(RowsTable));
        table.AddColumn<long>("lot_id").AsPrimaryKey();
        table.AddColumn<int>("row_number").AsPrimaryKey();
        table.AddColumn<string>("outcome").NotNull();
        table.AddColumn<string>("tracking_id");
        table.AddColumn<Guid>("shipment_id");
        table.AddColumn("errors", "jsonb");
        return table;
    }
}
