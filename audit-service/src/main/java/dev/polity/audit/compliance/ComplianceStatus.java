package dev.polity.audit.compliance;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.List;

/**
 * An organisation's compliance status, computed from the audit log when asked (see the README for the formula).
 *
 * @param score           0-100: {@code round(100 × (0.4·decisions + 0.3·violations + 0.15·bundle + 0.15·integrity))} of
 *                        the {@code components}
 */
public record ComplianceStatus(
        String organization,
        Instant computedAt,
        Instant windowStart,
        Bundle bundle,
        Decisions decisions,
        Violations openViolations,
        Integrity integrity,
        int score,
        Components components) {

    /**
     * The policy bundle: the revision the organisation's node last activated and the policies it holds (from the
     * central authority's {@code polity.bundle.published} event of that revision).
     */
    public record Bundle(
            @JsonInclude(JsonInclude.Include.ALWAYS) Long activeRevision,
            @JsonInclude(JsonInclude.Include.ALWAYS) Instant activatedAt,
            @JsonInclude(JsonInclude.Include.ALWAYS) String nodeId,
            @JsonInclude(JsonInclude.Include.ALWAYS) Long latestPublishedRevision,
            @JsonInclude(JsonInclude.Include.ALWAYS) String digest,
            List<Policy> activePolicies) {
    }

    public record Policy(String id, String version, String sha256) {
    }

    /** Decisions of the organisation's policy node in the window, by outcome. */
    public record Decisions(long total, long approved, long conditional, long denied) {
    }

    /** Models whose latest decision is a denial (up to 50 listed). */
    public record Violations(long count, long modelsDecided, List<Violation> items) {
    }

    public record Violation(String subject, long sequence, Instant decidedAt) {
    }

    /** The log's own verification: the latest run and whether it covered the latest signed checkpoint. */
    public record Integrity(
            @JsonInclude(JsonInclude.Include.ALWAYS) Instant lastVerifiedAt,
            @JsonInclude(JsonInclude.Include.ALWAYS) Boolean lastVerificationOk,
            long verifiedTreeSize,
            long latestCheckpointSize) {
    }

    /** Each part of the score, from 0 to 1. */
    public record Components(double decisions, double violations, double bundle, double integrity) {
    }
}
