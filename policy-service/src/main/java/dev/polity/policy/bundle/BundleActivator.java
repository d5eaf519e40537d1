package dev.polity.policy.bundle;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.polity.contracts.bundle.BundleVerificationException;
import dev.polity.contracts.bundle.Bundles;
import dev.polity.contracts.bundle.SignedBundle;
import dev.polity.contracts.crypto.Ed25519;
import dev.polity.contracts.events.CloudEvent;
import dev.polity.contracts.events.EventTypes;
import dev.polity.policy.config.NodeConfig;
import dev.polity.policy.decision.service.DecisionAuditLog;
import dev.polity.policy.decision.service.DecisionCounters;
import io.quarkus.scheduler.Scheduled;
import dev.polity.policy.engine.BundleCompiler;
import dev.polity.policy.engine.CompiledBundle;
import dev.polity.support.events.CloudEventMessages;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.PublicKey;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Takes a bundle from wherever it came (Kafka, the last-good file) through verification and
 * compilation to activation. Anything that fails keeps the old bundle and is reported on the
 * status topic and the audit topic. Activations are serialised: bundles arrive one at a time.
 */
@ApplicationScoped
public class BundleActivator {

    private static final Logger LOG = Logger.getLogger(BundleActivator.class);
    private static final String LAST_GOOD_FILE = "last-good-bundle.json";

    private final NodeConfig config;
    private final ActiveBundle activeBundle;
    private final BundleCompiler compiler;
    private final Map<String, PublicKey> trustedKeys;
    private final MutinyEmitter<String> statusEmitter;
    private final MutinyEmitter<byte[]> auditEmitter;
    private final ObjectMapper json;
    private final MeterRegistry meters;
    private final DecisionCounters decisionCounters;
    private final DecisionAuditLog decisionAuditLog;
    private volatile String lastError;
    private volatile Instant lastErrorAt;

    public BundleActivator(NodeConfig config, ActiveBundle activeBundle, BundleCompiler compiler,
                           @Channel(NodeChannels.POLICY_STATUS) MutinyEmitter<String> statusEmitter,
                           @Channel(NodeChannels.AUDIT_EVENTS) MutinyEmitter<byte[]> auditEmitter,
                           ObjectMapper json, MeterRegistry meters, DecisionCounters decisionCounters,
                           DecisionAuditLog decisionAuditLog) {
        this.config = config;
        this.decisionCounters = decisionCounters;
        this.decisionAuditLog = decisionAuditLog;
        this.activeBundle = activeBundle;
        this.compiler = compiler;
        this.statusEmitter = statusEmitter;
        this.auditEmitter = auditEmitter;
        this.json = json;
        this.meters = meters;
        this.trustedKeys = new LinkedHashMap<>();
        for (String encoded : config.trustedPublicKeys()) {
            PublicKey key = Ed25519.decodePublicKey(encoded);
            trustedKeys.put(Ed25519.keyId(key), key);
        }
    }

    /** Starts from the last good bundle, if there is one, so the node decides even when the central authority is down. */
    void loadLastGoodBundle(@Observes StartupEvent startup) {
        Path file = lastGoodFile();
        if (!Files.exists(file)) {
            LOG.infof("no last good bundle at %s; waiting for one from the central authority", file);
            return;
        }
        try {
            ActivationResult result = activate(Files.readAllBytes(file), "last-good file", false);
            LOG.infof("last good bundle: %s (revision %d) %s", result.status(), result.revision(), result.detail());
        } catch (IOException e) {
            LOG.errorf(e, "cannot read last good bundle %s", file);
        }
    }

    /**
     * Verifies, compiles and activates a bundle.
     *
     * @param persist whether to write it as the new last good bundle (not when it was read from there)
     */
    public synchronized ActivationResult activate(byte[] bundleJson, String origin, boolean persist) {
        long offeredRevision = -1;
        try {
            SignedBundle bundle = Bundles.fromJson(bundleJson);
            offeredRevision = bundle.manifest() == null ? -1 : bundle.manifest().revision();
            Bundles.verify(bundle, config.organizationId(), trustedKeys);
            CompiledBundle current = activeBundle.get().orElse(null);
            if (current != null && bundle.manifest().revision() <= current.revision()) {
                if (bundle.manifest().revision() == current.revision() && bundle.manifest().digest().equals(current.digest())) {
                    return new ActivationResult(ActivationResult.Status.ALREADY_ACTIVE, current.revision(), "already active");
                }
                throw new BundleVerificationException("revision " + bundle.manifest().revision()
                        + " is not newer than the active revision " + current.revision());
            }
            CompiledBundle compiled = compiler.compile(bundle, Instant.now());
            if (persist) {
                writeLastGood(bundleJson);
            }
            activeBundle.replace(current, compiled);
            lastError = null;
            lastErrorAt = null;
            meters.counter("polity_node_bundle_activations_total", "outcome", "activated").increment();
            LOG.infof("activated bundle revision %d (%d policies) from %s", compiled.revision(), compiled.policies().size(), origin);
            report(EventTypes.BUNDLE_ACTIVATED, compiled.revision(), null);
            return new ActivationResult(ActivationResult.Status.ACTIVATED, compiled.revision(), "activated");
        } catch (BundleVerificationException | UncheckedIOException e) {
            lastError = e.getMessage();
            lastErrorAt = Instant.now();
            meters.counter("polity_node_bundle_activations_total", "outcome", "rejected").increment();
            LOG.warnf("rejected bundle from %s: %s", origin, e.getMessage());
            report(EventTypes.BUNDLE_REJECTED, offeredRevision, e.getMessage());
            return new ActivationResult(ActivationResult.Status.REJECTED, offeredRevision, e.getMessage());
        }
    }

    public NodeStatus status() {
        CompiledBundle active = activeBundle.get().orElse(null);
        return new NodeStatus(config.effectiveNodeId(), config.organizationId(), config.region(),
                active == null ? null : active.revision(), active == null ? null : active.digest(),
                active == null ? null : active.activatedAt(), lastError, lastErrorAt, decisionCounters.snapshot(),
                decisionAuditLog.spooledEvents(), Instant.now());
    }

    /**
     * A heartbeat on the status topic, so the central authority can tell a silent node from an
     * idle one and see its decision counters.
     */
    @Scheduled(every = "${polity.node.status-interval:30s}", delayed = "5s", skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void publishStatus() {
        try {
            String statusJson = json.writeValueAsString(status());
            statusEmitter.sendMessage(Message.of(statusJson, Metadata.of(OutgoingKafkaRecordMetadata.<String>builder()
                            .withKey(config.effectiveNodeId()).build())))
                    .subscribe().with(ok -> { }, failure -> LOG.warnf("status not published: %s", failure.getMessage()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Status goes to the compacted status topic; the activation outcome also goes to the audit log. */
    private void report(String eventType, long revision, String error) {
        publishStatus();
        try {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("node_id", config.effectiveNodeId());
            data.put("organization_id", config.organizationId());
            data.put("revision", revision);
            if (error != null) {
                data.put("error", error);
            }
            CloudEvent event = new CloudEvent(UUID.randomUUID().toString(), source(), eventType,
                    "bundle/" + config.organizationId(), Instant.now(), "application/json",
                    Map.of(CloudEvent.EXTENSION_ORGANIZATION, config.organizationId()),
                    json.writeValueAsBytes(data));
            auditEmitter.sendMessage(CloudEventMessages.toKafkaMessage(event))
                    .subscribe().with(ok -> { }, failure -> LOG.warnf("bundle audit event not published: %s", failure.getMessage()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String source() {
        return "/polity/policy-node/" + config.organizationId() + "/" + config.effectiveNodeId();
    }

    private Path lastGoodFile() {
        return config.stateDirectory().resolve(LAST_GOOD_FILE);
    }

    /** Write to a temporary file and move it over the old one, so a crash never leaves half a bundle. */
    private void writeLastGood(byte[] bundleJson) {
        try {
            Files.createDirectories(config.stateDirectory());
            Path temporary = Files.createTempFile(config.stateDirectory(), "bundle", ".tmp");
            Files.write(temporary, bundleJson);
            Files.move(temporary, lastGoodFile(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot persist the last good bundle in " + config.stateDirectory(), e);
        }
    }

}
