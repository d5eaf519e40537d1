package dev.polity.devstack;

import java.util.List;
import java.util.stream.Collectors;

/** Run by {@link LifecycleTest} in a JVM of its own, which the test then SIGKILLs. */
public final class OrphanProbeMain {

    static final String MARKER = "DEVSTACK-PROBE ";

    private OrphanProbeMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Devstack devstack = Devstack.start(DevstackOptions.builder().mode(DevstackMode.PROCESS).topics(List.of()).build());
        System.out.println(MARKER + devstack.workDirectory() + " " + devstack.processes().stream()
                .map(process -> String.valueOf(process.pid())).collect(Collectors.joining(" ")));
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
