package dev.todoevents.service;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.stream.Collectors;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Maps bad input to 400 with an {@link ApiError} naming the problem: malformed JSON, a value of the
 * wrong type, an unknown field, a constraint violation. Shared by every service's REST API.
 */
public class ApiErrorMappers {

  @ServerExceptionMapper
  public Response malformedJson(JsonParseException e) {
    return badRequest(
        ApiError.of("malformed_json", "request body is not valid JSON: " + e.getOriginalMessage()));
  }

  @ServerExceptionMapper
  public Response unknownField(UnrecognizedPropertyException e) {
    String field = path(e);
    return badRequest(
        new ApiError(
            "unknown_field",
            "unknown field '" + e.getPropertyName() + "'",
            List.of(new ApiError.FieldProblem(field, "is not a known field"))));
  }

  @ServerExceptionMapper
  public Response wrongType(MismatchedInputException e) {
    String field = path(e);
    String expected = e.getTargetType() == null ? "another type" : simpleType(e.getTargetType());
    String problem =
        e instanceof InvalidFormatException ife
            ? "value " + ife.getValue() + " is not " + expected
            : "must be " + expected;
    if (field.isEmpty()) {
      return badRequest(ApiError.of("invalid_body", "request body must be a JSON object"));
    }
    return badRequest(
        new ApiError(
            "invalid_type",
            field + " " + problem,
            List.of(new ApiError.FieldProblem(field, problem))));
  }

  @ServerExceptionMapper
  public Response otherJson(JsonProcessingException e) {
    if (e instanceof JsonMappingException de && !path(de).isEmpty()) {
      String field = path(de);
      String reason = rootMessage(e);
      return badRequest(
          new ApiError(
              "invalid_value",
              field + ": " + reason,
              List.of(new ApiError.FieldProblem(field, reason))));
    }
    return badRequest(ApiError.of("invalid_body", rootMessage(e)));
  }

  @ServerExceptionMapper
  public Response constraintViolation(ConstraintViolationException e) {
    List<ApiError.FieldProblem> problems =
        e.getConstraintViolations().stream()
            .map(v -> new ApiError.FieldProblem(field(v), v.getMessage()))
            .sorted(java.util.Comparator.comparing(ApiError.FieldProblem::field))
            .toList();
    String message =
        problems.stream().map(p -> p.field() + " " + p.problem()).collect(Collectors.joining("; "));
    return badRequest(new ApiError("validation_failed", message, problems));
  }

  @ServerExceptionMapper
  public Response webApplication(WebApplicationException e) {
    // Quarkus REST wraps body parse failures in a bare 400; answer those like any JSON error.
    for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
      if (c instanceof JsonParseException jpe) {
        return malformedJson(jpe);
      }
      if (c instanceof UnrecognizedPropertyException upe) {
        return unknownField(upe);
      }
      if (c instanceof MismatchedInputException mie) {
        return wrongType(mie);
      }
      if (c instanceof JsonProcessingException jpe) {
        return otherJson(jpe);
      }
    }
    Response r = e.getResponse();
    if (r.hasEntity()) {
      return r;
    }
    String code =
        switch (r.getStatus()) {
          case 404 -> "not_found";
          case 405 -> "method_not_allowed";
          case 415 -> "unsupported_media_type";
          case 406 -> "not_acceptable";
          default -> r.getStatus() < 500 ? "bad_request" : "server_error";
        };
    return Response.status(r.getStatus())
        .type(MediaType.APPLICATION_JSON)
        .entity(ApiError.of(code, e.getMessage()))
        .build();
  }

  public static Response badRequest(ApiError body) {
    return Response.status(Response.Status.BAD_REQUEST)
        .type(MediaType.APPLICATION_JSON)
        .entity(body)
        .build();
  }

  private static String field(ConstraintViolation<?> v) {
    // "create.request.title" -> "title": the method and parameter names mean nothing to a client.
    // Java names are camelCase; the JSON the client sent is snake_case.
    String path = v.getPropertyPath().toString();
    String[] parts = path.split("\\.");
    String field =
        parts.length <= 2
            ? parts[parts.length - 1]
            : String.join(".", java.util.Arrays.copyOfRange(parts, 2, parts.length));
    return field.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
  }

  private static String path(JsonMappingException e) {
    return e.getPath().stream()
        .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
        .collect(Collectors.joining("."))
        .replace(".[", "[");
  }

  private static String simpleType(Class<?> type) {
    if (type == String.class) {
      return "a string";
    }
    if (type == java.time.Instant.class) {
      return "an ISO-8601 UTC timestamp (e.g. 2026-11-23T10:00:00Z)";
    }
    if (type == java.util.UUID.class) {
      return "a UUID";
    }
    if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
      return "a number";
    }
    return "a " + type.getSimpleName();
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t instanceof JsonProcessingException j
        ? j.getOriginalMessage()
        : String.valueOf(t.getMessage());
  }
}
