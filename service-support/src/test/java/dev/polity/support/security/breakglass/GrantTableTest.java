package dev.polity.support.security.breakglass;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The rules that decide when a grant read from the topic counts, fed with records as the reader would get
 * them from Kafka (key, JSON value or tombstone) and a clock the test sets.
 */
class GrantTableTest {

    private static final Duration MAX_STALENESS = Duration.ofSeconds(30);
    private static final Instant T0 = Instant.parse("2030-01-01T10:00:00Z");

    private final GrantTable table = new GrantTable(MAX_STALENESS);

    private static BreakGlassGrant grant(String id, String organization, String user, String role, Instant expiresAt) {
        return new BreakGlassGrant(id, organization, user, role, "INC-4711 on-call auditor unreachable", organization + "-admin",
                T0, expiresAt);
    }

    @Test
    void appliesAGrantToItsUserInItsOrganisationUntilItsExpiry() {
        table.apply("g1", grant("g1", "acme", "bob", "auditor", T0.plusSeconds(3600)).toJson());
        table.readToEnd(T0);

        assertThat(table.applyingTo("acme", "bob", T0.plusSeconds(1))).extracting(BreakGlassGrant::role).containsExactly("auditor");
        assertThat(table.applyingTo("acme", "alice", T0.plusSeconds(1))).isEmpty();
        // The same name in another organisation is another user: the grant does not reach there.
        assertThat(table.applyingTo("globex", "bob", T0.plusSeconds(1))).isEmpty();
    }

    @Test
    void ignoresAnExpiredGrantBeforeItsTombstoneArrives() {
        table.apply("g1", grant("g1", "acme", "bob", "auditor", T0.plusSeconds(10)).toJson());
        table.readToEnd(T0.plusSeconds(10));

        assertThat(table.applyingTo("acme", "bob", T0.plusSeconds(9))).hasSize(1);
        assertThat(table.applyingTo("acme", "bob", T0.plusSeconds(10))).isEmpty();
        assertThat(table.expired(T0.plusSeconds(10))).extracting(BreakGlassGrant::id).containsExactly("g1");
        assertThat(table.activeIn("acme", T0.plusSeconds(10))).isEmpty();
    }

    @Test
    void aTombstoneEndsAGrantAndALateCopyDoesNotBringItBack() {
        BreakGlassGrant grant = grant("g1", "acme", "bob", "auditor", T0.plusSeconds(3600));
        table.apply("g1", grant.toJson());
        table.apply("g1", null);
        table.readToEnd(T0);
        assertThat(table.applyingTo("acme", "bob", T0)).isEmpty();
        assertThat(table.find("g1")).isEmpty();

        // The writer's own acknowledgement of the grant arriving after the reader saw the end, or a re-read.
        table.applyWritten("g1", grant);
        table.apply("g1", grant.toJson());
        assertThat(table.applyingTo("acme", "bob", T0)).isEmpty();
    }

    @Test
    void appliesNothingBeforeTheTopicWasReadToItsEnd() {
        // Half-way through the topic: the grant's tombstone may still be ahead.
        table.apply("g1", grant("g1", "acme", "bob", "auditor", T0.plusSeconds(3600)).toJson());
        assertThat(table.everReadToEnd()).isFalse();
        assertThat(table.applyingTo("acme", "bob", T0)).isEmpty();

        table.readToEnd(T0);
        assertThat(table.applyingTo("acme", "bob", T0)).hasSize(1);
    }

    @Test
    void stopsApplyingGrantsWhenTheTopicWasNotReadForLongerThanTheMaximumStaleness() {
        table.apply("g1", grant("g1", "acme", "bob", "auditor", T0.plusSeconds(3600)).toJson());
        table.readToEnd(T0);

        assertThat(table.applyingTo("acme", "bob", T0.plus(MAX_STALENESS))).hasSize(1);
        // The brokers went away: a revocation may have been missed, so no grant counts.
        assertThat(table.applyingTo("acme", "bob", T0.plus(MAX_STALENESS).plusMillis(1))).isEmpty();
        assertThat(table.currentAt(T0.plus(MAX_STALENESS).plusMillis(1))).isFalse();
        // Still known (the gateway lists and revokes it), just not applied.
        assertThat(table.find("g1")).isPresent();

        table.readToEnd(T0.plusSeconds(60));
        assertThat(table.applyingTo("acme", "bob", T0.plusSeconds(61))).hasSize(1);
    }

    @Test
    void skipsRecordsThatAreNotReadableGrantsUnderTheirOwnId() {
        table.readToEnd(T0);
        table.apply("g1", "not json");
        table.apply("g2", "{\"id\": \"g2\", \"organization\": \"acme\", \"user\": \"bob\", \"role\": \"auditor\"}");
        table.apply("g3", grant("g3", "acme", "bob", "auditor", T0.plusSeconds(3600)).toJson()
                .replace("\"reason\"", "\"scope\": \"unknown to this reader\", \"reason\""));
        table.apply("other-key", grant("g4", "acme", "bob", "auditor", T0.plusSeconds(3600)).toJson());
        table.apply(null, grant("g5", "acme", "bob", "auditor", T0.plusSeconds(3600)).toJson());

        assertThat(table.applyingTo("acme", "bob", T0)).isEmpty();
        assertThat(table.find("g4")).isEmpty();
        assertThat(table.find("other-key")).isEmpty();
    }

    @Test
    void readsTheTopicFormatTheGatewayWrites() {
        String written = """
                {"id": "g1", "organization": "acme", "user": "bob", "role": "auditor", "reason": "INC-4711 on-call auditor unreachable",
                 "granted_by": "acme-admin", "granted_at": "2030-01-01T10:00:00Z", "expires_at": "2030-01-01T11:00:00Z"}""";
        BreakGlassGrant grant = BreakGlassGrant.fromJson(written);
        assertThat(grant).isEqualTo(grant("g1", "acme", "bob", "auditor", T0.plusSeconds(3600)));
        assertThat(grant.toJson()).contains("\"granted_by\":\"acme-admin\"", "\"expires_at\":\"2030-01-01T11:00:00Z\"");
        assertThat(BreakGlassGrant.fromJson(grant.toJson())).isEqualTo(grant);
        assertThatThrownBy(() -> BreakGlassGrant.fromJson("{\"id\": \"g1\"}")).isInstanceOf(IllegalArgumentException.class);
    }
}
