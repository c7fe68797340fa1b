using System.Net;
using System.Text;
using Cargamos.Modular.Api.Tests.Infrastructure;
using Cargamos.Modular.Api.Tests.Vtex;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Cargamos.Modular.Api.Tests.Security;

/// <summary>
/// Every endpoint of the app (read from its <see cref="EndpointDataSource"/>, so a new one cannot be forgotten) declares an
/// authorization policy or is allow-listed as anonymous, and appears in <see cref="Matrix"/> with the callers that may
/// use it. Every other caller is refused: 401 when it is anonymous or its credentials are not of a kind the endpoint
/// accepts (a shipper token on a carrier hook), 403 when they are but its role may not.
/// </summary>
public sealed class AuthorizationMatrixTests(ApiFactory api, ITestOutputHelper output) : IClassFixture<ApiFactory>
{
    private const string Anonymous = "anonymous";
    private const string Shipper = "shipper";
    private const string Auditor = "auditor";
    private const string Operator = "operator";
    private const string Carrier = "carrier";
    private const string Vtex = "vtex";

    private static readonly string[] Users = [Shipper, Auditor, Operator];
    private static readonly string[] Callers = [Anonymous, Shipper, Auditor, Operator, Carrier, Vtex];
    private static readonly string[] Everyone = Callers;

    /// <summary>Who may call each endpoint; the kinds of credentials it accepts follow from it (users, carrier or VTEX).</summary>
    private static readonly Dictionary<string, string[]> Matrix = new()
    {
        ["GET /v1/login"] = Everyone,
        ["GET /openapi/{documentName}.json"] = Everyone,
        ["GET /scalar/{documentName?}"] = Everyone,
        ["GET /scalar/scalar.js"] = Everyone,
        ["GET /scalar/scalar.aspnetcore.js"] = Everyone,
        ["GET /scalar/favicon.svg"] = Everyone,
        ["GET /health/live"] = Everyone,
        ["GET /health/ready"] = Everyone,
        ["GET /v1/delivery-orders/template.csv"] = Everyone,
        ["GET /v1/delivery-orders/template.xlsx"] = Everyone,
        ["POST /token"] = Everyone,
        ["GET /v1/labels/{token}.{format}"] = Everyone,
        ["GET /t/{trackingId}"] = Everyone,

        ["POST /v1/delivery-orders"] = [Shipper],
        ["POST /v1/rates"] = [Shipper],
        ["GET /v1/shipment-tracking/{trackingId}"] = Users,
        ["GET /v1/shipments"] = Users,
        ["GET /v1/shipments/{id}"] = Users,
        ["GET /v1/shipments/{id}/events"] = Users,
        ["GET /v1/shipments/{id}/state"] = Users,
        ["POST /v1/shipments/{id}/cancel"] = [Shipper, Operator],
        ["GET /v1/shipments/{id}/label"] = Users,
        ["POST /v1/labels"] = Users,
        ["GET /v1/coverage/{country}/{postalCode}"] = Users,

        ["POST /v1/integration-lots"] = [Shipper],
        ["GET /v1/integration-lots"] = Users,
        ["GET /v1/integration-lots/{lotId}"] = Users,
        ["GET /v1/integration-lots/{lotId}/results"] = Users,
        ["GET /v1/integration-lots/{lotId}/results.csv"] = Users,

        ["PUT /v1/webhook"] = [Shipper],
        ["GET /v1/webhook"] = [Shipper],
        ["DELETE /v1/webhook"] = [Shipper],
        ["POST /v1/webhook/suspend"] = [Shipper],
        ["POST /v1/webhook/resume"] = [Shipper],
        ["POST /v1/webhook/rotate-secret"] = [Shipper],
        ["POST /v1/webhook/test"] = [Shipper],
        ["GET /v1/webhook/deliveries"] = [Shipper],
        ["POST /v1/webhook/deliveries/{id}/redeliver"] = [Shipper],

        ["GET /metrics"] = [Operator],
        ["GET /v1/admin/coverage-zones"] = [Operator],
        ["GET /v1/admin/coverage-zones/{zoneId}"] = [Operator],
        ["PUT /v1/admin/coverage-zones/{zoneId}"] = [Operator],
        ["DELETE /v1/admin/coverage-zones/{zoneId}"] = [Operator],
        ["POST /v1/admin/shippers"] = [Operator],
        ["GET /v1/admin/shippers/{key}"] = [Operator],
        ["PUT /v1/admin/shippers/{key}/contract"] = [Operator],
        ["POST /v1/admin/shippers/{key}/suspend"] = [Operator],
        ["POST /v1/admin/shippers/{key}/activate"] = [Operator],
        ["POST /v1/admin/shippers/{key}/rate-cards"] = [Operator],
        ["GET /v1/admin/shippers/{key}/rate-cards"] = [Operator],
        ["GET /v1/admin/shippers/{key}/rate-cards/{version}"] = [Operator],

        ["POST /vtex/services"] = [Vtex],
        ["POST /vtex/rates"] = [Vtex],
        ["POST /vtex/services/cancel"] = [Vtex],
        ["POST /vtex/services/pause"] = [Vtex],

        ["GET /tracking/hook/{carrierId}/{serviceId}"] = [Carrier],
        ["PATCH /tracking/hook/{carrierId}/{serviceId}"] = [Carrier],
        ["POST /tracking/hook/notes/{carrierId}/{serviceId}"] = [Carrier],
        ["POST /tracking/hook/evidences/{carrierId}/{serviceId}"] = [Carrier],
        ["POST /tracking/hook/labels/{carrierId}/{serviceId}"] = [Carrier],
        ["POST /tracking/hook/cancel/{carrierId}/{serviceId}"] = [Carrier],
        ["POST /tracking/hook/on-hold/{carrierId}/{serviceId}"] = [Carrier],
    };

    [Fact]
    public void Every_endpoint_declares_a_policy_or_anonymous_access_and_is_in_the_matrix()
    {
        var endpoints = Endpoints().ToList();

        var undeclared = endpoints.Where(e => e.Endpoint.Metadata.GetMetadata<IAllowAnonymous>() is null
                                              && e.Endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Count == 0
                                              && e.Endpoint.Metadata.GetMetadata<AuthorizationPolicy>() is null
                                              && Matrix.GetValueOrDefault(e.Key) != Everyone)
            .Select(e => e.Key).ToList();
        Assert.True(undeclared.Count == 0, "Endpoints without an authorization policy nor anonymous access: " + string.Join(", ", undeclared));

        var missing = endpoints.Select(e => e.Key).Except(Matrix.Keys).ToList();
        Assert.True(missing.Count == 0, "Endpoints missing from the matrix: " + string.Join(", ", missing));
        var gone = Matrix.Keys.Except(endpoints.Select(e => e.Key)).ToList();
        Assert.True(gone.Count == 0, "Matrix rows without an endpoint: " + string.Join(", ", gone));
    }

    [Fact]
    public async Task Each_endpoint_refuses_every_caller_outside_its_row_and_lets_its_row_through()
    {
        var clients = new Dictionary<string, HttpClient>
        {
            [Anonymous] = api.CreateClient(),
            [Shipper] = await api.LoginAs(DemoUser.Shipper),
            [Auditor] = await api.LoginAs(DemoUser.Auditor),
            [Operator] = await api.LoginAs(DemoUser.Operator),
            [Carrier] = await api.AsCarrier(CarrierClient.ServientregaKey),
            [Vtex] = api.Vtex(),
        };
        var wrong = new List<string>();
        foreach (var (key, _) in Endpoints().Where(e => Matrix[e.Key] != Everyone).OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            var allowed = Matrix[key];
            var accepts = allowed.Contains(Carrier) ? [Carrier] : allowed.Contains(Vtex) ? [Vtex] : Users;
            foreach (var caller in Callers)
            {
                using var response = await clients[caller].SendAsync(Request(key));
                var status = (int)response.StatusCode;
                var expected = allowed.Contains(caller) ? "neither 401 nor 403" : accepts.Contains(caller) ? "403" : "401";
                var ok = expected switch
                {
                    "403" => status == 403,
                    "401" => status == 401,
                    _ => status is not (401 or 403),
                };
                if (!ok)
                {
                    wrong.Add($"{key} as {caller}: {status}, expected {expected}");
                }
            }
        }

        output.WriteLine(string.Join("\n", wrong));
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    private IEnumerable<(string Key, RouteEndpoint Endpoint)> Endpoints()
    {
        _ = api.Server;
        return api.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(method => ($"{method} /{e.RoutePattern.RawText!.Trim('/')}", e)));
    }

    /// <summary>The endpoint with placeholder route values and an empty JSON body: enough to reach its authorization.</summary>
    private static HttpRequestMessage Request(string key)
    {
        var (method, pattern) = (key[..key.IndexOf(' ', StringComparison.Ordinal)], key[(key.IndexOf(' ', StringComparison.Ordinal) + 1)..]);
        var path = pattern
            .Replace("{carrierId}", CarrierClient.Servientrega, StringComparison.Ordinal)
            .Replace("{serviceId}", "CGM0000000000", StringComparison.Ordinal)
            .Replace("{trackingId}", "CGM0000000000", StringComparison.Ordinal)
            .Replace("{id}", Guid.Empty.ToString(), StringComparison.Ordinal)
            .Replace("{lotId}", "999999999", StringComparison.Ordinal)
            .Replace("{zoneId}", "zz-nowhere", StringComparison.Ordinal)
            .Replace("{key}", "no-such-shipper", StringComparison.Ordinal)
            .Replace("{country}", "mx", StringComparison.Ordinal)
            .Replace("{postalCode}", "06700", StringComparison.Ordinal);
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (key == "POST /v1/integration-lots")
        {
            request.Content = new MultipartFormDataContent { { new ByteArrayContent(Encoding.UTF8.GetBytes("a,b\n")), "file", "orders.csv" } };
        }
        else if (method is "POST" or "PUT" or "PATCH")
        {
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }

        return request;
    }
}
