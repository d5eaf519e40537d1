{{- /* polity-node only. Shared helpers are in _common.tpl. */ -}}

{{- /* Every object says which organisation and region it serves. */ -}}
{{- define "polity.chartSpecificLabels" -}}
polity.dev/organization: {{ .Values.organizationId | quote }}
polity.dev/region: {{ .Values.region | quote }}
{{- end }}

{{- define "node.policy" -}}
{{- toJson (dict "id" "policy-service" "component" "policy-node" "port" 8084 "values" .Values.policyNode) -}}
{{- end }}
{{- define "node.gateway" -}}
{{- toJson (dict "id" "gateway" "component" "gateway" "port" 8080 "values" .Values.gateway) -}}
{{- end }}

{{- /* The policy node's configuration (ConfigMap data, environment variables). */ -}}
{{- define "node.policyConfig" -}}
POLITY_NODE_ORGANIZATION_ID: {{ .ctx.Values.organizationId | quote }}
POLITY_NODE_REGION: {{ .ctx.Values.region | quote }}
POLITY_NODE_TRUSTED_PUBLIC_KEYS: {{ join "," .ctx.Values.trustedPublicKeys | quote }}
POLITY_NODE_STATE_DIRECTORY: {{ .c.values.persistence.mountPath | quote }}
POLITY_NODE_DECISION_TTL: {{ .c.values.decisionTtl | quote }}
{{ include "polity.kafkaConfig" . }}
{{- end }}

{{- /*
The pipeline gateway reads break-glass grants (polity.gateway.break-glass) and writes the audit events of
requests made under them (polity.audit.events): the node's Kafka settings, its own credentials
(gateway.kafka.credentialsSecret).
*/ -}}
{{- define "node.gatewayConfig" -}}
{{- $central := trimSuffix "/" .ctx.Values.central.url -}}
{{ include "polity.kafkaConfig" . }}
QUARKUS_OIDC_AUTH_SERVER_URL: {{ .ctx.Values.oidc.issuer | quote }}
POLITY_GATEWAY_SYNC_URL: {{ $central | quote }}
POLITY_GATEWAY_REGISTRY_URL: {{ $central | quote }}
POLITY_GATEWAY_AUDIT_URL: {{ $central | quote }}
# Grants are given, revoked and swept at the central gateway; this one's Kafka user may only read them.
POLITY_GATEWAY_BREAK_GLASS_MANAGE: "false"
QUARKUS_CONFIG_LOCATIONS: "/etc/polity/gateway/routes.properties"
{{- end }}

{{- /* Decisions for this organisation go to this release's policy node. */ -}}
{{- define "node.gatewayRoutes" -}}
{{- $policy := fromJson (include "node.policy" .ctx) -}}
polity.gateway.policy-nodes.{{ .ctx.Values.organizationId }}=http://{{ include "polity.workloadName" (dict "ctx" .ctx "c" $policy) }}
{{- end }}

{{- define "node.gatewayEgress" -}}
{{- $policy := fromJson (include "node.policy" .ctx) -}}
# The organisation's policy node.
- to:
    - podSelector:
        matchLabels:
          {{- include "polity.selectorLabels" (dict "ctx" .ctx "c" $policy) | nindent 10 }}
  ports:
    - protocol: TCP
      port: {{ $policy.port }}
# The central authority's gateway (models, audit, policies).
{{ include "polity.egressRule" .ctx.Values.central.networkPolicy }}
# Kafka: break-glass grants (polity.gateway.break-glass) and the audit events of their use.
{{ include "polity.kafkaEgress" . }}
{{- end }}
