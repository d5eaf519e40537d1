package dev.polity.contracts.bundle;

/** A bundle that must not be activated, with the reason a node reports on its status topic. */
public class BundleVerificationException extends RuntimeException {

    public BundleVerificationException(String reason) {
        super(reason);
    }
}
