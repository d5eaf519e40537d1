package dev.polity.registry.model.service;

import dev.polity.registry.security.Roles;

import java.util.Arrays;
import java.util.Locale;

/** A sign-off an approval workflow may need, and the role that gives it. */
public enum Review {
    SECURITY_REVIEW(Roles.SECURITY_REVIEWER),
    COMPLIANCE_CHECK(Roles.COMPLIANCE_OFFICER),
    STAKEHOLDER_REVIEW(Roles.STAKEHOLDER);

    private final String role;

    Review(String role) {
        this.role = role;
    }

    public String role() {
        return role;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Review fromWire(String text) {
        return Arrays.stream(values()).filter(review -> review.wireName().equals(text)).findFirst().orElse(null);
    }
}
