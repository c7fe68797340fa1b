using System.Net;
using Cargamos.Modular.Api.Tests.Infrastructure;

namespace Cargamos.Modular.Api.Tests;

public sealed class HostTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task Health_endpoints_answer_healthy(string path)
    {
        using var response = await api.CreateClient().GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_openapi_document_describes_the_endpoints()
    {
        using var response = await api.CreateClient().GetAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var paths = (await response.Body()).GetProperty("paths");
        Assert.True(paths.TryGetProperty("/v1/login", out _));
        Assert.True(paths.TryGetProperty("/v1/shipments/{id}/events", out _));
        Assert.True(paths.TryGetProperty("/v1/shipments/{id}/state", out _));
    }

    [Fact]
    public async Task The_interactive_reference_is_served()
    {
        using var response = await api.CreateClient().GetAsync("/scalar");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("text/html", response.Content.Headers.ContentType?.ToString());
    }
}
