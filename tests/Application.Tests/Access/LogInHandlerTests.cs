using Cargamos.Modular.Application.Access;
using Cargamos.Modular.Application.Common.Errors;
using Cargamos.Modular.Application.Common.Ports;
using Cargamos.Modular.Application.Access.Contracts;

namespace Cargamos.Modular.Application.Tests.Access;

public sealed class LogInHandlerTests
{
    private readonly FakeAccounts accounts = new();
    private readonly FakeHashing hashing = new();
    private readonly LogInHandler handler;

    public LogInHandlerTests()
    {
        accounts.Organizations.Add(new Organization("acme", "Acme", OrganizationKind.Shipper, true));
        accounts.Organizations.Add(new Organization("suspended", "Suspended", OrganizationKind.Shipper, false));
        accounts.Users.Add(new UserAccount(UserAccount.IdFor("acme", "ops@acme.mx"), "acme", "ops@acme.mx", hashing.Hash("secret"), [Roles.Shipper], true));
        accounts.Users.Add(new UserAccount(UserAccount.IdFor("acme", "gone@acme.mx"), "acme", "gone@acme.mx", hashing.Hash("secret"), [Roles.Shipper], false));
        accounts.Users.Add(new UserAccount(UserAccount.IdFor("suspended", "ops@s.mx"), "suspended", "ops@s.mx", hashing.Hash("secret"), [Roles.Shipper], true));
        handler = new LogInHandler(accounts, hashing, new FakeTokens());
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
}
