package dev.polity.support.security.breakglass;

import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The break-glass grants one replica knows from the grant topic, and the rules for when they count.
 * No Kafka here: {@link GrantStore}'s reader feeds it the topic's records and says when it has read the
 * topic to its end, so the rules can be tested with records made up in a test.
 *
 * <p>A grant counts for a request only while all of these hold:
 * <ul>
 *   <li>its expiry has not passed, checked at the time of the request: a grant ends by itself even
 *       before its tombstone arrives, or when none ever does;</li>
 *   <li>no tombstone for it has been read (a late copy of an ended grant never brings it back);</li>
 *   <li>the replica read the whole topic no longer than {@code maxStaleness} ago. Before it has read it
 *       once it may hold a grant whose tombstone comes later in the topic; while it cannot read the topic
 *       it may miss a revocation. In both cases it applies no grant at all: it knows fewer grants, never more.</li>
 * </ul>
 */
final class GrantTable {

    private static final Logger LOG = Logger.getLogger(GrantTable.class);

    private final Map<String, BreakGlassGrant> grants = new ConcurrentHashMap<>();
    /** Grants this replica has seen end. */
    private final Set<String> ended = ConcurrentHashMap.newKeySet();
    private final Duration maxStaleness;
    /** When the reader last had every record of the topic; null until it first has. */
    private volatile Instant readToEndAt;

    GrantTable(Duration maxStaleness) {
        this.maxStaleness = maxStaleness;
    }

    /**
     * One record of the grant topic: {@code value} is a grant as JSON, or null (a tombstone) when the grant
     * ended. A record that is not a readable grant under its own id is skipped, so it grants nothing.
     */
    void apply(String key, String value) {
        if (key == null) {
            LOG.warn("skipping a break-glass grant record without a key");
            return;
        }
        if (value == null) {
            end(key);
            return;
        }
        BreakGlassGrant grant;
        try {
            grant = BreakGlassGrant.fromJson(value);
        } catch (IllegalArgumentException e) {
            LOG.warnf("skipping the unreadable break-glass grant record %s: %s", key, e.getMessage());
            return;
        }
        if (!grant.id().equals(key)) {
            // Its tombstone would carry the id, not this key, and could never end it.
            LOG.warnf("skipping the break-glass grant record %s: it holds grant %s", key, grant.id());
            return;
        }
        add(grant);
    }

    /** A grant (or with {@code grant} null, the end of grant {@code id}) that Kafka acknowledged to a writer in this process. */
    void applyWritten(String id, BreakGlassGrant grant) {
        if (grant == null) {
            end(id);
        } else {
            add(grant);
        }
    }

    /** The reader had every record of the topic at {@code at}. */
    void readToEnd(Instant at) {
        readToEndAt = at;
    }

    /** Whether the topic has been read to its end at all. */
    boolean everReadToEnd() {
        return readToEndAt != null;
    }

    /** Whether grants count at {@code now}: the topic was read to its end within {@code maxStaleness}. */
    boolean currentAt(Instant now) {
        Instant last = readToEndAt;
        return last != null && !now.isAfter(last.plus(maxStaleness));
    }

    /** The grants that raise {@code user} of {@code organization} at {@code now}: none while the table is not current. */
    List<BreakGlassGrant> applyingTo(String organization, String user, Instant now) {
        if (grants.isEmpty() || !currentAt(now)) {
            return List.of();
        }
        return grants.values().stream()
                .filter(g -> g.organization().equals(organization) && g.user().equals(user) && g.activeAt(now))
                .toList();
    }

    /** Known grants of {@code organization} that have not expired, soonest expiry first (for listing, not for checks). */
    List<BreakGlassGrant> activeIn(String organization, Instant now) {
        return grants.values().stream().filter(g -> g.organization().equals(organization) && g.activeAt(now))
                .sorted(Comparator.comparing(BreakGlassGrant::expiresAt)).toList();
    }

    Optional<BreakGlassGrant> find(String id) {
        return Optional.ofNullable(grants.get(id));
    }

    /** Known grants whose expiry has passed but whose tombstone has not been read yet. */
    List<BreakGlassGrant> expired(Instant now) {
        return grants.values().stream().filter(g -> !g.activeAt(now)).toList();
    }

    // Synchronized: the reader thread and a writer's acknowledgement may race, and an end must never be
    // overtaken by the grant it ended.
    private synchronized void add(BreakGlassGrant grant) {
        if (!ended.contains(grant.id())) {
            grants.put(grant.id(), grant);
        }
    }

    private synchronized void end(String id) {
        ended.add(id);
        grants.remove(id);
    }
}
