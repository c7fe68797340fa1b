using Npgsql;

namespace Cargamos.Modular.Api.Tests.Infrastructure;

/// <summary>One SQL statement on an API's database, outside the API (positional parameters <c>$1</c>, <c>$2</c>…).</summary>
internal static class DatabaseSql
{
    public static async Task<T> Scalar<T>(this ApiFactory api, string sql, params object[] values)
    {
        await using var connection = new NpgsqlConnection(api.ConnectionString);
        await connection.OpenAsync();
        await using var command = Command(sql, connection, values);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public static async Task Execute(this ApiFactory api, string sql, params object[] values)
    {
        await using var connection = new NpgsqlConnection(api.ConnectionString);
        await connection.OpenAsync();
        await using var command = Command(sql, connection, values);
        await command.ExecuteNonQueryAsync();
    }

    private static NpgsqlCommand Command(string sql, NpgsqlConnection connection, object[] values)
    {
        var command = new NpgsqlCommand(sql, connection);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return command;
    }
}
