package dev.polity.registry.model.service;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.List;

/**
 * One page of search results: versions the caller may see, most used first, then newest.
 *
 * @param nextPageToken pass as {@code page_token} with the same filters for the next page; absent on the last
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelSearchPage(List<Item> items, String nextPageToken) {

    /** A matching version with the facts of its model. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Item(String organization, String name, String version, String status, String framework,
                       String modelType, String description, String modelDescription, String domain, List<String> tags,
                       String accessLevel, String riskLevel, long usageCount, Instant registeredAt) {
    }
}
