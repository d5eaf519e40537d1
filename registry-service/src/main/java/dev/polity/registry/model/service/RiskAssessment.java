package dev.polity.registry.model.service;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The risk of a version, assessed at registration from the model's facts: critical domain
 * (healthcare, finance, legal, safety) +2, user-facing +1, autonomous decisions +2, processes PII +1.
 * 0 is LOW, 1-2 MEDIUM, 3-4 HIGH, 5 and more CRITICAL. Stored with its inputs and score.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RiskAssessment(String level, int score, Inputs inputs) {

    public static final Set<String> CRITICAL_DOMAINS = Set.of("healthcare", "finance", "legal", "safety");

    /** What the assessment looked at, and the points each fact gave. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Inputs(String domain, boolean criticalDomain, boolean userFacing, boolean autonomousDecisions,
                         boolean processesPii, List<Factor> factors) {
    }

    public record Factor(String factor, int points) {
    }

    public static RiskAssessment assess(String domain, boolean userFacing, boolean autonomousDecisions, boolean processesPii) {
        boolean critical = domain != null && CRITICAL_DOMAINS.contains(domain.toLowerCase(Locale.ROOT));
        List<Factor> factors = new ArrayList<>();
        if (critical) {
            factors.add(new Factor("critical_domain", 2));
        }
        if (userFacing) {
            factors.add(new Factor("user_facing", 1));
        }
        if (autonomousDecisions) {
            factors.add(new Factor("autonomous_decisions", 2));
        }
        if (processesPii) {
            factors.add(new Factor("processes_pii", 1));
        }
        int score = factors.stream().mapToInt(Factor::points).sum();
        return new RiskAssessment(RiskLevel.ofScore(score).wireName(), score,
                new Inputs(domain, critical, userFacing, autonomousDecisions, processesPii, List.copyOf(factors)));
    }
}
