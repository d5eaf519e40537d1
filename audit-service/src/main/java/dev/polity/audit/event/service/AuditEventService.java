package dev.polity.audit.event.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.polity.audit.config.AuditConfig;
import dev.polity.audit.event.repository.AuditEventRepository;
import dev.polity.audit.event.repository.EventFilter;
import dev.polity.audit.event.repository.StoredEvent;
import dev.polity.support.problem.FieldError;
import dev.polity.support.problem.ProblemException;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/** Reads the audit log: filtered, keyset-paginated queries and single events. */
@ApplicationScoped
public class AuditEventService {

    private final AuditEventRepository repository;
    private final AuditConfig config;
    private final ObjectReader dataReader;

    AuditEventService(AuditEventRepository repository, AuditConfig config, ObjectMapper json) {
        this.repository = repository;
        this.config = config;
        // Numbers as written (0.950 stays 0.950), and a payload with trailing garbage is not JSON.
        this.dataReader = json.reader()
                .with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS, DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .without(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES);
    }

    /**
     * Validates the raw query parameters, naming every bad one, and reads one page.
     *
     * @throws ProblemException 400 naming each invalid parameter
     */
    public Uni<AuditEventPage> find(String subject, String type, String organization, String actor,
                                    String from, String to, String after, String limit) {
        List<FieldError> errors = new ArrayList<>();
        Instant fromTime = parseTime("from", from, errors);
        Instant toTime = parseTime("to", to, errors);
        Long afterSequence = parseLong("after", after, 0, Long.MAX_VALUE, errors);
        Long pageSize = parseLong("limit", limit, 1, config.query().maxLimit(), errors);
        if (fromTime != null && toTime != null && !fromTime.isBefore(toTime)) {
            errors.add(new FieldError("to", "must be later than from"));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        int size = pageSize == null ? config.query().defaultLimit() : pageSize.intValue();
        // One more than asked tells whether another page follows.
        EventFilter filter = new EventFilter(blankToNull(subject), blankToNull(type), blankToNull(organization),
                blankToNull(actor), fromTime, toTime, afterSequence, size + 1);
        return repository.find(filter).map(events -> {
            boolean more = events.size() > size;
            List<AuditEventView> items = events.stream().limit(size).map(this::toView).toList();
            return new AuditEventPage(items, more ? items.get(items.size() - 1).sequence() : null);
        });
    }

    public Uni<AuditEventView> get(String sequence) {
        return findStored(sequence).map(this::toView);
    }

    /** The stored event with its raw data, for clients that verify hashes themselves. */
    public Uni<StoredEvent> getRaw(String sequence) {
        return findStored(sequence);
    }

    private Uni<StoredEvent> findStored(String sequence) {
        List<FieldError> errors = new ArrayList<>();
        Long number = parseLong("sequence", sequence, 1, Long.MAX_VALUE, errors);
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        return repository.findBySequence(number).map(found -> found.orElseThrow(
                () -> ProblemException.notFound("the audit log has no event " + number)));
    }

    private AuditEventView toView(StoredEvent event) {
        return new AuditEventView(event.sequence(), event.id(), event.source(), event.type(), event.subject(),
                event.time(), event.organization(), event.actor(), event.dataContentType(),
                dataNode(event.dataContentType(), event.data()), event.dataSha256());
    }

    private JsonNode dataNode(String contentType, byte[] data) {
        if (data == null) {
            return null;
        }
        if (isJson(contentType) && data.length > 0) {
            try {
                return dataReader.readTree(data);
            } catch (IOException e) {
                // Declared JSON but is not: show the bytes rather than hide them.
            }
        }
        return TextNode.valueOf(Base64.getEncoder().encodeToString(data));
    }

    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String mediaType = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return mediaType.equals("application/json") || mediaType.equals("text/json") || mediaType.endsWith("+json");
    }

    private static Instant parseTime(String name, String value, List<FieldError> errors) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value.trim()).toInstant();
        } catch (DateTimeParseException e) {
            errors.add(new FieldError(name, "must be an RFC 3339 timestamp such as 2025-01-31T12:00:00Z"));
            return null;
        }
    }

    private static Long parseLong(String name, String value, long min, long max, List<FieldError> errors) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            long number = Long.parseLong(value.trim());
            if (number < min || number > max) {
                errors.add(new FieldError(name, "must be between " + min + " and " + max));
                return null;
            }
            return number;
        } catch (NumberFormatException e) {
            errors.add(new FieldError(name, "must be a whole number"));
            return null;
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
