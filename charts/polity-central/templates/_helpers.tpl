{{- /* polity-central only. Shared helpers are in _common.tpl. */ -}}

{{- define "polity.chartSpecificLabels" -}}
{{- end }}

{{- /* The four workloads, as the {id, component, port, values} descriptors _common.tpl expects. */ -}}
{{- define "central.sync" -}}
{{- toJson (dict "id" "sync-service" "component" "central-authority" "port" 8081 "values" .Values.syncService) -}}
{{- end }}
{{- define "central.registry" -}}
{{- toJson (dict "id" "registry-service" "component" "model-registry" "port" 8082 "values" .Values.registryService) -}}
{{- end }}
{{- define "central.audit" -}}
{{- toJson (dict "id" "audit-service" "component" "audit-log" "port" 8083 "values" .Values.auditService) -}}
{{- end }}
{{- define "central.gateway" -}}
{{- toJson (dict "id" "gateway" "component" "gateway" "port" 8080 "values" .Values.gateway) -}}
{{- end }}

{{- /* "true" when the services verify PostgreSQL's certificate against caSecret, else "". */ -}}
{{- define "central.postgresTls" -}}
{{- if and (ne .Values.postgresql.sslMode "disable") .Values.postgresql.caSecret.name -}}true{{- end -}}
{{- end }}

{{- /* QUARKUS_DATASOURCE_* for one service (ConfigMap data); the JDBC URL is for Flyway (and the audit service's appends). */ -}}
{{- define "central.datasourceConfig" -}}
{{- $pg := .ctx.Values.postgresql -}}
{{- $db := .c.values.database -}}
{{- $base := printf "//%s:%v/%s" $pg.host $pg.port $db.name -}}
QUARKUS_DATASOURCE_REACTIVE_URL: {{ printf "postgresql:%s" $base | quote }}
QUARKUS_DATASOURCE_REACTIVE_POSTGRESQL_SSL_MODE: {{ $pg.sslMode | quote }}
{{- if include "central.postgresTls" .ctx }}
QUARKUS_DATASOURCE_JDBC_URL: {{ printf "jdbc:postgresql:%s?sslmode=%s&sslrootcert=/etc/polity/postgres-ca/%s" $base $pg.sslMode $pg.caSecret.key | quote }}
QUARKUS_DATASOURCE_REACTIVE_TRUST_CERTIFICATE_PEM: "true"
QUARKUS_DATASOURCE_REACTIVE_TRUST_CERTIFICATE_PEM_CERTS: "/etc/polity/postgres-ca/{{ $pg.caSecret.key }}"
{{- if eq $pg.sslMode "verify-full" }}
QUARKUS_DATASOURCE_REACTIVE_HOSTNAME_VERIFICATION_ALGORITHM: "HTTPS"
{{- end }}
{{- else }}
QUARKUS_DATASOURCE_JDBC_URL: {{ printf "jdbc:postgresql:%s?sslmode=%s" $base $pg.sslMode | quote }}
{{- if eq $pg.sslMode "require" }}
QUARKUS_DATASOURCE_REACTIVE_TRUST_ALL: "true"
{{- end }}
{{- end }}
{{- end }}

{{- define "central.datasourceSecretEnv" -}}
{{- $db := .c.values.database -}}
- name: QUARKUS_DATASOURCE_USERNAME
  valueFrom:
    secretKeyRef:
      name: {{ $db.existingSecret }}
      key: {{ $db.usernameKey }}
- name: QUARKUS_DATASOURCE_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $db.existingSecret }}
      key: {{ $db.passwordKey }}
{{- end }}

{{- define "central.postgresVolumeMounts" -}}
{{- if include "central.postgresTls" .ctx }}
- name: postgres-ca
  mountPath: /etc/polity/postgres-ca
  readOnly: true
{{- end }}
{{- end }}

{{- define "central.postgresVolumes" -}}
{{- if include "central.postgresTls" .ctx }}
- name: postgres-ca
  secret:
    secretName: {{ .ctx.Values.postgresql.caSecret.name }}
    items:
      - key: {{ .ctx.Values.postgresql.caSecret.key }}
        path: {{ .ctx.Values.postgresql.caSecret.key }}
{{- end }}
{{- end }}

{{- define "central.postgresEgress" -}}
{{- include "polity.egressRule" .ctx.Values.postgresql.networkPolicy -}}
{{- end }}

{{- /*
A backend service (sync, registry, audit): ConfigMap, Deployment, Service, PDB, HPA, NetworkPolicy.
Extra input: "config" (more ConfigMap data), "secretEnv" (more env entries).
*/ -}}
{{- define "central.backend" -}}
{{- $name := include "polity.workloadName" . -}}
{{- $gateway := fromJson (include "central.gateway" .ctx) -}}
{{- $config := include "central.backendConfig" . -}}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ $name }}
  namespace: {{ .ctx.Release.Namespace }}
  labels:
    {{- include "polity.labels" . | nindent 4 }}
data:
  {{- $config | nindent 2 }}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ $name }}
  namespace: {{ .ctx.Release.Namespace }}
  labels:
    {{- include "polity.labels" . | nindent 4 }}
spec:
  {{- if not .c.values.autoscaling.enabled }}
  replicas: {{ .c.values.replicaCount }}
  {{- end }}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      {{- include "polity.selectorLabels" . | nindent 6 }}
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 1
      maxUnavailable: 0
  template:
    metadata:
      labels:
        {{- include "polity.labels" . | nindent 8 }}
      annotations:
        checksum/config: {{ $config | sha256sum }}
        {{- with .c.values.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      serviceAccountName: {{ include "polity.fullname" .ctx }}
      automountServiceAccountToken: false
      enableServiceLinks: false
      securityContext:
        {{- include "polity.podSecurityContext" . | nindent 8 }}
      {{- with include "polity.podScheduling" . | trim }}{{ . | nindent 6 }}{{- end }}
      containers:
        - {{ include "polity.containerBase" . | nindent 10 | trim }}
          envFrom:
            - configMapRef:
                name: {{ $name }}
          env:
            {{- include "central.datasourceSecretEnv" . | nindent 12 }}
            {{- with include "polity.kafkaSecretEnv" . | trim }}{{ . | nindent 12 }}{{- end }}
            {{- with .secretEnv }}
            {{- . | nindent 12 }}
            {{- end }}
            {{- include "polity.jvmEnv" .c.values | nindent 12 }}
            {{- with .c.values.extraEnv }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
            {{- with include "polity.kafkaVolumeMounts" . | trim }}{{ . | nindent 12 }}{{- end }}
            {{- with include "central.postgresVolumeMounts" . | trim }}{{ . | nindent 12 }}{{- end }}
      volumes:
        - name: tmp
          emptyDir:
            sizeLimit: 256Mi
        {{- with include "polity.kafkaVolumes" . | trim }}{{ . | nindent 8 }}{{- end }}
        {{- with include "central.postgresVolumes" . | trim }}{{ . | nindent 8 }}{{- end }}
---
{{ include "polity.service" . }}
{{ include "polity.podDisruptionBudget" . }}
{{ include "polity.horizontalPodAutoscaler" (merge (dict "kind" "Deployment") .) }}
{{- if .ctx.Values.networkPolicy.enabled }}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ $name }}
  namespace: {{ .ctx.Release.Namespace }}
  labels:
    {{- include "polity.labels" . | nindent 4 }}
spec:
  podSelector:
    matchLabels:
      {{- include "polity.selectorLabels" . | nindent 6 }}
  policyTypes:
    - Ingress
    - Egress
  ingress:
    # Only the gateway of this release calls the service.
    - from:
        - podSelector:
            matchLabels:
              {{- include "polity.selectorLabels" (dict "ctx" .ctx "c" $gateway) | nindent 14 }}
      ports:
        - protocol: TCP
          port: {{ .c.port }}
    {{- with include "polity.metricsIngress" . | trim }}{{ . | nindent 4 }}{{- end }}
  egress:
    {{- include "polity.dnsEgress" . | nindent 4 }}
    {{- include "polity.kafkaEgress" . | nindent 4 }}
    {{- include "central.postgresEgress" . | nindent 4 }}
{{- end }}
{{- end }}

{{- define "central.backendConfig" -}}
{{ include "polity.kafkaConfig" . }}
{{ include "central.datasourceConfig" . }}
{{- with .config }}
{{ . }}
{{- end }}
{{- end }}

{{- /* The gateway keeps break-glass grants on Kafka and writes their audit events: the same Kafka wiring as the services. */ -}}
{{- define "central.gatewayConfig" -}}
{{- $full := include "polity.fullname" .ctx -}}
{{ include "polity.kafkaConfig" . }}
QUARKUS_OIDC_AUTH_SERVER_URL: {{ .ctx.Values.oidc.issuer | quote }}
POLITY_GATEWAY_SYNC_URL: {{ printf "http://%s-sync-service" $full | quote }}
POLITY_GATEWAY_REGISTRY_URL: {{ printf "http://%s-registry-service" $full | quote }}
POLITY_GATEWAY_AUDIT_URL: {{ printf "http://%s-audit-service" $full | quote }}
{{- if .ctx.Values.gateway.policyNodes }}
QUARKUS_CONFIG_LOCATIONS: "/etc/polity/gateway/routes.properties"
{{- end }}
{{- end }}

{{- /* Map-valued gateway keys (organisation ids contain dashes) go into a properties file. */ -}}
{{- define "central.gatewayRoutes" -}}
{{- range $org, $url := .ctx.Values.gateway.policyNodes }}
polity.gateway.policy-nodes.{{ $org }}={{ $url }}
{{- end }}
{{- end }}

{{- define "central.gatewayEgress" -}}
# The services behind the gateway.
{{- range list (include "central.sync" .ctx) (include "central.registry" .ctx) (include "central.audit" .ctx) }}
{{- $b := fromJson . }}
- to:
    - podSelector:
        matchLabels:
          {{- include "polity.selectorLabels" (dict "ctx" $.ctx "c" $b) | nindent 10 }}
  ports:
    - protocol: TCP
      port: {{ $b.port }}
{{- end }}
# Kafka: break-glass grants (polity.gateway.break-glass) and their audit events.
{{ include "polity.kafkaEgress" . }}
{{- if .ctx.Values.gateway.policyNodes }}
# Policy nodes the central gateway routes decisions to (outside this release).
{{ include "polity.egressRule" (dict "to" (list) "ports" (list 80 443)) }}
{{- end }}
{{- end }}
