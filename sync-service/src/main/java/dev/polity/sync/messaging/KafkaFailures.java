package dev.polity.sync.messaging;

import dev.polity.support.problem.ProblemException;
import org.jboss.logging.Logger;

/** What a client sees when Kafka does not acknowledge a record: a 503, and nothing stored. */
final class KafkaFailures {

    private static final Logger LOG = Logger.getLogger(KafkaFailures.class);

    private KafkaFailures() {
    }

    static ProblemException unavailable(String topic, Throwable cause) {
        LOG.warnf(cause, "Kafka did not acknowledge a record on %s", topic);
        return ProblemException.unavailable("could not publish to Kafka topic " + topic
                + "; nothing was stored, try again later");
    }
}
