package dev.relay.common.api;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.security.SecurityScheme;

import dev.relay.common.auth.ApiKeys;

/**
 * Declares the two ways into every service in its OpenAPI document ({@value #BEARER}: a JWT; {@value #API_KEY}: a
 * Neo API key header), which resources name in their {@code @SecurityRequirement}s. Registered for every service
 * as {@code mp.openapi.filter} in the shared configuration.
 */
public class SecuritySchemes implements OASFilter {

    public static final String BEARER = "BearerAuth";
    public static final String API_KEY = "ApiKeyAuth";

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getComponents() == null) {
            openAPI.setComponents(OASFactory.createComponents());
        }
        openAPI.getComponents()
                .addSecurityScheme(BEARER, OASFactory.createSecurityScheme()
                        .type(SecurityScheme.Type.HTTP).scheme("bearer").bearerFormat("JWT"))
                .addSecurityScheme(API_KEY, OASFactory.createSecurityScheme()
                        .type(SecurityScheme.Type.APIKEY).in(SecurityScheme.In.HEADER).name(ApiKeys.HEADER)
                        .description("Neo API key (neo_sk_* prefix)"));
    }
}
