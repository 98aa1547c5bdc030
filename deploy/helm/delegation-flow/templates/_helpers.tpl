{{- define "df.name" -}}{{ .Chart.Name }}{{- end -}}

{{- define "df.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}{{ .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else -}}{{ printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" }}{{- end -}}
{{- end -}}

{{- define "df.labels" -}}
app.kubernetes.io/name: {{ include "df.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "df.selector" -}}
app.kubernetes.io/name: {{ include "df.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "df.image" -}}
{{- if .Values.image.digest -}}{{ printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else -}}{{ printf "%s:%s" .Values.image.repository (required "image.tag or image.digest is required" .Values.image.tag) }}{{- end -}}
{{- end -}}

{{- define "df.secretName" -}}
{{- if .Values.secrets.existingSecret -}}{{ .Values.secrets.existingSecret }}{{- else -}}{{ include "df.fullname" . }}{{- end -}}
{{- end -}}

{{- define "df.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}{{ default (include "df.fullname" .) .Values.serviceAccount.name }}{{- else -}}{{ default "default" .Values.serviceAccount.name }}{{- end -}}
{{- end -}}

{{/* A secret volume with only the named keys: each pod gets its own secrets and no others. */}}
{{- define "df.secretVolume" -}}
- name: secrets
  secret:
    secretName: {{ include "df.secretName" .root }}
    defaultMode: 0440
    items:
      {{- range .keys }}
      - key: {{ index $.root.Values.secrets.keys . }}
        path: {{ index $.root.Values.secrets.keys . }}
      {{- end }}
{{- end -}}

{{/* Environment shared by migrate, api and worker: the ConfigMap plus the database password file. */}}
{{- define "df.commonEnv" -}}
- name: DATABASE_PASSWORD_FILE
  value: /run/secrets/delegation-flow/{{ .Values.secrets.keys.databasePassword }}
{{- end -}}

{{- define "df.containerDefaults" -}}
image: {{ include "df.image" . }}
imagePullPolicy: {{ .Values.image.pullPolicy }}
securityContext:
  {{- toYaml .Values.securityContext | nindent 2 }}
envFrom:
  - configMapRef:
      name: {{ include "df.fullname" . }}
{{- end -}}

{{- define "df.mounts" -}}
- name: secrets
  mountPath: /run/secrets/delegation-flow
  readOnly: true
- name: tmp
  mountPath: /tmp
{{- with .Values.extraVolumeMounts }}
{{ toYaml . }}
{{- end }}
{{- end -}}
