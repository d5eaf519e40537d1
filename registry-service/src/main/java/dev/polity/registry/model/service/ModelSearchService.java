package dev.polity.registry.model.service;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.polity.contracts.crypto.Hashes;
import dev.polity.registry.config.RegistryConfig;
import dev.polity.registry.model.repository.ModelSearchRepository;
import dev.polity.registry.model.repository.ModelSearchSql;
import dev.polity.registry.security.Actor;
import dev.polity.support.problem.FieldError;
import dev.polity.support.problem.ProblemException;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/v1/models}: the versions the caller may see, filtered, sorted by usage then recency,
 * a page at a time. The page token carries the position and a digest of the filters, so a token only
 * continues the search it came from.
 */
@ApplicationScoped
public class ModelSearchService {

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };
    private static final int MAX_TEXT = 200;

    private final ModelSearchRepository repository;
    private final RegistryConfig config;
    private final ObjectMapper json;

    ModelSearchService(ModelSearchRepository repository, RegistryConfig config, ObjectMapper json) {
        this.repository = repository;
        this.config = config;
        this.json = json;
    }

    /** The search parameters as the client sent them; blank means "not given". */
    public record Criteria(String q, String type, String framework, List<String> tags, String status,
                           String organization, Integer limit, String pageToken) {
    }

    public Uni<ModelSearchPage> search(Actor actor, Criteria criteria) {
        List<FieldError> errors = new ArrayList<>();
        String text = blankToNull(criteria.q());
        if (text != null && text.length() > MAX_TEXT) {
            errors.add(new FieldError("q", "is longer than " + MAX_TEXT + " characters"));
        }
        String status = blankToNull(criteria.status());
        if (status != null && VersionStatus.fromWire(status) == null) {
            errors.add(new FieldError("status", "must be one of " + String.join(", ", VersionStatus.wireNames())));
        }
        String organization = blankToNull(criteria.organization());
        if (organization != null) {
            ModelVersionRules.checkName("organization", organization, errors);
        }
        List<String> tags = tags(criteria.tags());
        int limit = criteria.limit() == null ? config.search().defaultPageSize() : criteria.limit();
        if (limit < 1 || limit > config.search().maxPageSize()) {
            errors.add(new FieldError("limit", "must be between 1 and " + config.search().maxPageSize()));
        }
        String type = blankToNull(criteria.type());
        String framework = blankToNull(criteria.framework());
        String filters = String.join("\u0000", String.valueOf(text), String.valueOf(type), String.valueOf(framework),
                String.join(",", tags), String.valueOf(status), String.valueOf(organization));
        String filterDigest = Hashes.sha256Hex(filters.getBytes(StandardCharsets.UTF_8)).substring(0, 16);
        ModelSearchSql.Cursor after = null;
        if (blankToNull(criteria.pageToken()) != null) {
            after = decode(criteria.pageToken(), filterDigest, errors);
        }
        ModelVersionRules.throwIfAny(errors);
        ModelSearchSql.Query query = new ModelSearchSql.Query(actor.organization(), text, type, framework,
                tags, status, organization, after, limit + 1);
        return repository.search(query).map(hits -> {
            boolean more = hits.size() > limit;
            List<ModelSearchRepository.Hit> page = more ? hits.subList(0, limit) : hits;
            String next = more ? encode(page.get(page.size() - 1).cursor(), filterDigest) : null;
            return new ModelSearchPage(page.stream().map(this::toItem).toList(), next);
        });
    }

    private ModelSearchPage.Item toItem(ModelSearchRepository.Hit hit) {
        List<String> tags = hit.tags();
        return new ModelSearchPage.Item(hit.organization(), hit.name(), hit.version(), hit.status(), hit.framework(),
                hit.modelType(), hit.description(), hit.modelDescription(), hit.domain(), tags, hit.accessLevel(),
                hit.riskLevel(), hit.usageCount(), hit.registeredAt());
    }

    private String encode(ModelSearchSql.Cursor cursor, String filterDigest) {
        try {
            byte[] bytes = json.writeValueAsBytes(Map.of("u", cursor.usageCount(), "t", cursor.registeredAt().toString(),
                    "i", cursor.id(), "f", filterDigest));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private ModelSearchSql.Cursor decode(String token, String filterDigest, List<FieldError> errors) {
        try {
            Map<String, Object> fields = json.readValue(Base64.getUrlDecoder().decode(token), MAP);
            if (!filterDigest.equals(fields.get("f"))) {
                errors.add(new FieldError("page_token", "belongs to a search with other filters; repeat the same filters"));
                return null;
            }
            return new ModelSearchSql.Cursor(((Number) fields.get("u")).longValue(),
                    Instant.parse((String) fields.get("t")), ((Number) fields.get("i")).longValue());
        } catch (RuntimeException | java.io.IOException e) {
            errors.add(new FieldError("page_token", "is not a page token of this registry"));
            return null;
        }
    }

    private static List<String> tags(List<String> given) {
        List<String> tags = new ArrayList<>();
        if (given != null) {
            for (String value : given) {
                if (value == null) {
                    continue;
                }
                for (String tag : value.split(",")) {
                    if (!tag.isBlank()) {
                        tags.add(tag.trim());
                    }
                }
            }
        }
        return tags.stream().distinct().sorted().toList();
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
