package dev.polity.sync.messaging;

import dev.polity.contracts.Topics;
import dev.polity.devstack.DevstackTestResource;
import dev.polity.sync.support.SyncOidcTestResource;
import dev.polity.sync.support.SigningKeysTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, initArgs = @ResourceArg(name = "database", value = "sync"))
@QuarkusTestResource(SigningKeysTestResource.class)
@QuarkusTestResource(SyncOidcTestResource.class)
class ProducerSettingsTest {

    @Inject
    KafkaClientService kafka;

    @Test
    void everyProducerWaitsForAllReplicasAndIsIdempotent() {
        Map<String, String> topics = Map.of(
                SyncChannels.POLICY_BUNDLES, Topics.POLICY_BUNDLES,
                SyncChannels.FEDERATION_ORGANIZATIONS, Topics.FEDERATION_ORGANIZATIONS,
                SyncChannels.AUDIT_EVENTS, Topics.AUDIT_EVENTS);
        assertThat(kafka.getProducerChannels()).containsExactlyInAnyOrderElementsOf(topics.keySet());
        topics.keySet().forEach(channel -> {
            Map<String, ?> configuration = kafka.getProducer(channel).configuration();
            assertThat(String.valueOf(configuration.get("acks"))).as(channel).isEqualTo("all");
            assertThat(String.valueOf(configuration.get("enable.idempotence"))).as(channel).isEqualTo("true");
        });
    }

    @Test
    void bundlesAndAuditEventsSentInParallelKeepTheirOrderPerKey() {
        // The publication worker sends a batch's records without awaiting each one; an idempotent producer
        // keeps them in order per partition (so per key) with at most 5 requests in flight.
        for (String channel : new String[] {SyncChannels.POLICY_BUNDLES, SyncChannels.AUDIT_EVENTS}) {
            Map<String, ?> configuration = kafka.getProducer(channel).configuration();
            assertThat(Integer.parseInt(String.valueOf(configuration.get("max.in.flight.requests.per.connection"))))
                    .as(channel).isBetween(1, 5);
        }
    }
}
