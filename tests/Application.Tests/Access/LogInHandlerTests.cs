using Cargamos.Modular.Application.Access;
using Cargamos.Modular.Application.Common.Errors;
using Cargamos.Modular.Application.Common.Ports;
using Cargamos.Modular.Application.Access.Contracts;
using System.Diagnostics.Metrics;
using Cargamos.Modular.Application.Common.Telemetry;
using Cargamos.Modular.Application.Common.Throttling;
using Microsoft.Extensions.Time.Testing;

namespace Cargamos.Modular.Application.Tests.Access;

public sealed class LogInHandlerTests
{
    private readonly FakeAccounts accounts = new();
    private readonly FakeHashing hashing = new();
    private readonly FakeTimeProvider clock = new(DateTimeOffset.Parse("2026-12-01T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly LogInHandler handler;

    public LogInHandlerTests()
    {
        accounts.Organizations.Add(new Organization("acme", "Acme", OrganizationKind.Shipper, true));
        accounts.Organizations.Add(new Organization("suspended", "Suspended", OrganizationKind.Shipper, false));
        accounts.Users.Add(new UserAccount(UserAccount.IdFor("acme", "ops@acme.mx"), "acme", "ops@acme.mx", hashing.Hash("secret"), [Roles.Shipper], true));
        accounts.Users.Add(new UserAccount(UserAccount.IdFor("acme", "gone@acme.mx"), "acme", "gone@acme.mx", hashing.Hash("secret"), [Roles.Shipper], false));
        accounts.Users.Add(new UserAccount(UserAccount.IdFor("suspended", "ops@s.mx"), "suspended", "ops@s.mx", hashing.Hash("secret"), [Roles.Shipper], true));
        var limits = new RateLimitOptions();
        handler = new LogInHandler(accounts, hashing, new FakeTokens(), new FailureBackoff(clock, limits), limits, new CargamosMetrics(new PlainMeterFactory()));
    }

    [Fact]
    public async Task GivenValidCredentials_WhenLogIn_ThenATokenIsIssued()
    {
        var token = await handler.Handle(new LogIn("acme", "OPS@acme.mx", "secret"), default);

        Assert.Equal("token-for-acme/ops@acme.mx", token.Token);
        Assert.Equal(3600, token.ExpiresInSeconds);
    }

    [Theory]
    [InlineData("acme", "ops@acme.mx", "wrong")]
    [InlineData("acme", "nobody@acme.mx", "secret")]
    [InlineData("nobody", "ops@acme.mx", "secret")]
    [InlineData("acme", "gone@acme.mx", "secret")]
    public async Task GivenAnyWrongPart_WhenLogIn_ThenTheSameUnauthorizedAnswer(string key, string user, string password)
    {
        var error = await Assert.ThrowsAsync<AppError>(() => handler.Handle(new LogIn(key, user, password), default).AsTask());

        Assert.Equal(ErrorKind.Unauthorized, error.Kind);
        Assert.Equal("The organization key, user or password is not valid.", error.Details);
        Assert.Equal(1, hashing.Verifications); // a password is checked even for an unknown user: no timing oracle
    }

    [Fact]
    public async Task GivenSuspendedOrganization_WhenLogInWithTheRightPassword_ThenForbidden()
    {
        var error = await Assert.ThrowsAsync<AppError>(() => handler.Handle(new LogIn("suspended", "ops@s.mx", "secret"), default).AsTask());

        Assert.Equal(ErrorKind.Forbidden, error.Kind);
        Assert.Equal("ACCOUNT_SUSPENDED", error.Code);
    }

    [Fact]
    public async Task GivenFiveFailuresFromOneAddress_WhenLoggingInAgain_ThenItWaitsDoublingPerFailureWithoutHashing()
    {
        for (var i = 0; i < 5; i++)
        {
            await Assert.ThrowsAsync<AppError>(() => handler.Handle(new LogIn("acme", "ops@acme.mx", "wrong", "10.0.0.1"), default).AsTask());
        }

        var hashed = hashing.Verifications;
        var waiting = await Assert.ThrowsAsync<AppError>(() => handler.Handle(new LogIn("acme", "ops@acme.mx", "secret", "10.0.0.1"), default).AsTask());
        Assert.Equal((ErrorKind.TooManyRequests, "TOO_MANY_REQUESTS", TimeSpan.FromSeconds(1)), (waiting.Kind, waiting.Code, waiting.RetryAfter));
        Assert.Equal(hashed, hashing.Verifications); // refused before any password is hashed

        // The real user elsewhere is not made to wait by this address's failures.
        Assert.Equal("token-for-acme/ops@acme.mx", (await handler.Handle(new LogIn("acme", "ops@acme.mx", "secret", "10.0.0.2"), default)).Token);

        clock.Advance(TimeSpan.FromSeconds(1));
        await Assert.ThrowsAsync<AppError>(() => handler.Handle(new LogIn("acme", "ops@acme.mx", "wrong", "10.0.0.1"), default).AsTask());
        var longer = await Assert.ThrowsAsync<AppError>(() => handler.Handle(new LogIn("acme", "ops@acme.mx", "secret", "10.0.0.1"), default).AsTask());
        Assert.Equal(TimeSpan.FromSeconds(2), longer.RetryAfter);

        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal("token-for-acme/ops@acme.mx", (await handler.Handle(new LogIn("acme", "ops@acme.mx", "secret", "10.0.0.1"), default)).Token);
        await Assert.ThrowsAsync<AppError>(() => handler.Handle(new LogIn("acme", "ops@acme.mx", "wrong", "10.0.0.1"), default).AsTask());
        Assert.Equal(ErrorKind.Unauthorized, (await Assert.ThrowsAsync<AppError>(() => handler.Handle(new LogIn("acme", "ops@acme.mx", "wrong", "10.0.0.1"), default).AsTask())).Kind);
    }

    [Fact]
    public async Task GivenAGuesserOnManyAddresses_WhenTheUserFailed20Times_ThenEveryAddressWaitsAtMost15Minutes()
    {
        for (var i = 0; i < 60; i++)
        {
            clock.Advance(TimeSpan.FromMinutes(1));
            try
            {
                await handler.Handle(new LogIn("acme", "ops@acme.mx", "wrong", $"10.1.0.{i}"), default);
            }
            catch (AppError)
            {
            }
        }

        var waiting = await Assert.ThrowsAsync<AppError>(() => handler.Handle(new LogIn("acme", "ops@acme.mx", "secret", "10.9.9.9"), default).AsTask());
        Assert.Equal(ErrorKind.TooManyRequests, waiting.Kind);
        Assert.InRange(waiting.RetryAfter!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(15));

        clock.Advance(TimeSpan.FromMinutes(15));
        Assert.Equal("token-for-acme/ops@acme.mx", (await handler.Handle(new LogIn("acme", "ops@acme.mx", "secret", "10.9.9.9"), default)).Token);
    }
}

/// <summary>Meters nobody listens to (the handler records its refusals; these tests do not read them).</summary>
internal sealed class PlainMeterFactory : IMeterFactory
{
    public Meter Create(MeterOptions options) => new(options);

    public void Dispose()
    {
    }
}
