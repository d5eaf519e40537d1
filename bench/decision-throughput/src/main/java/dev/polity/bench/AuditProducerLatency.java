package dev.polity.bench;

import dev.polity.contracts.Topics;
import dev.polity.devstack.kafka.KafkaBroker;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * How long Kafka alone takes to acknowledge the node's decision records on this machine, without the node: a
 * devstack broker (the same one {@link DecisionThroughputBench} starts) and one producer with the audit channel's
 * settings (acks=all, idempotence, lz4, linger.ms=0, one request in flight, 256 KB batches) sending 11 KB records
 * (the size of the benchmark request's audit record, cut from the sample answer so they compress alike) on a fixed
 * schedule: {@code rate} records per second for {@code duration} seconds, after as long a warm-up. Each latency counts
 * from when its record was due to its acknowledgement, as the node's decisions wait for it.
 *
 * <p>Prints the percentiles and every 100 ms whose slowest acknowledgement took over 10 ms: the floor under the
 * node's latency that the broker on the same two cores sets.
 *
 * <pre>./mvnw -q -B -f bench/decision-throughput/pom.xml compile exec:java -Dbench.main=dev.polity.bench.AuditProducerLatency -Drate=3000</pre>
 */
public final class AuditProducerLatency {

    private AuditProducerLatency() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(System.getProperty("polity.project.root", ".")).toAbsolutePath().normalize();
        int rate = Integer.parseInt(System.getProperty("rate", "3000"));
        int seconds = Integer.parseInt(System.getProperty("duration", "20"));
        String inFlight = System.getProperty("in-flight", "1");
        byte[] sample = Files.readAllBytes(root.resolve("bench/decision-throughput/results/sample-response.json"));
        byte[] record = Arrays.copyOf(sample, 11_000);
        Path work = Files.createTempDirectory("polity-producer-latency");
        List<String> brokerJvm = System.getProperty("broker.jvm", "").isBlank() ? KafkaBroker.SERVER_JVM_OPTIONS
                : List.of(System.getProperty("broker.jvm").trim().split("\\s+"));
        System.out.println("broker JVM: " + String.join(" ", brokerJvm));
        try (KafkaBroker broker = KafkaBroker.start(work.resolve("kafka"), Topics.ALL, brokerJvm)) {
            Properties settings = new Properties();
            settings.put("bootstrap.servers", broker.bootstrapServers());
            settings.put("acks", "all");
            settings.put("enable.idempotence", "true");
            settings.put("linger.ms", "0");
            settings.put("max.in.flight.requests.per.connection", inFlight);
            settings.put("compression.type", "lz4");
            settings.put("batch.size", "262144");
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(settings, new StringSerializer(), new ByteArraySerializer())) {
                producer.send(new ProducerRecord<>(Topics.AUDIT_EVENTS, "warm", record)).get();
                run(producer, record, rate, seconds, false);
                run(producer, record, rate, seconds, true);
            }
        }
    }

    private static void run(KafkaProducer<String, byte[]> producer, byte[] record, int rate, int seconds, boolean print)
            throws InterruptedException {
        long[] histogram = new long[100_000]; // 10 us buckets up to 1 s
        long[] slowestPerSlot = new long[seconds * 10 + 1]; // per 100 ms
        long interval = TimeUnit.SECONDS.toNanos(1) / rate;
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
        long records = (long) rate * seconds;
        for (long i = 0; i < records; i++) {
            long due = start + i * interval;
            long now;
            while ((now = System.nanoTime()) < due) {
                if (due - now > 200_000) {
                    Thread.sleep(0, 100_000);
                } else {
                    Thread.onSpinWait();
                }
            }
            int slot = (int) ((due - start) / TimeUnit.MILLISECONDS.toNanos(100));
            producer.send(new ProducerRecord<>(Topics.AUDIT_EVENTS, "k" + (i % 64), record), (metadata, failure) -> {
                long latency = System.nanoTime() - due;
                synchronized (histogram) {
                    histogram[(int) Math.min(histogram.length - 1, latency / 10_000)]++;
                    slowestPerSlot[slot] = Math.max(slowestPerSlot[slot], latency);
                }
            });
        }
        producer.flush();
        if (!print) {
            return;
        }
        synchronized (histogram) {
            long total = Arrays.stream(histogram).sum();
            StringBuilder line = new StringBuilder(String.format("%d records/s of %d bytes for %d s, %s request(s) in flight:",
                    rate, record.length, seconds, System.getProperty("in-flight", "1")));
            double[] percentiles = {50, 90, 99, 99.9};
            long seen = 0;
            int next = 0;
            for (int bucket = 0; bucket < histogram.length && next < percentiles.length; bucket++) {
                seen += histogram[bucket];
                while (next < percentiles.length && seen > percentiles[next] / 100 * total) {
                    line.append(String.format(" p%s %.2f ms", percentiles[next], (bucket + 1) / 100.0));
                    next++;
                }
            }
            System.out.println(line);
            int slow = 0;
            for (int slot = 0; slot < seconds * 10; slot++) {
                if (slowestPerSlot[slot] > TimeUnit.MILLISECONDS.toNanos(10)) {
                    slow++;
                    System.out.printf("slow: +%.1f s, slowest %.1f ms%n", slot / 10.0, slowestPerSlot[slot] / 1e6);
                }
            }
            System.out.printf("100 ms periods whose slowest acknowledgement took over 10 ms: %d of %d%n", slow, seconds * 10);
        }
    }
}
