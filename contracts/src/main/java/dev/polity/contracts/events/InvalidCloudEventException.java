package dev.polity.contracts.events;

/** A record that is not a valid binary-mode CloudEvent; names the attribute and the problem. */
public class InvalidCloudEventException extends IllegalArgumentException {

    private final String attribute;

    public InvalidCloudEventException(String attribute, String problem) {
        super("CloudEvent attribute '" + attribute + "' " + problem);
        this.attribute = attribute;
    }

    public String attribute() {
        return attribute;
    }
}
