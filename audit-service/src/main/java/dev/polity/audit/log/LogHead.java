package dev.polity.audit.log;

/** The log's head: how many events it holds and the root of the tree of those events. */
public record LogHead(long size, byte[] rootHash) {
}
