package dev.polity.sync.support;

import dev.polity.devstack.TestTokens;
import io.restassured.specification.RequestSpecification;

import static io.restassured.RestAssured.given;

/** Requests with real bearer tokens from devstack's OIDC provider, one role each (organisation acme unless said). */
public final class Api {

    private Api() {
    }

    public static RequestSpecification as(String organization, String role) {
        return given().auth().oauth2(TestTokens.of(organization, role));
    }

    public static RequestSpecification as(String role) {
        return as("acme", role);
    }

    public static RequestSpecification admin() {
        return as("platform_admin");
    }

    public static RequestSpecification author() {
        return as("policy_author");
    }

    public static RequestSpecification approver() {
        return as("policy_approver");
    }

    /** Any authenticated caller: a token without a role. */
    public static RequestSpecification reader() {
        return as("none");
    }

    public static RequestSpecification anonymous() {
        return given();
    }
}
