using Npgsql;

namespace Cargamos.Modular.Api.Hosting;

/// <summary>The database the API uses, resolved once at start-up.</summary>
public sealed record DatabaseConnection(string ConnectionString, string Description)
{
    /// <summary>The setting holding the connection string (environment variable <c>ConnectionStrings__Postgres</c>).</summary>
    public const string Setting = "ConnectionStrings:Postgres";

    /// <summary>
    /// <c>ConnectionStrings:Postgres</c>, used as is and required in every environment. The API never starts a database
    /// itself: for development, <c>./run.sh</c> (tools/DevHost) provides a local cluster and passes its connection string.
    /// </summary>
    public static DatabaseConnection FromConfiguration(IConfiguration configuration)
    {
        var configured = configuration.GetConnectionString("Postgres");
        if (string.IsNullOrWhiteSpace(configured))
        {
            throw new InvalidOperationException(
                $"No database: set {Setting} (environment variable ConnectionStrings__Postgres) to a PostgreSQL connection string. " +
                "For development, start the API with ./run.sh: it runs a local PostgreSQL in .data/postgres and passes its connection string.");
        }

        return new DatabaseConnection(configured, Describe(configured));
    }

    private static string Describe(string connectionString)
    {
        try
        {
            var b = new NpgsqlConnectionStringBuilder(connectionString);
            return $"{Setting} (Host={b.Host}; Port={b.Port}; Database={b.Database}; Username={b.Username})";
        }
        catch (ArgumentException)
        {
            return $"{Setting} (not parseable by Npgsql)";
        }
    }

    /// <summary>The git-ignored data folder: <c>Cargamos:DataDirectory</c>, else <c>.data</c> at the repository root.</summary>
    public static string DataDirectory(IConfiguration configuration, IHostEnvironment environment) =>
        DataDirectory(configuration, environment.ContentRootPath);

    /// <summary>The git-ignored data folder for a content root (the DevHost asks before the API starts).</summary>
    public static string DataDirectory(IConfiguration configuration, string contentRootPath)
    {
        var configured = configuration["Cargamos:DataDirectory"];
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return Path.GetFullPath(configured);
        }

        for (var dir = new DirectoryInfo(contentRootPath); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Cargamos.Modular.sln")))
            {
                return Path.Combine(dir.FullName, ".data");
            }
        }

        return Path.Combine(contentRootPath, ".data");
    }
}
