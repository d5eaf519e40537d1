package dev.polity.charts;

import dev.polity.contracts.Topics;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * deploy/kubernetes/kafka-users.yaml grants each client exactly what its application.properties uses: Read on the
 * topics of its incoming channels (and Read on their consumer group), Write on the topics of its outgoing channels
 * and dead-letter queues, Describe on every topic it touches, and nothing else (no Create, no cluster ACLs). Beside
 * the channels, every client reads the break-glass grant topic (service-support's GrantStore, in every service)
 * and the central gateway writes it. An organisation's regional gateways (polity-node-<organisation>-gateway,
 * the node chart's gateway) have the gateway's channels but not the central gateway's grant writes.
 */
class KafkaUsersTest {

    private static final Path REPOSITORY = Charts.DIRECTORY.getParent();
    private static final Pattern CHANNEL_KEY = Pattern.compile("mp\\.messaging\\.(incoming|outgoing)\\.([^.]+)\\.(.+)");
    private static final String NODE_USER = "polity-node-";
    private static final String REGIONAL_GATEWAY_SUFFIX = "-gateway";

    /** KafkaUser -> the service whose channels it serves (polity-node-<organisation> users: policy-service). */
    private static final Map<String, String> CENTRAL_USERS = Map.of(
            "polity-sync-service", "sync-service",
            "polity-registry-service", "registry-service",
            "polity-audit-service", "audit-service",
            "polity-gateway", "gateway");

    @Test
    void everyUserIsAPolityClient() {
        assertThat(users().keySet()).allMatch(u -> CENTRAL_USERS.containsKey(u) || u.startsWith(NODE_USER))
                .containsAll(CENTRAL_USERS.keySet())
                .anyMatch(u -> u.startsWith(NODE_USER));
    }

    @Test
    void eachCentralServiceMayUseExactlyTheTopicsAndGroupsOfItsChannels() {
        Map<String, GenericKubernetesResource> users = users();
        CENTRAL_USERS.forEach((user, service) -> {
            Set<String> expected = expected(service, null);
            if (service.equals("gateway")) {
                // GrantWriter's own producer, outside the channels.
                expected.add("topic " + Topics.GATEWAY_BREAK_GLASS + " Write");
            }
            assertThat(granted(users.get(user))).as("ACLs of %s (%s)", user, service).isEqualTo(expected);
        });
    }

    @Test
    void eachOrganisationsNodesMayUseExactlyThePolicyServicesTopicsAndTheirOwnGroups() {
        users().forEach((user, resource) -> {
            if (user.startsWith(NODE_USER) && !isRegionalGateway(user)) {
                String organization = user.substring(NODE_USER.length());
                assertThat(granted(resource)).as("ACLs of %s", user).isEqualTo(expected("policy-service", organization));
            }
        });
    }

    /**
     * The node chart's gateway reads grants and audits their use (its channels), but may not write the grant topic:
     * grants are given, revoked and swept at the central gateway, and credentials kept in an organisation's
     * namespace must not be able to forge a grant.
     */
    @Test
    void eachOrganisationsRegionalGatewaysMayReadGrantsAndWriteAuditEventsButNotWriteGrants() {
        Map<String, GenericKubernetesResource> users = users();
        List<String> regional = users.keySet().stream().filter(KafkaUsersTest::isRegionalGateway).toList();
        assertThat(regional).isNotEmpty();
        for (String user : regional) {
            assertThat(granted(users.get(user))).as("ACLs of %s", user)
                    .isEqualTo(expected("gateway", null))
                    .containsExactlyInAnyOrder("topic " + Topics.GATEWAY_BREAK_GLASS + " Read", "topic " + Topics.AUDIT_EVENTS + " Write")
                    .doesNotContain("topic " + Topics.GATEWAY_BREAK_GLASS + " Write");
        }
    }

    @Test
    void everyOrganisationWithNodesHasARegionalGatewayUserAndNoOtherOne() {
        Set<String> users = users().keySet();
        Set<String> nodes = new TreeSet<>();
        Set<String> gateways = new TreeSet<>();
        for (String user : users) {
            if (user.startsWith(NODE_USER)) {
                (isRegionalGateway(user) ? gateways : nodes).add(user);
            }
        }
        assertThat(gateways).isEqualTo(nodes.stream().map(n -> n + REGIONAL_GATEWAY_SUFFIX).collect(Collectors.toSet()));
    }

    @Test
    void theRegistryReadsMembershipAsItsGroupAndWritesWhatItCannotApplyToTheDeadLetterTopic() {
        assertThat(granted(users().get("polity-registry-service"))).contains(
                "topic " + Topics.FEDERATION_ORGANIZATIONS + " Read",
                "group polity-registry literal Read",
                "topic " + Topics.FEDERATION_ORGANIZATIONS_DEAD_LETTER + " Write");
    }

    private static boolean isRegionalGateway(String user) {
        return user.startsWith(NODE_USER) && user.endsWith(REGIONAL_GATEWAY_SUFFIX);
    }

    /** What a service's Kafka channels need, as "topic name Op" and "group name patternType Read". */
    private static Set<String> expected(String service, String organization) {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(REPOSITORY.resolve(service).resolve("src/main/resources/application.properties"))) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Map<String, String>> channels = new TreeMap<>();
        for (String key : properties.stringPropertyNames()) {
            String name = key.startsWith("%prod.") ? key.substring("%prod.".length()) : key;
            Matcher m = CHANNEL_KEY.matcher(name);
            if (m.matches()) {
                channels.computeIfAbsent(m.group(1) + " " + m.group(2), c -> new TreeMap<>()).put(m.group(3), properties.getProperty(key));
            }
        }
        Set<String> expected = new TreeSet<>();
        // Every service's GrantStore: a group-less consumer (assign) outside the channels.
        expected.add("topic " + Topics.GATEWAY_BREAK_GLASS + " Read");
        channels.forEach((channel, config) -> {
            if (!"smallrye-kafka".equals(config.get("connector"))) {
                return;
            }
            boolean incoming = channel.startsWith("incoming ");
            expected.add("topic " + config.get("topic") + (incoming ? " Read" : " Write"));
            if (config.containsKey("dead-letter-queue.topic")) {
                expected.add("topic " + config.get("dead-letter-queue.topic") + " Write");
            }
            String group = config.get("group.id");
            if (incoming && group != null) {
                if (organization != null) {
                    group = group.replace("${polity.node.organization-id}", organization);
                }
                int placeholder = group.indexOf("${");
                expected.add(placeholder < 0 ? "group " + group + " literal Read" : "group " + group.substring(0, placeholder) + " prefix Read");
            }
        });
        return expected;
    }

    /** A KafkaUser's ACLs in the form of {@link #expected}; Describe must come with every topic, other operations fail. */
    @SuppressWarnings("unchecked")
    private static Set<String> granted(GenericKubernetesResource user) {
        assertThat(user).isNotNull();
        Map<String, Object> spec = (Map<String, Object>) user.getAdditionalProperties().get("spec");
        Map<String, Object> authorization = (Map<String, Object>) spec.get("authorization");
        assertThat(authorization).containsEntry("type", "simple");
        Set<String> granted = new TreeSet<>();
        for (Map<String, Object> acl : (List<Map<String, Object>>) authorization.get("acls")) {
            Map<String, Object> resource = (Map<String, Object>) acl.get("resource");
            List<String> operations = (List<String>) acl.get("operations");
            String type = (String) resource.get("type");
            String what = user.getMetadata().getName() + " " + resource;
            if (type.equals("topic")) {
                assertThat(resource.get("patternType")).as(what).isEqualTo("literal");
                assertThat(operations).as(what).contains("Describe").isSubsetOf("Read", "Write", "Describe");
                operations.stream().filter(o -> !o.equals("Describe"))
                        .forEach(o -> granted.add("topic " + resource.get("name") + " " + o));
            } else {
                assertThat(type).as(what).isEqualTo("group");
                assertThat(operations).as(what).containsExactly("Read");
                granted.add("group " + resource.get("name") + " " + resource.get("patternType") + " Read");
            }
        }
        return granted;
    }

    private static Map<String, GenericKubernetesResource> users() {
        Map<String, GenericKubernetesResource> users = new TreeMap<>();
        Charts.parse(DeployManifestsTest.read("kafka-users.yaml")).stream().filter(o -> o.getKind().equals("KafkaUser"))
                .forEach(o -> users.put(o.getMetadata().getName(), (GenericKubernetesResource) o));
        return users;
    }
}
