package dev.polity.audit.log;

import dev.polity.audit.SigningKeysTestResource;
import dev.polity.audit.event.repository.ReceivedEvent;
import dev.polity.audit.export.VerificationService;
import dev.polity.audit.retention.PayloadPartitions;
import dev.polity.audit.retention.RetentionPolicy;
import dev.polity.contracts.Topics;
import dev.polity.contracts.audit.AuditEntries;
import dev.polity.contracts.audit.Merkle;
import dev.polity.contracts.audit.VerificationReport;
import dev.polity.contracts.crypto.Hashes;
import dev.polity.contracts.events.CloudEvent;
import dev.polity.devstack.DevstackTestResource;
import dev.polity.devstack.OidcTestResource;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link AuditLog#appendBlocking} against PostgreSQL: rows encoded and payloads and detail rows written before the
 * head lock, events numbered under it, and deduplication by the detail's unique constraint on source + id: every
 * detail row at once first, and only those of the events not stored when the batch holds stored events or
 * PostgreSQL broke a deadlock between two appends.
 */
@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, initArgs = @ResourceArg(name = "database", value = "audit"))
@QuarkusTestResource(OidcTestResource.class)
@QuarkusTestResource(SigningKeysTestResource.class)
class AuditLogAppendTest {

    @Inject
    AuditLog log;

    @Inject
    PayloadPartitions partitions;

    @Inject
    RetentionPolicy retention;

    @Inject
    VerificationService verification;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    Pool pool;

    @Inject
    Vertx vertx;

    @Inject
    MeterRegistry meters;

    @Test
    void storesOnlyTheNewEventsOfABatchThatRepeatsStoredOnes() throws Exception {
        String source = "/test/append/" + UUID.randomUUID();
        List<PreparedEvent> first = events(source, 0, 5);
        AppendResult stored = append(first);
        assertThat(stored.appended()).isEqualTo(5);
        double redoneBefore = redone();

        // Events 3 and 4 again, 5 to 7 new, and 6 twice within the batch.
        List<PreparedEvent> mixed = new ArrayList<>(events(source, 3, 5));
        mixed.add(events(source, 6, 1).getFirst());
        AppendResult result = append(mixed);

        assertThat(result.sequences()).hasSize(6);
        assertThat(result.sequences().get(0)).isNull();
        assertThat(result.sequences().get(1)).isNull();
        assertThat(result.sequences().get(5)).isNull();
        long firstNew = result.sequences().get(2);
        assertThat(result.sequences().subList(2, 5)).containsExactly(firstNew, firstNew + 1, firstNew + 2);
        assertThat(storedIds(source)).containsExactly(ids(source, 0, 8).toArray(String[]::new));
        assertThat(sequenceOf(source, 5)).isEqualTo(firstNew);
        assertThat(sequenceOf(source, 7)).isEqualTo(firstNew + 2);
        assertThat(redone()).as("the batch with stored events was redone").isEqualTo(redoneBefore + 1);
        assertVerified();
    }

    /** A batch that repeats only an event of its own is written in one go: no stored event, no second try. */
    @Test
    void anEventRepeatedWithinANewBatchIsStoredOnceWithoutASecondTry() throws Exception {
        String source = "/test/repeated/" + UUID.randomUUID();
        List<PreparedEvent> batch = new ArrayList<>(events(source, 0, 3));
        batch.add(2, batch.get(1));
        double redoneBefore = redone();
        AppendResult result = append(batch);
        assertThat(result.sequences()).hasSize(4);
        assertThat(result.sequences().get(2)).as("the repeat").isNull();
        assertThat(result.appended()).isEqualTo(3);
        assertThat(storedIds(source)).containsExactly(ids(source, 0, 3).toArray(String[]::new));
        assertThat(redone()).isEqualTo(redoneBefore);
        assertVerified();
    }

    private double redone() {
        return redone("stored_event");
    }

    private double redone(String reason) {
        return meters.counter("polity.audit.append.redone", "reason", reason).count();
    }

    /**
     * Two appends of the same events while the test holds the head lock: the first writes the detail rows and waits
     * for the lock, the second waits for the first's detail rows. Once the first has committed, the second must not
     * store its events again: its first try meets them in the unique constraint, and it is redone writing none.
     */
    @Test
    void anAppendThatWaitedForTheLockSkipsWhatTheAppendBeforeItAdded() throws Exception {
        String source = "/test/waited/" + UUID.randomUUID();
        List<PreparedEvent> batch = events(source, 0, 20);
        partitions.ensure(batch.stream().map(event -> PayloadPartitions.monthOf(event.payloadExpiresAt())).toList())
                .await().indefinitely();
        ExecutorService writers = Executors.newFixedThreadPool(2);
        try (Connection holder = dataSource.getConnection()) {
            holder.setAutoCommit(false);
            try (PreparedStatement lock = holder.prepareStatement("select size from audit_log_head where id = 1 for update")) {
                lock.executeQuery().close();
            }
            Future<AppendResult> first = writers.submit(() -> log.appendBlocking(batch));
            Future<AppendResult> second = writers.submit(() -> log.appendBlocking(batch));
            awaitLockWaiters(2);
            holder.commit();
            long appended = first.get().appended() + second.get().appended();
            assertThat(appended).isEqualTo(20);
        } finally {
            writers.shutdown();
        }
        assertThat(storedIds(source)).containsExactly(ids(source, 0, 20).toArray(String[]::new));
        assertVerified();
    }

    /** Waits until as many appends wait for a lock: the head lock, or an event another transaction wrote. */
    private void awaitLockWaiters(int count) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            try (Connection db = dataSource.getConnection(); PreparedStatement query = db.prepareStatement(
                    "select count(*) from pg_stat_activity where wait_event_type = 'Lock' "
                            + "and (query like 'select size, root_hash, frontier%' or query like 'copy audit_event_detail%' "
                            + "or query like 'insert into audit_event_detail%')");
                 ResultSet row = query.executeQuery()) {
                row.next();
                if (row.getLong(1) >= count) {
                    return;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError(count + " appends never waited for the head lock");
    }

    /**
     * Four writers, two on this service's log and two on a second instance (as another replica would be), appending
     * overlapping batches: many batches meet events another writer stored, and are redone.
     */
    @Test
    void concurrentAppendsOfOverlappingBatchesNeitherForkTheLogNorStoreAnEventTwice() throws Exception {
        String source = "/test/concurrent/" + UUID.randomUUID();
        List<PreparedEvent> all = events(source, 0, 400);
        AuditLog otherReplica = new AuditLog(pool, dataSource, vertx, meters);
        double redoneBefore = redone();
        ExecutorService writers = Executors.newFixedThreadPool(4);
        try {
            List<Future<AppendResult>> results = new ArrayList<>();
            for (int writer = 0; writer < 4; writer++) {
                AuditLog writerLog = writer % 2 == 0 ? log : otherReplica;
                // Each writer appends all 400 in batches of 50, in its own order: most batches meet events that
                // another writer stored.
                List<List<PreparedEvent>> batches = new ArrayList<>();
                for (int start = 0; start < all.size(); start += 50) {
                    batches.add(all.subList(start, start + 50));
                }
                Collections.rotate(batches, writer * 2);
                results.add(writers.submit(() -> {
                    AppendResult last = null;
                    for (List<PreparedEvent> batch : batches) {
                        last = append(writerLog, batch);
                    }
                    return last;
                }));
            }
            for (Future<AppendResult> result : results) {
                assertThat(result.get()).isNotNull();
            }
        } finally {
            writers.shutdown();
        }
        assertThat(storedIds(source)).hasSize(400).containsExactlyInAnyOrderElementsOf(ids(source, 0, 400));
        try (Connection db = dataSource.getConnection(); PreparedStatement query = db.prepareStatement(
                "select count(*), max(sequence), (select size from audit_log_head where id = 1) from audit_event");
             ResultSet row = query.executeQuery()) {
            row.next();
            assertThat(row.getLong(1)).as("no gap: as many events as the highest sequence").isEqualTo(row.getLong(2));
            assertThat(row.getLong(3)).as("the head's size").isEqualTo(row.getLong(2));
        }
        assertThat(redone()).as("appends redone after meeting stored events").isGreaterThan(redoneBefore);
        assertThat(meters.timer("polity.audit.append.lock.held").count()).isGreaterThanOrEqualTo(16);
        assertVerified();
    }

    /**
     * A deadlock between an append and another transaction writing the same two events in the other order: the test
     * writes the second, the append writes the first and waits for the second, then the test writes the first.
     * PostgreSQL aborts the append (it waited first, so its deadlock check runs first); the append is done again,
     * waits for the test's transaction to roll back, and logs both events.
     */
    @Test
    void anAppendAbortedToBreakADeadlockIsDoneAgain() throws Exception {
        String source = "/test/deadlock/" + UUID.randomUUID();
        List<PreparedEvent> batch = events(source, 0, 2);
        partitions.ensure(batch.stream().map(event -> PayloadPartitions.monthOf(event.payloadExpiresAt())).toList())
                .await().indefinitely();
        double deadlocksBefore = redone("deadlock");
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try (Connection other = dataSource.getConnection()) {
            other.setAutoCommit(false);
            writeDetail(other, source, "event-1");
            Future<AppendResult> appended = writer.submit(() -> log.appendBlocking(batch));
            awaitLockWaiters(1);
            // Blocks on the append's row of event-0 until PostgreSQL aborts the append; then it is written.
            writeDetail(other, source, "event-0");
            other.rollback();
            assertThat(appended.get().appended()).isEqualTo(2);
        } finally {
            writer.shutdown();
        }
        assertThat(redone("deadlock")).isEqualTo(deadlocksBefore + 1);
        assertThat(storedIds(source)).containsExactly("event-0", "event-1");
        assertVerified();
    }

    /** A detail row of an event with this source and id, as another append would write it. */
    private static void writeDetail(Connection connection, String source, String id) throws Exception {
        try (PreparedStatement write = connection.prepareStatement("""
                insert into audit_event_detail (payload_id, source, event_id, data_sha256, data_size, attributes,
                    retention_class, kafka_topic, kafka_partition, kafka_offset)
                values (nextval('audit_payload_id_seq'), ?, ?, repeat('0', 64), 0, '[]', 'decision', 'test', 0, 0)""")) {
            write.setString(1, source);
            write.setString(2, id);
            write.executeUpdate();
        }
    }

    private AppendResult append(List<PreparedEvent> batch) throws Exception {
        return append(log, batch);
    }

    private AppendResult append(AuditLog target, List<PreparedEvent> batch) throws Exception {
        partitions.ensure(batch.stream().map(event -> PayloadPartitions.monthOf(event.payloadExpiresAt())).toList())
                .await().indefinitely();
        return target.appendBlocking(batch);
    }

    private void assertVerified() {
        VerificationReport report = verification.verify("AuditLogAppendTest").await().indefinitely();
        assertThat(report.problems()).isEmpty();
        assertThat(report.ok()).isTrue();
    }

    private List<PreparedEvent> events(String source, int from, int count) {
        List<PreparedEvent> events = new ArrayList<>();
        Instant receivedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        for (int i = from; i < from + count; i++) {
            byte[] data = ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8);
            CloudEvent event = new CloudEvent("event-" + i, source, "polity.decision.made", "model/test/m" + i,
                    receivedAt, "application/json", Map.of(CloudEvent.EXTENSION_ORGANIZATION, "test-org"), data);
            List<AuditEntries.Header> headers = new ArrayList<>();
            event.toKafkaHeaders().forEach((name, value) ->
                    headers.add(new AuditEntries.Header(name, new String(value, StandardCharsets.UTF_8))));
            String attributes = AuditEntries.toJsonText(headers);
            String dataSha256 = Hashes.sha256Hex(data);
            String retentionClass = retention.classOf(event.type());
            events.add(new PreparedEvent(
                    new ReceivedEvent(event, attributes, data, dataSha256, receivedAt, Topics.AUDIT_EVENTS, 0, i, event.subject()),
                    Merkle.leafHash(AuditEntries.entry(attributes, dataSha256)), retentionClass,
                    retention.expiresAt(retentionClass, receivedAt)));
        }
        return events;
    }

    private static List<String> ids(String source, int from, int count) {
        List<String> ids = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            ids.add("event-" + i);
        }
        return ids;
    }

    /** The source's stored event ids in sequence order. */
    private List<String> storedIds(String source) throws Exception {
        List<String> ids = new ArrayList<>();
        try (Connection db = dataSource.getConnection();
             PreparedStatement query = db.prepareStatement("select d.event_id from audit_event e join audit_event_detail d on d.payload_id = e.payload_id "
                             + "where d.source = ? order by e.sequence")) {
            query.setString(1, source);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getString(1));
                }
            }
        }
        return ids;
    }

    private long sequenceOf(String source, int n) throws Exception {
        try (Connection db = dataSource.getConnection();
             PreparedStatement query = db.prepareStatement("select e.sequence from audit_event e join audit_event_detail d on d.payload_id = e.payload_id "
                             + "where d.source = ? and d.event_id = ?")) {
            query.setString(1, source);
            query.setString(2, "event-" + n);
            try (ResultSet row = query.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }
}
