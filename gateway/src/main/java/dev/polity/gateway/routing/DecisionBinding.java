package dev.polity.gateway.routing;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.polity.support.problem.ProblemException;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.util.List;

/**
 * Binds a decision request to the caller: {@code organization_id} defaults to the token's organisation and
 * must be it; {@code team_id} defaults to the token's team. A request that names both (what pipelines send)
 * is checked with a streaming read of its top-level fields and forwarded byte for byte; only a request that
 * needs a field filled in is parsed into a tree and written again.
 */
// @Singleton, not @ApplicationScoped: called on every decision, and a client proxy's context lookup per call showed in the profile.
@Singleton
public class DecisionBinding {

    private final ObjectMapper json;

    public DecisionBinding(ObjectMapper json) {
        this.json = json;
    }

    /** The body to forward; throws a 400 (not a JSON object) or 403 (another organisation) problem. */
    public byte[] bind(byte[] body, String organization, String team) {
        TopLevel fields = topLevel(body);
        if (fields.organization() != null && !fields.organization().equals(organization)) {
            throw mismatch(organization, fields.organization());
        }
        boolean fillOrganization = fields.organization() == null;
        boolean fillTeam = !fields.hasTeam() && team != null;
        if (!fillOrganization && !fillTeam) {
            return body;
        }
        ObjectNode request;
        try {
            request = (ObjectNode) json.readTree(body);
        } catch (IOException e) {
            throw ProblemException.invalidField("body", "is not valid JSON");
        }
        if (fillOrganization) {
            request.put("organization_id", organization);
        }
        if (fillTeam) {
            request.put("team_id", team);
        }
        try {
            return json.writeValueAsBytes(request);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads the whole body (so malformed JSON is refused here) but keeps only the two top-level fields. */
    private TopLevel topLevel(byte[] body) {
        if (body == null || body.length == 0) {
            throw ProblemException.invalidField("body", "must be a JSON object");
        }
        try (JsonParser parser = json.getFactory().createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw ProblemException.invalidField("body", "must be a JSON object");
            }
            String organization = null;
            boolean hasTeam = false;
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (name.equals("organization_id") && value != JsonToken.VALUE_NULL) {
                    if (!value.isScalarValue()) {
                        throw ProblemException.invalidField("organization_id", "must be a string");
                    }
                    organization = parser.getValueAsString();
                } else if (name.equals("team_id") && value != JsonToken.VALUE_NULL) {
                    hasTeam = true;
                }
                parser.skipChildren();
            }
            if (token != JsonToken.END_OBJECT || parser.nextToken() != null) {
                throw ProblemException.invalidField("body", "is not valid JSON");
            }
            return new TopLevel(organization, hasTeam);
        } catch (IOException e) {
            throw ProblemException.invalidField("body", "is not valid JSON");
        }
    }

    private static ProblemException mismatch(String organization, String asked) {
        return new ProblemException(403, "tenant-mismatch", "Forbidden",
                "this token acts for '" + organization + "', not '" + asked + "'", List.of());
    }

    private record TopLevel(String organization, boolean hasTeam) {
    }
}
