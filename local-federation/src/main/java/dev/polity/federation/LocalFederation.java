package dev.polity.federation;

import dev.polity.contracts.crypto.Ed25519;
import dev.polity.contracts.json.Json;
import dev.polity.devstack.Devstack;
import dev.polity.devstack.DevstackOptions;
import dev.polity.devstack.PostgresEndpoint;
import dev.polity.devstack.keycloak.KeycloakServer;
import dev.polity.devstack.oidc.OidcTestServer;
import dev.polity.devstack.process.FreePorts;
import dev.polity.devstack.process.ServiceProcess;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * A whole Polity federation on one machine: devstack's Kafka and PostgreSQL, an OIDC provider,
 * the central services, one policy node per organisation and the gateway, each service a
 * separate process started from its packaged {@code quarkus-run.jar}. Used by {@code bin/polity up}
 * and by the end-to-end test, so both exercise the same start-up path.
 */
public final class LocalFederation implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(LocalFederation.class.getName());
    private static final Duration SERVICE_START_TIMEOUT = Duration.ofSeconds(120);
    private static final String KEYCLOAK_VERSION = "26.7.3";
    /** Flipped on together with the registry's lifecycle gates (issue 5); an unknown key would stop the registry. */
    private static final boolean REGISTRY_KNOWS_POLICY_NODES = false;

    private final FederationOptions options;
    private final FederationFile federation;
    /** Closed in reverse order of starting. */
    private final List<AutoCloseable> started = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, String> nodeUrls = new LinkedHashMap<>();
    private Devstack devstack;
    private OidcTestServer testOidc;
    private String issuer;
    private String tokenEndpoint;
    private String gatewayUrl;
    private String syncUrl;
    private String registryUrl;
    private String auditUrl;

    private LocalFederation(FederationOptions options) {
        this.options = options;
        this.federation = FederationFile.read(options.federationFile());
    }

    public static LocalFederation start(FederationOptions options) {
        LocalFederation federation = new LocalFederation(options);
        try {
            federation.startEverything();
            return federation;
        } catch (RuntimeException e) {
            federation.close();
            throw e;
        }
    }

    private void startEverything() {
        long begin = System.nanoTime();
        Path work = options.workDirectory();
        devstack = Devstack.start(DevstackOptions.builder().workDirectory(work.resolve("devstack")).build());
        started.add(devstack);
        for (String database : List.of("sync", "registry", "audit")) {
            devstack.createDatabase(database);
        }
        startIdentityProvider(work);

        KeyPair signingKeys = Ed25519.generateKeyPair();
        int syncPort = port(8081);
        int registryPort = port(8082);
        int auditPort = port(8083);
        syncUrl = "http://127.0.0.1:" + syncPort;
        registryUrl = "http://127.0.0.1:" + registryPort;
        auditUrl = "http://127.0.0.1:" + auditPort;

        int nodeIndex = 0;
        for (FederationFile.Organization organization : federation.organizations()) {
            nodeUrls.put(organization.id(), "http://127.0.0.1:" + port(8090 + nodeIndex++));
        }
        Map<String, String> registryConfig = databaseConfig("registry");
        // The registry asks each organisation's node for lifecycle gate decisions.
        if (REGISTRY_KNOWS_POLICY_NODES) {
            nodeUrls.forEach((organization, url) -> registryConfig.put("polity.registry.policy-nodes." + organization, url));
        }

        Map<String, String> syncConfig = databaseConfig("sync");
        syncConfig.put("polity.bundles.signing-private-key", Ed25519.encodePrivateKey(signingKeys.getPrivate()));
        syncConfig.put("polity.bundles.signing-public-key", Ed25519.encodePublicKey(signingKeys.getPublic()));
        // The audit log signs its checkpoints with its own key; auditors verify exports with its public key.
        KeyPair checkpointKeys = Ed25519.generateKeyPair();
        Map<String, String> auditConfig = databaseConfig("audit");
        auditConfig.put("polity.audit.checkpoint.signing-private-key", Ed25519.encodePrivateKey(checkpointKeys.getPrivate()));
        auditConfig.put("polity.audit.checkpoint.signing-public-key", Ed25519.encodePublicKey(checkpointKeys.getPublic()));
        inParallel(List.of(
                () -> startService("sync-service", syncPort, syncConfig),
                () -> startService("registry-service", registryPort, registryConfig),
                () -> startService("audit-service", auditPort, auditConfig)));

        loadFederation();

        List<Supplier<ServiceProcess>> nodes = new ArrayList<>();
        for (FederationFile.Organization organization : federation.organizations()) {
            int nodePort = URI.create(nodeUrls.get(organization.id())).getPort();
            Map<String, String> nodeConfig = kafkaConfig();
            nodeConfig.put("polity.node.organization-id", organization.id());
            nodeConfig.put("polity.node.region", organization.region());
            nodeConfig.put("polity.node.trusted-public-keys", Ed25519.encodePublicKey(signingKeys.getPublic()));
            nodeConfig.put("polity.node.state-directory", work.resolve("nodes").resolve(organization.id()).toString());
            // Ready only once the node has verified and activated its organisation's bundle.
            nodes.add(() -> startService("policy-service", "policy-node-" + organization.id(), nodePort, nodeConfig));
        }
        inParallel(nodes);

        int gatewayPort = port(8080);
        gatewayUrl = "http://127.0.0.1:" + gatewayPort;
        Map<String, String> gatewayConfig = new HashMap<>();
        gatewayConfig.put("quarkus.oidc.auth-server-url", issuer);
        gatewayConfig.put("polity.gateway.registry-url", registryUrl);
        gatewayConfig.put("polity.gateway.audit-url", auditUrl);
        gatewayConfig.put("polity.gateway.sync-url", syncUrl);
        nodeUrls.forEach((organization, url) -> gatewayConfig.put("polity.gateway.policy-nodes." + organization, url));
        // Break-glass grants and their audit events travel on Kafka; the first organisation runs the central authority.
        gatewayConfig.put("kafka.bootstrap.servers", devstack.kafkaBootstrapServers());
        gatewayConfig.put("polity.gateway.central-organization", federation.organizations().get(0).id());
        startService("gateway", gatewayPort, gatewayConfig);
        LOG.log(System.Logger.Level.INFO, "federation ''{0}'' up in {1} s", federation.name(),
                Duration.ofNanos(System.nanoTime() - begin).toSeconds());
    }

    private void startIdentityProvider(Path work) {
        if (options.identity() == FederationOptions.Identity.TEST_OIDC) {
            testOidc = OidcTestServer.start();
            started.add(testOidc);
            testOidc.registerClient(Clients.ADMIN_CLIENT, Clients.secretOf(Clients.ADMIN_CLIENT),
                    Clients.adminClaims(federation.organizations().get(0).id()));
            for (FederationFile.Organization organization : federation.organizations()) {
                String client = Clients.pipelineClient(organization.id());
                testOidc.registerClient(client, Clients.secretOf(client), Clients.pipelineClaims(organization.id()));
                String auditor = Clients.auditorClient(organization.id());
                testOidc.registerClient(auditor, Clients.secretOf(auditor), Clients.auditorClaims(organization.id()));
            }
            issuer = testOidc.issuer();
            tokenEndpoint = testOidc.tokenEndpoint().toString();
            return;
        }
        Path distribution = KeycloakServer.distributionInLocalMavenRepository(KEYCLOAK_VERSION)
                .orElseThrow(() -> new IllegalStateException("Keycloak " + KEYCLOAK_VERSION + " is not in the local Maven "
                        + "repository; fetch it with ./mvnw -q dependency:get -Dartifact=org.keycloak:keycloak-quarkus-dist:"
                        + KEYCLOAK_VERSION + ":tar.gz (bin/polity up does this for you)"));
        Path realm = options.projectRoot().resolve("deploy/keycloak/polity-realm.json");
        KeycloakServer keycloak = KeycloakServer.start(KeycloakServer.Options.of(distribution, realm, "polity", work.resolve("keycloak"))
                .withHttpPort(port(8180)));
        started.add(keycloak);
        issuer = keycloak.issuer();
        tokenEndpoint = issuer + "/protocol/openid-connect/token";
    }

    /**
     * The federation file through the central authority's import (organisations, policy hierarchy,
     * settings), then the policies, then one signed bundle per organisation (the central authority
     * also publishes on its own as each change lands; this makes sure every node finds the final
     * revision before it starts).
     */
    private void loadFederation() {
        String admin = Http.clientCredentialsToken(tokenEndpoint, Clients.ADMIN_CLIENT, Clients.secretOf(Clients.ADMIN_CLIENT));
        try {
            Http.expectSuccess("POST", syncUrl + "/api/v1/federation/import", "application/yaml",
                    Files.readString(options.federationFile()), admin);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot read " + options.federationFile(), e);
        }
        for (Path policy : federation.policyFiles()) {
            try {
                Http.expectSuccess("POST", syncUrl + "/api/v1/policies", "application/yaml", Files.readString(policy), admin);
            } catch (java.io.IOException e) {
                throw new IllegalStateException("cannot read " + policy, e);
            }
        }
        for (FederationFile.Organization organization : federation.organizations()) {
            Http.expectSuccess("POST", syncUrl + "/api/v1/bundles/" + organization.id(), null, null, admin);
        }
    }

    private ServiceProcess startService(String module, int port, Map<String, String> config) {
        return startService(module, module, port, config);
    }

    private ServiceProcess startService(String module, String name, int port, Map<String, String> config) {
        Map<String, String> properties = new HashMap<>(config);
        properties.put("quarkus.http.port", String.valueOf(port));
        properties.put("quarkus.devservices.enabled", "false");
        // Every service checks tokens itself against the federation's issuer.
        properties.put("quarkus.oidc.auth-server-url", issuer);
        Path jar = options.projectRoot().resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
        ServiceProcess process = ServiceProcess.start(name, jar, properties,
                options.workDirectory().resolve("logs").resolve(name + ".log"),
                URI.create("http://127.0.0.1:" + port + "/q/health/ready"), SERVICE_START_TIMEOUT);
        started.add(process);
        return process;
    }

    private Map<String, String> kafkaConfig() {
        Map<String, String> config = new HashMap<>();
        config.put("kafka.bootstrap.servers", devstack.kafkaBootstrapServers());
        return config;
    }

    private Map<String, String> databaseConfig(String database) {
        Map<String, String> config = kafkaConfig();
        PostgresEndpoint postgres = devstack.postgres();
        config.put("quarkus.datasource.reactive.url", postgres.reactiveUrl(database));
        config.put("quarkus.datasource.jdbc.url", postgres.jdbcUrl(database));
        config.put("quarkus.datasource.username", postgres.username());
        config.put("quarkus.datasource.password", postgres.password());
        return config;
    }

    private int port(int fixed) {
        return options.fixedPorts() ? fixed : FreePorts.pick();
    }

    /** Starts services side by side: on two cores that still saves a few seconds per service. */
    private static void inParallel(List<Supplier<ServiceProcess>> starts) {
        List<CompletableFuture<ServiceProcess>> futures = starts.stream().map(CompletableFuture::supplyAsync).toList();
        try {
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : e;
        }
    }

    private static String toJson(Object value) {
        try {
            return Json.mapper().writeValueAsString(value);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A fresh access token for an organisation's pipeline client, from the federation's OIDC provider. */
    public String pipelineToken(String organization) {
        String client = Clients.pipelineClient(organization);
        return Http.clientCredentialsToken(tokenEndpoint, client, Clients.secretOf(client));
    }

    /** A fresh access token for an organisation's auditor client (reads the audit log). */
    public String auditorToken(String organization) {
        String client = Clients.auditorClient(organization);
        return Http.clientCredentialsToken(tokenEndpoint, client, Clients.secretOf(client));
    }

    public FederationFile federation() {
        return federation;
    }

    public String gatewayUrl() {
        return gatewayUrl;
    }

    public String issuer() {
        return issuer;
    }

    public String tokenEndpoint() {
        return tokenEndpoint;
    }

    public Map<String, String> nodeUrls() {
        return Map.copyOf(nodeUrls);
    }

    public String syncUrl() {
        return syncUrl;
    }

    public String registryUrl() {
        return registryUrl;
    }

    public String auditUrl() {
        return auditUrl;
    }

    public String kafkaBootstrapServers() {
        return devstack.kafkaBootstrapServers();
    }

    @Override
    public void close() {
        List<AutoCloseable> reversed;
        synchronized (started) {
            reversed = new ArrayList<>(started);
            started.clear();
        }
        Collections.reverse(reversed);
        for (AutoCloseable closeable : reversed) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "stopping " + closeable + " failed: " + e.getMessage());
            }
        }
    }
}
