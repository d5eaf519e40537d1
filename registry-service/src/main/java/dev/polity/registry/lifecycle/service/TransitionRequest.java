package dev.polity.registry.lifecycle.service;

/**
 * The body of {@code POST .../versions/{v}/transitions}.
 *
 * @param target the status to move to: {@code staging}, {@code production}, {@code deprecated}, {@code retired}
 * @param reason why; kept in the history
 */
public record TransitionRequest(String target, String reason) {
}
