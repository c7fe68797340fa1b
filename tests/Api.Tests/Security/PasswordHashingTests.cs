using Cargamos.Modular.Api.Tests.Infrastructure;
using Cargamos.Modular.Application.Common.Errors;
using Cargamos.Modular.Application.Common.Telemetry;
using Cargamos.Modular.Application.Common.Throttling;
using Cargamos.Modular.Infrastructure.Access;

namespace Cargamos.Modular.Api.Tests.Security;

/// <summary>Password hashes (PBKDF2, tens of milliseconds of CPU each) run a bounded number at a time; a login that cannot get a slot in time is 503 with Retry-After.</summary>
public sealed class PasswordHashingTests
{
    [Fact]
    public async Task Beyond_the_concurrent_hashes_a_login_waits_then_is_answered_busy_instead_of_queueing_for_ever()
    {
        var (metrics, meters) = TestMetrics.Standalone();
        using var rejections = new Microsoft.Extensions.Diagnostics.Metrics.Testing.MetricCollector<long>(meters, CargamosMetrics.MeterName, "cargamos.rate_limit.rejections");
        using var hashing = new PasswordHashing(new RateLimitOptions { MaxConcurrentHashes = 1, HashQueueTimeout = TimeSpan.FromMilliseconds(5) }, metrics);
        var hash = hashing.Hash("correct horse battery staple");

        // Six logins at the same moment, each on a thread of its own (as six requests would be served).
        using var start = new Barrier(6);
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Factory.StartNew(() =>
        {
            start.SignalAndWait();
            try
            {
                return (Verified: hashing.VerifyAsync(hash, "correct horse battery staple", CancellationToken.None).GetAwaiter().GetResult(), Busy: (AppError?)null);
            }
            catch (AppError busy)
            {
                return (Verified: false, Busy: busy);
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)));

        Assert.Contains(outcomes, o => o.Verified);
        var refused = outcomes.Where(o => o.Busy is not null).Select(o => o.Busy!).ToList();
        Assert.NotEmpty(refused);
        Assert.All(refused, e => Assert.Equal((ErrorKind.ServiceUnavailable, "SERVICE_UNAVAILABLE", TimeSpan.FromSeconds(1)), (e.Kind, e.Code, e.RetryAfter)));
        Assert.Equal(refused.Count, rejections.Sum(("policy", CargamosMetrics.Policies.PasswordHashing)));
    }

    [Fact]
    public async Task Within_the_limit_every_login_is_checked()
    {
        using var hashing = new PasswordHashing(new RateLimitOptions { MaxConcurrentHashes = 6, HashQueueTimeout = TimeSpan.FromSeconds(30) }, TestMetrics.Standalone().Metrics);
        var hash = hashing.Hash("secret");

        var verified = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => hashing.VerifyAsync(hash, i % 2 == 0 ? "secret" : "wrong", CancellationToken.None)));

        Assert.Equal(new[] { true, false, true, false, true, false }, verified);
    }
}
