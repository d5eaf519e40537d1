package dev.polity.registry.sharing.service;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Requests, grants and usage as clients and the audit log see them. */
public final class AccessViews {

    private AccessViews() {
    }

    /**
     * The body of {@code POST /api/v1/models/{org}/{name}/access-requests}.
     *
     * @param intendedUse     {@code research}, {@code academic}, {@code commercial}, {@code evaluation} or {@code internal}
     * @param durationDays    how long the grant should last, 1-730 days
     * @param requestingTeam  defaults to the caller's team
     */
    public record NewAccessRequest(String purpose, String intendedUse, Integer durationDays, String dataSharingTerms,
                                   String requestingTeam) {
    }

    /** The body of an approval, rejection (reason required) or revocation (reason required). */
    public record Decision(String reason) {
    }

    /**
     * @param state            {@code pending}, {@code approved} or {@code rejected}
     * @param autoApprovalRule {@code trusted_partner}, {@code research_use} or {@code academic_use} when no person decided
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record AccessRequestView(UUID id, String organization, String name, String requestingOrganization,
                                    String requestingTeam, String requestedBy, String purpose, String intendedUse,
                                    int durationDays, String dataSharingTerms, String state, String autoApprovalRule,
                                    String decidedBy, Instant decidedAt, String decisionReason, Instant createdAt,
                                    GrantView grant) {
    }

    /** @param state {@code active}, {@code expired} or {@code revoked} */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record GrantView(UUID id, UUID accessRequestId, String organization, String name, String granteeOrganization,
                            String team, String intendedUse, String grantedBy, Instant grantedAt, Instant expiresAt,
                            String state, Instant revokedAt, String revokedBy, String revocationReason, long usageCount) {
    }

    public record AccessRequestList(String organization, String name, List<AccessRequestView> items) {
    }

    public record GrantList(String organization, String name, List<GrantView> items) {
    }

    /**
     * The body of {@code POST .../versions/{v}/usage}.
     *
     * @param kind     {@code download}, {@code inference} or {@code training}
     * @param quantity how many (e.g. inferences in a batch); default 1
     * @param grantId  the grant to count it under; by default the caller's valid grant for the model
     */
    public record UsageRequest(String kind, Long quantity, String grantId) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record UsageRecorded(String organization, String name, String version, String usingOrganization, String kind,
                                long quantity, UUID grantId, long versionUsageCount, Long grantUsageCount, String recordedBy,
                                Instant recordedAt) {
    }

    public record UsageSummary(String organization, String name, String version, long usageCount, List<UsageTotal> items) {
    }

    public record UsageTotal(String organization, String kind, long quantity) {
    }
}
