using Cargamos.Modular.Infrastructure.Common;
using Cargamos.Modular.Api;
using Cargamos.Modular.Api.Access;
using Cargamos.Modular.Api.Errors;
using Cargamos.Modular.Api.Hosting;
using Cargamos.Modular.Api.Integration;
using Cargamos.Modular.Api.ReferenceData;
using Cargamos.Modular.Api.Shipments;
using Cargamos.Modular.Api.Spreadsheets;
using Cargamos.Modular.Api.TrackingPage;
using Cargamos.Modular.Api.Vtex;
using Cargamos.Modular.Api.Webhooks;
using Cargamos.Modular.Application.Common.Behaviors;
using Cargamos.Modular.Application.Common.Ports;
using Cargamos.Modular.Application.Shipments;
using Cargamos.Modular.Infrastructure.Access;
using Cargamos.Modular.Infrastructure.Integration;
using Cargamos.Modular.Infrastructure.ReferenceData;
using Cargamos.Modular.Infrastructure.Shipments;
using Cargamos.Modular.Infrastructure.Spreadsheets;
using Cargamos.Modular.Infrastructure.Vtex;
using Cargamos.Modular.Infrastructure.Webhooks;
using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.IdentityModel.Tokens;
using Scalar.AspNetCore;
using Cargamos.Modular.Api.Common;
using Cargamos.Modular.Application.Access.Contracts;
using Cargamos.Modular.Application.ReferenceData.Contracts;

// `<api> <command>` runs an operations command instead of serving HTTP (Hosting/CommandLine, docs/operations.md).
var command = CommandLine.IsCommand(args);
var builder = WebApplication.CreateBuilder(args);
builder.WebHost.UseUrls(builder.Configuration["Urls"] ?? LabelOptions.DefaultUrl);
CommandLine.ConfigureLogging(builder.Logging, command);

using var startupLogs = LoggerFactory.Create(logging => CommandLine.ConfigureLogging(logging, command));
var startupLogger = startupLogs.CreateLogger("Cargamos.Startup");
SecuritySettings.Check(builder.Configuration, builder.Environment, command);
var dataDirectory = DatabaseConnection.DataDirectory(builder.Configuration, builder.Environment);
var database = DatabaseConnection.FromConfiguration(builder.Configuration);
startupLogger.LogInformation("Using PostgreSQL: {Database}", database.Description);

var services = builder.Services;
services.AddSingleton(database);
services.AddHttpContextAccessor();

services.ConfigureHttpJsonOptions(o => ApiJson.Configure(o.SerializerOptions));
services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
services.AddSingleton<IProblemDetailsWriter, CargamosEnvelopeWriter>();
services.AddSingleton<ProtocolRoutes>();
services.AddProblemDetails();
services.AddSingleton<DatabaseOutageLog>();
services.AddExceptionHandler<CargamosExceptionHandler>();
services.AddCargamosTelemetry(builder.Configuration);
services.AddCargamosThrottling(builder.Configuration);

services.AddMediator((MediatorOptions o) =>
{
    o.ServiceLifetime = ServiceLifetime.Scoped;
    o.Assemblies = [typeof(GetShipmentEvents)];
    o.PipelineBehaviors = [typeof(ShipperAuthorizationBehavior<,>), typeof(ValidationBehavior<,>)];
});
services.AddValidatorsFromAssemblyContaining<GetShipmentEvents>(ServiceLifetime.Singleton, includeInternalTypes: true);
if (command)
{
    services.AddScoped<ICaller, CommandLineCaller>();
}
else
{
    services.AddScoped<ICaller, HttpCaller>();
}

LabelOptions.Add(services, builder.Configuration);

// The modules, each registering its ports' adapters, Marten schema, options and workers (docs/architecture.md).
var seedDemoData = builder.Configuration.GetValue<bool?>("Cargamos:SeedDemoData") ?? builder.Environment.IsDevelopment();
services.AddCargamosStore(database.ConnectionString)
    .AddAccess(seedDemoData)
    .AddReferenceData(seedDemoData,
        builder.Configuration.GetValue<bool?>("Cargamos:SeedDemoRateCard") ?? builder.Environment.IsDevelopment())
    .AddShipments()
    .AddIntegration(builder.Configuration)
    .AddVtex(seedDemoData)
    .AddWebhooks(builder.Configuration)
    .AddSpreadsheets();

var jwt = JwtSettings.From(builder.Configuration, builder.Environment, dataDirectory);
services.AddSingleton(jwt);
services.AddSingleton<ITokenIssuer, JwtTokenIssuer>();
services.AddSingleton<CarrierTokenIssuer>();
services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddCarrierJwt(jwt).AddVtexAppKey().AddJwtBearer(o =>
{
    o.MapInboundClaims = false;
    // This scheme's own handler, remembering the tokens it validated until they expire (RememberingTokenHandler).
    o.TokenHandlers.Clear();
    o.TokenHandlers.Add(new RememberingTokenHandler());
    o.TokenValidationParameters = new TokenValidationParameters
    {
        ValidIssuer = JwtSettings.Issuer,
        ValidAudience = JwtSettings.Audience,
        IssuerSigningKey = jwt.Key,
        RoleClaimType = "role",
        NameClaimType = "sub",
        ClockSkew = TimeSpan.FromSeconds(30),
    };
});
services.AddAuthorization(o => o.AddPolicy(CarrierAuthentication.Policy, p => p
    .AddAuthenticationSchemes(CarrierAuthentication.Scheme)
    .RequireAuthenticatedUser()
    .RequireRole(Roles.Carrier)));
services.AddAuthorization(o => o.AddVtexPolicy());

services.AddHealthChecks().AddCheck<PostgresHealthCheck>("postgres", tags: ["ready"]);
services.AddOpenApi(options =>
{
    DeliveryOrderDocs.Describe(options);
    OpenApiSecurity.Describe(options);
    TextLimits.Describe(options);
    VtexDocs.Describe(options);
    RequiredFromValidation.Describe(options);
    DeliveryOrderDocs.DescribeConditions(options); // after RequiredFromValidation: they amend what it set
    VtexDocs.DescribeConditions(options);
    ReferenceDataDocs.Describe(options);
    OpenApiConventions.Describe(options);
    OpenApiExamples.Describe(options); // after the conventions: their error answers get examples too
});

var app = builder.Build();
SecuritySettings.Log(app, seedDemoData, jwt);
WebhookSecurityLog.Log(app);

app.UseProcessId();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseRequestShedding();
app.UseRateLimiter();
app.UseUtf8JsonBodies();
app.UseAuthentication();
app.UseAuthorization();
app.UseCallerStanding();
app.UseCarrierStanding();
app.UseBodyLimits(BodyLimits.MaxBytes(builder.Configuration));

app.MapOpenApi();
app.MapScalarApiReference();
app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
app.MapCargamosMetrics();

app.MapAccess();
app.MapReferenceData();
app.MapIntegration();
app.MapShipments();
app.MapLabels();
app.MapTrackingPage();
app.MapVtexCarrierConfig();
app.MapVtexHooks();
app.MapVtexService();
app.MapSpreadsheets();
app.MapWebhooks();

return await CommandLine.RunAsync(app, args);
