package dev.polity.federation;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * {@code bin/polity up}: starts the local federation on the documented ports, prints how to use
 * it, and stops everything it started on Ctrl-C.
 *
 * <p>Arguments: {@code [federation-file] [--test-oidc]}; the file defaults to
 * {@code deploy/local/federation.yaml}. {@code --test-oidc} uses devstack's small OIDC provider
 * instead of Keycloak (starts in a second instead of 15-40 s).
 */
public final class PolityUp {

    private PolityUp() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(System.getProperty("polity.project.root", ".")).toAbsolutePath().normalize();
        Path federationFile = root.resolve("deploy/local/federation.yaml");
        FederationOptions.Identity identity = FederationOptions.Identity.KEYCLOAK;
        for (String arg : args) {
            if (arg.equals("--test-oidc")) {
                identity = FederationOptions.Identity.TEST_OIDC;
            } else {
                federationFile = Path.of(arg).toAbsolutePath();
            }
        }
        Path work = root.resolve(".polity/run");
        Files.createDirectories(work);
        System.out.println("Starting the local federation from " + root.relativize(federationFile) + " (data and logs in "
                + root.relativize(work) + ") ...");
        LocalFederation federation = LocalFederation.start(new FederationOptions(root, federationFile, work, identity, true));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("\nStopping the local federation ...");
            federation.close();
            stopped.countDown();
        }, "polity-up-stop"));
        System.out.println(usage(federation));
        stopped.await();
    }

    static String usage(LocalFederation federation) {
        String organization = federation.federation().organizations().size() > 1
                ? federation.federation().organizations().get(1).id()
                : federation.federation().organizations().get(0).id();
        String client = Clients.pipelineClient(organization);
        StringBuilder out = new StringBuilder();
        out.append("\nPolity local federation '").append(federation.federation().name()).append("' is up.\n\n");
        out.append("  gateway            ").append(federation.gatewayUrl()).append('\n');
        out.append("  central authority  ").append(federation.syncUrl()).append('\n');
        out.append("  model registry     ").append(federation.registryUrl()).append('\n');
        out.append("  audit log          ").append(federation.auditUrl()).append('\n');
        federation.nodeUrls().forEach((org, url) -> out.append("  policy node        ").append(url).append("  (").append(org).append(")\n"));
        out.append("  OIDC issuer        ").append(federation.issuer()).append('\n');
        out.append("  Kafka              ").append(federation.kafkaBootstrapServers()).append("\n\n");
        out.append("Get a token for ").append(organization).append("'s pipeline:\n\n");
        out.append("  TOKEN=$(curl -s -u ").append(client).append(':').append(Clients.secretOf(client))
                .append(" -d grant_type=client_credentials ").append(federation.tokenEndpoint())
                .append(" | sed 's/.*\"access_token\":\"\\([^\"]*\\)\".*/\\1/')\n\n");
        out.append("Ask whether a model trained on PII without anonymisation may go to staging:\n\n");
        out.append("  curl -s -H \"Authorization: Bearer $TOKEN\" -H 'Content-Type: application/json' ")
                .append(federation.gatewayUrl()).append("/api/v1/decisions -d '{\"model_id\": \"")
                .append(organization).append("/credit-risk\", \"model_metadata\": {\"name\": \"credit-risk\", \"version\": \"1.0.0\", "
                        + "\"training_data\": {\"contains_pii\": true}}, \"deployment_context\": {\"environment\": \"staging\"}}'\n\n");
        String auditor = Clients.auditorClient(organization);
        out.append("Then see it in the audit log, as the organisation's auditor:\n\n");
        out.append("  AUDITOR=$(curl -s -u ").append(auditor).append(':').append(Clients.secretOf(auditor))
                .append(" -d grant_type=client_credentials ").append(federation.tokenEndpoint())
                .append(" | sed 's/.*\"access_token\":\"\\([^\"]*\\)\".*/\\1/')\n");
        out.append("  curl -s -H \"Authorization: Bearer $AUDITOR\" '").append(federation.gatewayUrl())
                .append("/api/v1/audit/events?subject=model/").append(organization).append("/credit-risk'\n\n");
        out.append("Press Ctrl-C to stop everything.\n");
        return out.toString();
    }
}
