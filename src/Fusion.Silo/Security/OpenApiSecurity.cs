using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Fusion.Silo.Security;

/// <summary>
/// The OpenAPI document declares how to authenticate (a JWT bearer token; for connectors' feeds also an API key in the
/// X-Api-Key header), and each operation that needs one says so with the roles its policy admits; Scalar then offers a
/// field to paste the token or the key into.
/// </summary>
public static class OpenApiSecurity
{
    public const string Bearer = "Bearer";

    public static OpenApiOptions AddBearerSecurity(this OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[Bearer] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "A token from the platform's OpenID Connect issuer (Fusion:Auth:Authority) or, locally, from " +
                              "`./fusion token --role analyst --name 李敏`. Roles: " + string.Join(", ", Roles.All) + ".",
            };
            // Machines: a connector's key in the X-Api-Key header, offered on the operations a connector may call.
            document.Components.SecuritySchemes[ConnectorKeys.Scheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = ConnectorKeys.Header,
                Description = "A connector's key (issued by an admin at POST /api/connector-keys, stored hashed), admitting only the feeds it was issued for: " +
                              "the ingest operations whose roles include connector.",
            };
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            if (metadata.OfType<IAllowAnonymous>().Any()) return Task.CompletedTask;
            var roles = metadata.OfType<IAuthorizeData>()
                .SelectMany(a => a.Policy is { } p && Policies.RolesOf.TryGetValue(p, out var r) ? r : [])
                .Distinct().ToArray();
            operation.Security ??= [];
            operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Bearer, context.Document)] = [] });
            // Requirements listed side by side are alternatives: a bearer token or a connector's key.
            if (roles.Contains(Roles.Connector))
                operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ConnectorKeys.Scheme, context.Document)] = [] });
            operation.Responses ??= new OpenApiResponses();
            operation.Responses.TryAdd("401", new OpenApiResponse { Description = "No valid bearer token (problem details saying why)" });
            operation.Responses.TryAdd("403", new OpenApiResponse { Description = $"The token's roles do not include {string.Join(" or ", roles)} (problem details)" });
            operation.Description = $"{operation.Description}{(string.IsNullOrEmpty(operation.Description) ? "" : "\n\n")}Roles: {string.Join(", ", roles)}.";
            return Task.CompletedTask;
        });
        return options;
    }
}
