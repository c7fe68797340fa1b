using Cargamos.Modular.Application.Spreadsheets;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Weasel.Core;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;
using Cargamos.Modular.Infrastructure.Common;

namespace Cargamos.Modular.Infrastructure.Spreadsheets;

/// <summary>
/// Spreadsheet uploads in Marten's database: the lots (progress, lease of the processor that works them), their files
/// (bytea, stored before the upload is answered) and one result per row. The tables are created with the rest of the
/// schema (Weasel) at start.
/// </summary>
public static class SpreadsheetSchema
{
    public const string LotsTable = "spreadsheet_lots";
    public const string FilesTable = "spreadsheet_lot_files";
    public const string RowsTable = "spreadsheet_lot_rows";

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
        table.AddColumn<string>("shipper_id").NotNull();
        table.AddColumn<string>("status").NotNull();
        table.AddColumn<string>("file_name").NotNull();
        table.AddColumn("layout", "jsonb").NotNull();
        table.AddColumn<int>("total_rows").NotNull();
        table.AddColumn<int>("processed_rows").NotNull().DefaultValue(0);
        table.AddColumn<int>("last_row").NotNull().DefaultValue(0);
        table.AddColumn<int>("created").NotNull().DefaultValue(0);
        table.AddColumn<int>("rejected").NotNull().DefaultValue(0);
        table.AddColumn<string>("file_sha256").NotNull();
        table.AddColumn("uploaded_by", "jsonb").NotNull();
        table.AddColumn<string>("process_id").NotNull();
        table.AddColumn("created_at", "timestamp with time zone").NotNull();
        table.AddColumn("started_at", "timestamp with time zone");
        table.AddColumn("finished_at", "timestamp with time zone");
        table.AddColumn("errors", "jsonb");
        table.AddColumn<int>("attempts").NotNull().DefaultValue(0);
        table.AddColumn<string>("lease_owner");
        table.AddColumn("lease_until", "timestamp with time zone");
        table.Indexes.Add(new IndexDefinition("ix_spreadsheet_lots_shipper") { Columns = ["shipper_id", "lot_id"] });

        // The processors' claim: lots not finished.
        table.Indexes.Add(new IndexDefinition("ix_spreadsheet_lots_open") { Columns = ["lot_id"], Predicate = "status = 'RECEIVED' or status = 'PROCESSING'" });
        return table;
    }

    private static Table FilesTableDefinition()
    {
        var table = new Table(Name(FilesTable));
        table.AddColumn<long>("lot_id").AsPrimaryKey();
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
