package dev.polity.devstack.process;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Stands in for a packaged Quarkus application in {@link ServiceProcessTest}: serves {@code /q/health/ready} on
 * the port in {@code -Dfake.port}, or exits at once with {@code -Dfake.fail=true}.
 */
public final class FakeServiceMain {

    private FakeServiceMain() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println("fake service starting");
        if (Boolean.getBoolean("fake.fail")) {
            System.out.println("boom: configuration is invalid");
            System.exit(3);
        }
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                Integer.getInteger("fake.port")), 0);
        server.createContext("/q/health/ready", exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        System.out.println("fake service listening");
    }
}
