package dev.polity.sync.federation.service;

import dev.polity.support.problem.FieldError;
import dev.polity.sync.organization.service.NewOrganization;
import dev.polity.sync.organization.service.OrganizationValidator;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a federation file, or a Kubernetes ConfigMap that carries one under the
 * {@code federation-config.yaml} key, keeping line numbers so that every error names its line.
 */
public final class FederationFileParser {

    public static final String CONFIG_MAP_KEY = "federation-config.yaml";
    private static final Set<String> KNOWN = Set.of("federation", "organizations", "policy_hierarchy",
            "sync_configuration", "audit_configuration");
    private static final Set<String> ORGANIZATION_FIELDS = Set.of("id", "name", "tier", "region", "governance_endpoint",
            "policy_authority", "parent_org", "partnership_type", "trusted_partners", "consortia");
    private static final Pattern POLICY_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    /** Line offset of the embedded document inside a ConfigMap (0 for a plain file). */
    private int offset;
    private String prefix = "";

    private FederationFileParser() {
    }

    public static FederationFile parse(String text) {
        return new FederationFileParser().read(text);
    }

    private FederationFile read(String text) {
        MappingNode root = mapping(compose(text), "the file");
        Node kind = get(root, "kind");
        Node data = get(root, "data");
        if (kind instanceof ScalarNode scalar && "ConfigMap".equals(scalar.getValue())) {
            Node embedded = data instanceof MappingNode map ? get(map, CONFIG_MAP_KEY) : null;
            if (!(embedded instanceof ScalarNode scalar2)) {
                throw error(kind, "data", "a ConfigMap must carry the federation file under data." + CONFIG_MAP_KEY);
            }
            boolean block = scalar2.getScalarStyle() == DumperOptions.ScalarStyle.LITERAL
                    || scalar2.getScalarStyle() == DumperOptions.ScalarStyle.FOLDED;
            offset = block ? scalar2.getStartMark().getLine() + 1 : 0;
            prefix = block ? "" : CONFIG_MAP_KEY + " ";
            root = mapping(compose(scalar2.getValue()), "the federation file");
        }
        return federation(root);
    }

    private Node compose(String text) {
        try {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            options.setMaxAliasesForCollections(10);
            Node node = new Yaml(options).compose(new StringReader(text == null ? "" : text));
            if (node == null) {
                throw new FederationFileException(offset + 1, null, "the document is empty");
            }
            return node;
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 1 : e.getProblemMark().getLine() + 1;
            throw new FederationFileException(offset + line, null, "not valid YAML: " + e.getProblem());
        } catch (YAMLException e) {
            throw new FederationFileException(offset + 1, null, "not valid YAML: " + e.getMessage());
        }
    }

    private FederationFile federation(MappingNode root) {
        List<String> ignored = new ArrayList<>();
        for (NodeTuple tuple : root.getValue()) {
            String key = key(tuple);
            if (!KNOWN.contains(key)) {
                ignored.add(key);
            }
        }
        MappingNode federation = mapping(require(root, "federation", root), "federation");
        String id = id(require(federation, "id", federation), "federation.id");
        String name = text(require(federation, "name", federation), "federation.name");

        List<FederationFile.Member> members = new ArrayList<>();
        Node organizations = get(root, "organizations");
        if (organizations != null) {
            SequenceNode list = sequence(organizations, "organizations");
            for (int i = 0; i < list.getValue().size(); i++) {
                members.add(member(mapping(list.getValue().get(i), "organizations[" + i + "]"), "organizations[" + i + "]"));
            }
        }
        List<FederationFile.HierarchyEntry> hierarchy = hierarchy(get(root, "policy_hierarchy"));
        FederationFile.Sync sync = sync(get(root, "sync_configuration"));
        Map<String, Object> audit = audit(get(root, "audit_configuration"));
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("id", id);
        document.put("name", name);
        return new FederationFile(id, name, List.copyOf(members), List.copyOf(hierarchy), sync, audit,
                List.copyOf(ignored), document);
    }

    private FederationFile.Member member(MappingNode node, String path) {
        for (NodeTuple tuple : node.getValue()) {
            if (!ORGANIZATION_FIELDS.contains(key(tuple))) {
                throw error(tuple.getKeyNode(), path + "." + key(tuple), "unknown field; an organization has "
                        + String.join(", ", ORGANIZATION_FIELDS.stream().sorted().toList()));
            }
        }
        Node parent = get(node, "parent_org");
        NewOrganization organization = new NewOrganization(
                optionalText(get(node, "id"), path + ".id"),
                optionalText(get(node, "name"), path + ".name"),
                optionalText(get(node, "tier"), path + ".tier"),
                optionalText(get(node, "region"), path + ".region"),
                optionalText(parent, path + ".parent_org"),
                optionalText(get(node, "policy_authority"), path + ".policy_authority"),
                optionalText(get(node, "partnership_type"), path + ".partnership_type"),
                optionalList(get(node, "trusted_partners"), path + ".trusted_partners"),
                optionalList(get(node, "consortia"), path + ".consortia"),
                optionalText(get(node, "governance_endpoint"), path + ".governance_endpoint"));
        List<FieldError> problems = OrganizationValidator.problems(organization);
        if (!problems.isEmpty()) {
            FieldError first = problems.get(0);
            String field = first.field().equals("parent_organization") ? "parent_org" : first.field().replaceAll("\\[\\d+]$", "");
            Node at = get(node, field);
            throw error(at == null ? node : at, path + "." + field, first.problem());
        }
        return new FederationFile.Member(organization, line(node), parent == null ? line(node) : line(parent));
    }

    private List<FederationFile.HierarchyEntry> hierarchy(Node node) {
        List<FederationFile.HierarchyEntry> entries = new ArrayList<>();
        if (node == null || isNull(node)) {
            return entries;
        }
        MappingNode map = mapping(node, "policy_hierarchy");
        for (NodeTuple tuple : map.getValue()) {
            String level = key(tuple);
            String path = "policy_hierarchy." + level;
            switch (level) {
                case "global" -> policyIds(tuple.getValueNode(), path, "global", "", entries);
                case "regional", "organizational" -> {
                    if (isNull(tuple.getValueNode())) {
                        continue;
                    }
                    for (NodeTuple scoped : mapping(tuple.getValueNode(), path).getValue()) {
                        String key = key(scoped);
                        if (!POLICY_ID.matcher(key).matches()) {
                            throw error(scoped.getKeyNode(), path + "." + key, "is not a region or organization id");
                        }
                        policyIds(scoped.getValueNode(), path + "." + key,
                                level.equals("regional") ? "regional" : "organization", key, entries);
                    }
                }
                default -> throw error(tuple.getKeyNode(), path, "unknown level; use global, regional or organizational");
            }
        }
        return entries;
    }

    private void policyIds(Node node, String path, String level, String key, List<FederationFile.HierarchyEntry> entries) {
        if (isNull(node)) {
            return;
        }
        SequenceNode list = sequence(node, path);
        for (int i = 0; i < list.getValue().size(); i++) {
            Node item = list.getValue().get(i);
            String policyId = text(item, path + "[" + i + "]");
            if (!POLICY_ID.matcher(policyId).matches()) {
                throw error(item, path + "[" + i + "]", "'" + policyId + "' is not a policy id");
            }
            entries.add(new FederationFile.HierarchyEntry(level, key, policyId, line(item)));
        }
    }

    private FederationFile.Sync sync(Node node) {
        if (node == null || isNull(node)) {
            return new FederationFile.Sync(null, null, null, null, null, null, null, null);
        }
        MappingNode map = mapping(node, "sync_configuration");
        Duration interval = optionalDuration(get(map, "sync_interval"), "sync_configuration.sync_interval");
        Integer batch = optionalInteger(get(map, "batch_size"), "sync_configuration.batch_size");
        Integer retries = null;
        Double multiplier = null;
        Duration maxBackoff = null;
        Node retry = get(map, "retry_policy");
        if (retry != null && !isNull(retry)) {
            MappingNode retryMap = mapping(retry, "sync_configuration.retry_policy");
            retries = optionalInteger(get(retryMap, "max_retries"), "sync_configuration.retry_policy.max_retries");
            Node m = get(retryMap, "backoff_multiplier");
            if (m != null) {
                try {
                    multiplier = Double.parseDouble(text(m, "sync_configuration.retry_policy.backoff_multiplier"));
                } catch (NumberFormatException e) {
                    throw error(m, "sync_configuration.retry_policy.backoff_multiplier", "must be a number such as 2");
                }
                if (multiplier < 1) {
                    throw error(m, "sync_configuration.retry_policy.backoff_multiplier", "must be 1 or more");
                }
            }
            maxBackoff = optionalDuration(get(retryMap, "max_backoff"), "sync_configuration.retry_policy.max_backoff");
        }
        String strategy = null;
        Boolean requireApproval = null;
        Duration approvalTimeout = null;
        Node conflict = get(map, "conflict_resolution");
        if (conflict != null && !isNull(conflict)) {
            MappingNode conflictMap = mapping(conflict, "sync_configuration.conflict_resolution");
            Node s = get(conflictMap, "strategy");
            if (s != null) {
                strategy = text(s, "sync_configuration.conflict_resolution.strategy");
                if (!strategy.equals("hierarchical")) {
                    throw error(s, "sync_configuration.conflict_resolution.strategy",
                            "'" + strategy + "' is not supported; the strategy is hierarchical");
                }
            }
            requireApproval = optionalBoolean(get(conflictMap, "require_approval"),
                    "sync_configuration.conflict_resolution.require_approval");
            approvalTimeout = optionalDuration(get(conflictMap, "approval_timeout"),
                    "sync_configuration.conflict_resolution.approval_timeout");
        }
        return new FederationFile.Sync(interval, batch, retries, multiplier, maxBackoff, strategy, requireApproval,
                approvalTimeout);
    }

    private Map<String, Object> audit(Node node) {
        Map<String, Object> audit = new LinkedHashMap<>();
        if (node == null || isNull(node)) {
            return audit;
        }
        MappingNode map = mapping(node, "audit_configuration");
        Boolean crossOrg = optionalBoolean(get(map, "cross_org_audit"), "audit_configuration.cross_org_audit");
        if (crossOrg != null) {
            audit.put("cross_org_audit", crossOrg);
        }
        Duration retention = optionalDuration(get(map, "audit_retention"), "audit_configuration.audit_retention");
        if (retention != null) {
            audit.put("audit_retention", text(get(map, "audit_retention"), "audit_configuration.audit_retention"));
            audit.put("audit_retention_days", retention.toDays());
        }
        Node encryption = get(map, "audit_encryption");
        if (encryption != null) {
            audit.put("audit_encryption", text(encryption, "audit_configuration.audit_encryption"));
        }
        List<String> endpoints = optionalList(get(map, "audit_endpoints"), "audit_configuration.audit_endpoints");
        if (endpoints != null) {
            audit.put("audit_endpoints", endpoints);
        }
        return audit;
    }

    // --- node helpers ---

    private static String key(NodeTuple tuple) {
        return tuple.getKeyNode() instanceof ScalarNode scalar ? scalar.getValue() : String.valueOf(tuple.getKeyNode());
    }

    private static Node get(MappingNode map, String key) {
        for (NodeTuple tuple : map.getValue()) {
            if (key.equals(key(tuple))) {
                return tuple.getValueNode();
            }
        }
        return null;
    }

    private Node require(MappingNode map, String key, Node at) {
        Node value = get(map, key);
        if (value == null || isNull(value)) {
            throw error(at, key, "'" + key + "' is required");
        }
        return value;
    }

    private static boolean isNull(Node node) {
        return node instanceof ScalarNode scalar && "tag:yaml.org,2002:null".equals(scalar.getTag().getValue());
    }

    private MappingNode mapping(Node node, String path) {
        if (node instanceof MappingNode map) {
            return map;
        }
        throw error(node, path, "must be a mapping");
    }

    private SequenceNode sequence(Node node, String path) {
        if (node instanceof SequenceNode list) {
            return list;
        }
        throw error(node, path, "must be a list");
    }

    private String text(Node node, String path) {
        if (node instanceof ScalarNode scalar && !isNull(node)) {
            return scalar.getValue();
        }
        throw error(node, path, "must be a single value");
    }

    private String optionalText(Node node, String path) {
        return node == null || isNull(node) ? null : text(node, path);
    }

    private String id(Node node, String path) {
        String value = text(node, path);
        if (!POLICY_ID.matcher(value).matches()) {
            throw error(node, path, "'" + value + "' is not an id (lower-case letters, digits, dashes)");
        }
        return value;
    }

    private List<String> optionalList(Node node, String path) {
        if (node == null || isNull(node)) {
            return null;
        }
        SequenceNode list = sequence(node, path);
        List<String> values = new ArrayList<>();
        for (int i = 0; i < list.getValue().size(); i++) {
            values.add(text(list.getValue().get(i), path + "[" + i + "]"));
        }
        return values;
    }

    private Duration optionalDuration(Node node, String path) {
        if (node == null || isNull(node)) {
            return null;
        }
        try {
            return Durations.parse(text(node, path));
        } catch (IllegalArgumentException e) {
            throw error(node, path, e.getMessage());
        }
    }

    private Integer optionalInteger(Node node, String path) {
        if (node == null || isNull(node)) {
            return null;
        }
        String value = text(node, path);
        try {
            int number = Integer.parseInt(value);
            if (number < 0) {
                throw error(node, path, "must not be negative");
            }
            return number;
        } catch (NumberFormatException e) {
            throw error(node, path, "'" + value + "' is not a whole number");
        }
    }

    private Boolean optionalBoolean(Node node, String path) {
        if (node == null || isNull(node)) {
            return null;
        }
        String value = text(node, path);
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw error(node, path, "'" + value + "' is not true or false");
        };
    }

    private int line(Node node) {
        return offset + node.getStartMark().getLine() + 1;
    }

    private FederationFileException error(Node node, String field, String problem) {
        return new FederationFileException(node == null ? offset + 1 : line(node), field,
                prefix.isEmpty() ? problem : "(" + prefix.trim() + ") " + problem);
    }
}
