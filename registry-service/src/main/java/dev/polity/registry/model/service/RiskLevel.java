package dev.polity.registry.model.service;

import java.util.List;
import java.util.Locale;

/** Risk levels and the reviews each one's approval workflow needs besides the policy node's automated check. */
public enum RiskLevel {
    LOW(List.of()),
    MEDIUM(List.of(Review.SECURITY_REVIEW)),
    HIGH(List.of(Review.SECURITY_REVIEW, Review.COMPLIANCE_CHECK)),
    CRITICAL(List.of(Review.SECURITY_REVIEW, Review.COMPLIANCE_CHECK, Review.STAKEHOLDER_REVIEW));

    private final List<Review> reviews;

    RiskLevel(List<Review> reviews) {
        this.reviews = reviews;
    }

    public static RiskLevel ofScore(int score) {
        if (score <= 0) {
            return LOW;
        }
        if (score <= 2) {
            return MEDIUM;
        }
        return score <= 4 ? HIGH : CRITICAL;
    }

    public static RiskLevel fromWire(String text) {
        return valueOf(text.toUpperCase(Locale.ROOT));
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The sign-offs a transition of a version at this level needs, in the order they are listed. */
    public List<Review> reviews() {
        return reviews;
    }
}
