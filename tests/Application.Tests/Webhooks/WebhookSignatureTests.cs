using Cargamos.Modular.Domain.Webhooks;

namespace Cargamos.Modular.Application.Tests.Webhooks;

public sealed class WebhookSignatureTests
{
    // The test vector of the Standard Webhooks reference libraries.
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string Id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private const long Timestamp = 1614265330;
    private const string Body = """{"test": 2432232314}""";
    private const string Expected = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    [Fact]
    public void Sign_matches_the_Standard_Webhooks_test_vector() => Assert.Equal(Expected, WebhookSignature.Sign(Secret, Id, Timestamp, Body));

    [Fact]
    public void Verify_accepts_the_signature_and_refuses_a_tampered_body_id_timestamp_or_secret()
    {
        Assert.True(WebhookSignature.Verify(Secret, Id, Timestamp, Body, Expected));
        Assert.False(WebhookSignature.Verify(Secret, Id, Timestamp, """{"test": 2432232315}""", Expected));
        Assert.False(WebhookSignature.Verify(Secret, "msg_other", Timestamp, Body, Expected));
        Assert.False(WebhookSignature.Verify(Secret, Id, Timestamp + 1, Body, Expected));
        Assert.False(WebhookSignature.Verify(WebhookSignature.NewSecret(), Id, Timestamp, Body, Expected));
    }

    [Fact]
    public void During_a_rotation_the_header_carries_one_signature_per_secret_and_each_verifies()
    {
        var next = WebhookSignature.NewSecret();
        var header = WebhookSignature.Header([next, Secret], Id, Timestamp, Body);

        Assert.Equal($"{WebhookSignature.Sign(next, Id, Timestamp, Body)} {Expected}", header);
        Assert.True(WebhookSignature.Verify(next, Id, Timestamp, Body, header));
        Assert.True(WebhookSignature.Verify(Secret, Id, Timestamp, Body, header));
    }

    [Fact]
    public void New_secrets_are_whsec_and_32_random_bytes()
    {
        var a = WebhookSignature.NewSecret();
        var b = WebhookSignature.NewSecret();

        Assert.StartsWith("whsec_", a);
        Assert.Equal(32, Convert.FromBase64String(a["whsec_".Length..]).Length);
        Assert.NotEqual(a, b);
    }
}
