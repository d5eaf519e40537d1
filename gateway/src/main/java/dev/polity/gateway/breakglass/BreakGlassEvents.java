package dev.polity.gateway.breakglass;

/**
 * CloudEvent types of break-glass grants on {@code polity.audit.events}. Subject {@code break-glass/<grant id>},
 * extension {@code polityorg} the organisation, {@code polityactor} who acted.
 *
 * <p>{@code granted} and {@code ended} have ids derived from the grant ({@code <grant id>:granted},
 * {@code <grant id>:ended}) and the source {@value #SHARED_SOURCE}, the same on every replica: when several
 * replicas notice the same expiry, the audit log's deduplication on source + id keeps one {@code ended}.
 */
public final class BreakGlassEvents {

    public static final String GRANTED = "polity.breakglass.granted";
    public static final String USED = "polity.breakglass.used";
    public static final String ENDED = "polity.breakglass.ended";
    public static final String SHARED_SOURCE = "/polity/gateway/break-glass";

    private BreakGlassEvents() {
    }
}
