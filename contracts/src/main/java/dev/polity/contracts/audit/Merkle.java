package dev.polity.contracts.audit;

import dev.polity.contracts.crypto.Hashes;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Merkle tree hashing and proofs of RFC 6962 / RFC 9162 §2.1: leaf hash {@code SHA-256(0x00 || entry)},
 * node hash {@code SHA-256(0x01 || left || right)}, the tree of {@code n} leaves split at the largest power of
 * two smaller than {@code n}, the empty tree's hash {@code SHA-256("")}. Leaf {@code i} (0-based) of the audit
 * log is the event with sequence number {@code i + 1}.
 *
 * <p>Proofs are computed from a {@link SubtreeSource}: the hash of any complete, aligned subtree (level
 * {@code l}, index {@code i}: leaves {@code i·2^l} to {@code (i+1)·2^l - 1}). A store that keeps only some
 * levels can first ask {@link #subtreesForInclusion} / {@link #subtreesForConsistency} which subtrees a proof
 * needs, fetch what it keeps in one go, and then compute the proof.
 */
public final class Merkle {

    public static final int HASH_SIZE = 32;
    private static final byte LEAF_PREFIX = 0x00;
    private static final byte NODE_PREFIX = 0x01;
    private static final byte[] EMPTY_ROOT = Hashes.sha256(new byte[0]);

    private Merkle() {
    }

    /** The hash of a complete, aligned subtree: level 0 is a leaf hash. */
    @FunctionalInterface
    public interface SubtreeSource {
        byte[] hash(int level, long index);
    }

    /** A complete, aligned subtree: leaves {@code index·2^level} to {@code (index+1)·2^level - 1}. */
    public record Subtree(int level, long index) {
        public long firstLeaf() {
            return index << level;
        }

        public long size() {
            return 1L << level;
        }
    }

    public static byte[] leafHash(byte[] entry) {
        MessageDigest sha = Hashes.newSha256();
        sha.update(LEAF_PREFIX);
        return sha.digest(entry);
    }

    public static byte[] nodeHash(byte[] left, byte[] right) {
        MessageDigest sha = Hashes.newSha256();
        sha.update(NODE_PREFIX);
        sha.update(left);
        return sha.digest(right);
    }

    /** The root of the empty tree: SHA-256 of nothing. */
    public static byte[] emptyRoot() {
        return EMPTY_ROOT.clone();
    }

    /** The root of a tree of the given leaf hashes, computed directly (fine for small trees and tests). */
    public static byte[] root(List<byte[]> leafHashes) {
        MerkleFrontier frontier = new MerkleFrontier();
        leafHashes.forEach(frontier::append);
        return frontier.root();
    }

    /** MTH(D[from:to]) for leaves {@code from} (inclusive) to {@code to} (exclusive), from complete subtrees. */
    public static byte[] rangeHash(long from, long to, SubtreeSource source) {
        if (to <= from) {
            if (to == from && from == 0) {
                return emptyRoot();
            }
            throw new IllegalArgumentException("empty or inverted range [" + from + ", " + to + ")");
        }
        long size = to - from;
        if (Long.bitCount(size) == 1 && from % size == 0) {
            int level = Long.numberOfTrailingZeros(size);
            return Objects.requireNonNull(source.hash(level, from >> level), "no hash for subtree");
        }
        long k = largestPowerOfTwoBelow(size);
        return nodeHash(rangeHash(from, from + k, source), rangeHash(from + k, to, source));
    }

    /** The subtrees {@link #rangeHash(long, long, SubtreeSource)} reads, in the order it reads them. */
    public static void subtreesOfRange(long from, long to, Set<Subtree> out) {
        if (to <= from) {
            return;
        }
        long size = to - from;
        if (Long.bitCount(size) == 1 && from % size == 0) {
            int level = Long.numberOfTrailingZeros(size);
            out.add(new Subtree(level, from >> level));
            return;
        }
        long k = largestPowerOfTwoBelow(size);
        subtreesOfRange(from, from + k, out);
        subtreesOfRange(from + k, to, out);
    }

    /** RFC 9162 §2.1.3.1: the audit path of leaf {@code index} in the tree of {@code size} leaves, leaf side first. */
    public static List<byte[]> inclusionProof(long index, long size, SubtreeSource source) {
        if (index < 0 || index >= size) {
            throw new IllegalArgumentException("leaf " + index + " is not in a tree of " + size);
        }
        List<long[]> ranges = new ArrayList<>();
        inclusionRanges(index, 0, size, ranges);
        List<byte[]> proof = new ArrayList<>(ranges.size());
        for (long[] range : ranges) {
            proof.add(rangeHash(range[0], range[1], source));
        }
        return proof;
    }

    /** The subtrees {@link #inclusionProof} reads. */
    public static Set<Subtree> subtreesForInclusion(long index, long size) {
        if (index < 0 || index >= size) {
            throw new IllegalArgumentException("leaf " + index + " is not in a tree of " + size);
        }
        List<long[]> ranges = new ArrayList<>();
        inclusionRanges(index, 0, size, ranges);
        Set<Subtree> subtrees = new LinkedHashSet<>();
        ranges.forEach(range -> subtreesOfRange(range[0], range[1], subtrees));
        return subtrees;
    }

    /** RFC 9162 §2.1.4.1: the proof that the tree of {@code first} leaves is a prefix of the tree of {@code second}. */
    public static List<byte[]> consistencyProof(long first, long second, SubtreeSource source) {
        List<long[]> ranges = consistencyRanges(first, second);
        List<byte[]> proof = new ArrayList<>(ranges.size());
        for (long[] range : ranges) {
            proof.add(rangeHash(range[0], range[1], source));
        }
        return proof;
    }

    /** The subtrees {@link #consistencyProof} reads. */
    public static Set<Subtree> subtreesForConsistency(long first, long second) {
        Set<Subtree> subtrees = new LinkedHashSet<>();
        consistencyRanges(first, second).forEach(range -> subtreesOfRange(range[0], range[1], subtrees));
        return subtrees;
    }

    /** The complete subtrees on the right edge of a tree of {@code size} leaves, largest first (a {@link MerkleFrontier}). */
    public static List<Subtree> frontierSubtrees(long size) {
        List<Subtree> subtrees = new ArrayList<>();
        long start = 0;
        for (int level = 63; level >= 0; level--) {
            if ((size & (1L << level)) != 0) {
                subtrees.add(new Subtree(level, start >> level));
                start += 1L << level;
            }
        }
        return subtrees;
    }

    /**
     * RFC 9162 §2.1.3.2: whether {@code proof} shows that {@code leafHash} is leaf {@code index} of the tree of
     * {@code size} leaves whose root is {@code root}.
     */
    public static boolean verifyInclusion(long index, long size, byte[] leafHash, List<byte[]> proof, byte[] root) {
        if (index < 0 || index >= size || leafHash == null || root == null) {
            return false;
        }
        long fn = index;
        long sn = size - 1;
        byte[] r = leafHash;
        for (byte[] p : proof) {
            if (sn == 0 || p == null || p.length != HASH_SIZE) {
                return false;
            }
            if ((fn & 1) == 1 || fn == sn) {
                r = nodeHash(p, r);
                if ((fn & 1) == 0) {
                    while ((fn & 1) == 0 && fn != 0) {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            } else {
                r = nodeHash(r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && MessageDigest.isEqual(r, root);
    }

    /**
     * RFC 9162 §2.1.4.2: whether {@code proof} shows that the tree of {@code first} leaves with root
     * {@code firstRoot} is a prefix of the tree of {@code second} leaves with root {@code secondRoot}. A tree of 0
     * leaves is a prefix of every tree (empty proof); equal sizes need equal roots and an empty proof.
     */
    public static boolean verifyConsistency(long first, long second, byte[] firstRoot, byte[] secondRoot, List<byte[]> proof) {
        if (first < 0 || second < first || firstRoot == null || secondRoot == null) {
            return false;
        }
        if (first == second) {
            return proof.isEmpty() && MessageDigest.isEqual(firstRoot, secondRoot);
        }
        if (first == 0) {
            return proof.isEmpty() && MessageDigest.isEqual(firstRoot, EMPTY_ROOT);
        }
        List<byte[]> path = new ArrayList<>(proof);
        if (Long.bitCount(first) == 1) {
            path.addFirst(firstRoot);
        }
        if (path.isEmpty()) {
            return false;
        }
        for (byte[] p : path) {
            if (p == null || p.length != HASH_SIZE) {
                return false;
            }
        }
        long fn = first - 1;
        long sn = second - 1;
        while ((fn & 1) == 1) {
            fn >>= 1;
            sn >>= 1;
        }
        byte[] fr = path.getFirst();
        byte[] sr = path.getFirst();
        for (byte[] c : path.subList(1, path.size())) {
            if (sn == 0) {
                return false;
            }
            if ((fn & 1) == 1 || fn == sn) {
                fr = nodeHash(c, fr);
                sr = nodeHash(c, sr);
                if ((fn & 1) == 0) {
                    while ((fn & 1) == 0 && fn != 0) {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            } else {
                sr = nodeHash(sr, c);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && MessageDigest.isEqual(fr, firstRoot) && MessageDigest.isEqual(sr, secondRoot);
    }

    /** The largest power of two strictly smaller than {@code n} ({@code n >= 2}). */
    static long largestPowerOfTwoBelow(long n) {
        return Long.highestOneBit(n - 1);
    }

    private static void inclusionRanges(long index, long from, long to, List<long[]> out) {
        long size = to - from;
        if (size <= 1) {
            return;
        }
        long k = largestPowerOfTwoBelow(size);
        if (index < k) {
            inclusionRanges(index, from, from + k, out);
            out.add(new long[] {from + k, to});
        } else {
            inclusionRanges(index - k, from + k, to, out);
            out.add(new long[] {from, from + k});
        }
    }

    private static List<long[]> consistencyRanges(long first, long second) {
        if (first < 0 || second < first) {
            throw new IllegalArgumentException("no consistency proof from " + first + " to " + second);
        }
        List<long[]> out = new ArrayList<>();
        if (first > 0 && first < second) {
            subproofRanges(first, 0, second, true, out);
        }
        return out;
    }

    private static void subproofRanges(long m, long from, long to, boolean complete, List<long[]> out) {
        long n = to - from;
        if (m == n) {
            if (!complete) {
                out.add(new long[] {from, to});
            }
            return;
        }
        long k = largestPowerOfTwoBelow(n);
        if (m <= k) {
            subproofRanges(m, from, from + k, complete, out);
            out.add(new long[] {from + k, to});
        } else {
            subproofRanges(m - k, from + k, to, false, out);
            out.add(new long[] {from, from + k});
        }
    }
}
