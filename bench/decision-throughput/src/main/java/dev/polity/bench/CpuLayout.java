package dev.polity.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Which CPUs the benchmark's processes may run on (Linux's {@code taskset}), the same in both phases of a layout.
 *
 * <ul>
 *   <li>{@code shared}: every process on every CPU. The gateway's CPU comes out of what the node, its broker and the
 *       load generator have, so its share says how much machine time the gateway adds per decision, and it falls
 *       whenever the node gets cheaper.</li>
 *   <li>{@code split}: the policy node and its Kafka broker on the first half of the CPUs, and everything else (the
 *       gateway, the load generator, this JVM with its OIDC provider) on the other half, as the charts deploy the
 *       gateway: in pods of its own, with its own CPU limit, in front of the node's pods. The node has the same CPUs in
 *       both phases, so the share says whether putting the gateway in front of it costs the node throughput.</li>
 * </ul>
 */
final class CpuLayout {

    private final String name;
    /** taskset CPU list of the node and the broker. */
    private final String nodeCpus;
    /** taskset CPU list of everything else. */
    private final String otherCpus;

    private CpuLayout(String name, String nodeCpus, String otherCpus) {
        this.name = name;
        this.nodeCpus = nodeCpus;
        this.otherCpus = otherCpus;
    }

    /** {@code shared} or {@code split} on a machine of {@code cpus} CPUs, numbered from 0. */
    static CpuLayout of(String name, int cpus) {
        String all = cpus == 1 ? "0" : "0-" + (cpus - 1);
        return switch (name) {
            case "shared" -> new CpuLayout(name, all, all);
            case "split" -> {
                if (cpus < 2) {
                    throw new IllegalArgumentException("the split layout needs at least 2 CPUs; this machine has " + cpus);
                }
                int half = cpus / 2;
                yield new CpuLayout(name, range(0, half - 1), range(half, cpus - 1));
            }
            default -> throw new IllegalArgumentException("layout must be shared or split, not '" + name + "'");
        };
    }

    private static String range(int first, int last) {
        return first == last ? String.valueOf(first) : first + "-" + last;
    }

    String name() {
        return name;
    }

    /** One line for the output: where each process runs. */
    String describe() {
        return name.equals("shared") ? "layout shared: every process on CPUs " + nodeCpus
                : "layout split: policy node and Kafka broker on CPUs " + nodeCpus + "; gateway, load generator, benchmark and OIDC provider on CPUs " + otherCpus;
    }

    /** Moves the running processes (all their threads; threads they start later inherit it) to this layout's CPUs. */
    void apply(long nodePid, long brokerPid, long gatewayPid) throws IOException, InterruptedException {
        pin(nodePid, nodeCpus);
        pin(brokerPid, nodeCpus);
        pin(gatewayPid, otherCpus);
        pin(ProcessHandle.current().pid(), otherCpus);
    }

    /** A load generator's command, started on the CPUs of everything outside the node. */
    List<String> loadGenerator(List<String> command) {
        List<String> pinned = new ArrayList<>(List.of("taskset", "-c", otherCpus));
        pinned.addAll(command);
        return pinned;
    }

    private static void pin(long pid, String cpus) throws IOException, InterruptedException {
        Process taskset = new ProcessBuilder("taskset", "-a", "-p", "-c", cpus, String.valueOf(pid)).redirectErrorStream(true).start();
        String output = new String(taskset.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (taskset.waitFor() != 0) {
            throw new IllegalStateException("taskset could not move process " + pid + " to CPUs " + cpus + ":\n" + output);
        }
    }
}
