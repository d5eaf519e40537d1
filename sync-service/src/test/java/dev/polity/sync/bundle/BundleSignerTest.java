package dev.polity.sync.bundle;

import dev.polity.contracts.crypto.Ed25519;
import dev.polity.sync.bundle.service.BundleSigner;
import dev.polity.sync.config.BundleSigningConfig;
import org.junit.jupiter.api.Test;

import java.security.KeyPair;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BundleSignerTest {

    @Test
    void refusesKeysThatAreNotAPair() {
        KeyPair one = Ed25519.generateKeyPair();
        KeyPair other = Ed25519.generateKeyPair();

        assertThatThrownBy(() -> new BundleSigner(config(Ed25519.encodePrivateKey(one.getPrivate()),
                Ed25519.encodePublicKey(other.getPublic()))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("polity.bundles.signing-private-key and polity.bundles.signing-public-key are not a key pair");
    }

    @Test
    void refusesAKeyThatIsNotBase64Pkcs8() {
        KeyPair pair = Ed25519.generateKeyPair();

        assertThatThrownBy(() -> new BundleSigner(config("bm90IGEga2V5", Ed25519.encodePublicKey(pair.getPublic()))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("polity.bundles.signing-private-key is not");
    }

    @Test
    void acceptsAPairAndNamesItsKeyId() {
        KeyPair pair = Ed25519.generateKeyPair();

        BundleSigner signer = new BundleSigner(config(Ed25519.encodePrivateKey(pair.getPrivate()),
                Ed25519.encodePublicKey(pair.getPublic())));

        assertThat(signer.keyId()).isEqualTo(Ed25519.keyId(pair.getPublic()));
        assertThat(signer.signingKey().publicKey()).isEqualTo(Ed25519.encodePublicKey(pair.getPublic()));
    }

    private static BundleSigningConfig config(String privateKey, String publicKey) {
        return new BundleSigningConfig() {
            @Override
            public String signingPrivateKey() {
                return privateKey;
            }

            @Override
            public String signingPublicKey() {
                return publicKey;
            }
        };
    }
}
