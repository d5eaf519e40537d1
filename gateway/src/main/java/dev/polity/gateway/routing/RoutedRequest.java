package dev.polity.gateway.routing;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.UriInfo;

import java.util.HashMap;
import java.util.Map;

/** The parts of an incoming request the gateway passes on. */
public record RoutedRequest(String method, String pathAndQuery, Map<String, String> headers, byte[] body) {

    /** The raw path, without the query string. */
    public String path() {
        int query = pathAndQuery.indexOf('?');
        return query < 0 ? pathAndQuery : pathAndQuery.substring(0, query);
    }

    public RoutedRequest withBody(byte[] newBody) {
        return new RoutedRequest(method, pathAndQuery, headers, newBody);
    }

    public static RoutedRequest of(String method, UriInfo uri, HttpHeaders headers, byte[] body) {
        Map<String, String> single = new HashMap<>();
        headers.getRequestHeaders().forEach((name, values) -> {
            if (!values.isEmpty()) {
                single.put(canonical(name), values.get(0));
            }
        });
        String query = uri.getRequestUri().getRawQuery();
        String path = uri.getRequestUri().getRawPath();
        return new RoutedRequest(method, query == null ? path : path + "?" + query, single, body);
    }

    /** Header names arrive in any case; the forwarder looks them up in their usual spelling. */
    private static String canonical(String name) {
        StringBuilder out = new StringBuilder(name.length());
        boolean upper = true;
        for (char c : name.toCharArray()) {
            out.append(upper ? Character.toUpperCase(c) : Character.toLowerCase(c));
            upper = c == '-';
        }
        return out.toString();
    }
}
