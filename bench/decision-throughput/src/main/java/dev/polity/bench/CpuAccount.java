package dev.polity.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a phase's machine time went, per decision: the CPU time of each named process (user + system, from
 * {@code /proc/<pid>/stat}) and the machine's busy and idle time (from {@code /proc/stat}), sampled at the start and
 * the end of the phase. On one machine that runs everything, a phase's throughput is its busy cores divided by the
 * sum of these costs, so they say why two phases differ: what the gateway costs itself, and what the node and the
 * broker cost more per decision when they answer fewer decisions a second.
 */
final class CpuAccount {

    /** {@code /proc} counts CPU time in clock ticks of USER_HZ, which is 100 on Linux whatever the kernel's HZ. */
    private static final double MILLISECONDS_PER_TICK = 10.0;

    private final Map<String, Long> pids;

    /** @param pids the processes to account for, by the name to print, in the order to print them */
    CpuAccount(Map<String, Long> pids) {
        this.pids = new LinkedHashMap<>(pids);
    }

    /** The CPU time so far of each process, and of the machine. */
    Sample sample() {
        Map<String, Long> ticks = new LinkedHashMap<>();
        pids.forEach((name, pid) -> ticks.put(name, processTicks(pid)));
        long[] machine = machineTicks();
        return new Sample(ticks, machine[0], machine[1]);
    }

    /** CPU ticks (user + system) of a process and of its threads, dead ones included; 0 when it is gone. */
    static long processTicks(long pid) {
        try {
            return ticksOfStatLine(Files.readString(Path.of("/proc", String.valueOf(pid), "stat")));
        } catch (IOException e) {
            return 0;
        }
    }

    /** utime + stime of a {@code /proc/<pid>/stat} line: fields 14 and 15, counted after the parenthesised name. */
    static long ticksOfStatLine(String stat) {
        // The name (field 2) may hold spaces and parentheses; everything after its last ')' is space-separated.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // fields[0] is field 3 (state)
    }

    /** {busy, idle} ticks of all CPUs from the first line of {@code /proc/stat}. */
    private static long[] machineTicks() {
        try {
            return machineTicksOfCpuLine(Files.readAllLines(Path.of("/proc/stat")).get(0));
        } catch (IOException e) {
            return new long[] {0, 0};
        }
    }

    /**
     * {busy, idle} of a {@code cpu  user nice system idle iowait irq softirq steal ...} line: busy is user, nice,
     * system, irq and softirq; idle counts iowait. Steal (time the hypervisor gave to other guests) is neither.
     */
    static long[] machineTicksOfCpuLine(String line) {
        String[] fields = line.trim().split("\\s+");
        long busy = Long.parseLong(fields[1]) + Long.parseLong(fields[2]) + Long.parseLong(fields[3])
                + Long.parseLong(fields[6]) + Long.parseLong(fields[7]);
        long idle = Long.parseLong(fields[4]) + Long.parseLong(fields[5]);
        return new long[] {busy, idle};
    }

    /** CPU time so far. */
    record Sample(Map<String, Long> processTicks, long machineBusyTicks, long machineIdleTicks) {

        /** What happened between {@code start} and this sample. */
        Usage since(Sample start) {
            Map<String, Long> used = new LinkedHashMap<>();
            processTicks.forEach((name, ticks) -> used.put(name, ticks - start.processTicks.getOrDefault(name, ticks)));
            return new Usage(used, machineBusyTicks - start.machineBusyTicks, machineIdleTicks - start.machineIdleTicks);
        }
    }

    /** CPU time used over a phase (or summed over several). */
    record Usage(Map<String, Long> processTicks, long machineBusyTicks, long machineIdleTicks) {

        static final Usage NONE = new Usage(Map.of(), 0, 0);

        Usage plus(Usage other) {
            Map<String, Long> sum = new LinkedHashMap<>(processTicks);
            other.processTicks.forEach((name, ticks) -> sum.merge(name, ticks, Long::sum));
            return new Usage(sum, machineBusyTicks + other.machineBusyTicks, machineIdleTicks + other.machineIdleTicks);
        }

        /**
         * One line: each process's CPU per decision, the rest of the machine's busy time (the load generator, this
         * benchmark's JVM and OIDC provider, the kernel's work for nobody in particular) and the idle share.
         */
        String perDecision(long decisions) {
            StringBuilder line = new StringBuilder("CPU per decision (from /proc, over the phase):");
            long accounted = 0;
            for (Map.Entry<String, Long> process : processTicks.entrySet()) { // in the order the account was given them
                accounted += process.getValue();
                line.append(String.format(" %s %.3f ms,", process.getKey(), milliseconds(process.getValue(), decisions)));
            }
            line.append(String.format(" the rest (load generator, this JVM, kernel) %.3f ms; machine %.3f ms busy, %.1f %% idle",
                    milliseconds(machineBusyTicks - accounted, decisions), milliseconds(machineBusyTicks, decisions),
                    100.0 * machineIdleTicks / Math.max(1, machineBusyTicks + machineIdleTicks)));
            return line.toString();
        }

        private static double milliseconds(long ticks, long decisions) {
            return decisions == 0 ? 0 : ticks * MILLISECONDS_PER_TICK / decisions;
        }
    }
}
