package dev.polity.contracts.audit;

import dev.polity.contracts.crypto.Ed25519;
import dev.polity.contracts.json.Json;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The offline verifier an auditor runs: {@code VerifyAuditExport <export.json> <public key>...}, where each public
 * key is the base64 X.509 encoding of an Ed25519 key, or a file holding it (PEM armour is fine). Needs no network
 * and no Polity service, only this class's jar and Jackson.
 *
 * <p>Prints the {@link VerificationReport} as JSON on standard output and a one-line verdict on standard error.
 * Exit status: 0 verified, 1 the export does not verify (the report names the first sequence number or checkpoint
 * that does not match), 2 usage error or unreadable file.
 */
public final class VerifyAuditExport {

    private VerifyAuditExport() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** The command without {@code System.exit}, for tests and embedding. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length < 2) {
            err.println("usage: VerifyAuditExport <export.json> <public key (base64 or file)>...");
            return 2;
        }
        Map<String, PublicKey> keys = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            try {
                PublicKey key = Ed25519.decodePublicKey(readKey(args[i]));
                keys.put(Ed25519.keyId(key), key);
            } catch (IOException | IllegalArgumentException e) {
                err.println("cannot read public key " + args[i] + ": " + e.getMessage());
                return 2;
            }
        }
        VerificationReport report;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(Path.of(args[0])))) {
            report = AuditExports.verify(in, keys);
        } catch (IOException | RuntimeException e) {
            err.println("cannot read export " + args[0] + ": " + e.getMessage());
            return 2;
        }
        try {
            out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(report));
        } catch (IOException e) {
            err.println("cannot print the report: " + e.getMessage());
            return 2;
        }
        if (report.ok()) {
            err.println("VERIFIED: " + report.entriesChecked() + " entries (" + report.firstSequence() + " to "
                    + report.lastSequence() + "), " + report.checkpointsChecked() + " signed checkpoints, tree size "
                    + report.verifiedTreeSize());
            return 0;
        }
        err.println("NOT VERIFIED: " + report.problemsTotal() + " problem(s); first mismatching sequence "
                + report.firstMismatchSequence() + ", first mismatching checkpoint " + report.firstMismatchTreeSize()
                + (report.problems().isEmpty() ? "" : "; " + report.problems().getFirst().problem()));
        return 1;
    }

    private static String readKey(String argument) throws IOException {
        Path file = Path.of(argument);
        if (argument.length() < 512 && Files.isRegularFile(file)) {
            return Files.readString(file, StandardCharsets.UTF_8);
        }
        return argument;
    }
}
