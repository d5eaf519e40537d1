package dev.polity.sync.config;

import io.smallrye.config.ConfigMapping;

/**
 * The Ed25519 key pair the central authority signs policy bundles with. Both keys are required
 * and must form a pair; {@link dev.polity.sync.bundle.service.BundleSigner} checks that at
 * start-up and refuses to start otherwise. Generate a pair with
 * {@code openssl genpkey -algorithm ed25519 -out key.pem} and
 * {@code openssl pkey -in key.pem -pubout}; PEM armour and line breaks are accepted.
 */
@ConfigMapping(prefix = "polity.bundles")
public interface BundleSigningConfig {

    /**
     * Private signing key: base64 of its PKCS#8 encoding (the body of a {@code BEGIN PRIVATE KEY}
     * PEM). A secret: pass it through the environment ({@code POLITY_BUNDLES_SIGNING_PRIVATE_KEY})
     * or a Kubernetes secret, never a file in the image.
     */
    String signingPrivateKey();

    /**
     * Public key of the same pair: base64 of its X.509 SubjectPublicKeyInfo encoding (the body of
     * a {@code BEGIN PUBLIC KEY} PEM). Served at {@code GET /api/v1/bundles/keys} so that policy
     * nodes can be configured to trust it.
     */
    String signingPublicKey();
}
