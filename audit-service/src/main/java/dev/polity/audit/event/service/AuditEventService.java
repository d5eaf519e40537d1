package dev.polity.audit.event.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.polity.audit.access.AuditAccess;
import dev.polity.audit.checkpoint.repository.CheckpointRepository;
import dev.polity.audit.config.AuditConfig;
import dev.polity.audit.event.repository.AuditEventRepository;
import dev.polity.audit.event.repository.EventFilter;
import dev.polity.audit.event.repository.StoredEvent;
import dev.polity.audit.proof.EventProof;
import dev.polity.audit.proof.ProofService;
import dev.polity.contracts.audit.InclusionProof;
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
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/** Reads the audit log: filtered, keyset-paginated queries and single events. */
@ApplicationScoped
public class AuditEventService {

    private final AuditEventRepository repository;
    private final CheckpointRepository checkpoints;
    private final ProofService proofs;
    private final AuditConfig config;
    private final ObjectReader dataReader;

    AuditEventService(AuditEventRepository repository, CheckpointRepository checkpoints, ProofService proofs,
                      AuditConfig config, ObjectMapper json) {
        this.repository = repository;
        this.checkpoints = checkpoints;
        this.proofs = proofs;
        this.config = config;
        // Numbers as written (0.950 stays 0.950), and a payload with trailing garbage is not JSON.
        this.dataReader = json.reader()
                .with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS, DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .without(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES);
    }

    /**
     * Validates the raw query parameters, naming every bad one, and reads one page of the events the caller may see.
     *
     * @param withProofs whether each item carries its inclusion proof against the latest checkpoint
     * @throws ProblemException 400 naming each invalid parameter, 403 for another organisation's events
     */
    public Uni<AuditEventPage> find(AuditAccess access, String subject, String type, String organization, String actor,
                                    String from, String to, String after, String limit, boolean withProofs) {
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
        EventFilter filter = new EventFilter(blankToNull(subject), blankToNull(type),
                access.organizationFilter(organization), blankToNull(actor), fromTime, toTime, afterSequence, size + 1);
        return repository.find(filter).chain(found -> {
            boolean more = found.size() > size;
            List<StoredEvent> events = found.stream().limit(size).toList();
            Long nextAfter = more ? events.getLast().sequence() : null;
            if (!withProofs) {
                return Uni.createFrom().item(new AuditEventPage(events.stream().map(e -> toView(e, null)).toList(), nextAfter, null));
            }
            return checkpoints.latest().chain(latest -> latest.isEmpty()
                    ? Uni.createFrom().item(new AuditEventPage(events.stream().map(e -> toView(e, null)).toList(), nextAfter, null))
                    : proofs.inclusion(events, latest.get()).map(byEvent -> new AuditEventPage(
                            events.stream().map(e -> toView(e, byEvent.get(e.sequence()))).toList(), nextAfter, latest.get())));
        });
    }

    public Uni<AuditEventView> get(AuditAccess access, String sequence, String organization) {
        return getRaw(access, sequence, organization).map(event -> toView(event, null));
    }

    /**
     * The stored event with its raw data, for clients that verify hashes themselves.
     *
     * @param organization when given, the event must belong to it (the gateway always passes the caller's)
     * @throws ProblemException 404 when there is no such event or the caller may not see it
     */
    public Uni<StoredEvent> getRaw(AuditAccess access, String sequence, String organization) {
        String filter = organization == null || organization.isBlank() ? null : access.organizationFilter(organization);
        return findStored(sequence).map(event -> {
            if (!access.canSee(event.organization()) || (filter != null && !filter.equals(event.organization()))) {
                throw ProblemException.notFound("the audit log has no event " + event.sequence());
            }
            return event;
        });
    }

    /** The inclusion proof of an event against the checkpoint of {@code treeSize} (default: the latest). */
    public Uni<EventProof> proof(AuditAccess access, String sequence, String organization, String treeSize) {
        List<FieldError> errors = new ArrayList<>();
        Long size = parseLong("tree_size", treeSize, 1, Long.MAX_VALUE, errors);
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        return getRaw(access, sequence, organization).chain(event -> proofs.inclusion(event, size));
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

    private AuditEventView toView(StoredEvent event, InclusionProof proof) {
        return new AuditEventView(event.sequence(), event.id(), event.source(), event.type(), event.subject(),
                event.time(), event.organization(), event.actor(), event.dataContentType(),
                dataNode(event.dataContentType(), event.data()), event.dataSha256(), HexFormat.of().formatHex(event.leafHash()),
                event.receivedAt(), event.retentionClass(), event.payloadExpired(), proof);
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

    public static Instant parseTime(String name, String value, List<FieldError> errors) {
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

    public static Long parseLong(String name, String value, long min, long max, List<FieldError> errors) {
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
