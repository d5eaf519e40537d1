package dev.polity.gateway.routing;

import java.util.List;
import java.util.Map;

/** What a service answered: status, headers (in order, repeated names kept) and body. */
public record ServiceAnswer(int status, List<Map.Entry<String, String>> headers, byte[] body) {

    public String header(String name) {
        return headers.stream().filter(h -> h.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).findFirst().orElse(null);
    }

    public boolean isSuccess() {
        return status / 100 == 2;
    }
}
