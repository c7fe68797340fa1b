using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cargamos.Modular.Api.Tests.Infrastructure;
using Cargamos.Modular.Api.Tests.ReferenceData;
using Cargamos.Modular.Api.Tests.Vtex;
using Cargamos.Modular.Api.Tests.Webhooks;
using CsCheck;
using Npgsql;
using Xunit.Abstractions;

namespace Cargamos.Modular.Api.Tests.Reliability;

/// <summary>The fuzz run's API: no background writer (webhook dispatcher, lot processor), so the database changes only by the requests sent.</summary>
public sealed class JsonFuzzFactory : ApiFactory
{
    public JsonFuzzFactory()
    {
        Settings["Webhooks:DispatcherEnabled"] = "false";
        Settings["Spreadsheets:ProcessorEnabled"] = "false";
    }

    protected override string DatabasePrefix => "fuzz";
}

/// <summary>
/// Every JSON endpoint, fed generated bodies: a valid body of its request type spoiled at one of its nodes (a value of the
/// wrong type, a huge string, number or list, nesting far deeper than any request, a property removed or given twice) or in
/// its bytes (invalid UTF-8 at any position, truncation). Whatever arrives, the answer is never a 5xx, a refusal writes
/// nothing (every table of the store compared before and after, row count and row versions), invalid UTF-8, truncated
/// JSON, duplicate keys and nesting deeper than 32 levels are 400s.
/// </summary>
public sealed class JsonFuzzTests(JsonFuzzFactory api, ITestOutputHelper output) : IClassFixture<JsonFuzzFactory>
{
    private static readonly int Samples = int.TryParse(Environment.GetEnvironmentVariable("CARGAMOS_FUZZ_SAMPLES"), out var n) ? n : 70;

    private static readonly string[] WrongValues =
    [
        "0", "-1", "1.5", "-0.0", "1e308", "-1e308", "1e-400", "123456789012345678901234567890", "true", "false", "null",
        "\"\"", "\" \"", "\"x\"", "[]", "{}", "[null]", "[1,\"a\",{}]", "{\"a\":1}", "\"2026-13-45T99:99:99Z\"", "\"\\u0000\"",
        "\"\\ud800\"", "\"\\udfff\\ud800\"", "\"javascript:alert(1)\"", "\"ñ🚚\\u202e\"", "\"-1\"", "\"NaN\"", "\"Infinity\"",
    ];

    private static readonly byte[][] InvalidSequences =
    [
        [0xFF], [0xFE], [0x80], [0xBF], [0xC0, 0x80], [0xC1, 0xBF], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80],
        [0xF8, 0x88, 0x80, 0x80, 0x80], [0xE2, 0x82], [0xF0, 0x9F, 0x9A],
    ];

    private static readonly Gen<Spoil> Spoils = Gen.Frequency(
        (6, Gen.Select(Gen.Int[0, int.MaxValue], Gen.Int[0, WrongValues.Length - 1])
            .Select((at, i) => new Spoil(SpoilKind.Replace, at, WrongValues[i]))),
        (2, Gen.Select(Gen.Int[0, int.MaxValue], Gen.Int[1_000, 300_000])
            .Select((at, n) => new Spoil(SpoilKind.Replace, at, "\"" + new string('a', n) + "\""))),
        (1, Gen.Select(Gen.Int[0, int.MaxValue], Gen.Int[20, 50_000])
            .Select((at, n) => new Spoil(SpoilKind.Replace, at, new string('9', n)))),
        (1, Gen.Select(Gen.Int[0, int.MaxValue], Gen.Int[1_001, 50_000])
            .Select((at, n) => new Spoil(SpoilKind.Replace, at, "[" + string.Join(',', Enumerable.Repeat("{}", n)) + "]"))),
        (2, Gen.Select(Gen.Int[0, int.MaxValue], Gen.Int[33, 5_000], Gen.Bool)
            .Select((at, depth, arrays) => new Spoil(SpoilKind.Deep, at, Nested(depth, arrays)))),
        (2, Gen.Int[0, int.MaxValue].Select(at => new Spoil(SpoilKind.Remove, at, null))),
        (2, Gen.Select(Gen.Int[0, int.MaxValue], Gen.Int[0, WrongValues.Length])
            .Select((at, i) => new Spoil(SpoilKind.Duplicate, at, i == WrongValues.Length ? null : WrongValues[i]))),
        (3, Gen.Select(Gen.Int[0, int.MaxValue], Gen.Int[0, InvalidSequences.Length - 1])
            .Select((at, i) => new Spoil(SpoilKind.InvalidUtf8, at, Convert.ToHexString(InvalidSequences[i])))),
        (1, Gen.Int[0, int.MaxValue].Select(at => new Spoil(SpoilKind.Truncate, at, null))));

    private enum SpoilKind
    {
        Replace,
        Deep,
        Remove,
        Duplicate,
        InvalidUtf8,
        Truncate,
    }

    public static TheoryData<string> Endpoints() =>
    [
        "POST /v1/delivery-orders", "POST /vtex/services", "POST /vtex/services/cancel", "POST /vtex/services/pause", "POST /token",
        "PATCH /tracking/hook", "POST /tracking/hook/notes", "POST /tracking/hook/evidences", "POST /tracking/hook/labels",
        "POST /tracking/hook/cancel", "POST /tracking/hook/on-hold", "POST /v1/shipments/{id}/cancel", "PUT /v1/webhook",
        "PUT /v1/admin/coverage-zones/{id}", "POST /v1/admin/shippers", "PUT /v1/admin/shippers/{key}/contract",
        "POST /v1/admin/shippers/{key}/rate-cards", "POST /v1/rates", "POST /vtex/rates",
    ];

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Generated_bodies_never_get_a_5xx_and_a_refusal_writes_nothing(string endpoint)
    {
        var target = await Target(endpoint);
        var fingerprint = await Fingerprint.Create(api.ConnectionString);

        // The unspoiled body is accepted: the spoiled ones reach the endpoint's logic, not a wall before it.
        var (path, valid) = await target.Fresh();
        using (var accepted = await Send(target, path, Encoding.UTF8.GetBytes(valid.ToJsonString())))
        {
            Assert.True(accepted.IsSuccessStatusCode, $"{endpoint}: the valid body answered {(int)accepted.StatusCode} {await accepted.Content.ReadAsStringAsync()}");
        }

        var statuses = new Dictionary<int, int>();
        var failures = new List<string>();
        (string Path, JsonNode Body)? current = null;
        await Spoils.SampleAsync(async spoil =>
        {
            try
            {
                await Check(spoil);
            }
            catch (Xunit.Sdk.XunitException e)
            {
                // Every failure is listed (a spoil names its node and value, so each one can be replayed), not only the first.
                failures.Add(e.Message);
                current = null;
            }
        }, iter: Samples, threads: 1);

        output.WriteLine($"{endpoint}: {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key} x{s.Value}"))}");
        Assert.True(failures.Count == 0, $"{failures.Count} of {Samples} bodies:\n{string.Join("\n", failures.Distinct())}");

        async Task Check(Spoil spoil)
        {
            current ??= await target.Fresh();
            var (bytes, expected) = spoil.Apply(current.Value.Body);
            var before = await fingerprint.Read();

            using var response = await Send(target, current.Value.Path, bytes);

            var status = (int)response.StatusCode;
            var answer = await response.Content.ReadAsStringAsync();
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            Assert.True(status < 500, $"{endpoint} {spoil}: {status} {Shorten(answer)}");
            if (expected is { } refused)
            {
                Assert.True(status == refused, $"{endpoint} {spoil}: expected {refused}, got {status} {Shorten(answer)}");
            }

            if (response.IsSuccessStatusCode)
            {
                current = null; // the state moved on: the next body gets a fresh shipment, zone or key
                return;
            }

            Assert.StartsWith("{", answer, StringComparison.Ordinal);
            Assert.True(JsonDocument.Parse(answer).RootElement.TryGetProperty("errors", out _), $"{endpoint} {spoil}: {status} without the error envelope: {Shorten(answer)}");
            var after = await fingerprint.Read();
            Assert.True(before == after, $"{endpoint} {spoil}: refused with {status} but wrote: {Fingerprint.Difference(before, after)}");
        }
    }

    private static async Task<HttpResponseMessage> Send(Endpoint target, string path, byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(target.Method, path) { Content = content };
        return await target.Client.SendAsync(request);
    }

    private async Task<Endpoint> Target(string endpoint)
    {
        switch (endpoint)
        {
            case "POST /v1/delivery-orders":
            {
                var shipper = await api.LoginAs(DemoUser.Shipper);
                return new Endpoint(shipper, HttpMethod.Post, () => Task.FromResult<(string, JsonNode)>(("/v1/delivery-orders", Orders.Valid(Orders.Unique("FZ")))));
            }

            case "POST /vtex/services":
                return new Endpoint(api.Vtex(), HttpMethod.Post, () => Task.FromResult<(string, JsonNode)>(("/vtex/services", VtexServices.Valid().Service)));

            case "POST /vtex/services/cancel":
            case "POST /vtex/services/pause":
            {
                var vtex = api.Vtex();
                var pause = endpoint.EndsWith("pause", StringComparison.Ordinal);
                return new Endpoint(vtex, HttpMethod.Post, async () =>
                {
                    var body = new JsonObject { ["serviceId"] = await VtexService(vtex), ["carrierId"] = CarrierClient.Servientrega, ["reason"] = "La dirección cambió" };
                    if (pause)
                    {
                        body["pause"] = true;
                    }

                    return (pause ? "/vtex/services/pause" : "/vtex/services/cancel", body);
                });
            }

            case "POST /token":
                return new Endpoint(api.CreateClient(), HttpMethod.Post,
                    () => Task.FromResult<(string, JsonNode)>(("/token", new JsonObject { ["apiKey"] = CarrierClient.ServientregaKey })));

            case "PATCH /tracking/hook":
                return await Hook(HttpMethod.Patch, "", new JsonObject
                {
                    ["status"] = "ASSIGNED", ["trackingUrl"] = "https://t.example/1", ["totalDistanceTraveled"] = 1200,
                    ["agent"] = new JsonObject { ["id"] = "AG-1", ["name"] = "Oscar Rojas", ["identification"] = "1020304050", ["phone"] = "+573001234567", ["email"] = "oscar@example.co" },
                });

            case "POST /tracking/hook/notes":
                return await Hook(HttpMethod.Post, "notes/", JsonNode.Parse("""[{"type":"ERROR","note":"El paquete tarda","author":"Oscar Rojas"},{"type":"COMMENT","note":"Recogido","author":"Oscar Rojas"}]""")!);

            case "POST /tracking/hook/evidences":
                return await Hook(HttpMethod.Post, "evidences/", JsonNode.Parse("""[{"type":"IMAGE","content":"https://img.example/1.jpg","author":"Felipe"},{"type":"TEXT","content":"Entregado","author":"Felipe"}]""")!);

            case "POST /tracking/hook/labels":
                return await Hook(HttpMethod.Post, "labels/", JsonNode.Parse("""{"id":"L1","url":"https://labels.example/1.pdf","name":"Etiqueta","type":"PDF"}""")!);

            case "POST /tracking/hook/cancel":
                return await Hook(HttpMethod.Post, "cancel/", JsonNode.Parse("""{"comment":"La direccion de entrega se cambio","type":"END_CLIENT_CANCELED"}""")!);

            case "POST /tracking/hook/on-hold":
                return await Hook(HttpMethod.Post, "on-hold/", JsonNode.Parse("""{"comment":"La direccion de entrega se cambio","type":"END_CLIENT_PAUSE"}""")!);

            case "POST /v1/shipments/{id}/cancel":
            {
                var shipper = await api.LoginAs(DemoUser.Shipper);
                return new Endpoint(shipper, HttpMethod.Post, async () =>
                {
                    var (_, trackingId) = await api.Shipment();
                    return ($"/v1/shipments/{trackingId}/cancel", new JsonObject { ["type"] = "END_CLIENT_CANCELED", ["comment"] = "Pedido duplicado" });
                });
            }

            case "PUT /v1/webhook":
            {
                var (_, shipper) = await api.NewShipper();
                return new Endpoint(shipper, HttpMethod.Put,
                    () => Task.FromResult<(string, JsonNode)>(("/v1/webhook", WebhookKit.Webhook("http://127.0.0.1:9/fuzz", "CREATED", "DELIVERED"))));
            }

            case "PUT /v1/admin/coverage-zones/{id}":
            {
                var operatorClient = await api.LoginAs(DemoUser.Operator);
                return new Endpoint(operatorClient, HttpMethod.Put, () => Task.FromResult<(string, JsonNode)>(
                    ($"/v1/admin/coverage-zones/us-{Guid.NewGuid():N}"[..40], AdminRequests.Zone("99500", "99599", country: "us", name: "Anchorage", timeZone: "America/Anchorage"))));
            }

            case "POST /v1/admin/shippers":
            {
                var operatorClient = await api.LoginAs(DemoUser.Operator);
                return new Endpoint(operatorClient, HttpMethod.Post, () =>
                {
                    var key = $"fz-{Guid.NewGuid():N}"[..16];
                    return Task.FromResult<(string, JsonNode)>(("/v1/admin/shippers", AdminRequests.NewShipper(key, $"ops@{key}.mx", "a-long-enough-password")));
                });
            }

            case "PUT /v1/admin/shippers/{key}/contract":
            {
                var operatorClient = await api.LoginAs(DemoUser.Operator);
                var (key, _) = await api.NewShipper();
                return new Endpoint(operatorClient, HttpMethod.Put, () => Task.FromResult<(string, JsonNode)>(
                    ($"/v1/admin/shippers/{key}/contract", AdminRequests.Contract(["mx"], AdminRequests.ServiceLevel("mx-cdmx", 1, 5, 16)))));
            }

            case "POST /v1/admin/shippers/{key}/rate-cards":
            {
                var operatorClient = await api.LoginAs(DemoUser.Operator);
                var (key, _) = await api.NewShipper();
                return new Endpoint(operatorClient, HttpMethod.Post, () => Task.FromResult<(string, JsonNode)>(
                    ($"/v1/admin/shippers/{key}/rate-cards", AdminRequests.RateCard("mx-cdmx"))));
            }

            case "POST /v1/rates":
            {
                var shipper = await api.LoginAs(DemoUser.Shipper);
                return new Endpoint(shipper, HttpMethod.Post, () => Task.FromResult<(string, JsonNode)>(("/v1/rates", Orders.Valid())));
            }

            case "POST /vtex/rates":
                return new Endpoint(api.Vtex(), HttpMethod.Post, () => Task.FromResult<(string, JsonNode)>(("/vtex/rates", VtexServices.Valid().Service)));

            default:
                throw new ArgumentOutOfRangeException(nameof(endpoint), endpoint, null);
        }
    }

    /// <summary>A carrier hook of Servientrega on a shipment of its own, a fresh one whenever the last body was accepted.</summary>
    private async Task<Endpoint> Hook(HttpMethod method, string hook, JsonNode body)
    {
        var carrier = await api.AsCarrier(CarrierClient.ServientregaKey);
        return new Endpoint(carrier, method, async () =>
        {
            var (_, trackingId) = await api.Shipment();
            return ($"/tracking/hook/{hook}{CarrierClient.Servientrega}/{trackingId}", body.DeepClone());
        });
    }

    private async Task<string> VtexService(HttpClient vtex)
    {
        using var response = await vtex.PostAsync("/vtex/services", Orders.Body(VtexServices.Valid().Service));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Body()).Str("serviceId")!;
    }

    private static string Nested(int depth, bool arrays) =>
        arrays ? new string('[', depth) + new string(']', depth) : string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth);

    private static string Shorten(string text) => text.Length <= 600 ? text : text[..600] + "…";

    private sealed record Endpoint(HttpClient Client, HttpMethod Method, Func<Task<(string Path, JsonNode Body)>> Fresh);

    /// <summary>One way to spoil a valid body; <see cref="Apply"/> gives the bytes sent and, where the answer is certain, its status.</summary>
    private sealed record Spoil(SpoilKind Kind, int At, string? Value)
    {
        public (byte[] Bytes, int? Expected) Apply(JsonNode body)
        {
            var text = Encoding.UTF8.GetBytes(body.ToJsonString());
            switch (Kind)
            {
                case SpoilKind.InvalidUtf8:
                {
                    var position = At % (text.Length + 1);
                    return ([.. text[..position], .. Convert.FromHexString(Value!), .. text[position..]], 400);
                }

                case SpoilKind.Truncate:
                    return (text[..(1 + At % (text.Length - 1))], 400); // an empty body is no JSON, but optional bodies may be empty
            }

            var nodes = Nodes(body).ToList();
            var properties = nodes.Where(n => n.Name is not null).ToList();
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                var target = Kind switch
                {
                    SpoilKind.Remove or SpoilKind.Duplicate when properties.Count > 0 => properties[At % properties.Count].Node,
                    _ => nodes[At % nodes.Count].Node,
                };
                Write(writer, body, target);
            }

            // A value nested deeper than 32 levels, a property given twice: refused whatever the field.
            int? expected = Kind is SpoilKind.Deep or SpoilKind.Duplicate && properties.Count > 0 ? 400 : null;
            return (buffer.ToArray(), expected);
        }

        public override string ToString() =>
            $"{Kind} at {At}{(Value is null ? "" : " with " + (Value.Length > 40 ? $"{Value[..40]}… ({Value.Length} chars)" : Value))}";

        private void Write(Utf8JsonWriter writer, JsonNode? node, JsonNode? target)
        {
            if (ReferenceEquals(node, target) && Kind is SpoilKind.Replace or SpoilKind.Deep)
            {
                writer.WriteRawValue(Value!, skipInputValidation: true);
                return;
            }

            switch (node)
            {
                case JsonObject obj:
                    writer.WriteStartObject();
                    foreach (var (name, child) in obj)
                    {
                        if (ReferenceEquals(child, target) && child is not null && Kind == SpoilKind.Remove)
                        {
                            continue;
                        }

                        writer.WritePropertyName(name);
                        Write(writer, child, target);
                        if (ReferenceEquals(child, target) && child is not null && Kind == SpoilKind.Duplicate)
                        {
                            writer.WritePropertyName(name);
                            if (Value is null)
                            {
                                Write(writer, child, null);
                            }
                            else
                            {
                                writer.WriteRawValue(Value, skipInputValidation: true);
                            }
                        }
                    }

                    writer.WriteEndObject();
                    break;
                case JsonArray array:
                    writer.WriteStartArray();
                    foreach (var child in array)
                    {
                        Write(writer, child, target);
                    }

                    writer.WriteEndArray();
                    break;
                case null:
                    writer.WriteNullValue();
                    break;
                default:
                    node.WriteTo(writer);
                    break;
            }
        }

        private static IEnumerable<(JsonNode? Node, string? Name)> Nodes(JsonNode? node, string? name = null)
        {
            yield return (node, name);
            var children = node switch
            {
                JsonObject obj => obj.Select(p => (p.Value, (string?)p.Key)),
                JsonArray array => array.Select(v => (v, (string?)null)),
                _ => [],
            };
            foreach (var (child, childName) in children)
            {
                foreach (var descendant in Nodes(child, childName))
                {
                    yield return descendant;
                }
            }
        }
    }

    /// <summary>
    /// What the store holds, cheaply: per table of the cargamos schema (events, streams, documents, outbox, lots, reference
    /// data; not the projection daemon's progress) its row count and the sum of its rows' xmin, which any insert, update or
    /// delete changes.
    /// </summary>
    private sealed class Fingerprint(string connectionString, string sql)
    {
        public static async Task<Fingerprint> Create(string connectionString)
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("""
                select string_agg(format('select %L as t, count(*) as n, coalesce(sum(xmin::text::bigint), 0) as x from %I.%I', table_name, table_schema, table_name),
                                  ' union all ' order by table_name)
                from information_schema.tables
                where table_schema = 'cargamos' and table_type = 'BASE TABLE' and table_name <> 'mt_event_progression'
                """, connection);
            return new Fingerprint(connectionString, (string)(await command.ExecuteScalarAsync())!);
        }

        public async Task<string> Read()
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(sql, connection);
            await using var reader = await command.ExecuteReaderAsync();
            var rows = new StringBuilder();
            while (await reader.ReadAsync())
            {
                rows.Append(reader.GetString(0)).Append('=').Append(reader.GetInt64(1)).Append('/').Append(reader.GetDecimal(2)).Append(';');
            }

            return rows.ToString();
        }

        public static string Difference(string before, string after) =>
            string.Join(", ", after.Split(';').Except(before.Split(';')));
    }
}
