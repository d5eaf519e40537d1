package dev.polity.registry.sharing.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.polity.registry.outbox.RegistryChannels;
import dev.polity.registry.sharing.repository.MembershipRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Mirrors federation membership from {@code polity.federation.organizations} (published by the central
 * authority, keyed by organisation id): the tier (which decides the research and academic auto-approval
 * rules) and, when the record carries them, trusted partners ({@code trusted_partners}), other partners
 * ({@code partners}) and consortium memberships ({@code consortium_memberships} or {@code consortia}, ids or
 * objects with an {@code id}). What the federation publishes replaces the organisation's earlier
 * federation-sourced rows; what organisations declared through the registry's API stays. A tombstone
 * removes them. The offset is committed only after the transaction committed; a record that cannot be
 * read goes to the dead-letter topic.
 */
@ApplicationScoped
public class FederationOrganizationsConsumer {

    private static final Logger LOG = Logger.getLogger(FederationOrganizationsConsumer.class);

    private final MembershipRepository membership;
    private final ObjectMapper json;

    FederationOrganizationsConsumer(MembershipRepository membership, ObjectMapper json) {
        this.membership = membership;
        this.json = json;
    }

    @Incoming(RegistryChannels.FEDERATION_ORGANIZATIONS)
    public Uni<Void> consume(ConsumerRecord<String, byte[]> record) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        if (record.value() == null) {
            String id = record.key();
            return Panache.withTransaction(() -> membership.deleteFederationCollaborations(id)
                    .chain(() -> membership.deleteFederationMemberships(id))
                    .chain(() -> membership.deleteOrganization(id)));
        }
        JsonNode value;
        try {
            value = json.readTree(record.value());
        } catch (IOException e) {
            throw new IllegalArgumentException("record " + record.topic() + "/" + record.partition() + "@" + record.offset()
                    + " is not JSON", e);
        }
        String id = text(value, "id") != null ? text(value, "id") : record.key();
        if (id == null || id.isBlank() || !value.isObject()) {
            throw new IllegalArgumentException("record " + record.topic() + "/" + record.partition() + "@" + record.offset()
                    + " names no organisation");
        }
        MembershipRepository.Organization organization = new MembershipRepository.Organization(id, text(value, "name"),
                text(value, "tier"), text(value, "region"), text(value, "parent_organization"));
        Set<String> trusted = ids(value, "trusted_partners");
        Set<String> partners = ids(value, "partners");
        partners.removeAll(trusted);
        Set<String> consortia = ids(value, "consortium_memberships");
        consortia.addAll(ids(value, "consortia"));
        LOG.debugf("federation organisation %s: tier %s, %d trusted partner(s), %d consortia", id, organization.tier(),
                trusted.size(), consortia.size());
        return Panache.withTransaction(() -> {
            Uni<Void> chain = membership.upsertOrganization(organization, now)
                    .chain(() -> membership.deleteFederationCollaborations(id))
                    .chain(() -> membership.deleteFederationMemberships(id))
                    .replaceWithVoid();
            for (String partner : trusted) {
                if (!partner.equals(id)) {
                    chain = chain.chain(() -> membership.putCollaboration(id, partner, true, MembershipRepository.FEDERATION, "federation", now));
                }
            }
            for (String partner : partners) {
                if (!partner.equals(id)) {
                    chain = chain.chain(() -> membership.putCollaboration(id, partner, false, MembershipRepository.FEDERATION, "federation", now));
                }
            }
            for (String consortium : consortia) {
                chain = chain.chain(() -> membership.ensureFederationConsortium(consortium, now))
                        .chain(() -> membership.acceptedMember(consortium, id, MembershipRepository.FEDERATION, "federation", now));
            }
            return chain;
        });
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static Set<String> ids(JsonNode node, String field) {
        Set<String> ids = new LinkedHashSet<>();
        JsonNode list = node.get(field);
        if (list != null && list.isArray()) {
            for (JsonNode item : list) {
                String id = item.isObject() ? text(item, "id") : item.asText(null);
                if (id != null && !id.isBlank()) {
                    ids.add(id);
                }
            }
        }
        return ids;
    }
}
