package dev.polity.contracts.audit;

import dev.polity.contracts.crypto.Ed25519;
import dev.polity.contracts.crypto.Hashes;
import dev.polity.contracts.events.CloudEvent;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

class AuditExportVerificationTest {

    private static final String ORIGIN = "polity-audit-test";
    private final KeyPair keys = Ed25519.generateKeyPair();

    /** An in-memory log: entries, every leaf, and checkpoints at the given sizes. */
    private final class Log {
        final List<ExportEntry> entries = new ArrayList<>();
        final List<byte[]> leaves = new ArrayList<>();
        final List<Checkpoint> checkpoints = new ArrayList<>();

        Log(int size, int... checkpointSizes) {
            for (int i = 1; i <= size; i++) {
                byte[] data = ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8);
                CloudEvent event = new CloudEvent("id-" + i, "/polity/test", "polity.model.registered", "model/acme/m" + i,
                        Instant.parse("2025-01-01T00:00:00Z").plusSeconds(i), "application/json",
                        Map.of(CloudEvent.EXTENSION_ORGANIZATION, i % 3 == 0 ? "globex" : "acme",
                                CloudEvent.EXTENSION_ACTOR, "alice"), data);
                List<AuditEntries.Header> headers = new ArrayList<>();
                event.toKafkaHeaders().forEach((name, value) -> headers.add(
                        new AuditEntries.Header(name, new String(value, StandardCharsets.UTF_8))));
                String dataSha256 = Hashes.sha256Hex(data);
                byte[] leaf = AuditEntries.leafHash(headers, dataSha256);
                leaves.add(leaf);
                entries.add(new ExportEntry(i, AuditEntries.hex(leaf), ExportEntry.PRESENT, ExportEntry.headerPairs(headers),
                        dataSha256, Base64.getEncoder().encodeToString(data), event.id(), event.source(), event.type(),
                        event.subject(), event.time(), event.organization(), event.actor(), event.dataContentType(),
                        Instant.parse("2025-06-01T00:00:00Z").plusSeconds(i)));
            }
            for (int checkpointSize : checkpointSizes) {
                checkpoints.add(Checkpoint.sign(ORIGIN, checkpointSize, Merkle.root(leaves.subList(0, checkpointSize)),
                        Instant.parse("2025-06-01T00:00:00Z").plusSeconds(checkpointSize), keys.getPrivate(), keys.getPublic()));
            }
        }

        /** An export of the entries after checkpoint {@code startSize} (0 = from the beginning). */
        byte[] export(long startSize, UnaryOperator<ExportEntry> change) {
            Checkpoint start = checkpoints.stream().filter(c -> c.treeSize() == startSize).findFirst().orElse(null);
            List<Checkpoint> after = checkpoints.stream().filter(c -> c.treeSize() > startSize).toList();
            Merkle.SubtreeSource source = MerkleTest.source(leaves);
            List<String> frontier = Merkle.frontierSubtrees(startSize).stream()
                    .map(s -> AuditEntries.hex(source.hash(s.level(), s.index()))).toList();
            List<ConsistencyProof> proofs = new ArrayList<>();
            long previous = startSize;
            for (Checkpoint checkpoint : after) {
                if (previous > 0) {
                    proofs.add(ConsistencyProof.of(previous, checkpoint.treeSize(),
                            Merkle.consistencyProof(previous, checkpoint.treeSize(), source)));
                }
                previous = checkpoint.treeSize();
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(AuditExports.begin(ORIGIN, Instant.now(), null, null, null, List.of(LogKey.of(keys.getPublic())),
                    new ExportStart(startSize, start, frontier), after, proofs));
            boolean first = true;
            for (ExportEntry entry : entries.subList((int) startSize, (int) previous)) {
                out.writeBytes(AuditExports.entry(change.apply(entry), first));
                first = false;
            }
            out.writeBytes(AuditExports.end());
            return out.toByteArray();
        }
    }

    @Test
    void verifiesAnUntouchedExportFromTheBeginning() throws IOException {
        Log log = new Log(25, 4, 10, 25);
        VerificationReport report = verify(log.export(0, e -> e));
        assertThat(report.problems()).isEmpty();
        assertThat(report.ok()).isTrue();
        assertThat(report.entriesChecked()).isEqualTo(25);
        assertThat(report.checkpointsChecked()).isEqualTo(3);
        assertThat(report.verifiedTreeSize()).isEqualTo(25);
        assertThat(report.firstMismatchSequence()).isNull();
    }

    @Test
    void verifiesAnExportThatStartsAtACheckpointFromItsFrontierAlone() throws IOException {
        Log log = new Log(40, 13, 21, 40);
        VerificationReport report = verify(log.export(13, e -> e));
        assertThat(report.problems()).isEmpty();
        assertThat(report.firstSequence()).isEqualTo(14);
        assertThat(report.lastSequence()).isEqualTo(40);
        assertThat(report.verifiedTreeSize()).isEqualTo(40);
    }

    @Test
    void namesTheEntryWhoseDataWasChanged() throws IOException {
        Log log = new Log(30, 8, 30);
        VerificationReport report = verify(log.export(0, e -> e.sequence() == 17
                ? withData(e, Base64.getEncoder().encodeToString("{\"n\":1700}".getBytes(StandardCharsets.UTF_8)))
                : e));
        assertThat(report.ok()).isFalse();
        assertThat(report.firstMismatchSequence()).isEqualTo(17);
        assertThat(report.verifiedTreeSize()).isEqualTo(8);
        assertThat(report.problems().getFirst().sequence()).isEqualTo(17);
    }

    @Test
    void namesTheEntryWhoseIndexedFieldWasChanged() throws IOException {
        Log log = new Log(12, 12);
        VerificationReport report = verify(log.export(0, e -> e.sequence() == 5
                ? new ExportEntry(e.sequence(), e.leafHash(), e.payload(), e.headers(), e.dataSha256(), e.data(), e.id(),
                e.source(), e.type(), e.subject(), e.time(), e.organization(), "mallory", e.dataContentType(), e.receivedAt())
                : e));
        assertThat(report.firstMismatchSequence()).isEqualTo(5);
        assertThat(report.problems()).singleElement().satisfies(p -> assertThat(p.problem()).contains("actor"));
    }

    @Test
    void namesTheCheckpointWhenALeafHashWasRewrittenToMatchAChangedEntry() throws IOException {
        Log log = new Log(20, 10, 20);
        VerificationReport report = verify(log.export(0, e -> {
            if (e.sequence() != 15) {
                return e;
            }
            List<AuditEntries.Header> headers = new ArrayList<>(e.headerList());
            headers.set(3, new AuditEntries.Header(headers.get(3).name(), "polity.model.deleted"));
            String leaf = AuditEntries.hex(AuditEntries.leafHash(headers, e.dataSha256()));
            return new ExportEntry(e.sequence(), leaf, e.payload(), ExportEntry.headerPairs(headers), e.dataSha256(), e.data(),
                    e.id(), e.source(), "polity.model.deleted", e.subject(), e.time(), e.organization(), e.actor(),
                    e.dataContentType(), e.receivedAt());
        }));
        assertThat(report.ok()).isFalse();
        assertThat(report.firstMismatchSequence()).isNull();
        assertThat(report.firstMismatchTreeSize()).isEqualTo(20);
        assertThat(report.verifiedTreeSize()).isEqualTo(10);
        assertThat(report.problems().getFirst().problem()).contains("between 11 and 20");
    }

    @Test
    void verifiesWithheldAndExpiredEntriesThroughTheirLeafHashes() throws IOException {
        Log log = new Log(9, 9);
        VerificationReport report = verify(log.export(0, e -> switch ((int) e.sequence() % 3) {
            case 0 -> ExportEntry.withheld(e.sequence(), e.leafHash());
            case 1 -> withData(new ExportEntry(e.sequence(), e.leafHash(), ExportEntry.EXPIRED, e.headers(), e.dataSha256(),
                    null, e.id(), e.source(), e.type(), e.subject(), e.time(), e.organization(), e.actor(),
                    e.dataContentType(), e.receivedAt()), null);
            default -> e;
        }));
        assertThat(report.problems()).isEmpty();
        assertThat(report.verifiedTreeSize()).isEqualTo(9);
    }

    @Test
    void refusesCheckpointsSignedByAnotherKeyOrThatShrink() throws IOException {
        Log log = new Log(10, 5, 10);
        KeyPair other = Ed25519.generateKeyPair();
        VerificationReport wrongKey = AuditExports.verify(new ByteArrayInputStream(log.export(0, e -> e)),
                Map.of(Ed25519.keyId(other.getPublic()), other.getPublic()));
        assertThat(wrongKey.ok()).isFalse();
        assertThat(wrongKey.firstMismatchTreeSize()).isEqualTo(5);
        assertThat(wrongKey.verifiedTreeSize()).isZero();

        AuditVerifier verifier = new AuditVerifier(ORIGIN, trusted(), false);
        verifier.start(0, null, List.of());
        verifier.checkpoints(List.of(log.checkpoints.get(1), log.checkpoints.get(0)));
        log.entries.forEach(verifier::entry);
        VerificationReport shrinking = verifier.finish();
        assertThat(shrinking.problems()).anySatisfy(p -> assertThat(p.problem()).contains("does not grow"));
    }

    @Test
    void refusesAnInconsistentCheckpoint() throws IOException {
        Log log = new Log(12, 6, 12);
        // A second history that shares nothing with the first after leaf 3.
        Log fork = new Log(12);
        List<byte[]> forked = new ArrayList<>(log.leaves.subList(0, 3));
        forked.addAll(fork.leaves.subList(3, 12).stream().map(l -> Merkle.leafHash(l)).toList());
        Checkpoint forkedCheckpoint = Checkpoint.sign(ORIGIN, 12, Merkle.root(forked), Instant.parse("2025-06-02T00:00:00Z"),
                keys.getPrivate(), keys.getPublic());
        AuditVerifier verifier = new AuditVerifier(ORIGIN, trusted(), true);
        verifier.start(0, null, List.of());
        verifier.checkpoints(List.of(log.checkpoints.get(0), forkedCheckpoint));
        verifier.consistency(ConsistencyProof.of(6, 12, Merkle.consistencyProof(6, 12, MerkleTest.source(log.leaves))));
        log.entries.forEach(verifier::entry);
        VerificationReport report = verifier.finish();
        assertThat(report.ok()).isFalse();
        assertThat(report.firstMismatchTreeSize()).isEqualTo(12);
        assertThat(report.verifiedTreeSize()).isEqualTo(6);
    }

    @Test
    void theCommandLineVerifierExitsWithTheVerdict(@org.junit.jupiter.api.io.TempDir Path directory) throws IOException {
        Log log = new Log(16, 16);
        Path good = directory.resolve("good.json");
        Files.write(good, log.export(0, e -> e));
        Path bad = directory.resolve("bad.json");
        Files.write(bad, log.export(0, e -> e.sequence() == 3 ? withData(e, "AAAA") : e));
        Path key = directory.resolve("audit-public-key.pem");
        Files.writeString(key, "-----BEGIN PUBLIC KEY-----\n" + Ed25519.encodePublicKey(keys.getPublic()) + "\n-----END PUBLIC KEY-----\n");

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(VerifyAuditExport.run(new String[] {good.toString(), key.toString()}, new PrintStream(out), new PrintStream(err)))
                .isZero();
        assertThat(err.toString()).startsWith("VERIFIED");
        err.reset();
        assertThat(VerifyAuditExport.run(new String[] {bad.toString(), Ed25519.encodePublicKey(keys.getPublic())},
                new PrintStream(out), new PrintStream(err))).isEqualTo(1);
        assertThat(err.toString()).contains("first mismatching sequence 3");
        assertThat(VerifyAuditExport.run(new String[] {good.toString()}, new PrintStream(out), new PrintStream(err))).isEqualTo(2);
    }

    private Map<String, PublicKey> trusted() {
        return Map.of(Ed25519.keyId(keys.getPublic()), keys.getPublic());
    }

    private VerificationReport verify(byte[] export) throws IOException {
        return AuditExports.verify(new ByteArrayInputStream(export), trusted());
    }

    private static ExportEntry withData(ExportEntry e, String data) {
        return new ExportEntry(e.sequence(), e.leafHash(), e.payload(), e.headers(), e.dataSha256(), data, e.id(), e.source(),
                e.type(), e.subject(), e.time(), e.organization(), e.actor(), e.dataContentType(), e.receivedAt());
    }
}
