package dev.polity.registry.lifecycle.service;

/**
 * The body of {@code POST .../transitions/{id}/sign-offs}.
 *
 * @param review   {@code security_review}, {@code compliance_check} or {@code stakeholder_review}; may be left
 *                 out when the caller holds exactly one of the review roles
 * @param approved false rejects the transition; default true
 * @param comment  why; required when rejecting
 */
public record SignOffRequest(String review, Boolean approved, String comment) {
}
