package dev.polity.sync.organization.service;

import java.util.Arrays;
import java.util.List;

/** Membership tier of an organisation. */
public enum Tier {
    ENTERPRISE, BUSINESS, RESEARCH, STARTUP, ACADEMIC;

    public String wireName() {
        return name().toLowerCase();
    }

    public static List<String> wireNames() {
        return Arrays.stream(values()).map(Tier::wireName).toList();
    }

    public static boolean isValid(String text) {
        return text != null && wireNames().contains(text);
    }
}
