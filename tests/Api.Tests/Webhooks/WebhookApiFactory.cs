using System.Globalization;
using Cargamos.Modular.Api.Tests.Infrastructure;

namespace Cargamos.Modular.Api.Tests.Webhooks;

/// <summary>
/// The API with webhook timings shortened for tests (poll 50 ms, retries after 50 ms to 1 s: ten attempts within about 4 s).
/// <see cref="OnDatabase"/> runs another API process over the same database, so a second process can take over the outbox
/// of a first one, or two run side by side.
/// </summary>
public class WebhookApiFactory : ApiFactory
{
    public static readonly TimeSpan[] TestSchedule =
    [
        TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(300),
        TimeSpan.FromMilliseconds(400), TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(600), TimeSpan.FromMilliseconds(800),
        TimeSpan.FromSeconds(1),
    ];

    public WebhookApiFactory() => UseTestTimings();

    private WebhookApiFactory(string existingDatabase)
        : base(existingDatabase) => UseTestTimings();

    protected override string DatabasePrefix => "webhooks";

    /// <summary>Another API process over the same database; call <see cref="ApiFactory.StartAsync"/> on it, dispose it when done.</summary>
    public static WebhookApiFactory OnDatabase(string connectionString) => new(connectionString);

    private void UseTestTimings()
    {
        Settings["Webhooks:PollInterval"] = "00:00:00.050";
        for (var i = 0; i < TestSchedule.Length; i++)
        {
            Settings[$"Webhooks:RetrySchedule:{i}"] = TestSchedule[i].ToString("c", CultureInfo.InvariantCulture);
        }
    }
}
