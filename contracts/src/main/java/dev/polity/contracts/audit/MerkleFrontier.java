package dev.polity.contracts.audit;

import java.util.ArrayList;
import java.util.List;

/**
 * The right edge of an append-only RFC 6962 tree: for a tree of {@code size} leaves, the hash of one complete
 * subtree per set bit of {@code size}, largest first (at most 64 hashes). That is all it takes to append leaves
 * and to compute the root, so a log that keeps its frontier next to its size never rereads old leaves.
 *
 * <p>Its binary form ({@link #toBytes()}) is the concatenation of those hashes; the size says which levels they
 * are. Not thread-safe.
 */
public final class MerkleFrontier {

    private long size;
    /** Hashes of the frontier subtrees, largest (leftmost) first; levels follow from the bits of size. */
    private final List<byte[]> hashes = new ArrayList<>();

    /** A complete subtree finished by an {@link #append}: its level (1 or more), index and hash. */
    public record Node(int level, long index, byte[] hash) {
    }

    public MerkleFrontier() {
    }

    private MerkleFrontier(long size, List<byte[]> hashes) {
        this.size = size;
        this.hashes.addAll(hashes);
    }

    /**
     * Restores a frontier from its size and hashes.
     *
     * @throws IllegalArgumentException when the number of hashes does not match the set bits of {@code size}
     */
    public static MerkleFrontier of(long size, List<byte[]> hashes) {
        if (size < 0 || hashes.size() != Long.bitCount(size)) {
            throw new IllegalArgumentException("a tree of " + size + " leaves has " + Long.bitCount(size)
                    + " frontier hashes, not " + hashes.size());
        }
        for (byte[] hash : hashes) {
            if (hash == null || hash.length != Merkle.HASH_SIZE) {
                throw new IllegalArgumentException("frontier hashes are 32 bytes");
            }
        }
        return new MerkleFrontier(size, hashes);
    }

    /** Restores a frontier from {@link #toBytes()}. */
    public static MerkleFrontier fromBytes(long size, byte[] bytes) {
        if (bytes.length % Merkle.HASH_SIZE != 0) {
            throw new IllegalArgumentException("a frontier is a multiple of 32 bytes");
        }
        List<byte[]> hashes = new ArrayList<>();
        for (int offset = 0; offset < bytes.length; offset += Merkle.HASH_SIZE) {
            byte[] hash = new byte[Merkle.HASH_SIZE];
            System.arraycopy(bytes, offset, hash, 0, Merkle.HASH_SIZE);
            hashes.add(hash);
        }
        return of(size, hashes);
    }

    public long size() {
        return size;
    }

    /** The frontier hashes, largest subtree first. */
    public List<byte[]> hashes() {
        return hashes.stream().map(byte[]::clone).toList();
    }

    public byte[] toBytes() {
        byte[] bytes = new byte[hashes.size() * Merkle.HASH_SIZE];
        for (int i = 0; i < hashes.size(); i++) {
            System.arraycopy(hashes.get(i), 0, bytes, i * Merkle.HASH_SIZE, Merkle.HASH_SIZE);
        }
        return bytes;
    }

    /** Appends a leaf hash (leaf index {@link #size()} before the call); returns the subtrees it completed. */
    public List<Node> append(byte[] leafHash) {
        if (leafHash == null || leafHash.length != Merkle.HASH_SIZE) {
            throw new IllegalArgumentException("leaf hashes are 32 bytes");
        }
        List<Node> completed = List.of();
        long leafIndex = size;
        byte[] hash = leafHash;
        int level = 0;
        // Each trailing 1-bit of size is a subtree of that level waiting for a right sibling of the same size.
        while (((size >> level) & 1) == 1) {
            hash = Merkle.nodeHash(hashes.removeLast(), hash);
            level++;
            if (completed.isEmpty()) {
                completed = new ArrayList<>(2);
            }
            completed.add(new Node(level, leafIndex >> level, hash));
        }
        hashes.add(hash);
        size++;
        return completed;
    }

    /** MTH of the whole tree: the frontier folded from the smallest subtree up; SHA-256("") when empty. */
    public byte[] root() {
        if (hashes.isEmpty()) {
            return Merkle.emptyRoot();
        }
        byte[] root = hashes.getLast();
        for (int i = hashes.size() - 2; i >= 0; i--) {
            root = Merkle.nodeHash(hashes.get(i), root);
        }
        return root;
    }

    public MerkleFrontier copy() {
        return new MerkleFrontier(size, hashes);
    }
}
