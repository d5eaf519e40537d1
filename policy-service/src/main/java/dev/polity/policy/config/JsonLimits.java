package dev.polity.policy.config;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;

/**
 * Bounds what one request can make the node parse and evaluate: CEL walks whatever structure it
 * is given, so depth and size are limited before the body reaches it (the HTTP body size limit is
 * {@code quarkus.http.limits.max-body-size}).
 */
@Singleton
public class JsonLimits implements ObjectMapperCustomizer {

    /** Governance requests are a few levels deep; 32 leaves ample room for model cards. */
    static final int MAX_NESTING_DEPTH = 32;
    static final int MAX_STRING_LENGTH = 64 * 1024;

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(MAX_NESTING_DEPTH)
                .maxStringLength(MAX_STRING_LENGTH)
                .build());
    }
}
