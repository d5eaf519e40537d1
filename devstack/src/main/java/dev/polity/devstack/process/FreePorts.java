package dev.polity.devstack.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Picks TCP ports on the loopback interface that are free right now. */
public final class FreePorts {

    private FreePorts() {
    }

    /**
     * A port the kernel just handed out and that nobody listens on. The socket is closed again before
     * the caller binds it, so another process could grab it in between; callers that can detect a bind
     * failure retry with a new port instead of relying on this being race-free.
     */
    public static int pick() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not find a free TCP port on 127.0.0.1", e);
        }
    }
}
