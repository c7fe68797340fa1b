using Cargamos.Modular.Api.Common;
using Cargamos.Modular.Api.Errors;
using Cargamos.Modular.Application.Common.Ports;
using Cargamos.Modular.Application.ReferenceData;
using Mediator;
using Microsoft.AspNetCore.Mvc;
using Cargamos.Modular.Domain.ReferenceData;

namespace Cargamos.Modular.Api.ReferenceData;

/// <summary>Coverage lookup for every authenticated caller; coverage zones and shippers for operators.</summary>
internal static class ReferenceDataEndpoints
{
    public sealed record DeletedView(string Id, bool Deleted);

    public static IEndpointRouteBuilder MapReferenceData(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/coverage/{country}/{postalCode}", GetCoverage)
            .WithName("GetCoverage")
            .WithTags("Coverage")
            .RequireAuthorization()
            .WithSummary("Is a postal code covered, by which zone and carrier, with which lead times")
            .WithDescription("Any authenticated caller. `country` is `mx`, `co`, `us` or `br`; `postalCode` in that country's format " +
                             "(mx 5 digits, co 6 digits, us 5 digits or ZIP+4, br 8 digits or 00000-000). `postalCode` in the answer is the canonical form. " +
                             "`leadTimes` are those of the calling shipper's contract in that zone; null for Cargamos staff or when the contract has none there. " +
                             "Not covered is a 200 with `covered: false`; a malformed postal code or an unknown country is 400 INVALID_PARAMETER.")
            .Produces<ApiEnvelope<CoverageAnswer>>()
            .Produces<ErrorEnvelope>(400)
            .Produces<ErrorEnvelope>(401);

        var zones = app.MapGroup("/v1/admin/coverage-zones")
            .WithTags("Admin: coverage zones")
            .RequireAuthorization(p => p.RequireRole(Roles.Operator));

        zones.MapGet("", ListZones)
            .WithName("ListCoverageZones")
            .WithSummary("Every coverage zone")
            .WithDescription("Operators only. Ordered by country and zone id.")
            .Produces<ApiEnvelope<IReadOnlyList<CoverageZone>>>()
            .Produces<ErrorEnvelope>(403);

        zones.MapGet("/{zoneId}", GetZone)
            .WithName("GetCoverageZone")
            .WithSummary("One coverage zone")
            .WithDescription("Operators only.")
            .Produces<ApiEnvelope<CoverageZone>>()
            .Produces<ErrorEnvelope>(403)
            .Produces<ErrorEnvelope>(404);

        zones.MapPut("/{zoneId}", PutZone)
            .WithName("PutCoverageZone")
            .WithSummary("Create or replace a coverage zone")
            .WithDescription("Operators only. 201 when the zone is new, 200 when it replaced one; effective for the next coverage lookup " +
                             "(other API instances within 30 s). `zoneId`: a-z, 0-9 and '-' (e.g. `mx-pue`). The request example is a complete body.\n\n" +
                             "`country` one of mx, co, us, br; `timeZone` an IANA id; `postalCodeRanges` (inclusive) and `postalCodes` in the " +
                             "country's format, at least one of them. All field errors come at once (400). A range or code already covered by " +
                             "another zone of the country is 409 COVERAGE_OVERLAP naming that zone and its range.")
            .Accepts<CoverageZoneRequest>("application/json")
            .Produces<ApiEnvelope<CoverageZone>>()
            .Produces<ApiEnvelope<CoverageZone>>(201)
            .Produces<ErrorEnvelope>(400)
            .Produces<ErrorEnvelope>(403)
            .Produces<ErrorEnvelope>(409);

        zones.MapDelete("/{zoneId}", DeleteZone)
            .WithName("DeleteCoverageZone")
            .WithSummary("Delete a coverage zone")
            .WithDescription("Operators only. Its postal codes are no longer covered from the next lookup. " +
                             "409 ZONE_IN_USE while a shipper contract has a service level for the zone: remove it from those contracts first.")
            .Produces<ApiEnvelope<DeletedView>>()
            .Produces<ErrorEnvelope>(403)
            .Produces<ErrorEnvelope>(404)
            .Produces<ErrorEnvelope>(409);

        var shippers = app.MapGroup("/v1/admin/shippers")
            .WithTags("Admin: shippers")
            .RequireAuthorization(p => p.RequireRole(Roles.Operator));

        shippers.MapPost("", CreateShipper)
            .WithName("CreateShipper")
            .WithSummary("Create a shipper: organization, first user and contract")
            .WithDescription("Operators only. `key` is the organization key its users log in with (3 to 50 of a-z, 0-9, '-'); " +
                             "the user gets the shipper role; the password (12 to 128 characters) is stored hashed. Body:\n\n" +
                             """
                             ```json
                             {
                               "key": "acme-mx",
                               "name": "ACME Envíos S.A. de C.V.",
                               "user": { "email": "integrations@acme.mx", "password": "a-long-secret-123" },
                               "contract": { "allowedCountries": ["mx"], "serviceLevels": [ ... ], "packageLimits": { ... },
                                             "validFrom": "2024-01-01T00:00:00Z", "validTo": "2031-01-01T00:00:00Z" }
                             }
                             ```
                             """ +
                             "\n\n`contract` as in PUT /v1/admin/shippers/{key}/contract. 409 ALREADY_EXISTS when the key is taken.")
            .Accepts<CreateShipper>("application/json")
            .Produces<ApiEnvelope<ShipperView>>(201)
            .Produces<ErrorEnvelope>(400)
            .Produces<ErrorEnvelope>(403)
            .Produces<ErrorEnvelope>(409);

        shippers.MapGet("/{key}", GetShipper)
            .WithName("GetShipper")
            .WithSummary("A shipper: organization, users and contract")
            .WithDescription("Operators only. Users are listed without their password hashes; `contract` is null when none was signed.")
            .Produces<ApiEnvelope<ShipperView>>()
            .Produces<ErrorEnvelope>(403)
            .Produces<ErrorEnvelope>(404);

        shippers.MapPut("/{key}/contract", PutContract)
            .WithName("PutShipperContract")
            .WithSummary("Replace a shipper's contract")
            .WithDescription("Operators only. The request example is a complete body.\n\n" +
                             "`allowedCountries` among mx, co, us, br; one service level per existing zone (`minDays` 0 or more, " +
                             "`maxDays` at least `minDays`, `dropoffCutoffHour` 0 to 23 in the zone's local time, at least one of MONDAY..SUNDAY); " +
                             "every package limit greater than 0; `validFrom` before `validTo`. All field errors come at once (400).")
            .Accepts<ContractRequest>("application/json")
            .Produces<ApiEnvelope<ShipperContract>>()
            .Produces<ErrorEnvelope>(400)
            .Produces<ErrorEnvelope>(403)
            .Produces<ErrorEnvelope>(404);

        shippers.MapPost("/{key}/rate-cards", AddRateCard)
            .WithName("AddRateCard")
            .WithSummary("Add a version of a shipper's rate card")
            .WithDescription("Operators only. The new version is the next number; versions are never changed, so the price recorded on " +
                             "a shipment is explained by the version it names. The request example is a complete body.\n\n" +
                             "`currency` MXN, COP, USD or BRL; `volumetricDivisor` in cm³ per kg (1000 to 10000); per existing zone, weight bands " +
                             "(`upToKg` > 0, distinct; a band prices billable weights above the previous band's `upToKg` up to its own) and an optional " +
                             "`extraKgPrice` per started kg past the last band (without it, heavier parcels are RATE_NOT_AVAILABLE); optional `insurance` " +
                             "(`rate` a share of the declared value, 0 < rate <= 1, at least `minimum`); amounts >= 0 with at most 2 decimals; `validFrom` " +
                             "before `validTo`. The card in force at a moment is the highest version valid then, so a future version can be scheduled. " +
                             "A shipper with a rate card must be priced by the one in force: otherwise its orders are 409 RATE_NOT_AVAILABLE. " +
                             "All field errors at once (400); 409 RATE_CARD_CHANGED when another version was added at the same time.")
            .Accepts<RateCardRequest>("application/json")
            .Produces<ApiEnvelope<RateCard>>(201)
            .Produces<ErrorEnvelope>(400)
            .Produces<ErrorEnvelope>(403)
            .Produces<ErrorEnvelope>(404)
            .Produces<ErrorEnvelope>(409);

        shippers.MapGet("/{key}/rate-cards", ListRateCards)
            .WithName("ListRateCards")
            .WithSummary("Every version of a shipper's rate card, newest first")
            .WithDescription("Operators only. Empty when the shipper has none (its shipments are then unpriced).")
            .Produces<ApiEnvelope<IReadOnlyList<RateCard>>>()
            .Produces<ErrorEnvelope>(403)
            .Produces<ErrorEnvelope>(404);

        shippers.MapGet("/{key}/rate-cards/{version}", GetRateCard)
            .WithName("GetRateCard")
            .WithSummary("One version of a shipper's rate card")
            .WithDescription("Operators only. The version a shipment's `price.rateCardVersion` names.")
            .Produces<ApiEnvelope<RateCard>>()
            .Produces<ErrorEnvelope>(403)
            .Produces<ErrorEnvelope>(404);

        shippers.MapPost("/{key}/suspend", Suspend)
            .WithName("SuspendShipper")
            .WithSummary("Suspend a shipper")
            .WithDescription("Operators only. Its users then get 403 ACCOUNT_SUSPENDED at login. No body. Idempotent.")
            .Produces<ApiEnvelope<ShipperView>>()
            .Produces<ErrorEnvelope>(403)
            .Produces<ErrorEnvelope>(404);

        shippers.MapPost("/{key}/activate", Activate)
            .WithName("ActivateShipper")
            .WithSummary("Lift a shipper's suspension")
            .WithDescription("Operators only. No body. Idempotent.")
            .Produces<ApiEnvelope<ShipperView>>()
            .Produces<ErrorEnvelope>(403)
            .Produces<ErrorEnvelope>(404);

        return app;
    }

    private static async Task<IResult> GetCoverage(string country, string postalCode, ISender mediator, HttpContext http, CancellationToken ct) =>
        Envelopes.Ok(http, await mediator.Send(new GetCoverage(country, postalCode), ct));

    private static async Task<IResult> ListZones(ISender mediator, HttpContext http, CancellationToken ct) =>
        Envelopes.Ok(http, await mediator.Send(new ListCoverageZones(), ct));

    private static async Task<IResult> GetZone(string zoneId, ISender mediator, HttpContext http, CancellationToken ct) =>
        Envelopes.Ok(http, await mediator.Send(new GetCoverageZone(zoneId), ct));

    private static async Task<IResult> PutZone(string zoneId, [FromBody] CoverageZoneRequest? body, ISender mediator, HttpContext http, CancellationToken ct)
    {
        var saved = await mediator.Send(new PutCoverageZone(zoneId, body), ct);
        return saved.Created
            ? Envelopes.Created(http, $"/v1/admin/coverage-zones/{Uri.EscapeDataString(zoneId)}", saved.Zone)
            : Envelopes.Ok(http, saved.Zone);
    }

    private static async Task<IResult> DeleteZone(string zoneId, ISender mediator, HttpContext http, CancellationToken ct)
    {
        var deleted = await mediator.Send(new DeleteCoverageZone(zoneId), ct);
        return Envelopes.Ok(http, new DeletedView(deleted.Id, deleted.Deleted));
    }

    private static async Task<IResult> CreateShipper([FromBody] CreateShipper? body, ISender mediator, HttpContext http, CancellationToken ct)
    {
        // The body is the command: every member nullable, so a missing one is reported with all other problems.
        var shipper = await mediator.Send(body ?? new CreateShipper(null, null, null, null), ct);
        return Envelopes.Created(http, $"/v1/admin/shippers/{Uri.EscapeDataString(shipper.Organization.Id)}", shipper);
    }

    private static async Task<IResult> GetShipper(string key, ISender mediator, HttpContext http, CancellationToken ct) =>
        Envelopes.Ok(http, await mediator.Send(new GetShipper(key), ct));

    private static async Task<IResult> PutContract(string key, [FromBody] ContractRequest? body, ISender mediator, HttpContext http, CancellationToken ct) =>
        Envelopes.Ok(http, await mediator.Send(new UpdateShipperContract(key, body), ct));

    private static async Task<IResult> AddRateCard(string key, [FromBody] RateCardRequest? body, ISender mediator, HttpContext http, CancellationToken ct)
    {
        var card = await mediator.Send(new AddRateCard(key, body), ct);
        return Envelopes.Created(http, $"/v1/admin/shippers/{Uri.EscapeDataString(key)}/rate-cards/{card.Version}", card);
    }

    private static async Task<IResult> ListRateCards(string key, ISender mediator, HttpContext http, CancellationToken ct) =>
        Envelopes.Ok(http, await mediator.Send(new ListRateCards(key), ct));

    private static async Task<IResult> GetRateCard(string key, string version, ISender mediator, HttpContext http, CancellationToken ct) =>
        Envelopes.Ok(http, await mediator.Send(new GetRateCard(key, version), ct));

    private static async Task<IResult> Suspend(string key, ISender mediator, HttpContext http, CancellationToken ct) =>
        Envelopes.Ok(http, await mediator.Send(new SuspendShipper(key), ct));

    private static async Task<IResult> Activate(string key, ISender mediator, HttpContext http, CancellationToken ct) =>
        Envelopes.Ok(http, await mediator.Send(new ActivateShipper(key), ct));
}
