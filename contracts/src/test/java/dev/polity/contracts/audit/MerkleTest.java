package dev.polity.contracts.audit;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class MerkleTest {

    /** The leaves and roots of RFC 6962's reference implementation tests (certificate-transparency). */
    private static final String[] LEAVES = {"", "00", "10", "2021", "3031", "40414243", "5051525354555657",
            "606162636465666768696a6b6c6d6e6f"};
    private static final String[] ROOTS = {
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
            "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
            "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
            "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
            "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"};

    @Test
    void reproducesTheRfc6962ReferenceRoots() {
        MerkleFrontier frontier = new MerkleFrontier();
        assertThat(hex(frontier.root())).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        for (int i = 0; i < LEAVES.length; i++) {
            frontier.append(Merkle.leafHash(HexFormat.of().parseHex(LEAVES[i])));
            assertThat(hex(frontier.root())).as("root of %d leaves", i + 1).isEqualTo(ROOTS[i]);
        }
    }

    @Test
    void frontierRootEqualsTheRecursiveDefinitionAndReportsEveryCompletedSubtree() {
        List<byte[]> leaves = leaves(70);
        MerkleFrontier frontier = new MerkleFrontier();
        List<MerkleFrontier.Node> completed = new ArrayList<>();
        for (int n = 1; n <= leaves.size(); n++) {
            completed.addAll(frontier.append(leaves.get(n - 1)));
            assertThat(frontier.root()).isEqualTo(mth(leaves.subList(0, n)));
            MerkleFrontier restored = MerkleFrontier.fromBytes(frontier.size(), frontier.toBytes());
            assertThat(restored.root()).isEqualTo(frontier.root());
        }
        // 70 leaves: 35 + 17 + 8 + 4 + 2 + 1 complete subtrees above the leaves.
        assertThat(completed).hasSize(67);
        for (MerkleFrontier.Node node : completed) {
            int from = (int) (node.index() << node.level());
            assertThat(node.hash()).isEqualTo(mth(leaves.subList(from, from + (1 << node.level()))));
        }
    }

    @Test
    void everyInclusionProofVerifiesAndATamperedOneDoesNot() {
        List<byte[]> leaves = leaves(37);
        Merkle.SubtreeSource source = source(leaves);
        for (int size = 1; size <= leaves.size(); size++) {
            byte[] root = mth(leaves.subList(0, size));
            for (int index = 0; index < size; index++) {
                List<byte[]> proof = Merkle.inclusionProof(index, size, source);
                assertThat(Merkle.verifyInclusion(index, size, leaves.get(index), proof, root))
                        .as("leaf %d of %d", index, size).isTrue();
                assertThat(Merkle.verifyInclusion(index, size, leaves.get((index + 1) % size), proof, root))
                        .isEqualTo(size == 1);
                if (!proof.isEmpty()) {
                    List<byte[]> tampered = new ArrayList<>(proof);
                    byte[] changed = tampered.getFirst().clone();
                    changed[0] ^= 1;
                    tampered.set(0, changed);
                    assertThat(Merkle.verifyInclusion(index, size, leaves.get(index), tampered, root)).isFalse();
                }
                Set<Merkle.Subtree> needed = Merkle.subtreesForInclusion(index, size);
                assertThat(Merkle.inclusionProof(index, size, (level, i) -> {
                    assertThat(needed).contains(new Merkle.Subtree(level, i));
                    return source.hash(level, i);
                })).hasSameSizeAs(proof);
            }
        }
    }

    @Test
    void everyConsistencyProofVerifiesAndWrongRootsDoNot() {
        List<byte[]> leaves = leaves(33);
        Merkle.SubtreeSource source = source(leaves);
        for (int second = 1; second <= leaves.size(); second++) {
            byte[] secondRoot = mth(leaves.subList(0, second));
            for (int first = 0; first <= second; first++) {
                byte[] firstRoot = first == 0 ? Merkle.emptyRoot() : mth(leaves.subList(0, first));
                List<byte[]> proof = Merkle.consistencyProof(first, second, source);
                assertThat(Merkle.verifyConsistency(first, second, firstRoot, secondRoot, proof))
                        .as("%d -> %d", first, second).isTrue();
                if (first > 0 && first < second) {
                    byte[] other = mth(leaves.subList(1, first + 1));
                    assertThat(Merkle.verifyConsistency(first, second, other, secondRoot, proof)).isFalse();
                    assertThat(Merkle.verifyConsistency(first, second, firstRoot, other, proof)).isFalse();
                }
                Set<Merkle.Subtree> needed = Merkle.subtreesForConsistency(first, second);
                Merkle.consistencyProof(first, second, (level, i) -> {
                    assertThat(needed).contains(new Merkle.Subtree(level, i));
                    return source.hash(level, i);
                });
            }
        }
    }

    @Test
    void frontierSubtreesFollowTheBitsOfTheSize() {
        assertThat(Merkle.frontierSubtrees(0)).isEmpty();
        assertThat(Merkle.frontierSubtrees(13)).containsExactly(
                new Merkle.Subtree(3, 0), new Merkle.Subtree(2, 2), new Merkle.Subtree(0, 12));
        List<byte[]> leaves = leaves(13);
        List<byte[]> hashes = Merkle.frontierSubtrees(13).stream()
                .map(s -> source(leaves).hash(s.level(), s.index())).toList();
        assertThat(MerkleFrontier.of(13, hashes).root()).isEqualTo(mth(leaves));
    }

    static List<byte[]> leaves(int count) {
        List<byte[]> leaves = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            leaves.add(Merkle.leafHash(("leaf " + i).getBytes()));
        }
        return leaves;
    }

    /** Complete subtrees computed straight from the leaves. */
    static Merkle.SubtreeSource source(List<byte[]> leaves) {
        return (level, index) -> {
            int from = (int) (index << level);
            return mth(leaves.subList(from, from + (1 << level)));
        };
    }

    /** RFC 6962 §2.1 MTH, literally. */
    static byte[] mth(List<byte[]> leaves) {
        if (leaves.size() == 1) {
            return leaves.getFirst();
        }
        int k = Integer.highestOneBit(leaves.size() - 1);
        return Merkle.nodeHash(mth(leaves.subList(0, k)), mth(leaves.subList(k, leaves.size())));
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
