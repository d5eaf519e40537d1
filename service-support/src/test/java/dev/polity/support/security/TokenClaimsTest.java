package dev.polity.support.security;

import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.oidc.runtime.OidcJwtCallerPrincipal;
import io.smallrye.jwt.auth.principal.DefaultJWTCallerPrincipal;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TokenClaimsTest {

    private static JwtClaims claims() throws Exception {
        return JwtClaims.parse("{\"sub\":\"alice\",\"org_id\":\"acme\",\"team_id\":\"fraud\",\"azp\":\"pipeline\",\"exp\":4102444800}");
    }

    @Test
    void readsCustomAndStandardClaimsOfQuarkusOidcsPrincipal() throws Exception {
        OidcJwtCallerPrincipal token = new OidcJwtCallerPrincipal(claims(), new AccessTokenCredential("raw"));

        assertThat(TokenClaims.string(token, "org_id")).isEqualTo("acme");
        assertThat(TokenClaims.string(token, "team_id")).isEqualTo("fraud");
        assertThat(TokenClaims.string(token, "azp")).isEqualTo("pipeline");
        assertThat(TokenClaims.string(token, "client_id")).isNull();
    }

    @Test
    void readsTheSameValuesThroughJsonWebTokenForOtherPrincipals() throws Exception {
        // getClaim wraps custom string claims as JSON strings; TokenClaims unwraps them.
        DefaultJWTCallerPrincipal token = new DefaultJWTCallerPrincipal(claims());

        assertThat(TokenClaims.string(token, "org_id")).isEqualTo("acme");
        assertThat(TokenClaims.string(token, "azp")).isEqualTo("pipeline");
        assertThat(TokenClaims.string(token, "client_id")).isNull();
    }
}
