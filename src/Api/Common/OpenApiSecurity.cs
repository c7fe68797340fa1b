using Cargamos.Modular.Api.Vtex;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Cargamos.Modular.Api.Common;

/// <summary>
/// The OpenAPI document's security schemes, and on each operation the one it accepts, so that the Scalar page can
/// authorize and a generated client knows what to send: Basic on the login, Bearer (a token from the login) for
/// shippers, auditors and operators, the carrier JWT (from <c>POST /token</c>, sent bare or as Bearer) on the tracking
/// hooks, the VTEX AppKey/AppToken headers on <c>/vtex/*</c>; anonymous operations carry none.
/// </summary>
public static class OpenApiSecurity
{
    public const string Basic = "basic";
    public const string Bearer = "bearer";
    public const string CarrierJwt = "carrierJwt";
    public const string VtexAppKey = "vtexAppKey";
    public const string VtexAppToken = "vtexAppToken";

    public static void Describe(OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>
            {
                [Basic] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http, Scheme = "basic",
                    Description = "GET /v1/login only: the user's email and password, with ?key={organizationKey}.",
                },
                [Bearer] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http, Scheme = "bearer", BearerFormat = "JWT",
                    Description = "The token of GET /v1/login (shippers, auditors, operators), valid 1 hour.",
                },
                [CarrierJwt] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = "Authorization",
                    Description = "The carrier token of POST /token, sent as `Authorization: <JWT>` (as the VTEX protocol shows) or `Authorization: Bearer <JWT>`; valid 15 minutes.",
                },
                [VtexAppKey] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = VtexAppKeyAuthentication.AppKeyHeader,
                    Description = "The AppKey of a VTEX account registered with Cargamos (sent with its AppToken).",
                },
                [VtexAppToken] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = VtexAppKeyAuthentication.AppTokenHeader,
                    Description = "The AppToken of that VTEX account.",
                },
            };
            return Task.CompletedTask;
        });

        options.AddOperationTransformer((operation, context, _) =>
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            var policies = metadata.OfType<IAuthorizeData>().Select(a => a.Policy).ToList();
            string[] schemes = metadata.OfType<IAllowAnonymous>().Any()
                ? context.Description.RelativePath?.TrimEnd('/') == "v1/login" ? [Basic] : []
                : policies.Contains(CarrierAuthentication.Policy) ? [CarrierJwt]
                : policies.Contains(VtexAppKeyAuthentication.Policy) ? [VtexAppKey, VtexAppToken]
                : metadata.OfType<IAuthorizeData>().Any() || metadata.OfType<AuthorizationPolicy>().Any() ? [Bearer]
                : [];
            if (schemes.Length > 0)
            {
                var requirement = new OpenApiSecurityRequirement();
                foreach (var scheme in schemes)
                {
                    requirement[new OpenApiSecuritySchemeReference(scheme, context.Document)] = [];
                }

                operation.Security = [requirement];
            }

            return Task.CompletedTask;
        });
    }
}
