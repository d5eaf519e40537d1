package dev.polity.sync.bundle.service;

import dev.polity.contracts.bundle.BundleManifest;
import dev.polity.contracts.bundle.Bundles;

import java.nio.charset.StandardCharsets;

/**
 * The latest signed bundle of an organisation.
 *
 * @param json {@code Bundles.toJson} of the signed bundle, exactly as published
 */
public record StoredBundle(String organizationId, long revision, String digest, String json) {

    /** Strong entity tag: a revision and digest name exactly one bundle. */
    public String etag() {
        return "\"" + revision + "-" + digest + "\"";
    }

    public BundleManifest manifest() {
        return Bundles.fromJson(json.getBytes(StandardCharsets.UTF_8)).manifest();
    }
}
