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
        return respond(problemFor(e, path(uri)));
    }

    @ServerExceptionMapper
    public Response invalidPolicy(InvalidPolicyException e, UriInfo uri) {
        return respond(problemFor(e, path(uri)));
    }

    // One mapper per Jackson exception type, not one for their common supertype: quarkus-rest-jackson maps some
    // of them itself, and a mapper of the exact type is the one Quarkus REST picks.
    @ServerExceptionMapper
    public Response unparsableJson(JsonParseException e, UriInfo uri) {
        return respond(problemFor(e, path(uri)));
    }

    @ServerExceptionMapper
    public Response unknownField(UnrecognizedPropertyException e, UriInfo uri) {
        return respond(problemFor(e, path(uri)));
    }

    @ServerExceptionMapper
    public Response wrongFormat(InvalidFormatException e, UriInfo uri) {
        return respond(problemFor(e, path(uri)));
    }

    @ServerExceptionMapper
    public Response mismatchedInput(MismatchedInputException e, UriInfo uri) {
        return respond(problemFor(e, path(uri)));
    }

    @ServerExceptionMapper
    public Response invalidValue(ValueInstantiationException e, UriInfo uri) {
        return respond(problemFor(e, path(uri)));
    }

    @ServerExceptionMapper
    public Response otherMappingProblem(JsonMappingException e, UriInfo uri) {
        return respond(problemFor(e, path(uri)));
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e, UriInfo uri) {
        return respond(problemFor(e, path(uri)));
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e, UriInfo uri) {
        return respond(problemFor(e, path(uri)));
    }

    /**
     * The problem answer for any failure of a request to {@code path}: the one mapping table, used by the
     * mappers above and by routes served outside Quarkus REST. Anything not listed is a 500 whose error id
     * is logged with the stack trace.
     */
    public static Problem problemFor(Throwable e, String path) {
        return switch (e) {
            case ProblemException problem -> Problem.of(problem, path);
            case InvalidPolicyException invalid -> Problem.of(400, "invalid-policy", "Invalid policy", invalid.getMessage(), path,
                    invalid.violations().stream().map(v -> new FieldError(v.field(), v.problem())).toList());
            case JsonParseException parse -> Problem.of(400, "malformed-body", "Malformed request body",
                    "the body is not valid JSON (line " + parse.getLocation().getLineNr() + ", column "
                            + parse.getLocation().getColumnNr() + ")", path, List.of());
            case UnrecognizedPropertyException unknown -> fieldProblem(unknown, "unknown field", path);
            case InvalidFormatException format -> fieldProblem(format,
                    "cannot read '" + format.getValue() + "' as " + format.getTargetType().getSimpleName().toLowerCase(), path);
            case MismatchedInputException mismatch -> fieldProblem(mismatch, "has the wrong type", path);
            case ValueInstantiationException value -> fieldProblem(value,
                    value.getCause() instanceof IllegalArgumentException cause && cause.getMessage() != null
                            ? cause.getMessage() : "is not a valid value", path);
            case JsonMappingException mapping -> fieldProblem(mapping, "cannot be read", path);
            // e.g. StreamConstraintsException: a body nested or sized beyond the configured limits
            case JsonProcessingException other -> Problem.of(400, "malformed-body", "Malformed request body",
                    other.getOriginalMessage(), path, List.of());
            case WebApplicationException web -> webApplicationProblem(web, path);
            default -> {
                String errorId = UUID.randomUUID().toString();
                LOG.errorf(e, "unexpected error %s on %s", errorId, path);
                yield Problem.of(500, "internal", "Internal error", "the request failed unexpectedly; quote error id " + errorId,
                        path, List.of());
            }
        };
    }

    private static Problem webApplicationProblem(WebApplicationException e, String path) {
        // Quarkus REST wraps body-reading failures in a 400 WebApplicationException; answer them
        // as precisely as when Jackson's exception arrives directly.
        if (e.getCause() instanceof JsonProcessingException json) {
            return problemFor(json, path);
        }
        Response.StatusType status = e.getResponse().getStatusInfo();
        if (status.getStatusCode() >= 500) {
            return problemFor(new IllegalStateException(e.getMessage(), e), path);
        }
        String detail = switch (status.getStatusCode()) {
            case 404 -> "no resource at " + path;
            case 405 -> "method not allowed on " + path;
            case 415 -> "unsupported content type for " + path + "; see /q/openapi for what it accepts";
            case 406 -> "cannot produce the requested media type";
            default -> status.getReasonPhrase();
        };
        return Problem.of(status.getStatusCode(), slug(status.getReasonPhrase()), status.getReasonPhrase(), detail, path, List.of());
    }

    private static Problem fieldProblem(JsonMappingException e, String problem, String path) {
        String field = JsonPaths.of(e);
        return Problem.of(400, "validation", "Invalid request", field + ": " + problem, path, List.of(new FieldError(field, problem)));
    }

    private static String path(UriInfo uri) {
        return uri == null ? null : uri.getPath();
    }

    static Response respond(Problem problem) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem).build();
    }

    private static String slug(String reason) {
        return reason == null ? "error" : reason.toLowerCase().replaceAll("[^a-z0-9]+", "-");
    }
}
