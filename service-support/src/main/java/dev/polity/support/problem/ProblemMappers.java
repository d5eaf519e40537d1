package dev.polity.support.problem;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import dev.polity.contracts.policy.InvalidPolicyException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.List;
import java.util.UUID;

/**
 * The one mapping table from exceptions to problem responses, shared by every service.
 * Anything not listed becomes a 500 with an error id that is also logged, so support can find
 * the stack trace without showing it to the client.
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response problem(ProblemException e, UriInfo uri) {
        return respond(e.status(), e.slug(), e.title(), e.getMessage(), uri, e.errors());
    }

    @ServerExceptionMapper
    public Response invalidPolicy(InvalidPolicyException e, UriInfo uri) {
        List<FieldError> errors = e.violations().stream().map(v -> new FieldError(v.field(), v.problem())).toList();
        return respond(400, "invalid-policy", "Invalid policy", e.getMessage(), uri, errors);
    }

    @ServerExceptionMapper
    public Response unparsableJson(JsonParseException e, UriInfo uri) {
        return respond(400, "malformed-body", "Malformed request body",
                "the body is not valid JSON (line " + e.getLocation().getLineNr() + ", column "
                        + e.getLocation().getColumnNr() + ")", uri, List.of());
    }

    @ServerExceptionMapper
    public Response unknownField(UnrecognizedPropertyException e, UriInfo uri) {
        return fieldProblem(e, "unknown field", uri);
    }

    @ServerExceptionMapper
    public Response wrongFormat(InvalidFormatException e, UriInfo uri) {
        return fieldProblem(e, "cannot read '" + e.getValue() + "' as " + e.getTargetType().getSimpleName().toLowerCase(), uri);
    }

    @ServerExceptionMapper
    public Response mismatchedInput(MismatchedInputException e, UriInfo uri) {
        return fieldProblem(e, "has the wrong type", uri);
    }

    @ServerExceptionMapper
    public Response invalidValue(ValueInstantiationException e, UriInfo uri) {
        Throwable cause = e.getCause();
        String problem = cause instanceof IllegalArgumentException && cause.getMessage() != null
                ? cause.getMessage() : "is not a valid value";
        return fieldProblem(e, problem, uri);
    }

    @ServerExceptionMapper
    public Response otherMappingProblem(JsonMappingException e, UriInfo uri) {
        return fieldProblem(e, "cannot be read", uri);
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e, UriInfo uri) {
        // Quarkus REST wraps body-reading failures in a 400 WebApplicationException; answer them
        // as precisely as when Jackson's exception arrives directly.
        switch (e.getCause()) {
            case JsonParseException parse -> {
                return unparsableJson(parse, uri);
            }
            case UnrecognizedPropertyException unknown -> {
                return unknownField(unknown, uri);
            }
            case InvalidFormatException format -> {
                return wrongFormat(format, uri);
            }
            case MismatchedInputException mismatch -> {
                return mismatchedInput(mismatch, uri);
            }
            case ValueInstantiationException value -> {
                return invalidValue(value, uri);
            }
            case JsonMappingException mapping -> {
                return otherMappingProblem(mapping, uri);
            }
            case JsonProcessingException other -> {
                // e.g. StreamConstraintsException: a body nested or sized beyond the configured limits
                return respond(400, "malformed-body", "Malformed request body", other.getOriginalMessage(), uri, List.of());
            }
            case null, default -> {
            }
        }
        Response.StatusType status = e.getResponse().getStatusInfo();
        if (status.getStatusCode() >= 500) {
            return unexpected(e, uri);
        }
        String detail = switch (status.getStatusCode()) {
            case 404 -> "no resource at " + uri.getPath();
            case 405 -> "method not allowed on " + uri.getPath();
            case 415 -> "unsupported content type for " + uri.getPath() + "; see /q/openapi for what it accepts";
            case 406 -> "cannot produce the requested media type";
            default -> status.getReasonPhrase();
        };
        return respond(status.getStatusCode(), slug(status.getReasonPhrase()), status.getReasonPhrase(), detail, uri, List.of());
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e, UriInfo uri) {
        String errorId = UUID.randomUUID().toString();
        LOG.errorf(e, "unexpected error %s on %s", errorId, uri.getPath());
        return respond(500, "internal", "Internal error",
                "the request failed unexpectedly; quote error id " + errorId, uri, List.of());
    }

    private static Response fieldProblem(JsonMappingException e, String problem, UriInfo uri) {
        String field = JsonPaths.of(e);
        return respond(400, "validation", "Invalid request", field + ": " + problem, uri, List.of(new FieldError(field, problem)));
    }

    static Response respond(int status, String slug, String title, String detail, UriInfo uri, List<FieldError> errors) {
        Problem problem = Problem.of(status, slug, title, detail, uri == null ? null : uri.getPath(), errors);
        return Response.status(status).type(Problem.MEDIA_TYPE).entity(problem).build();
    }

    private static String slug(String reason) {
        return reason == null ? "error" : reason.toLowerCase().replaceAll("[^a-z0-9]+", "-");
    }
}
