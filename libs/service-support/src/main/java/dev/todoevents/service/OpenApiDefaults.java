package dev.todoevents.service;

import java.util.Map;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Components;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.security.SecurityScheme;

/**
 * What every app's OpenAPI document shares, added to the scanned one (mp.openapi.filter in
 * microprofile-config.properties; an annotated class in this library is not scanned):
 *
 * <ul>
 *   <li>the two ways in: a user's bearer JWT ({@value #USER_TOKEN}, which Quarkus names on every
 *       {@code Authenticated} operation) and the app token only the Dapr sidecar holds ({@value
 *       #APP_TOKEN}, named by every {@link SidecarToken.FromSidecar} resource);
 *   <li>the body of every 4xx/5xx answer, {@link ApiError}, as each operation's {@code default}
 *       response.
 * </ul>
 */
public final class OpenApiDefaults implements OASFilter {

  /** The security scheme of users' bearer JWTs (quarkus.smallrye-openapi.security-scheme-name). */
  public static final String USER_TOKEN = "user-token";

  /** The security scheme of the sidecar's app token. */
  public static final String APP_TOKEN = "app-token";

  /** The shared error response and its schema. */
  static final String ERROR = "error";

  static final String ERROR_SCHEMA = "ApiError";

  @Override
  public void filterOpenAPI(OpenAPI openApi) {
    if (openApi.getComponents() == null) {
      openApi.setComponents(OASFactory.createComponents());
    }
    Components c = openApi.getComponents();
    c.addSecurityScheme(
        USER_TOKEN,
        OASFactory.createSecurityScheme()
            .type(SecurityScheme.Type.HTTP)
            .scheme("bearer")
            .bearerFormat("JWT")
            .description(
                "A user's token (RS256; issuer and key per deployment, tools/dev-token.sh locally)."
                    + " Every answer is about that user's data only: another user's is 404, or 403"
                    + " when the request names that user."));
    c.addSecurityScheme(
        APP_TOKEN,
        OASFactory.createSecurityScheme()
            .type(SecurityScheme.Type.APIKEY)
            .in(SecurityScheme.In.HEADER)
            .name(SidecarToken.HEADER)
            .description(
                "APP_API_TOKEN, which only this app's Dapr sidecar sends: event deliveries,"
                    + " bindings and service invocation."));
    c.addSchema(ERROR_SCHEMA, errorSchema());
    c.addResponse(
        ERROR,
        OASFactory.createAPIResponse()
            .description("An error: a machine-readable code, a sentence, field problems")
            .content(
                OASFactory.createContent()
                    .addMediaType(
                        "application/json",
                        OASFactory.createMediaType()
                            .schema(
                                OASFactory.createSchema()
                                    .ref("#/components/schemas/" + ERROR_SCHEMA)))));
  }

  @Override
  public Operation filterOperation(Operation operation) {
    if (operation.getResponses() != null && operation.getResponses().getDefaultValue() == null) {
      operation
          .getResponses()
          .setDefaultValue(OASFactory.createAPIResponse().ref("#/components/responses/" + ERROR));
    }
    return operation;
  }

  /** {@link ApiError}'s JSON (OpenApiDefaultsTest checks that it names the record's fields). */
  static Schema errorSchema() {
    Schema text = OASFactory.createSchema().addType(Schema.SchemaType.STRING);
    Schema problem =
        OASFactory.createSchema()
            .addType(Schema.SchemaType.OBJECT)
            .properties(Map.of("field", text, "problem", text));
    return OASFactory.createSchema()
        .addType(Schema.SchemaType.OBJECT)
        .required(java.util.List.of("error", "message"))
        .properties(
            Map.of(
                "error",
                OASFactory.createSchema()
                    .addType(Schema.SchemaType.STRING)
                    .description("a stable code, e.g. validation_failed, not_found"),
                "message",
                text,
                "details",
                OASFactory.createSchema()
                    .addType(Schema.SchemaType.ARRAY)
                    .items(problem)
                    .description("per-field problems, when there are any")));
  }
}
