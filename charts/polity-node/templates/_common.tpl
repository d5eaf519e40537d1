{{- /*
Shared by charts/polity-central and charts/polity-node: the two copies must stay identical
(ChartLintTest checks it). Each chart's _helpers.tpl defines "polity.chartSpecificLabels".
Every template takes a dict with "ctx" (the root context) and, for per-workload templates,
"c": {id, component, port, values}, where id is the workload's app.kubernetes.io/name and values
its section of values.yaml.
*/ -}}

{{- define "polity.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 50 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end }}

{{- /* Name of one workload's objects: <fullname>-<id>. */ -}}
{{- define "polity.workloadName" -}}
{{- printf "%s-%s" (include "polity.fullname" .ctx) .c.id | trunc 63 | trimSuffix "-" -}}
{{- end }}

{{- define "polity.chartLabel" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end }}

{{- /* Labels of objects that belong to the release as a whole (network policies, topics, ...). */ -}}
{{- define "polity.releaseLabels" -}}
helm.sh/chart: {{ include "polity.chartLabel" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/part-of: polity
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- with include "polity.chartSpecificLabels" . }}
{{ . }}
{{- end }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{- define "polity.selectorLabels" -}}
app.kubernetes.io/name: {{ .c.id }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
{{- end }}

{{- /* The Kubernetes recommended labels of one workload and its objects. */ -}}
{{- define "polity.labels" -}}
helm.sh/chart: {{ include "polity.chartLabel" .ctx }}
{{ include "polity.selectorLabels" . }}
app.kubernetes.io/version: {{ include "polity.imageTag" . | trunc 63 | quote }}
app.kubernetes.io/component: {{ .c.component }}
app.kubernetes.io/part-of: polity
app.kubernetes.io/managed-by: {{ .ctx.Release.Service }}
{{- with include "polity.chartSpecificLabels" .ctx }}
{{ . }}
{{- end }}
{{- with .ctx.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{- define "polity.imageTag" -}}
{{- .c.values.image.tag | default .ctx.Values.image.tag | default .ctx.Chart.AppVersion -}}
{{- end }}

{{- define "polity.image" -}}
{{- $registry := .c.values.image.registry | default .ctx.Values.image.registry -}}
{{- $ref := .c.values.image.repository -}}
{{- if $registry }}{{ $ref = printf "%s/%s" $registry $ref }}{{ end -}}
{{- if .c.values.image.digest -}}
{{- printf "%s@%s" $ref .c.values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" $ref (include "polity.imageTag" .) -}}
{{- end -}}
{{- end }}

{{- /* Restricted Pod Security Standard: non-root, seccomp RuntimeDefault; not configurable beyond the ids. */ -}}
{{- define "polity.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .ctx.Values.securityContext.runAsUser }}
runAsGroup: {{ .ctx.Values.securityContext.runAsGroup }}
fsGroup: {{ .ctx.Values.securityContext.fsGroup }}
fsGroupChangePolicy: OnRootMismatch
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- define "polity.containerSecurityContext" -}}
runAsNonRoot: true
readOnlyRootFilesystem: true
allowPrivilegeEscalation: false
privileged: false
capabilities:
  drop:
    - ALL
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- /* quarkus-smallrye-health: started, live, ready. */ -}}
{{- define "polity.probes" -}}
{{- $p := .ctx.Values.probes -}}
startupProbe:
  httpGet:
    path: /q/health/started
    port: http
  periodSeconds: {{ $p.startup.periodSeconds }}
  timeoutSeconds: {{ $p.startup.timeoutSeconds }}
  failureThreshold: {{ $p.startup.failureThreshold }}
livenessProbe:
  httpGet:
    path: /q/health/live
    port: http
  periodSeconds: {{ $p.liveness.periodSeconds }}
  timeoutSeconds: {{ $p.liveness.timeoutSeconds }}
  failureThreshold: {{ $p.liveness.failureThreshold }}
readinessProbe:
  httpGet:
    path: /q/health/ready
    port: http
  periodSeconds: {{ $p.readiness.periodSeconds }}
  timeoutSeconds: {{ $p.readiness.timeoutSeconds }}
  failureThreshold: {{ $p.readiness.failureThreshold }}
{{- end }}

{{- /* Kafka client settings as environment variables; Quarkus maps KAFKA_X_Y to the client property x.y. */ -}}
{{- define "polity.kafkaConfig" -}}
{{- $k := .ctx.Values.kafka -}}
KAFKA_BOOTSTRAP_SERVERS: {{ $k.bootstrapServers | quote }}
KAFKA_SECURITY_PROTOCOL: {{ $k.securityProtocol | quote }}
{{- if hasPrefix "SASL_" $k.securityProtocol }}
KAFKA_SASL_MECHANISM: {{ $k.sasl.mechanism | quote }}
{{- end }}
{{- if and (hasSuffix "SSL" $k.securityProtocol) $k.tls.caSecret.name }}
KAFKA_SSL_TRUSTSTORE_TYPE: "PEM"
KAFKA_SSL_TRUSTSTORE_LOCATION: "/etc/polity/kafka-ca/{{ $k.tls.caSecret.key }}"
{{- end }}
{{- end }}

{{- define "polity.kafkaSecretEnv" -}}
{{- $k := .ctx.Values.kafka -}}
{{- if hasPrefix "SASL_" $k.securityProtocol }}
- name: KAFKA_SASL_JAAS_CONFIG
  valueFrom:
    secretKeyRef:
      name: {{ .c.values.kafka.credentialsSecret }}
      key: {{ $k.sasl.jaasConfigKey }}
{{- end }}
{{- end }}

{{- define "polity.kafkaVolumeMounts" -}}
{{- $k := .ctx.Values.kafka -}}
{{- if and (hasSuffix "SSL" $k.securityProtocol) $k.tls.caSecret.name }}
- name: kafka-ca
  mountPath: /etc/polity/kafka-ca
  readOnly: true
{{- end }}
{{- end }}

{{- define "polity.kafkaVolumes" -}}
{{- $k := .ctx.Values.kafka -}}
{{- if and (hasSuffix "SSL" $k.securityProtocol) $k.tls.caSecret.name }}
- name: kafka-ca
  secret:
    secretName: {{ $k.tls.caSecret.name }}
    items:
      - key: {{ $k.tls.caSecret.key }}
        path: {{ $k.tls.caSecret.key }}
{{- end }}
{{- end }}

{{- /* Pod scheduling and pull secrets, shared by every workload. */ -}}
{{- define "polity.podScheduling" -}}
{{- with .ctx.Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .c.values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .c.values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .c.values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- if .c.values.topologySpread }}
topologySpreadConstraints:
  - maxSkew: 1
    topologyKey: topology.kubernetes.io/zone
    whenUnsatisfiable: ScheduleAnyway
    labelSelector:
      matchLabels:
        {{- include "polity.selectorLabels" . | nindent 8 }}
  - maxSkew: 1
    topologyKey: kubernetes.io/hostname
    whenUnsatisfiable: ScheduleAnyway
    labelSelector:
      matchLabels:
        {{- include "polity.selectorLabels" . | nindent 8 }}
{{- end }}
{{- end }}

{{- /* The container's fixed parts: image, port, probes, resources, security context. */ -}}
{{- define "polity.containerBase" -}}
name: {{ .c.id }}
image: {{ include "polity.image" . | quote }}
imagePullPolicy: {{ .c.values.image.pullPolicy | default .ctx.Values.image.pullPolicy }}
ports:
  - name: http
    containerPort: {{ .c.port }}
    protocol: TCP
{{ include "polity.probes" . }}
resources:
  {{- toYaml .c.values.resources | nindent 2 }}
securityContext:
  {{- include "polity.containerSecurityContext" . | nindent 2 }}
{{- end }}

{{- define "polity.service" -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "polity.workloadName" . }}
  namespace: {{ .ctx.Release.Namespace }}
  labels:
    {{- include "polity.labels" . | nindent 4 }}
spec:
  type: ClusterIP
  selector:
    {{- include "polity.selectorLabels" . | nindent 4 }}
  ports:
    - name: http
      port: 80
      targetPort: http
      protocol: TCP
{{- end }}

{{- define "polity.podDisruptionBudget" -}}
{{- if .c.values.podDisruptionBudget.enabled }}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "polity.workloadName" . }}
  namespace: {{ .ctx.Release.Namespace }}
  labels:
    {{- include "polity.labels" . | nindent 4 }}
spec:
  maxUnavailable: {{ .c.values.podDisruptionBudget.maxUnavailable }}
  selector:
    matchLabels:
      {{- include "polity.selectorLabels" . | nindent 6 }}
{{- end }}
{{- end }}

{{- define "polity.horizontalPodAutoscaler" -}}
{{- if .c.values.autoscaling.enabled }}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "polity.workloadName" . }}
  namespace: {{ .ctx.Release.Namespace }}
  labels:
    {{- include "polity.labels" . | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: {{ .kind }}
    name: {{ include "polity.workloadName" . }}
  minReplicas: {{ .c.values.autoscaling.minReplicas }}
  maxReplicas: {{ .c.values.autoscaling.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ .c.values.autoscaling.targetCPUUtilizationPercentage }}
{{- end }}
{{- end }}

{{- /* NetworkPolicy peers: DNS, shared by every workload's egress. */ -}}
{{- define "polity.dnsEgress" -}}
- to:
    {{- toYaml .ctx.Values.networkPolicy.dns.to | nindent 4 }}
  ports:
    - protocol: UDP
      port: 53
    - protocol: TCP
      port: 53
{{- end }}

{{- /* One egress rule: TCP to the given ports of the given peers ([] = any destination). */ -}}
{{- define "polity.egressRule" -}}
{{- $ports := list -}}
{{- range .ports }}{{ $ports = append $ports (dict "protocol" "TCP" "port" .) }}{{ end -}}
{{- $rule := dict "ports" $ports -}}
{{- if .to }}{{ $_ := set $rule "to" .to }}{{ end -}}
{{- toYaml (list $rule) -}}
{{- end }}

{{- define "polity.kafkaEgress" -}}
{{- include "polity.egressRule" .ctx.Values.kafka.networkPolicy -}}
{{- end }}

{{- /* Metrics scrapers may reach the workload's HTTP port when a ServiceMonitor is rendered. */ -}}
{{- define "polity.metricsIngress" -}}
{{- if .ctx.Values.serviceMonitor.enabled -}}
- from:
    {{- toYaml .ctx.Values.networkPolicy.metricsFrom | nindent 4 }}
  ports:
    - protocol: TCP
      port: {{ .c.port }}
{{- end }}
{{- end }}

{{- define "polity.serviceMonitor" -}}
{{- if .Values.serviceMonitor.enabled }}
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: {{ include "polity.fullname" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "polity.releaseLabels" . | nindent 4 }}
    {{- with .Values.serviceMonitor.labels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  selector:
    matchLabels:
      app.kubernetes.io/instance: {{ .Release.Name }}
      app.kubernetes.io/part-of: polity
    # Headless Services (the node's StatefulSet governor) would scrape the same pods twice.
    matchExpressions:
      - key: polity.dev/headless
        operator: DoesNotExist
  namespaceSelector:
    matchNames:
      - {{ .Release.Namespace }}
  endpoints:
    - port: http
      path: /q/metrics
      interval: {{ .Values.serviceMonitor.interval }}
      scrapeTimeout: {{ .Values.serviceMonitor.scrapeTimeout }}
{{- end }}
{{- end }}

{{- /* Strimzi KafkaTopic resources for the Polity topics (dev.polity.contracts.Topics.ALL). */ -}}
{{- define "polity.kafkaTopics" -}}
{{- $t := .Values.kafkaTopics -}}
{{- if $t.enabled }}
{{- range $t.topics }}
---
apiVersion: kafka.strimzi.io/v1
kind: KafkaTopic
metadata:
  name: {{ .name | replace "." "-" }}
  namespace: {{ $t.namespace | default $.Release.Namespace }}
  labels:
    strimzi.io/cluster: {{ $t.clusterName }}
    {{- include "polity.releaseLabels" $ | nindent 4 }}
  annotations:
    helm.sh/resource-policy: keep
spec:
  topicName: {{ .name }}
  partitions: {{ .partitions }}
  replicas: {{ $t.replicas }}
  config:
    {{- toYaml .config | nindent 4 }}
{{- end }}
{{- end }}
{{- end }}

{{- define "polity.serviceAccount" -}}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ include "polity.fullname" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "polity.releaseLabels" . | nindent 4 }}
automountServiceAccountToken: false
{{- end }}

{{- /* Deny every ingress and egress of this release's pods that a later policy does not allow. */ -}}
{{- define "polity.defaultDenyNetworkPolicy" -}}
{{- if .Values.networkPolicy.enabled }}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "polity.fullname" . }}-default-deny
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "polity.releaseLabels" . | nindent 4 }}
spec:
  podSelector:
    matchLabels:
      app.kubernetes.io/instance: {{ .Release.Name }}
      app.kubernetes.io/part-of: polity
  policyTypes:
    - Ingress
    - Egress
{{- end }}
{{- end }}

{{- /*
The gateway: ConfigMap (env), routes ConfigMap (map-valued keys, loaded through QUARKUS_CONFIG_LOCATIONS),
Deployment, Service, optional Ingress, PDB, HPA and its NetworkPolicy (the only ingress from outside the
release). Input: ctx, c, config (ConfigMap data), routes (properties, may be empty), egress (extra rules),
kafka (optional, true: the gateway is a Kafka client like the services: its SASL credentials from
c.values.kafka.credentialsSecret and the brokers' CA; the caller puts polity.kafkaConfig into config and
polity.kafkaEgress into egress).
*/ -}}
{{- define "polity.gatewayWorkload" -}}
{{- $x := dict "ctx" .ctx "c" .c -}}
{{- $c := .c -}}
{{- $name := include "polity.workloadName" $x -}}
{{- $full := include "polity.fullname" .ctx -}}
{{- $config := .config -}}
{{- $routes := .routes -}}
{{- $egress := .egress -}}
{{- $kafkaEnv := "" -}}
{{- $kafkaMounts := "" -}}
{{- $kafkaVolumes := "" -}}
{{- if .kafka -}}
{{- $kafkaEnv = include "polity.kafkaSecretEnv" $x | trim -}}
{{- $kafkaMounts = include "polity.kafkaVolumeMounts" $x | trim -}}
{{- $kafkaVolumes = include "polity.kafkaVolumes" $x | trim -}}
{{- end -}}
{{- with .ctx -}}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ $name }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "polity.labels" $x | nindent 4 }}
data:
  {{- $config | nindent 2 }}
{{- if $routes }}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ $name }}-routes
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "polity.labels" $x | nindent 4 }}
data:
  routes.properties: |
    {{- $routes | nindent 4 }}
{{- end }}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ $name }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "polity.labels" $x | nindent 4 }}
spec:
  {{- if not .Values.gateway.autoscaling.enabled }}
  replicas: {{ .Values.gateway.replicaCount }}
  {{- end }}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      {{- include "polity.selectorLabels" $x | nindent 6 }}
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 1
      maxUnavailable: 0
  template:
    metadata:
      labels:
        {{- include "polity.labels" $x | nindent 8 }}
      annotations:
        checksum/config: {{ print $config $routes | sha256sum }}
        {{- with .Values.gateway.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      serviceAccountName: {{ $full }}
      automountServiceAccountToken: false
      enableServiceLinks: false
      securityContext:
        {{- include "polity.podSecurityContext" $x | nindent 8 }}
      {{- with include "polity.podScheduling" $x | trim }}{{ . | nindent 6 }}{{- end }}
      containers:
        - {{ include "polity.containerBase" $x | nindent 10 | trim }}
          envFrom:
            - configMapRef:
                name: {{ $name }}
          {{- if or $kafkaEnv .Values.gateway.extraEnv .Values.gateway.jvmOptions }}
          env:
            {{- with $kafkaEnv }}{{ . | nindent 12 }}{{- end }}
            {{- include "polity.jvmEnv" .Values.gateway | nindent 12 }}
            {{- with .Values.gateway.extraEnv }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          {{- end }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
            {{- if $routes }}
            - name: routes
              mountPath: /etc/polity/gateway
              readOnly: true
            {{- end }}
            {{- with $kafkaMounts }}{{ . | nindent 12 }}{{- end }}
      volumes:
        - name: tmp
          emptyDir:
            sizeLimit: 256Mi
        {{- with $kafkaVolumes }}{{ . | nindent 8 }}{{- end }}
        {{- if $routes }}
        - name: routes
          configMap:
            name: {{ $name }}-routes
        {{- end }}
---
apiVersion: v1
kind: Service
metadata:
  name: {{ $name }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "polity.labels" $x | nindent 4 }}
  {{- with .Values.gateway.service.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  type: {{ .Values.gateway.service.type }}
  selector:
    {{- include "polity.selectorLabels" $x | nindent 4 }}
  ports:
    - name: http
      port: {{ .Values.gateway.service.port }}
      targetPort: http
      protocol: TCP
{{- if .Values.gateway.ingress.enabled }}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {{ $name }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "polity.labels" $x | nindent 4 }}
  {{- with .Values.gateway.ingress.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  {{- with .Values.gateway.ingress.className }}
  ingressClassName: {{ . }}
  {{- end }}
  {{- with .Values.gateway.ingress.tlsSecretName }}
  tls:
    - hosts:
        - {{ $x.ctx.Values.gateway.ingress.host }}
      secretName: {{ . }}
  {{- end }}
  rules:
    - host: {{ .Values.gateway.ingress.host }}
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: {{ $name }}
                port:
                  name: http
{{- end }}
{{ include "polity.podDisruptionBudget" $x }}
{{ include "polity.horizontalPodAutoscaler" (merge (dict "kind" "Deployment") $x) }}
{{- if .Values.networkPolicy.enabled }}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ $name }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "polity.labels" $x | nindent 4 }}
spec:
  podSelector:
    matchLabels:
      {{- include "polity.selectorLabels" $x | nindent 6 }}
  policyTypes:
    - Ingress
    - Egress
  ingress:
    # The gateway is the only workload reachable from outside the release.
    - ports:
        - protocol: TCP
          port: {{ $c.port }}
      {{- with .Values.networkPolicy.ingressFrom }}
      from:
        {{- toYaml . | nindent 8 }}
      {{- end }}
    {{- with include "polity.metricsIngress" $x | trim }}{{ . | nindent 4 }}{{- end }}
  egress:
    {{- include "polity.dnsEgress" $x | nindent 4 }}
    # The OIDC issuer (discovery and signing keys).
    {{- include "polity.egressRule" .Values.oidc.networkPolicy | nindent 4 }}
    {{- $egress | nindent 4 }}
{{- end }}
{{- end }}
{{- end }}

{{- /* A component's jvmOptions as JAVA_TOOL_OPTIONS, which every JVM reads whatever the image's start script. */ -}}
{{- define "polity.jvmEnv" -}}
{{- with .jvmOptions }}
- name: JAVA_TOOL_OPTIONS
  value: {{ . | quote }}
{{- end }}
{{- end -}}
