package dev.polity.contracts.audit;

import dev.polity.contracts.crypto.Hashes;
import dev.polity.contracts.events.CloudEvent;

import java.security.MessageDigest;
import java.security.PublicKey;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Checks a stretch of the audit log with nothing but the log's public key(s): every checkpoint signature, that
 * checkpoints only grow and are consistent with each other, every entry against the leaf hash the log committed
 * to (and against its own data and indexed fields), and every root recomputed from the leaves. Feed it in order:
 * {@link #start}, {@link #checkpoints}, any {@link #consistency} proofs, then every {@link #entry} in sequence
 * order, then {@link #finish}. It keeps only the frontier and the checkpoints in memory, so logs of any length
 * stream through it. Not thread-safe.
 */
public final class AuditVerifier {

    public static final int MAX_PROBLEMS = 100;

    private final Map<String, PublicKey> trustedKeys;
    private final boolean requireConsistencyProofs;
    private String origin;

    private MerkleFrontier frontier;
    private long startSize;
    /** Checkpoints after the start, by size. */
    private final NavigableMap<Long, Checkpoint> checkpoints = new TreeMap<>();
    /** Every checkpoint's root by size, the start's included. */
    private final Map<Long, byte[]> roots = new TreeMap<>();
    private final Set<Long> badCheckpoints = new HashSet<>();
    private final Set<String> provenPairs = new HashSet<>();
    private boolean proofsChecked;
    private Checkpoint latestCheckpoint;

    private long entriesChecked;
    private long checkpointsChecked;
    private long firstSequence;
    private long lastSequence;
    private long verifiedTreeSize;
    private boolean clean = true;
    private boolean chainBroken;
    private Long firstMismatchSequence;
    private Long firstMismatchTreeSize;
    private final List<VerificationReport.Problem> problems = new ArrayList<>();
    private long problemsTotal;

    /**
     * @param origin                   the log id every checkpoint must name, or null to take the first checkpoint's
     * @param trustedKeys              public keys by key id ({@link dev.polity.contracts.crypto.Ed25519#keyId})
     * @param requireConsistencyProofs whether a consistency proof must be given between each two consecutive
     *                                 checkpoints (an export carries them; a verifier that reads every leaf anyway
     *                                 may do without)
     */
    public AuditVerifier(String origin, Map<String, PublicKey> trustedKeys, boolean requireConsistencyProofs) {
        this.origin = origin;
        this.trustedKeys = Map.copyOf(trustedKeys);
        this.requireConsistencyProofs = requireConsistencyProofs;
    }

    /**
     * Where the entries begin: after {@code treeSize} leaves, whose signed checkpoint ({@code null} for 0) and
     * frontier are given.
     */
    public void start(long treeSize, Checkpoint checkpoint, List<byte[]> frontierHashes) {
        if (frontier != null) {
            throw new IllegalStateException("already started");
        }
        startSize = treeSize;
        try {
            frontier = MerkleFrontier.of(treeSize, frontierHashes);
        } catch (IllegalArgumentException e) {
            problem(null, treeSize, "the start frontier is malformed: " + e.getMessage());
            clean = false;
            chainBroken = true;
            frontier = new MerkleFrontier();
            return;
        }
        verifiedTreeSize = treeSize;
        if (treeSize == 0) {
            roots.put(0L, Merkle.emptyRoot());
            return;
        }
        if (checkpoint == null || checkpoint.treeSize() != treeSize) {
            problem(null, treeSize, "no signed checkpoint for the start of the export at tree size " + treeSize);
            clean = false;
            return;
        }
        if (!checkSignature(checkpoint)) {
            clean = false;
        }
        checkpointsChecked++;
        latestCheckpoint = checkpoint;
        byte[] signedRoot = rootOf(checkpoint);
        roots.put(treeSize, signedRoot);
        if (signedRoot == null || !MessageDigest.isEqual(frontier.root(), signedRoot)) {
            problem(null, treeSize, "the start frontier does not hash to the root of checkpoint " + treeSize);
            mismatchAt(treeSize);
            clean = false;
            chainBroken = true;
        }
    }

    /** The checkpoints after the start, oldest first: each must be signed, and sizes and times must only grow. */
    public void checkpoints(List<Checkpoint> list) {
        requireStarted();
        long previousSize = latestCheckpoint == null ? startSize : latestCheckpoint.treeSize();
        Instant previousTime = latestCheckpoint == null ? null : latestCheckpoint.timestamp();
        for (Checkpoint checkpoint : list) {
            checkpointsChecked++;
            boolean good = checkSignature(checkpoint);
            if (checkpoint.treeSize() <= previousSize) {
                problem(null, checkpoint.treeSize(), "checkpoint " + checkpoint.treeSize()
                        + " does not grow the log beyond " + previousSize);
                good = false;
            }
            if (previousTime != null && checkpoint.timestamp().isBefore(previousTime)) {
                problem(null, checkpoint.treeSize(), "checkpoint " + checkpoint.treeSize() + " is dated "
                        + checkpoint.timestamp() + ", before the previous checkpoint (" + previousTime + ")");
                good = false;
            }
            byte[] root = rootOf(checkpoint);
            if (root == null) {
                good = false;
            }
            if (!good) {
                badCheckpoints.add(checkpoint.treeSize());
                mismatchAt(checkpoint.treeSize());
            }
            if (checkpoint.treeSize() > previousSize) {
                checkpoints.put(checkpoint.treeSize(), checkpoint);
                if (root != null) {
                    roots.put(checkpoint.treeSize(), root);
                }
                previousSize = checkpoint.treeSize();
                previousTime = checkpoint.timestamp();
                latestCheckpoint = checkpoint;
            }
        }
    }

    /** A consistency proof between two of the checkpoints given (the start's included). */
    public void consistency(ConsistencyProof proof) {
        requireStarted();
        byte[] first = roots.get(proof.firstSize());
        byte[] second = roots.get(proof.secondSize());
        if (first == null || second == null) {
            problem(null, proof.secondSize(), "consistency proof from " + proof.firstSize() + " to "
                    + proof.secondSize() + " names a tree size without a checkpoint");
            return;
        }
        boolean valid;
        try {
            valid = Merkle.verifyConsistency(proof.firstSize(), proof.secondSize(), first, second, proof.proofBytes());
        } catch (IllegalArgumentException malformedHex) {
            valid = false;
        }
        if (valid) {
            provenPairs.add(proof.firstSize() + ":" + proof.secondSize());
        } else {
            problem(null, proof.secondSize(), "checkpoint " + proof.secondSize() + " is not consistent with checkpoint "
                    + proof.firstSize() + ": the consistency proof does not hold");
            badCheckpoints.add(proof.secondSize());
            mismatchAt(proof.secondSize());
        }
    }

    /** The next entry, in sequence order. */
    public void entry(ExportEntry entry) {
        requireStarted();
        checkProofsOnce();
        long expected = frontier.size() + 1;
        if (entriesChecked == 0) {
            firstSequence = entry.sequence();
        }
        lastSequence = entry.sequence();
        entriesChecked++;
        if (chainBroken) {
            checkEntryContent(entry);
            return;
        }
        if (entry.sequence() != expected) {
            entryProblem(entry.sequence(), entry.sequence() < expected
                    ? "sequence " + entry.sequence() + " repeats or goes back (expected " + expected + ")"
                    : "sequences " + expected + " to " + (entry.sequence() - 1) + " are missing");
            chainBroken = true;
            clean = false;
            return;
        }
        byte[] leaf = checkEntryContent(entry);
        if (leaf == null) {
            chainBroken = true;
            clean = false;
            return;
        }
        frontier.append(leaf);
        Checkpoint checkpoint = checkpoints.get(frontier.size());
        if (checkpoint != null) {
            byte[] signed = roots.get(checkpoint.treeSize());
            if (signed == null || !MessageDigest.isEqual(frontier.root(), signed)) {
                Long previous = checkpoints.lowerKey(checkpoint.treeSize());
                long from = (previous == null ? startSize : previous) + 1;
                problem(null, checkpoint.treeSize(), "the root of the first " + checkpoint.treeSize()
                        + " entries is not the one checkpoint " + checkpoint.treeSize() + " signed: an entry between "
                        + from + " and " + checkpoint.treeSize() + " was changed after it was logged");
                mismatchAt(checkpoint.treeSize());
                clean = false;
            } else if (badCheckpoints.contains(checkpoint.treeSize())) {
                clean = false;
            } else if (clean) {
                verifiedTreeSize = checkpoint.treeSize();
            }
        }
    }

    public VerificationReport finish() {
        requireStarted();
        checkProofsOnce();
        long reached = frontier.size();
        for (Checkpoint beyond : checkpoints.tailMap(reached, false).values()) {
            if (!chainBroken) {
                problem(null, beyond.treeSize(), "checkpoint " + beyond.treeSize() + " lies beyond the last entry ("
                        + reached + ") and cannot be checked");
            }
        }
        long signedSize = latestCheckpoint == null ? 0 : latestCheckpoint.treeSize();
        long unsigned = chainBroken ? 0 : Math.max(0, reached - signedSize);
        return new VerificationReport(problemsTotal == 0, origin, entriesChecked, checkpointsChecked, firstSequence,
                lastSequence, verifiedTreeSize, latestCheckpoint, unsigned, firstMismatchSequence, firstMismatchTreeSize,
                List.copyOf(problems), problemsTotal);
    }

    /** Checks an entry against itself and its leaf hash; returns the leaf hash to build the tree with, or null. */
    private byte[] checkEntryContent(ExportEntry entry) {
        long sequence = entry.sequence();
        byte[] stated = null;
        if (entry.leafHash() != null) {
            try {
                stated = AuditEntries.unhex(entry.leafHash());
            } catch (IllegalArgumentException e) {
                stated = null;
            }
            if (stated == null || stated.length != Merkle.HASH_SIZE) {
                entryProblem(sequence, "leaf_hash is not 64 hex digits");
                stated = null;
            }
        }
        if (ExportEntry.WITHHELD.equals(entry.payload())) {
            if (stated == null) {
                entryProblem(sequence, "a withheld entry needs its leaf_hash");
            }
            return stated;
        }
        List<AuditEntries.Header> headers;
        try {
            headers = entry.headerList();
        } catch (IllegalArgumentException e) {
            headers = null;
        }
        if (headers == null) {
            entryProblem(sequence, "the entry has no readable headers");
            return stated;
        }
        if (ExportEntry.PRESENT.equals(entry.payload())) {
            if (entry.data() == null) {
                entryProblem(sequence, "the payload is said to be present but there is no data");
            } else {
                try {
                    String actual = Hashes.sha256Hex(Base64.getDecoder().decode(entry.data()));
                    if (!actual.equals(entry.dataSha256())) {
                        entryProblem(sequence, "the data does not match data_sha256 (its SHA-256 is " + actual + ")");
                    }
                } catch (IllegalArgumentException e) {
                    entryProblem(sequence, "the data is not base64");
                }
            }
        } else if (ExportEntry.EXPIRED.equals(entry.payload())) {
            if (entry.data() != null) {
                entryProblem(sequence, "the payload is said to have expired but data is present");
            }
        } else {
            entryProblem(sequence, "unknown payload state '" + entry.payload() + "'");
        }
        checkIndexedFields(entry, headers);
        byte[] recomputed;
        try {
            recomputed = AuditEntries.leafHash(headers, entry.dataSha256());
        } catch (IllegalArgumentException e) {
            entryProblem(sequence, "cannot rebuild the entry: " + e.getMessage());
            return stated;
        }
        if (stated == null) {
            return recomputed;
        }
        if (!MessageDigest.isEqual(recomputed, stated)) {
            entryProblem(sequence, "the entry (headers and data_sha256) does not hash to the leaf hash the log committed to");
        }
        // Build the tree from what the log committed to: a changed entry is reported above, a changed leaf hash by
        // the root of the next checkpoint.
        return stated;
    }

    private void checkIndexedFields(ExportEntry entry, List<AuditEntries.Header> headers) {
        String p = CloudEvent.HEADER_PREFIX;
        compare(entry, "id", entry.id(), AuditEntries.lastValue(headers, p + "id"));
        compare(entry, "source", entry.source(), AuditEntries.lastValue(headers, p + "source"));
        compare(entry, "type", entry.type(), AuditEntries.lastValue(headers, p + "type"));
        compare(entry, "subject", entry.subject(), AuditEntries.lastValue(headers, p + "subject"));
        compare(entry, "organization", entry.organization(),
                AuditEntries.lastValue(headers, p + CloudEvent.EXTENSION_ORGANIZATION));
        compare(entry, "actor", entry.actor(), AuditEntries.lastValue(headers, p + CloudEvent.EXTENSION_ACTOR));
        compare(entry, "data_content_type", entry.dataContentType(),
                AuditEntries.lastValue(headers, CloudEvent.CONTENT_TYPE_HEADER));
        String time = AuditEntries.lastValue(headers, p + "time");
        Instant headerTime = null;
        try {
            headerTime = time == null ? null : OffsetDateTime.parse(time).toInstant();
        } catch (DateTimeParseException e) {
            headerTime = null;
        }
        // The log indexes times to the microsecond (PostgreSQL timestamptz); the header keeps what was sent.
        if (!Objects.equals(micros(entry.time()), micros(headerTime))) {
            entryProblem(entry.sequence(), "time says " + entry.time() + " but the headers say " + time);
        }
    }

    private static Instant micros(Instant time) {
        return time == null ? null : time.truncatedTo(ChronoUnit.MICROS);
    }

    private void compare(ExportEntry entry, String field, String shown, String committed) {
        if (!Objects.equals(shown, committed)) {
            entryProblem(entry.sequence(), field + " says '" + shown + "' but the headers the log committed to say '"
                    + committed + "'");
        }
    }

    private boolean checkSignature(Checkpoint checkpoint) {
        if (origin == null) {
            origin = checkpoint.origin();
        }
        boolean good = true;
        if (!origin.equals(checkpoint.origin())) {
            problem(null, checkpoint.treeSize(), "checkpoint " + checkpoint.treeSize() + " is of log '"
                    + checkpoint.origin() + "', not '" + origin + "'");
            good = false;
        }
        PublicKey key = checkpoint.keyId() == null ? null : trustedKeys.get(checkpoint.keyId());
        if (key == null) {
            problem(null, checkpoint.treeSize(), "checkpoint " + checkpoint.treeSize() + " is signed by key '"
                    + checkpoint.keyId() + "', which is not a trusted key");
            good = false;
        } else if (!checkpoint.verify(key)) {
            problem(null, checkpoint.treeSize(), "the signature of checkpoint " + checkpoint.treeSize()
                    + " does not verify (" + checkpoint.algorithm() + ", key " + checkpoint.keyId() + ")");
            good = false;
        }
        if (!good) {
            mismatchAt(checkpoint.treeSize());
        }
        return good;
    }

    private byte[] rootOf(Checkpoint checkpoint) {
        try {
            byte[] root = checkpoint.rootHashBytes();
            if (root.length == Merkle.HASH_SIZE) {
                return root;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        problem(null, checkpoint.treeSize(), "checkpoint " + checkpoint.treeSize() + " has a malformed root hash");
        return null;
    }

    private void checkProofsOnce() {
        if (proofsChecked) {
            return;
        }
        proofsChecked = true;
        if (!requireConsistencyProofs) {
            return;
        }
        long previous = startSize;
        for (long size : checkpoints.keySet()) {
            if (previous > 0 && !provenPairs.contains(previous + ":" + size)) {
                problem(null, size, "no valid consistency proof from checkpoint " + previous + " to " + size);
                badCheckpoints.add(size);
                mismatchAt(size);
            }
            previous = size;
        }
    }

    private void entryProblem(long sequence, String text) {
        if (firstMismatchSequence == null || sequence < firstMismatchSequence) {
            firstMismatchSequence = sequence;
        }
        clean = false;
        problem(sequence, null, "entry " + sequence + ": " + text);
    }

    private void mismatchAt(long treeSize) {
        if (firstMismatchTreeSize == null || treeSize < firstMismatchTreeSize) {
            firstMismatchTreeSize = treeSize;
        }
    }

    private void problem(Long sequence, Long treeSize, String text) {
        problemsTotal++;
        if (problems.size() < MAX_PROBLEMS) {
            problems.add(new VerificationReport.Problem(sequence, treeSize, text));
        }
    }

    private void requireStarted() {
        if (frontier == null) {
            throw new IllegalStateException("call start() first");
        }
    }
}
