package dev.polity.contracts.policy;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.polity.contracts.json.Json;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The standard policy library shipped with Polity: CEL policies for data privacy, bias,
 * performance, compliance frameworks, data residency, lineage, the production gate and usage,
 * as YAML resources under {@value #ROOT} with an {@code index.yaml} listing them. The request
 * fields the policies read are documented in {@code docs/standard-policy-library.md}.
 *
 * <p>Tiered entries come in {@code strict}, {@code standard} and {@code flexible} variants; an
 * organisation is subscribed to the variants of one tier plus every entry without a tier.
 * Framework entries ({@code gdpr}, {@code soc2}, {@code hipaa}, {@code eu-ai-act}, {@code ccpa})
 * are opted into per organisation. Every policy is scoped {@code global}; whoever subscribes an
 * organisation may re-scope it and tighten its {@code params}.
 */
public final class StandardLibrary {

    /** Classpath folder of the library. */
    public static final String ROOT = "dev/polity/policies/standard/";
    public static final List<String> TIERS = List.of("strict", "standard", "flexible");

    /**
     * One policy of the library.
     *
     * @param file      path relative to {@link #ROOT}
     * @param tier      {@code strict}, {@code standard} or {@code flexible}; null when it applies to every tier
     * @param framework the compliance framework it implements; null when it is not opt-in
     */
    public record Entry(String id, String family, String file, String tier, String framework, String description) {
    }

    private record Index(List<Entry> policies) {
    }

    private static final class Holder {
        static final List<Entry> ENTRIES = List.copyOf(readIndex());
    }

    private StandardLibrary() {
    }

    /** Every policy of the library, in index order. */
    public static List<Entry> entries() {
        return Holder.ENTRIES;
    }

    public static Optional<Entry> entry(String id) {
        return entries().stream().filter(e -> e.id().equals(id)).findFirst();
    }

    /**
     * Reads and validates one library policy; each call returns a fresh document.
     *
     * @throws IllegalArgumentException when the library has no policy with that id
     */
    public static PolicyDocument load(String id) {
        Entry entry = entry(id).orElseThrow(() -> new IllegalArgumentException("the standard library has no policy '" + id + "'"));
        return PolicyDocuments.parse(resource(entry.file()));
    }

    /** Every policy of the library, all tiers and frameworks together. */
    public static List<PolicyDocument> loadAll() {
        return entries().stream().map(e -> load(e.id())).toList();
    }

    /**
     * What an organisation of a tier is subscribed to: the entries of that tier, every entry
     * without a tier or framework, and the entries of the given frameworks.
     *
     * @param tier       {@code strict}, {@code standard} or {@code flexible}
     * @param frameworks framework names, e.g. {@code gdpr}, {@code eu-ai-act}
     */
    public static List<PolicyDocument> subscription(String tier, Collection<String> frameworks) {
        if (!TIERS.contains(tier)) {
            throw new IllegalArgumentException("'" + tier + "' is not one of: " + String.join(", ", TIERS));
        }
        Set<String> known = Set.copyOf(entries().stream().filter(e -> e.framework() != null).map(Entry::framework).toList());
        for (String framework : frameworks) {
            if (!known.contains(framework)) {
                throw new IllegalArgumentException("'" + framework + "' is not one of: " + String.join(", ", known.stream().sorted().toList()));
            }
        }
        return entries().stream()
                .filter(e -> e.framework() != null ? frameworks.contains(e.framework()) : e.tier() == null || e.tier().equals(tier))
                .map(e -> load(e.id()))
                .toList();
    }

    /**
     * A governance request (the body of {@code POST /api/v1/decisions}) that every policy of the
     * library approves; documents the fields the library reads.
     */
    public static Map<String, Object> exampleRequest() {
        try {
            return Json.mapper().readValue(resource("example-decision-request.json"), new TypeReference<>() {
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Entry> readIndex() {
        try {
            return Json.yamlMapper().readValue(resource("index.yaml"), Index.class).policies();
        } catch (IOException e) {
            throw new UncheckedIOException("the standard library index cannot be read", e);
        }
    }

    private static String resource(String file) {
        try (InputStream in = StandardLibrary.class.getClassLoader().getResourceAsStream(ROOT + file)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + ROOT + file);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
