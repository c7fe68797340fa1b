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

public sealed class OpenApiTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    [Theory]
    [InlineData("DeliveryOrderRequest")]
    [InlineData("RecipientLocationRequest")]
    [InlineData("PackageInformationRequest")]
    [InlineData("LabelRequest", "url", 262_144)]
    [InlineData("EvidenceRequest", "content", 4_000)]
    public async Task Every_string_field_of_a_request_publishes_its_maximum_length(string schemaName, string? field = null, int length = 2_000)
    {
        using var response = await api.CreateClient().GetAsync("/openapi/v1.json");
        var schema = (await response.Body()).GetProperty("components").GetProperty("schemas").GetProperty(schemaName);

        var strings = schema.GetProperty("properties").EnumerateObject()
            .Where(p => (!p.Value.TryGetProperty("type", out var type) || type.ToString().Contains("string", StringComparison.Ordinal))
                        && !p.Value.TryGetProperty("oneOf", out _) && !p.Value.TryGetProperty("$ref", out _)
                        && !p.Value.TryGetProperty("enum", out _) && !p.Value.TryGetProperty("items", out _))
            .ToList();
        Assert.NotEmpty(strings);
        Assert.All(strings, p => Assert.True(p.Value.TryGetProperty("maxLength", out _), $"{schemaName}.{p.Name} has no maxLength"));
        if (field is not null)
        {
            Assert.Equal(length, schema.GetProperty("properties").GetProperty(field).GetProperty("maxLength").GetInt32());
        }
    }

    [Fact]
    public async Task The_patch_status_enum_lists_only_what_patch_accepts()
    {
        using var response = await api.CreateClient().GetAsync("/openapi/v1.json");
        var status = (await response.Body()).GetProperty("components").GetProperty("schemas").GetProperty("UpdateServiceRequest")
            .GetProperty("properties").GetProperty("status");

        Assert.Equal(new[] { "PENDING", "ASSIGNED", "PICKED", "ON_ROUTE", "INCIDENT", "RETURNED", "DELIVERED" },
            status.GetProperty("enum").EnumerateArray().Select(v => v.GetString()).ToArray());
    }

    [Theory]
    [InlineData("/v1/login", "get", "basic")]
    [InlineData("/v1/delivery-orders", "post", "bearer")]
    [InlineData("/v1/admin/shippers", "post", "bearer")]
    [InlineData("/tracking/hook/{carrierId}/{serviceId}", "patch", "carrierJwt")]
    [InlineData("/vtex/services", "post", "vtexAppKey+vtexAppToken")]
    [InlineData("/v1/delivery-orders/template.csv", "get", "")]
    [InlineData("/token", "post", "")]
    public async Task Each_operation_names_the_security_scheme_it_accepts(string path, string method, string schemes)
    {
        using var response = await api.CreateClient().GetAsync("/openapi/v1.json");
        var document = await response.Body();

        var declared = document.GetProperty("components").GetProperty("securitySchemes").EnumerateObject().Select(s => s.Name).Order().ToArray();
        Assert.Equal(new[] { "basic", "bearer", "carrierJwt", "vtexAppKey", "vtexAppToken" }, declared);
        var operation = document.GetProperty("paths").GetProperty(path).GetProperty(method);
        var required = operation.TryGetProperty("security", out var security)
            ? string.Join('+', security.EnumerateArray().SelectMany(r => r.EnumerateObject().Select(s => s.Name)))
            : "";
        Assert.Equal(schemes, required);
    }

    [Theory]
    [InlineData("DeliveryOrderRequest")]
    [InlineData("RecipientLocationRequest")]
    [InlineData("RecipientInformationRequest")]
    [InlineData("PackageInformationRequest")]
    [InlineData("DimensionsRequest")]
    [InlineData("CartaPorteRequest")]
    public async Task Every_delivery_order_field_has_a_description_and_every_value_an_example(string schemaName)
    {
        using var response = await api.CreateClient().GetAsync("/openapi/v1.json");
        var schemas = (await response.Body()).GetProperty("components").GetProperty("schemas");
        var schema = schemas.GetProperty(schemaName);

        Assert.True(schema.TryGetProperty("required", out var required) && required.GetArrayLength() > 0);
        foreach (var property in schema.GetProperty("properties").EnumerateObject())
        {
            // A nested object is a (nullable) reference: its description lives on the referenced schema.
            var reference = property.Value.TryGetProperty("oneOf", out var oneOf)
                ? oneOf.EnumerateArray().Select(o => o.TryGetProperty("$ref", out var r) ? r.GetString() : null).FirstOrDefault(r => r is not null)
                : null;
            if (reference is not null)
            {
                Assert.True(schemas.GetProperty(reference.Split('/')[^1]).TryGetProperty("description", out _), $"{reference} has no description");
                continue;
            }

            Assert.True(property.Value.TryGetProperty("description", out _), $"{schemaName}.{property.Name} has no description");
            Assert.True(property.Value.TryGetProperty("examples", out _), $"{schemaName}.{property.Name} has no example");
        }
    }

    [Fact]
    public async Task The_integration_operation_carries_a_complete_example_body()
    {
        using var response = await api.CreateClient().GetAsync("/openapi/v1.json");
        var example = (await response.Body()).GetProperty("paths").GetProperty("/v1/delivery-orders").GetProperty("post")
            .GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("example");

        Assert.Equal("06700", example.GetProperty("recipientLocation").Str("postalCode"));
        Assert.Equal("53111600", example.GetProperty("packageInformation").GetProperty("cartaPorte").Str("productKey"));
    }
}
