package dev.polity.audit.log;

import java.util.List;

/**
 * What a batch append did.
 *
 * @param sequences for each event of the batch, in order, its new sequence number or null when it was a duplicate
 * @param head      the log's head after the append
 */
public record AppendResult(List<Long> sequences, LogHead head) {

    public long appended() {
        return sequences.stream().filter(s -> s != null).count();
    }
}
