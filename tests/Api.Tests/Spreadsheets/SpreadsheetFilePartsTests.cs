using System.Security.Cryptography;
using Cargamos.Modular.Api.Tests.Infrastructure;
using Cargamos.Modular.Infrastructure.Integration.Contracts;
using Npgsql;

namespace Cargamos.Modular.Api.Tests.Spreadsheets;

/// <summary>
/// A file larger than one part (<see cref="IntegrationLotSchema.FilePartBytes"/>) is stored in parts and read back whole:
/// the parts hold exactly the uploaded bytes, and every row is processed, those whose bytes (multi-byte characters
/// included) straddle a boundary between parts too.
/// </summary>
public sealed class SpreadsheetFilePartsTests(SpreadsheetApiFactory api) : IClassFixture<SpreadsheetApiFactory>
{
    [Fact]
    public async Task A_file_of_several_parts_is_stored_as_uploaded_and_every_row_becomes_a_shipment()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);
        var rows = Enumerable.Range(0, 1_500).Select(i =>
        {
            var row = Sheets.ValidRow(Orders.Unique("PARTS"));
            row["recipientLocation.street"] = Padded($"Calle Ñandú {i}", 200);
            row["recipientLocation.reference"] = Padded($"Portón {i}, frente a la señalización", 300);
            row["packageInformation.description"] = Padded("Caja con artículos de cerámica", 300);
            row["packageInformation.contents"] = Padded("Jarrón, tazón y cucharón", 300);
            return row;
        }).ToList();
        var file = Sheets.Csv(rows);
        Assert.True(file.Length > 2 * IntegrationLotSchema.FilePartBytes, $"the file is {file.Length:N0} bytes");

        var lotId = await shipper.UploadOk(file);

        await using (var connection = new NpgsqlConnection(api.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"""
                select count(*)::int, max(length(content)), encode(sha256(string_agg(content, ''::bytea order by part)), 'hex'),
                       (select file_sha256 from {IntegrationLotSchema.Lots} where lot_id = $1)
                from {IntegrationLotSchema.Files} where lot_id = $1
                """, connection);
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = lotId });
            await using var reader = await command.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            Assert.Equal((file.Length + IntegrationLotSchema.FilePartBytes - 1) / IntegrationLotSchema.FilePartBytes, reader.GetInt32(0));
            Assert.Equal(IntegrationLotSchema.FilePartBytes, reader.GetInt32(1));
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(file)), reader.GetString(2));
            Assert.Equal(reader.GetString(2), reader.GetString(3));
        }

        var lot = await shipper.WaitFor(lotId, TimeSpan.FromMinutes(2));
        Assert.Equal("COMPLETED", lot.Str("status"));
        Assert.Equal(rows.Count, lot.GetProperty("created").GetInt32());
        Assert.Equal(0, lot.GetProperty("rejected").GetInt32());
    }

    private static string Padded(string text, int length) => string.Concat(Enumerable.Repeat(text + " · ", length)).Substring(0, length).TrimEnd();
}
