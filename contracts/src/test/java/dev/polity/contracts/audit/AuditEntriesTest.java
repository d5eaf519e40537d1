package dev.polity.contracts.audit;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.polity.contracts.json.CanonicalJson;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The directly written entry must be byte for byte the RFC 8785 canonicalisation of the same JSON. */
class AuditEntriesTest {

    private static final String SHA = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    @Test
    void entryIsTheCanonicalJsonOfTheSameObject() {
        List<AuditEntries.Header> headers = new ArrayList<>();
        headers.add(new AuditEntries.Header("ce_id", "4f1c"));
        headers.add(new AuditEntries.Header("ce_source", "//polity/node/acme"));
        headers.add(new AuditEntries.Header("content-type", "application/json"));
        headers.add(new AuditEntries.Header("quotes \" and \\ backslash", "tab\tnew line\ncr\rform\fback\b"));
        headers.add(new AuditEntries.Header("control", "\u0001\u001f\u007f"));
        headers.add(new AuditEntries.Header("unicode", "Zürich – 東京 \uD83D\uDE00"));
        headers.add(new AuditEntries.Header("no value", null));
        headers.add(new AuditEntries.Header("ce_id", "repeated names keep their order"));

        ObjectNode generic = JsonNodeFactory.instance.objectNode();
        generic.put("data_sha256", SHA);
        generic.set("headers", AuditEntries.toJson(headers));

        assertArrayEquals(CanonicalJson.canonicalize(generic), AuditEntries.entry(headers, SHA));
        assertEquals(CanonicalJson.canonicalString(AuditEntries.toJson(headers)), AuditEntries.toJsonText(headers));
        assertEquals(headers, AuditEntries.fromJsonText(AuditEntries.toJsonText(headers)));
    }

    @Test
    void emptyHeaders() {
        assertEquals("{\"data_sha256\":\"" + SHA + "\",\"headers\":[]}",
                new String(AuditEntries.entry(List.of(), SHA), StandardCharsets.UTF_8));
    }

    @Test
    void refusesAMalformedDataHash() {
        assertThrows(IllegalArgumentException.class, () -> AuditEntries.entry(List.of(), SHA.toUpperCase()));
        assertThrows(IllegalArgumentException.class, () -> AuditEntries.entry(List.of(), "abc"));
    }
}
