package dev.polity.registry.card.service;

import dev.polity.registry.lifecycle.service.HistoryEntryView;
import dev.polity.registry.lifecycle.service.TransitionView;
import dev.polity.registry.model.service.FairnessMetrics;
import dev.polity.registry.model.service.Lineage;
import dev.polity.registry.model.service.RiskAssessment;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** Renders a {@link ModelCard} as a self-contained HTML page; every value from the registry is escaped. */
public final class ModelCardHtml {

    private ModelCardHtml() {
    }

    public static String render(ModelCard card) {
        StringBuilder html = new StringBuilder(8192);
        String title = card.organization() + "/" + card.name() + " " + card.version();
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Model card: ")
                .append(esc(title)).append("</title>\n<style>")
                .append("body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}")
                .append("table{border-collapse:collapse;margin:.5rem 0 1rem}th,td{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}")
                .append("th{background:#f3f3f3}.warning{background:#fff3cd;padding:.6rem;border:1px solid #e0c36a}")
                .append("</style>\n</head>\n<body>\n");
        html.append("<h1>Model card: ").append(esc(title)).append("</h1>\n");
        if (card.warning() != null) {
            html.append("<p class=\"warning\">").append(esc(card.warning())).append("</p>\n");
        }
        html.append("<table>\n");
        row(html, "Status", card.status());
        row(html, "Description", card.description() != null ? card.description() : card.model().description());
        row(html, "Domain", card.model().domain());
        row(html, "Owning team", card.model().owningTeam());
        row(html, "Tags", String.join(", ", card.model().tags()));
        row(html, "Access level", card.model().accessLevel());
        row(html, "Framework", card.artifact().framework());
        row(html, "Model type", card.artifact().modelType());
        row(html, "Artifact", Boolean.TRUE.equals(card.artifact().withheld()) ? "withheld (retired)" : card.artifact().uri());
        row(html, "Artifact SHA-256", card.artifact().sha256());
        row(html, "Created by", card.createdBy());
        row(html, "Registered by", card.registeredBy());
        row(html, "Registered at", card.registeredAt() == null ? null : card.registeredAt().toString());
        html.append("</table>\n");

        section(html, "Intended use", card.intendedUse());
        section(html, "Out-of-scope use", card.outOfScopeUse());
        section(html, "Limitations", card.limitations());
        section(html, "Ethical considerations", card.ethicalConsiderations());

        html.append("<h2>Risk</h2>\n");
        RiskAssessment risk = card.risk();
        if (risk == null) {
            html.append("<p>Not assessed.</p>\n");
        } else {
            html.append("<p>Level <strong>").append(esc(risk.level())).append("</strong>, score ").append(risk.score()).append("</p>\n");
            if (risk.inputs() != null && !risk.inputs().factors().isEmpty()) {
                html.append("<table>\n<tr><th>Factor</th><th>Points</th></tr>\n");
                for (RiskAssessment.Factor factor : risk.inputs().factors()) {
                    html.append("<tr><td>").append(esc(factor.factor())).append("</td><td>").append(factor.points()).append("</td></tr>\n");
                }
                html.append("</table>\n");
            }
        }

        html.append("<h2>Performance metrics</h2>\n");
        metrics(html, card.performanceMetrics());

        html.append("<h2>Fairness</h2>\n");
        FairnessMetrics fairness = card.fairness();
        if (fairness == null) {
            html.append("<p>No bias testing recorded.</p>\n");
        } else {
            html.append("<table>\n");
            row(html, "Demographic parity", str(fairness.demographicParity()));
            row(html, "Equalized odds", str(fairness.equalizedOdds()));
            row(html, "Disparate impact", str(fairness.disparateImpact()));
            row(html, "Calibration", str(fairness.calibration()));
            row(html, "Protected attributes", fairness.protectedAttributes() == null ? null : String.join(", ", fairness.protectedAttributes()));
            html.append("</table>\n");
            if (fairness.byGroup() != null && !fairness.byGroup().isEmpty()) {
                html.append("<h3>By group</h3>\n");
                TreeSet<String> names = new TreeSet<>();
                fairness.byGroup().values().forEach(m -> names.addAll(m.keySet()));
                html.append("<table>\n<tr><th>Group</th>");
                names.forEach(n -> html.append("<th>").append(esc(n)).append("</th>"));
                html.append("</tr>\n");
                fairness.byGroup().forEach((group, values) -> {
                    html.append("<tr><td>").append(esc(group)).append("</td>");
                    names.forEach(n -> html.append("<td>").append(esc(str(values.get(n)))).append("</td>"));
                    html.append("</tr>\n");
                });
                html.append("</table>\n");
            }
        }

        html.append("<h2>Training data</h2>\n");
        if (card.trainingData() == null) {
            html.append("<p>Not recorded.</p>\n");
        } else {
            html.append("<table>\n");
            row(html, "Contains PII", str(card.trainingData().containsPii()));
            row(html, "Anonymisation", card.trainingData().anonymizationMethod());
            row(html, "Consent tracked", str(card.trainingData().consentTracked()));
            row(html, "Sources", card.trainingData().sources() == null ? null : String.join(", ", card.trainingData().sources()));
            html.append("</table>\n");
        }

        html.append("<h2>Lineage</h2>\n");
        Lineage lineage = card.lineage();
        if (lineage == null) {
            html.append("<p>Not recorded.</p>\n");
        } else {
            html.append("<table>\n");
            row(html, "Dataset", join(lineage.datasetId(), lineage.datasetVersion()));
            row(html, "Dataset hash", lineage.datasetHash());
            row(html, "Code", join(lineage.gitRepository(), lineage.gitBranch()));
            row(html, "Commit", lineage.gitCommit());
            row(html, "Feature store version", lineage.featureStoreVersion());
            row(html, "Hyperparameters", lineage.hyperparameters() == null ? null : lineage.hyperparameters().toString());
            row(html, "Training duration (s)", str(lineage.trainingDurationSeconds()));
            row(html, "Hardware", lineage.hardware());
            html.append("</table>\n");
        }

        if (card.deploymentConstraints() != null && !card.deploymentConstraints().isEmpty()) {
            html.append("<h2>Deployment constraints</h2>\n<table>\n");
            card.deploymentConstraints().forEach((key, value) -> row(html, key, String.valueOf(value)));
            html.append("</table>\n");
        }

        html.append("<h2>Approvals</h2>\n");
        List<TransitionView> approvals = card.approvals();
        if (approvals.isEmpty()) {
            html.append("<p>None yet.</p>\n");
        } else {
            html.append("<table>\n<tr><th>To</th><th>Requested by</th><th>Decision</th><th>Bundle revision</th><th>Sign-offs</th></tr>\n");
            for (TransitionView approval : approvals) {
                StringBuilder signOffs = new StringBuilder();
                for (TransitionView.SignOffView signOff : approval.signOffs()) {
                    if (!signOffs.isEmpty()) {
                        signOffs.append("; ");
                    }
                    signOffs.append(signOff.review()).append(" by ").append(signOff.signedBy());
                }
                html.append("<tr><td>").append(esc(approval.toStatus())).append("</td><td>").append(esc(approval.requestedBy()))
                        .append("</td><td>").append(esc(approval.decision() == null ? null : approval.decision().decision()
                                + " (" + approval.decision().decisionId() + ")"))
                        .append("</td><td>").append(esc(approval.decision() == null ? null : str(approval.decision().bundleRevision())))
                        .append("</td><td>").append(esc(signOffs.toString())).append("</td></tr>\n");
            }
            html.append("</table>\n");
        }

        html.append("<h2>History</h2>\n");
        if (card.history().isEmpty()) {
            html.append("<p>Registered in development; not moved since.</p>\n");
        } else {
            html.append("<table>\n<tr><th>When</th><th>From</th><th>To</th><th>By</th><th>Why</th></tr>\n");
            for (HistoryEntryView entry : card.history()) {
                html.append("<tr><td>").append(esc(entry.movedAt().toString())).append("</td><td>").append(esc(entry.fromStatus()))
                        .append("</td><td>").append(esc(entry.toStatus())).append("</td><td>").append(esc(entry.movedBy()))
                        .append("</td><td>").append(esc(entry.reason())).append("</td></tr>\n");
            }
            html.append("</table>\n");
        }
        html.append("<p><small>Generated by the Polity model registry at ").append(esc(card.generatedAt().toString()))
                .append(".</small></p>\n</body>\n</html>\n");
        return html.toString();
    }

    private static void metrics(StringBuilder html, Map<String, BigDecimal> metrics) {
        if (metrics == null || metrics.isEmpty()) {
            html.append("<p>None recorded.</p>\n");
            return;
        }
        html.append("<table>\n<tr><th>Metric</th><th>Value</th></tr>\n");
        metrics.forEach((name, value) -> html.append("<tr><td>").append(esc(name)).append("</td><td>")
                .append(esc(str(value))).append("</td></tr>\n"));
        html.append("</table>\n");
    }

    private static void section(StringBuilder html, String heading, String text) {
        html.append("<h2>").append(esc(heading)).append("</h2>\n<p>")
                .append(text == null || text.isBlank() ? "Not stated." : esc(text)).append("</p>\n");
    }

    private static void row(StringBuilder html, String label, String value) {
        html.append("<tr><th>").append(esc(label)).append("</th><td>").append(esc(value == null ? "-" : value)).append("</td></tr>\n");
    }

    private static String join(String a, String b) {
        if (a == null) {
            return b;
        }
        return b == null ? a : a + " @ " + b;
    }

    private static String str(Object value) {
        if (value instanceof BigDecimal decimal) {
            return decimal.stripTrailingZeros().toPlainString();
        }
        return value == null ? null : value.toString();
    }

    static String esc(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
