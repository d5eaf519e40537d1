package dev.polity.devstack.kafka;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The classpath of the Kafka child JVMs: the jars Maven resolved for devstack's optional Kafka dependencies
 * (written to {@value #RESOURCE} at build time by {@code maven-dependency-plugin:build-classpath}), plus
 * devstack's own classes for {@link BrokerMain} and {@link CreateTopicsMain}.
 *
 * <p>The file lists absolute paths into the local Maven repository of the machine that built devstack, which
 * is the machine that runs it: devstack is a test and launcher library, never shipped.
 */
final class BrokerClasspath {

    static final String RESOURCE = "/dev/polity/devstack/kafka-classpath.txt";
    private static final String MAIN_CLASS_RESOURCE = "/" + BrokerMain.class.getName().replace('.', '/') + ".class";

    private BrokerClasspath() {
    }

    static String resolve() {
        List<String> entries = new ArrayList<>();
        entries.add(devstackLocation().toString());
        entries.addAll(kafkaJars());
        return String.join(File.pathSeparator, entries);
    }

    private static List<String> kafkaJars() {
        String classpath;
        try (InputStream in = BrokerClasspath.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("devstack has no " + RESOURCE + ": it was not built by Maven "
                        + "(the build-classpath execution of maven-dependency-plugin writes it). "
                        + "Build it with ./mvnw -pl contracts,devstack install.");
            }
            classpath = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + RESOURCE, e);
        }
        List<String> jars = Arrays.stream(classpath.split(File.pathSeparator)).filter(s -> !s.isBlank()).toList();
        List<String> missing = jars.stream().filter(jar -> !Files.isRegularFile(Path.of(jar))).toList();
        if (!missing.isEmpty()) {
            throw new IllegalStateException("The Kafka broker classpath recorded when devstack was built lists jars "
                    + "that are no longer there (was the local Maven repository cleaned?): " + missing
                    + ". Rebuild devstack with ./mvnw -pl contracts,devstack install.");
        }
        return jars;
    }

    /**
     * The jar or classes directory holding devstack. Derived from where {@code BrokerMain.class} was loaded
     * from rather than from the protection domain alone, because class loaders such as Quarkus's test class
     * loader do not always fill in a code source.
     */
    static Path devstackLocation() {
        URL resource = BrokerMain.class.getResource(MAIN_CLASS_RESOURCE);
        try {
            if (resource != null && "jar".equals(resource.getProtocol())) {
                String spec = resource.toString();
                String jar = spec.substring("jar:".length(), spec.indexOf("!/"));
                return Path.of(new URI(jar));
            }
            if (resource != null && "file".equals(resource.getProtocol())) {
                Path classFile = Path.of(resource.toURI());
                Path root = classFile;
                for (int i = 0; i < BrokerMain.class.getName().split("\\.").length; i++) {
                    root = root.getParent();
                }
                return root;
            }
            CodeSource codeSource = BrokerMain.class.getProtectionDomain().getCodeSource();
            if (codeSource != null && codeSource.getLocation() != null
                    && "file".equals(codeSource.getLocation().getProtocol())) {
                return Path.of(codeSource.getLocation().toURI());
            }
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new IllegalStateException("Cannot turn " + resource + " into a path for the Kafka broker classpath", e);
        }
        throw new IllegalStateException("Cannot tell where devstack's classes are (" + MAIN_CLASS_RESOURCE
                + " was loaded from " + resource + "); the Kafka broker JVM needs them on its classpath.");
    }
}
