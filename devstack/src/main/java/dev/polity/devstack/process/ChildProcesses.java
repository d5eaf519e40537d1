package dev.polity.devstack.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Launching and stopping the child processes devstack owns, without leaving any behind. */
public final class ChildProcesses {

    private ChildProcesses() {
    }

    /**
     * The {@code java} executable of the running JVM, so children run on the same JDK as the tests (the
     * one Maven was started with), not whatever {@code java} is first on the PATH.
     */
    public static String currentJava() {
        return ProcessHandle.current().info().command()
                .filter(command -> Files.isExecutable(Path.of(command)))
                .orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /**
     * Sends SIGTERM to {@code process}, waits up to {@code grace} for it to exit, then SIGKILLs it and every
     * descendant. Descendants are listed before the first signal because once their parent is gone they are
     * re-parented and can no longer be found through it.
     */
    public static void stop(Process process, Duration grace) {
        stop(process.toHandle(), grace);
    }

    /** As {@link #stop(Process, Duration)} for a process that is not necessarily our child. */
    public static void stop(ProcessHandle process, Duration grace) {
        List<ProcessHandle> descendants = process.descendants().toList();
        if (isRunning(process)) {
            process.destroy();
            awaitExit(process, grace);
        }
        kill(process, descendants);
    }

    /** SIGKILLs {@code process} and all of its descendants and waits briefly until they are gone. */
    public static void kill(ProcessHandle process) {
        kill(process, process.descendants().toList());
    }

    private static void kill(ProcessHandle process, List<ProcessHandle> descendants) {
        process.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
        // A SIGKILLed process that has not gone within seconds is stuck in the kernel; nothing more to do then.
        awaitExit(process, Duration.ofSeconds(5));
        descendants.forEach(descendant -> awaitExit(descendant, Duration.ofSeconds(5)));
    }

    /**
     * Whether {@code process} still runs. Unlike {@link ProcessHandle#isAlive()} a zombie counts as gone: a
     * killed grandchild stays a zombie until its new parent (PID 1, or a container's init, which may be slow
     * about it) reaps it, yet it holds no port, file or memory any more.
     */
    public static boolean isRunning(ProcessHandle process) {
        if (!process.isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(process.pid()), "stat"));
            // pid (command) state ...: the command may contain spaces and parentheses, the state follows the last ')'.
            int endOfCommand = stat.lastIndexOf(')');
            return endOfCommand < 0 || stat.length() < endOfCommand + 3 || stat.charAt(endOfCommand + 2) != 'Z';
        } catch (IOException e) {
            return process.isAlive(); // no /proc (not Linux), or the process vanished meanwhile
        }
    }

    /** Waits until {@code process} no longer {@linkplain #isRunning(ProcessHandle) runs}; false if it still does after {@code timeout}. */
    public static boolean awaitExit(ProcessHandle process, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (isRunning(process)) {
                if (System.nanoTime() > deadline) {
                    return false;
                }
                Thread.sleep(20);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !isRunning(process);
        }
    }
}
